"""Pages for crawlers and feed readers: sitemap.xml, feed.xml, robots.txt, 404.html."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from markupsafe import escape

from .site import Site
from .urls import Linker

FEED_SIZE = 50

# What search engines take in one sitemap file (sitemaps.org): past either,
# sitemap.xml becomes a sitemap index of files SITEMAP_PART.format(n), n = 1, 2, ...
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # uncompressed: 52,428,800
SITEMAP_PART = "sitemap-{}.xml"
# The markup of layouts/sitemap.xml around one URL (56 bytes with its lastmod)
# and around them all (110 bytes), with room to spare: a file is cut before
# its URLs and this markup could pass SITEMAP_MAX_BYTES.
URL_MARKUP_BYTES = 80
FRAME_BYTES = 1024


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None


@dataclass(frozen=True)
class SitemapView:
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class SitemapIndexView:
    """sitemap.xml past the limits: one entry per numbered sitemap file."""

    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    title: str
    url: str
    summary: str
    published: str  # RFC 3339
    updated: str


@dataclass(frozen=True, kw_only=True)
class FeedView:
    title: str
    language: str
    id: str
    self_url: str
    home_url: str
    updated: str
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class RobotsView:
    sitemap: str


@dataclass(frozen=True)
class RedirectsView:
    """The aliases as hosts read them: Netlify's and Cloudflare's _redirects, nginx."""

    # each alias and where it leads, as hrefs (percent-encoded, with the base URL's path)
    hrefs: tuple[tuple[str, str], ...]
    # each alias as nginx compares it (decoded), quoted for its configuration, and the href
    nginx: tuple[tuple[str, str], ...]


def redirects(site: Site, link: Linker) -> RedirectsView:
    """The site's aliases, ordered by their path, for the redirect maps hosts read."""
    ordered = sorted(site.redirects, key=lambda redirect: redirect.path)
    return RedirectsView(
        hrefs=tuple((link.href(r.path), link.href(r.target)) for r in ordered),
        nginx=tuple(
            (_nginx_quoted(unquote(link.base_path) + r.path), link.href(r.target)) for r in ordered
        ),
    )


def _nginx_quoted(path: str) -> str:
    """path as a double-quoted nginx string: a location = "..." matches it as decoded."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class NotFoundView:
    title: str


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def page_dates(site: Site) -> dict[str, dt.date]:
    """Last change of every page: its article's, or the newest of what it lists."""
    dates: dict[str, dt.date] = {}
    for article in site.articles:
        dates[site.paths[article.source]] = article.last_changed
    for role_hub in site.roles:
        members = [*role_hub.guides, *([role_hub.overview] if role_hub.overview else [])]
        newest_member = max(a.last_changed for a in members)
        dates |= dict.fromkeys(site.hub_pages(role_hub), newest_member)
    for city_hub in site.cities:
        newest_member = max(a.last_changed for a in city_hub.guides)
        dates |= dict.fromkeys(site.hub_pages(city_hub), newest_member)
    newest = max(dates.values(), default=None)
    if newest is not None:
        lists = ["", *site.roles_index_pages(), *site.cities_index_pages()]
        dates |= dict.fromkeys(lists, newest)
    return dates


def _entries(paths: list[str], dates: dict[str, dt.date], link: Linker) -> tuple[SitemapEntry, ...]:
    return tuple(
        SitemapEntry(link.absolute(path), dates[path].isoformat() if path in dates else None)
        for path in paths
    )


def sitemap_parts(paths: list[str], link: Linker) -> list[list[str]]:
    """The site paths of each sitemap file, in order: one part while all fit in one file.

    A part holds at most SITEMAP_MAX_URLS URLs, and its file (each URL as
    written in XML, with its lastmod and markup) at most SITEMAP_MAX_BYTES.
    """
    ordered = sorted(paths)
    if len(ordered) <= SITEMAP_MAX_URLS and _most_bytes(ordered, link) <= SITEMAP_MAX_BYTES:
        return [ordered]  # far from the limits: not worth quoting every URL on each build
    parts: list[list[str]] = [[]]
    size = FRAME_BYTES
    for path in ordered:
        loc = str(escape(link.absolute(path)))  # as written in XML: & is &amp;
        entry = len(loc.encode()) + len("2026-11-20") + URL_MARKUP_BYTES
        if parts[-1] and (len(parts[-1]) >= SITEMAP_MAX_URLS or size + entry > SITEMAP_MAX_BYTES):
            parts.append([])
            size = FRAME_BYTES
        parts[-1].append(path)
        size += entry
    return parts


def _most_bytes(paths: list[str], link: Linker) -> int:
    """An upper bound of the bytes of one sitemap file listing paths.

    A path's character is at most 4 bytes in UTF-8, each percent-encoded in
    3 (quote leaves "/" and "#" alone and encodes all that XML escapes).
    """
    per_url = len(str(escape(link.absolute("")))) + len("2026-11-20") + URL_MARKUP_BYTES
    return FRAME_BYTES + len(paths) * per_url + 12 * sum(map(len, paths))


SitemapPage = tuple[str, str, Callable[[], "SitemapView | SitemapIndexView"]]


def sitemap_pages(
    paths: list[str], dates: Callable[[], dict[str, dt.date]], link: Linker
) -> list[SitemapPage]:
    """sitemap.xml, and past the limits the numbered files it indexes: path, layout, view.

    dates is called when a view is made (page_dates reads every article).
    """
    parts = sitemap_parts(paths, link)

    def part_view(part: list[str]) -> Callable[[], SitemapView]:
        return lambda: SitemapView(_entries(part, dates(), link))

    if len(parts) == 1:
        return [("sitemap.xml", "sitemap.xml", part_view(parts[0]))]
    names = [SITEMAP_PART.format(number) for number in range(1, len(parts) + 1)]

    def index() -> SitemapIndexView:
        known = dates()
        newest = [max((known[p] for p in part if p in known), default=None) for part in parts]
        return SitemapIndexView(
            tuple(
                SitemapEntry(link.absolute(name), day.isoformat() if day else None)
                for name, day in zip(names, newest, strict=True)
            )
        )

    return [
        ("sitemap.xml", "sitemap-index.xml", index),
        *((name, "sitemap.xml", part_view(part)) for name, part in zip(names, parts, strict=True)),
    ]


def feed(site: Site, link: Linker) -> FeedView:
    guides = [a for a in site.articles if a.city is not None]
    newest = sorted(guides, key=lambda a: (-a.date.toordinal(), a.title))[:FEED_SIZE]
    updated = max((a.last_changed for a in guides), default=dt.date(2000, 1, 1))
    return FeedView(
        title=site.config.title,
        language=site.config.language,
        id=link.absolute(""),
        self_url=link.absolute("feed.xml"),
        home_url=link.absolute(""),
        updated=_stamp(updated),
        entries=tuple(
            FeedEntry(
                title=a.title,
                url=link.absolute(site.paths[a.source]),
                summary=a.summary,
                published=_stamp(a.date),
                updated=_stamp(a.last_changed),
            )
            for a in newest
        ),
    )
