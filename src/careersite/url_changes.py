"""Guides whose URL changed since the last build, with the alias that keeps the old one.

The output record (incremental.fresh.Record.urls) notes each built guide's
site path. The next build compares: a guide built both times under another
path, whose old path is now neither one of its aliases nor any other page,
is a warning at the key that decides its URL (slug, else role). The record
then holds the new path, so the warning is given by the first build after
the change. No record (no cache, --no-cache, a first build): no warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .diagnostics import Diagnostic, warning
from .site import Site
from .urls import fold


def urls(site: Site) -> dict[Path, str]:
    """Each built guide's source -> the site path of its page."""
    return {a.source: site.paths[a.source] for a in site.articles if a.is_guide}


def changed(before: Mapping[Path, str], site: Site) -> list[Diagnostic]:
    """A warning for each guide whose page left a URL that nothing serves now."""
    if not before:
        return []
    served = {fold(path) for path in site.paths.values()}
    served.update(fold(hub.path) for hub in site.roles)
    served.update(fold(hub.path) for hub in site.cities)
    served.update(fold(redirect.path) for redirect in site.redirects)
    problems = []
    for article in site.articles:
        old = before.get(article.source)
        new = site.paths.get(article.source)
        if not article.is_guide or old is None or new is None or old == new:
            continue
        if fold(old) in served:
            continue
        where = (
            "add under its aliases:" if article.aliases else "add to the front matter\n  aliases:"
        )
        problems.append(
            warning(
                f"the guide's URL changed from /{old} to /{new} since the last build: "
                "links and search results to the old one break",
                article.url_at,
                f"keep the old URL: {where}\n    - /{old}",
            )
        )
    return problems
