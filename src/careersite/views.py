"""Every output page: its site path, its template and the view it renders.

Views are small frozen types made for templates; templates never reach into
the site model. All of them are built here, in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TypeVar

from markupsafe import Markup

from . import feeds, structured
from .article import Article, Salary
from .feeds import (
    FeedView,
    NotFoundView,
    RedirectsView,
    RobotsView,
    SitemapIndexView,
    SitemapView,
)
from .filters import Chart, long_date, money, money_range, month_year, salary_chart
from .paging import Pagination, page_entries, page_title, pagination
from .site import CityHub, Redirect, RoleHub, Site
from .urls import SEARCH_BUNDLE, SEARCH_PATH, Linker

NEWEST_ON_HOME = 10
# Roles and cities the home page lists, those with the most guides: with all
# of them it was 129 KB at 50,000 guides; the lists /berufe/ and /staedte/ have all.
ON_HOME = 24
Trail = tuple[tuple[str, str], ...]  # (title, site path) after "Start"


@dataclass(frozen=True)
class Link:
    title: str
    href: str


@dataclass(frozen=True)
class RangeLink:
    """A link with the salary range it leads to, for lists and tables."""

    title: str
    href: str
    range_text: str | None
    period: str | None


@dataclass(frozen=True)
class LevelView:
    label: str
    range_text: str


@dataclass(frozen=True, kw_only=True)
class SalaryView:
    range_text: str
    low_text: str
    high_text: str
    period: str
    currency: str
    levels: tuple[LevelView, ...]


@dataclass(frozen=True, kw_only=True)
class Meta:
    title: str
    description: str
    canonical: str | None
    path: str
    kind: str = "website"  # OpenGraph type: "article" for guides
    structured_data: tuple[Markup, ...] = ()  # JSON-LD blocks, ready for <script>


@dataclass(frozen=True, kw_only=True)
class SiteView:
    title: str
    description: str
    language: str
    home: str
    roles: str
    cities: str
    feed: str
    search: str
    search_bundle: str  # where Pagefind's files are served
    locale: str
    assets: Mapping[str, str]  # static file name -> href with fingerprint


# The ids the built-in guide layout (guide.html, base.html) writes on every guide's page,
# beside its body's: a link to bremen.md#cs-gehaltsbox lands (see anchors.py). Each
# starts with "cs-", which no heading id does (markdown.heading_id).
GUIDE_LAYOUT_IDS = frozenset({"cs-inhalt", "cs-suche-kopf", "cs-gehaltsbox"})


@dataclass(frozen=True, kw_only=True)
class GuideView:
    meta: Meta
    breadcrumb: tuple[Link, ...]
    title: str
    role: Link
    city: Link
    state: str | None
    salary: SalaryView | None  # None: a draft whose figures are still to come
    body: Markup
    published: str
    published_iso: str
    updated: str | None
    updated_iso: str | None
    reviewed: str  # month and year of updated, else date: when the salary was true
    reviewed_iso: str
    same_role: tuple[RangeLink, ...]  # RoleHub.beside; the role hub lists all
    same_role_total: int
    same_city: tuple[RangeLink, ...]
    related: tuple[Link, ...]


@dataclass(frozen=True, kw_only=True)
class RoleHubView:
    meta: Meta
    breadcrumb: tuple[Link, ...]
    title: str
    summary: str | None
    aliases: tuple[str, ...]
    overview: Markup | None
    cities: tuple[RangeLink, ...]  # those on this page
    chart: Chart | None
    related: tuple[Link, ...]
    pagination: Pagination | None  # None: the hub has one page


@dataclass(frozen=True, kw_only=True)
class CityHubView:
    meta: Meta
    breadcrumb: tuple[Link, ...]
    title: str
    state: str | None
    summary: str | None
    roles: tuple[RangeLink, ...]  # those on this page
    chart: Chart | None
    pagination: Pagination | None


@dataclass(frozen=True)
class IndexEntry:
    title: str
    href: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class IndexView:
    meta: Meta
    breadcrumb: tuple[Link, ...]
    title: str
    entries: tuple[IndexEntry, ...]  # those on this page
    pagination: Pagination | None


@dataclass(frozen=True, kw_only=True)
class NewGuide:
    title: str
    href: str
    summary: str
    published: str
    published_iso: str


@dataclass(frozen=True, kw_only=True)
class HomeView:
    meta: Meta
    roles: tuple[IndexEntry, ...]  # up to ON_HOME, in the order of the list of roles
    cities: tuple[IndexEntry, ...]
    newest: tuple[NewGuide, ...]
    roles_total: int
    cities_total: int


@dataclass(frozen=True)
class SearchView:
    meta: Meta


@dataclass(frozen=True)
class RedirectView:
    meta: Meta
    target: str


View = (
    GuideView
    | RoleHubView
    | CityHubView
    | IndexView
    | HomeView
    | RedirectView
    | SearchView
    | SitemapView
    | SitemapIndexView
    | FeedView
    | RobotsView
    | RedirectsView
    | NotFoundView
)


@dataclass(frozen=True, slots=True)  # slots: one a guide
class Page:
    """An output page; its view is built only when asked for (a rebuild renders few).

    It is built anew each time, not kept: a page is rendered once, and a kept
    view would hold its finished body until the build ends.
    """

    path: str
    template: str
    make: Callable[[], View] = field(repr=False, compare=False)

    @property
    def view(self) -> View:
        return self.make()


def build_pages(
    site: Site, bodies: Mapping[str, str], assets: Mapping[str, str]
) -> tuple[SiteView, list[Page]]:
    """bodies maps a page's site path to its rendered Markdown."""
    views = _ViewBuilder(site, bodies)
    config = site.config
    site_view = SiteView(
        title=config.title,
        description=config.description or "",
        language=config.language,
        home=views.link.href(""),
        roles=views.link.href(config.url_words.roles_index()),
        cities=views.link.href(config.url_words.cities_index()),
        feed=views.link.href("feed.xml"),
        search=views.link.href(SEARCH_PATH),
        search_bundle=views.link.href(f"{SEARCH_BUNDLE}/"),
        locale=config.locale,
        assets=assets,
    )
    pages = [Page("", "home.html", views.home)]
    for number, path in enumerate(site.roles_index_pages(), 1):
        pages.append(Page(path, "roles.html", partial(views.roles_index, number)))
    for number, path in enumerate(site.cities_index_pages(), 1):
        pages.append(Page(path, "cities.html", partial(views.cities_index, number)))
    # One bound method for all the pages of a kind, not one a page.
    role_view, guide_view, city_view = views.role_hub, views.guide, views.city_hub
    for role_hub in site.roles:
        for number, path in enumerate(site.hub_pages(role_hub), 1):
            pages.append(Page(path, "role.html", partial(role_view, role_hub, number)))
        for guide in role_hub.guides:
            pages.append(Page(site.paths[guide.source], "guide.html", partial(guide_view, guide)))
    for city_hub in site.cities:
        for number, path in enumerate(site.hub_pages(city_hub), 1):
            pages.append(Page(path, "city.html", partial(city_view, city_hub, number)))
    listed = [page.path for page in pages]
    for redirect in site.redirects:
        pages.append(Page(redirect.path, "redirect.html", partial(views.redirect, redirect)))
    dates = cache(partial(feeds.page_dates, site))  # one pass over the articles per process
    redirects = cache(partial(feeds.redirects, site, views.link))  # one view for both maps
    pages += [Page(*sitemap) for sitemap in feeds.sitemap_pages(listed, dates, views.link)]
    pages += [
        Page(SEARCH_PATH, "search.html", views.search),
        Page("404.html", "404.html", lambda: NotFoundView("Seite nicht gefunden")),
        Page("feed.xml", "feed.xml", lambda: feeds.feed(site, views.link)),
        Page("robots.txt", "robots.txt", lambda: RobotsView(views.link.absolute("sitemap.xml"))),
        Page("_redirects", "_redirects.txt", redirects),
        Page("nginx-redirects.conf", "nginx-redirects.txt", redirects),
    ]
    return site_view, sorted(pages, key=lambda page: page.path)


class _ViewBuilder:
    def __init__(self, site: Site, bodies: Mapping[str, str]) -> None:
        self.site = site
        self.config = site.config
        self.bodies = bodies
        self.link = Linker.for_base_url(site.config.base_url)
        self.city_hubs = {hub.city.slug: hub for hub in site.cities}
        self.role_hubs = {hub.role.slug: hub for hub in site.roles}
        self.range_links: dict[tuple[str, Path], RangeLink] = {}
        # A hub's chart sums up the whole hub, and each of its pages shows it.
        self.hub_charts: dict[str, Chart | None] = {}

    def meta(
        self,
        title: str,
        description: str,
        path: str,
        trail: Trail = (),
        occupation: Article | None = None,
    ) -> Meta:
        """A page's head: canonical URL, and JSON-LD for its breadcrumb and occupation."""
        canonical = self.link.absolute(path)
        blocks = []
        if occupation is not None:
            blocks.append(structured.script_json(structured.occupation(occupation, canonical)))
        if trail:
            named = [(name, self.link.absolute(at)) for name, at in (("Start", ""), *trail)]
            blocks.append(structured.script_json(structured.breadcrumb_list(named)))
        kind = "article" if occupation is not None else "website"
        return Meta(
            title=title,
            description=description,
            canonical=canonical,
            path=path,
            kind=kind,
            structured_data=tuple(blocks),
        )

    def redirect(self, redirect: Redirect) -> RedirectView:
        meta = Meta(
            title="Weiterleitung",
            description="",
            canonical=self.link.absolute(redirect.target),
            path=redirect.path,
        )
        return RedirectView(meta, self.link.href(redirect.target))

    def search(self) -> SearchView:
        title = self.config.title
        return SearchView(self.meta("Suche", f"Ratgeber auf {title} durchsuchen", SEARCH_PATH))

    def crumbs(self, trail: Trail) -> tuple[Link, ...]:
        return tuple(Link(title, self.link.href(path)) for title, path in (("Start", ""), *trail))

    def salary(self, salary: Salary) -> SalaryView:
        locale, currency = self.config.locale, salary.currency
        levels = tuple(
            LevelView(
                self.config.level_labels.get(level.name, level.name),
                money_range(level.min, level.max, currency, locale),
            )
            for level in salary.levels
        )
        return SalaryView(
            range_text=money_range(salary.min, salary.max, currency, locale),
            low_text=money(salary.min, currency, locale),
            high_text=money(salary.max, currency, locale),
            period=salary.period,
            currency=currency,
            levels=levels,
        )

    def range_link(self, title: str, guide: Article) -> RangeLink:
        # Every guide appears in dozens of its neighbours' lists: make each link once.
        made = self.range_links.get((title, guide.source))
        if made is None:
            made = self.range_links[(title, guide.source)] = self._range_link(title, guide)
        return made

    def _range_link(self, title: str, guide: Article) -> RangeLink:
        salary = guide.salary
        range_text = (
            money_range(salary.min, salary.max, salary.currency, self.config.locale)
            if salary
            else None
        )
        return RangeLink(
            title,
            self.link.href(self.site.paths[guide.source]),
            range_text,
            salary.period if salary else None,
        )

    def chart(self, rows: list[tuple[str, Article]], many: str) -> Chart | None:
        priced = [(label, a) for label, a in rows if a.salary is not None]
        currencies = {a.salary.currency for _, a in priced if a.salary}
        periods = {a.salary.period for _, a in priced if a.salary}
        if len(priced) < 1 or len(currencies) != 1 or len(periods) != 1:
            return None  # ranges in different units do not share an axis
        data = [
            (label, self.link.href(self.site.paths[a.source]), a.salary.min, a.salary.max)
            for label, a in priced
            if a.salary
        ]
        chart = salary_chart(data, currencies.pop(), self.config.locale, many)
        return dataclasses.replace(chart, period=periods.pop()) if chart else None

    def hub_chart(self, hub: RoleHub | CityHub) -> Chart | None:
        """The chart of a whole hub, made once for all its pages (50 at 2,500 cities)."""
        if hub.path not in self.hub_charts:
            if isinstance(hub, RoleHub):
                rows = [(g.city.name, g) for g in hub.guides if g.city is not None]
                self.hub_charts[hub.path] = self.chart(rows, "Städte")
            else:
                self.hub_charts[hub.path] = self.chart(
                    [(g.role.name, g) for g in hub.guides], "Berufe"
                )
        return self.hub_charts[hub.path]

    def guide(self, guide: Article) -> GuideView:
        assert guide.city is not None
        words = self.config.url_words
        role_hub = self.role_hubs[guide.role.slug]
        city_hub = self.city_hubs[guide.city.slug]
        path = self.site.paths[guide.source]
        locale = self.config.locale
        trail = (
            ("Berufe", words.roles_index()),
            (guide.role.name, role_hub.path),
            (guide.city.name, path),
        )
        return GuideView(
            meta=self.meta(
                guide.title,
                guide.summary,
                path,
                trail,
                occupation=guide if guide.salary is not None else None,
            ),
            breadcrumb=self.crumbs(trail),
            title=guide.title,
            role=Link(guide.role.name, self.link.href(role_hub.path)),
            city=Link(guide.city.name, self.link.href(city_hub.path)),
            state=guide.city.state,
            salary=self.salary(guide.salary) if guide.salary is not None else None,
            body=Markup(self.bodies[path]),
            published=long_date(guide.date, locale),
            published_iso=guide.date.isoformat(),
            updated=long_date(guide.updated, locale) if guide.updated else None,
            updated_iso=guide.updated.isoformat() if guide.updated else None,
            reviewed=month_year(guide.last_changed, locale),
            reviewed_iso=guide.last_changed.isoformat(),
            same_role=tuple(
                self.range_link(other.city.name, other)
                for other in role_hub.beside(guide)
                if other.city is not None
            ),
            same_role_total=len(role_hub.guides) - 1,
            same_city=tuple(
                self.range_link(other.role.name, other)
                for other in city_hub.guides
                if other is not guide
            ),
            related=tuple(
                Link(hub.role.name, self.link.href(hub.path))
                for hub in self.site.related_hubs(guide.role)
            ),
        )

    def paged(
        self, paths: list[str], number: int, title: str, description: str, trail: Trail
    ) -> tuple[Meta, tuple[Link, ...], Pagination | None]:
        """Head, breadcrumb and page links of page number of a hub or list at paths.

        Each page is its own canonical URL, with a title and description of its own.
        """
        path = paths[number - 1]
        if number > 1:
            trail = (*trail, (f"Seite {number}", path))
        meta = self.meta(page_title(title, number), page_title(description, number), path, trail)
        return meta, self.crumbs(trail), pagination(paths, number, self.link)

    def role_hub(self, hub: RoleHub, number: int = 1) -> RoleHubView:
        """Page number of a role hub: the overview on the first, cities on each."""
        role = hub.role
        overview = hub.overview if number == 1 else None
        shown = page_entries(hub.guides, number, self.config.per_page)
        cities = [(g.city.name, g) for g in shown if g.city is not None]
        title = hub.overview.title if hub.overview else role.name
        summary = role.summary or (hub.overview.summary if hub.overview else None)
        trail = (("Berufe", self.config.url_words.roles_index()), (role.name, hub.path))
        description = summary or f"{role.name}: Gehälter und Ratgeber nach Stadt"
        meta, breadcrumb, pages = self.paged(
            self.site.hub_pages(hub), number, title, description, trail
        )
        return RoleHubView(
            meta=meta,
            breadcrumb=breadcrumb,
            title=title,
            summary=summary if number == 1 else None,
            aliases=role.aliases if number == 1 else (),
            overview=Markup(self.bodies[hub.path]) if overview else None,
            cities=tuple(self.range_link(name, g) for name, g in cities),
            # of the whole hub, on each of its pages: a bar each, or past CHART_ROWS the overview
            chart=self.hub_chart(hub),
            related=tuple(
                Link(h.role.name, self.link.href(h.path)) for h in self.site.related_hubs(role)
            ),
            pagination=pages,
        )

    def city_hub(self, hub: CityHub, number: int = 1) -> CityHubView:
        city = hub.city
        shown = page_entries(hub.guides, number, self.config.per_page)
        roles = [(g.role.name, g) for g in shown]
        trail = (("Städte", self.config.url_words.cities_index()), (city.name, hub.path))
        description = city.summary or f"Berufe und Gehälter in {city.name}"
        meta, breadcrumb, pages = self.paged(
            self.site.hub_pages(hub), number, city.name, description, trail
        )
        return CityHubView(
            meta=meta,
            breadcrumb=breadcrumb,
            title=city.name,
            state=city.state,
            summary=city.summary if number == 1 else None,
            roles=tuple(self.range_link(name, g) for name, g in roles),
            chart=self.hub_chart(hub),
            pagination=pages,
        )

    def role_entries(self, hubs: Sequence[RoleHub] | None = None) -> tuple[IndexEntry, ...]:
        return tuple(
            IndexEntry(
                hub.role.name, self.link.href(hub.path), _count(len(hub.guides), "Stadt", "Städte")
            )
            for hub in (self.site.roles if hubs is None else hubs)
        )

    def city_entries(self, hubs: Sequence[CityHub] | None = None) -> tuple[IndexEntry, ...]:
        return tuple(
            IndexEntry(
                hub.city.name, self.link.href(hub.path), _count(len(hub.guides), "Beruf", "Berufe")
            )
            for hub in (self.site.cities if hubs is None else hubs)
        )

    def roles_index(self, number: int = 1) -> IndexView:
        path = self.config.url_words.roles_index()
        description = f"Alle Berufe auf {self.config.title}"
        paths = self.site.roles_index_pages()
        meta, breadcrumb, pages = self.paged(
            paths, number, "Berufe", description, (("Berufe", path),)
        )
        entries = page_entries(self.role_entries(), number, self.config.per_page)
        return IndexView(
            meta=meta,
            breadcrumb=breadcrumb,
            title="Berufe",
            entries=tuple(entries),
            pagination=pages,
        )

    def cities_index(self, number: int = 1) -> IndexView:
        path = self.config.url_words.cities_index()
        description = f"Alle Städte auf {self.config.title}"
        paths = self.site.cities_index_pages()
        meta, breadcrumb, pages = self.paged(
            paths, number, "Städte", description, (("Städte", path),)
        )
        entries = page_entries(self.city_entries(), number, self.config.per_page)
        return IndexView(
            meta=meta,
            breadcrumb=breadcrumb,
            title="Städte",
            entries=tuple(entries),
            pagination=pages,
        )

    def home(self) -> HomeView:
        guides = [a for a in self.site.articles if a.city is not None]
        newest = sorted(guides, key=lambda a: (-a.date.toordinal(), a.title))[:NEWEST_ON_HOME]
        return HomeView(
            meta=self.meta(self.config.title, self.config.description or self.config.title, ""),
            roles=self.role_entries(_most_guides(self.site.roles, ON_HOME)),
            cities=self.city_entries(_most_guides(self.site.cities, ON_HOME)),
            newest=tuple(
                NewGuide(
                    title=a.title,
                    href=self.link.href(self.site.paths[a.source]),
                    summary=a.summary,
                    published=long_date(a.date, self.config.locale),
                    published_iso=a.date.isoformat(),
                )
                for a in newest
            ),
            roles_total=len(self.site.roles),
            cities_total=len(self.site.cities),
        )


HubT = TypeVar("HubT", RoleHub, CityHub)


def _most_guides(hubs: Sequence[HubT], shown: int) -> list[HubT]:
    """The shown hubs with the most guides (the first of equals), in their order."""
    if len(hubs) <= shown:
        return list(hubs)
    ranked = sorted(range(len(hubs)), key=lambda at: (-len(hubs[at].guides), at))
    return [hubs[at] for at in sorted(ranked[:shown])]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
