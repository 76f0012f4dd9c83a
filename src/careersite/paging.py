"""Hubs and lists in pages of `per_page` entries: what one page shows, and its page links.

The first page of a hub or list stays at the hub's URL; further pages are
inside its folder (UrlWords.paged, Site.hub_pages). Every entry is on one
page, in the order of the whole list, so every guide is a plain link away
from its hubs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from .urls import Linker

# Past this many pages the links show the first, the last and the pages
# around the current one (WINDOW on each side), with gaps between: a fixed
# size for any number of pages; previous and next reach every page.
ALL_LINKS_UP_TO = 9
WINDOW = 2

T = TypeVar("T")


@dataclass(frozen=True)
class PageLink:
    number: int
    href: str
    current: bool


@dataclass(frozen=True, kw_only=True)
class Pagination:
    """The page links of one page of a hub or list with more than one page."""

    number: int
    count: int
    links: tuple[PageLink | None, ...]  # None: a gap in the numbers
    previous: str | None  # href
    next: str | None

    @property
    def suffix(self) -> str:
        """What a heading or caption adds on a further page: ' – Seite 2 von 5'."""
        return "" if self.number == 1 else f" – Seite {self.number} von {self.count}"


def page_entries(entries: Sequence[T], number: int, per_page: int) -> Sequence[T]:
    """The entries page number (from 1) shows."""
    return entries[(number - 1) * per_page : number * per_page]


def page_title(title: str, number: int) -> str:
    """A page's title: further pages say which they are, so no two pages share one."""
    return title if number == 1 else f"{title} – Seite {number}"


def pagination(paths: Sequence[str], number: int, link: Linker) -> Pagination | None:
    """The links of page number among paths (a hub's pages); None for a single page."""
    count = len(paths)
    if count < 2:
        return None
    shown: list[int] = list(range(1, count + 1))
    if count > ALL_LINKS_UP_TO:
        near = range(max(1, number - WINDOW), min(count, number + WINDOW) + 1)
        shown = sorted({1, count, *near})
    links: list[PageLink | None] = []
    for at, shown_number in enumerate(shown):
        if at and shown_number != shown[at - 1] + 1:
            links.append(None)
        links.append(
            PageLink(shown_number, link.href(paths[shown_number - 1]), shown_number == number)
        )
    return Pagination(
        number=number,
        count=count,
        links=tuple(links),
        previous=link.href(paths[number - 2]) if number > 1 else None,
        next=link.href(paths[number]) if number < count else None,
    )
