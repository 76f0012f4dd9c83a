"""Which pages a change makes stale, and why: one decision for every kind of rebuild.

A rebuild describes what changed since the build it starts from as a Change
(the dev server against the build it holds in memory, a new process against
the record of the last build on disk: pipeline._change_in_process and
pipeline._change_since) and stale() turns it into the pages to render again,
each with the reason `careersite build --explain` prints.

An edited guide touches its own page, its role hub and city hub, the guides
that list it beside them (its city's, and up to SAME_ROLE_SHOWN of its
role's: they show its range), the pages whose text links to it, and the
site-wide lists (home, indexes, sitemap, feed); when only its text changed
and nothing other pages show of it, only its own page. A layout touches
the pages whose template uses it, directly or through extends, include and
import. Anything this module cannot bound (data files, static files, a hub
that appears or disappears) makes every page stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta

from ..article import Article
from ..diagnostics import display_path
from ..site import Site
from ..urls import alias_site_path


@dataclass(frozen=True, kw_only=True)
class Change:
    """What changed since the build a rebuild starts from, in the terms stale() judges."""

    everything: str | None = None  # a change no set of pages can bound, and why
    text: frozenset[Path] = frozenset()  # sources whose text alone changed: their own page
    # sources linked into the site as before whose card changed (salary, summary, dates)
    shown: frozenset[Path] = frozenset()
    # sources linked otherwise (title, role, city, slug, alias, draft), come, gone or
    # failed: what they touch is judged in the site before and after (the dev server's)
    relinked: frozenset[Path] = frozenset()
    moved: frozenset[Path] = frozenset()  # sources that links to them find otherwise
    layouts: frozenset[str] = frozenset()  # layout files changed, as templates name them


@dataclass(frozen=True)
class Stale:
    """The pages to render again, each with why; or every page, with one reason."""

    pages: Mapping[str, str] = field(default_factory=dict)  # site path -> why
    everything: str | None = None  # why every page is rendered again

    def __contains__(self, path: object) -> bool:
        return self.everything is not None or path in self.pages

    def why(self, path: str) -> str | None:
        return self.everything if self.everything is not None else self.pages.get(path)


SITE_WIDE = ("sitemap.xml", "feed.xml")
REDIRECT_MAPS = ("_redirects", "nginx-redirects.conf")  # every alias and its target


def template_users(env: jinja2.Environment, changed: Iterable[str]) -> set[str]:
    """Every template that is, or uses, one of the changed templates."""
    uses: dict[str, set[str]] = {}
    loader = env.loader
    assert loader is not None
    for name in loader.list_templates():
        try:
            source = loader.get_source(env, name)[0]
            uses[name] = {ref for ref in meta.find_referenced_templates(env.parse(source)) if ref}
        except jinja2.TemplateError:
            uses[name] = set()
    users = set(changed)
    grew = True
    while grew:
        grew = False
        for name, referenced in uses.items():
            if name not in users and referenced & users:
                users.add(name)
                grew = True
    return users


def touched_by(article: Article, site: Site, same_guides: bool) -> set[str]:
    """Pages that show something of this article in this version of the site.

    same_guides tells that its role hub lists the same guides, in the same
    order, in the other version: then only the guides that list it beside
    them show it (RoleHub.listing), else every guide of the role may show
    another list or count.
    """
    paths = {site.paths[article.source], "", *SITE_WIDE}
    paths |= {*site.roles_index_pages(), *site.cities_index_pages()}
    paths |= {alias_site_path(alias) for alias in article.aliases}
    for hub in site.roles:
        if hub.role.slug == article.role.slug:
            paths |= set(site.hub_pages(hub))  # each page links every other
            shown = hub.listing(article) if same_guides and article.city else hub.guides
            paths |= {site.paths[g.source] for g in shown}
    if article.city is not None:
        for city_hub in site.cities:
            if city_hub.city.slug == article.city.slug:
                paths |= set(site.hub_pages(city_hub))
                paths |= {site.paths[g.source] for g in city_hub.guides}
    return paths


def _same_guides(before: Site, after: Site, role_slug: str) -> bool:
    """Whether the role hub lists the same guides in the same order in both versions."""
    hubs = before.role_hub(role_slug), after.role_hub(role_slug)
    if hubs[0] is None or hubs[1] is None:
        return False
    return [g.source for g in hubs[0].guides] == [g.source for g in hubs[1].guides]


def stale(
    change: Change,
    after: Site,
    env: jinja2.Environment,
    template_of: Mapping[str, str],
    before: Site | None = None,
    links_to: Mapping[Path, set[Path]] | None = None,
) -> Stale:
    """The pages of after to render again for change, each with why.

    template_of maps every page of after to its template's name; before is
    the site the change is measured from, when it is at hand (the dev
    server's), and links_to maps a source file to the sources whose text
    links to it (needed when change.moved is not empty).
    """
    if change.everything is not None:
        return Stale(everything=change.everything)
    static = sorted(name for name in change.layouts if name.startswith("static/"))
    if static:
        return Stale(everything=f"{static[0]} changed: every page links static files by digest")
    if change.relinked and before is None:
        return Stale(everything="a source is linked otherwise and the site before is not known")
    if before is not None and _hubs(before) != _hubs(after):
        return Stale(everything="a role or city hub came or went: hub lists change all over")
    reasons: dict[str, str] = {}
    for source in sorted(change.text | change.shown | change.relinked):
        if source in after.paths:
            reasons.setdefault(after.paths[source], f"{display_path(source)} changed")
    for name in REDIRECT_MAPS if change.relinked else ():
        reasons.setdefault(name, "a source is linked otherwise: its aliases or URL may have moved")
    _shows(reasons, change.relinked, before, after)
    _shows(reasons, change.shown, None, after)
    for source in sorted(change.moved):
        for linking in sorted((links_to or {}).get(source, ())):
            if linking in after.paths:
                why = f"links to {display_path(source)}, which moved, came or went"
                reasons.setdefault(after.paths[linking], why)
    _uses(reasons, change.layouts, env, template_of)
    _sitemap_parts(reasons, template_of)
    return Stale(reasons)


def _sitemap_parts(reasons: dict[str, str], template_of: Mapping[str, str]) -> None:
    """When sitemap.xml is drawn again, so are the numbered files it may index.

    A change moves URLs from one file to the next, and each file's lastmod
    is in the index.
    """
    if "sitemap.xml" in reasons:
        for path, name in template_of.items():
            if name == "sitemap.xml":
                reasons.setdefault(path, "sitemap.xml is drawn again, and with it its parts")


def _uses(
    reasons: dict[str, str],
    layouts: frozenset[str],
    env: jinja2.Environment,
    template_of: Mapping[str, str],
) -> None:
    """Note the pages whose template is, or uses, one of the changed layouts."""
    if not layouts:
        return
    users = template_users(env, layouts)
    named = ", ".join(sorted(layouts))
    for path, name in template_of.items():
        if name in layouts:
            reasons.setdefault(path, f"its layout {name} changed")
        elif name in users:
            reasons.setdefault(path, f"its layout {name} uses {named}, which changed")


def _hubs(site: Site) -> set[str]:
    return {hub.path for hub in site.roles} | {hub.path for hub in site.cities}


def _shows(
    reasons: dict[str, str], sources: Iterable[Path], before: Site | None, after: Site
) -> None:
    """Note the pages that show something of sources, in before (when known) and after.

    Without before, every source is linked as before: each role hub lists the
    same guides as it did (see touched_by).
    """
    same: dict[str, bool] = {}  # by role slug: each role compared once
    for site in (before, after) if before is not None else (after,):
        for source in sorted(sources):
            article = site.article(source)
            if article is None:
                continue
            slug = article.role.slug
            if slug not in same:
                same[slug] = before is None or _same_guides(before, after, slug)
            why = f"shows {display_path(source)}, which changed"
            for path in sorted(touched_by(article, site, same[slug])):
                reasons.setdefault(path, why)
