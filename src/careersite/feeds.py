"""Pages for crawlers and feed readers: sitemap.xml, feed.xml, robots.txt, 404.html."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .site import Site
from .urls import Linker

FEED_SIZE = 50


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None


@dataclass(frozen=True)
class SitemapView:
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    summary: str
    published: str  # RFC 3339
    updated: str


@dataclass(frozen=True)
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
        dates[role_hub.path] = max(a.last_changed for a in members)
    for city_hub in site.cities:
        dates[city_hub.path] = max(a.last_changed for a in city_hub.guides)
    newest = max(dates.values(), default=None)
    if newest is not None:
        words = site.config.url_words
        for path in ("", words.roles_index(), words.cities_index()):
            dates[path] = newest
    return dates


def sitemap(paths: list[str], dates: dict[str, dt.date], link: Linker) -> SitemapView:
    entries = tuple(
        SitemapEntry(link.absolute(path), dates[path].isoformat() if path in dates else None)
        for path in sorted(paths)
    )
    return SitemapView(entries)


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
                a.title,
                link.absolute(site.paths[a.source]),
                a.summary,
                _stamp(a.date),
                _stamp(a.last_changed),
            )
            for a in newest
        ),
    )
