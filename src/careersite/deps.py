"""Which pages a change makes stale: the dev server's incremental graph, in one place.

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
from pathlib import Path

import jinja2
from jinja2 import meta

from .article import Article
from .site import Site
from .urls import alias_site_path

EVERYTHING = None  # stale_pages' answer when every page must be rendered again


def is_stale(path: str, stale: set[str] | None) -> bool:
    """Whether the page at path is among stale (stale_pages' answer)."""
    return stale is EVERYTHING or path in stale


SITE_WIDE = ("sitemap.xml", "feed.xml")


def with_sitemap_parts(stale: set[str], template_of: Mapping[str, str]) -> set[str]:
    """stale, and when it holds sitemap.xml, the numbered files it may index.

    A change moves URLs from one file to the next, and each file's lastmod
    is in the index.
    """
    if "sitemap.xml" in stale:
        stale |= {path for path, name in template_of.items() if name == "sitemap.xml"}
    return stale


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


def stale_pages(
    before: Site,
    after: Site,
    changed_sources: set[Path],
    moved: set[Path],
    links_to: Mapping[Path, set[Path]],
    changed_templates: set[str],
    template_of: Mapping[str, str],
    rewritten: Iterable[Path] = (),
) -> set[str] | None:
    """Site paths to render again, or EVERYTHING.

    moved names the changed sources that links to them find otherwise (a new
    site path; or come, gone, drafted or failed to load); links_to maps a
    source file to the sources whose text links to it;
    template_of maps every page of after to its template's name; rewritten
    names changed sources that other pages show nothing new of (the same card
    and links): only their own pages.
    """
    hubs_before = {hub.path for hub in before.roles} | {hub.path for hub in before.cities}
    hubs_after = {hub.path for hub in after.roles} | {hub.path for hub in after.cities}
    if hubs_before != hubs_after:
        return EVERYTHING  # related-role links and hub lists change all over
    stale: set[str] = set()
    same: dict[str, bool] = {}  # by role slug: each role compared once
    for site in (before, after):
        for source in changed_sources:
            article = site.article(source)
            if article is not None:
                slug = article.role.slug
                if slug not in same:
                    same[slug] = _same_guides(before, after, slug)
                stale |= touched_by(article, site, same[slug])
    for source in moved:
        stale |= {after.paths[f] for f in links_to.get(source, ()) if f in after.paths}
    if changed_templates:
        stale |= {path for path, name in template_of.items() if name in changed_templates}
    stale |= {after.paths[source] for source in rewritten}
    return with_sitemap_parts(stale, template_of)
