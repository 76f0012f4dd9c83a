"""Link articles into role hubs and city hubs; find URL collisions.

Articles refer to each other by site path, never by object: the Site holds
indexes built once (by role, by city, by source file) so that no page has to
scan every guide.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .article import Article
from .config import City, Config, Role
from .diagnostics import Diagnostic, SourcePos, error
from .urls import alias_site_path, fold, is_reserved, output_file, slug

# A role in 250 cities would list 249 others on every guide: 2.5 million links
# at 10,000 guides. Each guide shows the cities that follow it alphabetically
# (wrapping round), so every guide is linked from as many others, and the
# role hub lists them all.
SAME_ROLE_SHOWN = 24


@dataclass(frozen=True)
class RoleHub:
    role: Role
    path: str
    overview: Article | None
    guides: tuple[Article, ...]  # one per city, by city name

    @cached_property
    def _places(self) -> dict[Path, int]:
        """Each guide's place in guides, by its source: looked up for each of them."""
        return {g.source: i for i, g in enumerate(self.guides)}

    def beside(self, guide: Article, shown: int = SAME_ROLE_SHOWN) -> list[Article]:
        """The guides a guide's page lists: up to shown after it in this order, wrapping round."""
        at = self._places.get(guide.source)
        count = len(self.guides) - (at is not None)  # the others
        if at is None or count <= shown:
            return [g for g in self.guides if g.source != guide.source]
        # the others' k-th is guides' k-th before the guide's place, else the next one
        return [
            self.guides[k if k < at else k + 1] for k in ((at + i) % count for i in range(shown))
        ]

    def listing(self, guide: Article, shown: int = SAME_ROLE_SHOWN) -> list[Article]:
        """The guides whose pages list this one (see beside): up to shown before it."""
        at = self._places.get(guide.source)
        if at is None or len(self.guides) - 1 <= shown:
            return [g for g in self.guides if g.source != guide.source]
        return [self.guides[(at - d) % len(self.guides)] for d in range(1, shown + 1)]


@dataclass(frozen=True)
class CityHub:
    city: City
    path: str
    guides: tuple[Article, ...]  # one per role, by role name


@dataclass(frozen=True)
class Redirect:
    path: str
    target: str
    source: Path


@dataclass(frozen=True, kw_only=True)
class Site:
    config: Config
    articles: tuple[Article, ...]  # what is built, in source order
    paths: dict[Path, str]  # source file -> site path of its page
    roles: tuple[RoleHub, ...]
    cities: tuple[CityHub, ...]
    redirects: tuple[Redirect, ...]
    # source file -> its index in articles
    positions: Mapping[Path, int] = field(default_factory=dict, repr=False, compare=False)

    def article(self, source: Path) -> Article | None:
        """The built article of a source file, if it is built."""
        index = self.positions.get(source)
        return None if index is None else self.articles[index]

    def with_articles(self, replaced: Mapping[Path, Article]) -> Site:
        """This site with new versions of some of its articles, found without linking again.

        Each new version must be linked as the one it replaces (linked_as):
        then paths, hubs, redirects and what link_site reported are as they
        were, and only the articles change.
        An edit to a guide's text in the dev server costs O(its hubs), not a
        pass over every guide.
        """
        swapped = {source: a for source, a in replaced.items() if source in self.positions}
        if not swapped:
            return self
        articles = list(self.articles)
        for source, article in swapped.items():
            articles[self.positions[source]] = article
        roles = {a.role.slug for a in swapped.values()}
        cities = {a.city.slug for a in swapped.values() if a.city is not None}

        def swap(group: tuple[Article, ...]) -> tuple[Article, ...]:
            return tuple(swapped.get(a.source, a) for a in group)

        return dataclasses.replace(
            self,
            articles=tuple(articles),
            roles=tuple(
                dataclasses.replace(
                    hub,
                    overview=hub.overview and swapped.get(hub.overview.source, hub.overview),
                    guides=swap(hub.guides),
                )
                if hub.role.slug in roles
                else hub
                for hub in self.roles
            ),
            cities=tuple(
                dataclasses.replace(hub, guides=swap(hub.guides))
                if hub.city.slug in cities
                else hub
                for hub in self.cities
            ),
        )

    def hub_pages(self, hub: RoleHub | CityHub) -> list[str]:
        """The site paths of a hub's pages: its own, then its further pages."""
        return pages_of(hub.path, len(hub.guides), self.config)

    def roles_index_pages(self) -> list[str]:
        return pages_of(self.config.url_words.roles_index(), len(self.roles), self.config)

    def cities_index_pages(self) -> list[str]:
        return pages_of(self.config.url_words.cities_index(), len(self.cities), self.config)

    def role_hub(self, role_slug: str) -> RoleHub | None:
        return next((hub for hub in self.roles if hub.role.slug == role_slug), None)

    def related_hubs(self, role: Role) -> tuple[RoleHub, ...]:
        by_slug = {hub.role.slug: hub for hub in self.roles}
        found = (self.config.roles.find(name) for name in role.related)
        return tuple(by_slug[r.slug] for r in found if r is not None and r.slug in by_slug)


def linked_as(article: Article) -> tuple[object, ...]:
    """All that link_site reads of an article: its URL, hubs, collisions and redirects."""
    return (
        article.title,
        article.role,
        article.city,
        article.slug,
        article.draft,
        article.date,  # after the build's day: not built (Options.builds)
        article.aliases,
        article.alias_positions,
    )


def page_count(entries: int, per_page: int) -> int:
    """The pages a hub or list of so many entries fills: one at least."""
    return max(1, -(-entries // per_page))


def pages_of(first: str, entries: int, config: Config) -> list[str]:
    """A hub's or list's pages: the first where it always was, then first/seite/2/, ..."""
    count = page_count(entries, config.per_page)
    return [config.url_words.paged(first, number) for number in range(1, count + 1)]


def page_path(article: Article, config: Config) -> str:
    words = config.url_words
    if article.city is None:
        return words.role(article.role.slug)
    return words.guide(article.role.slug, article.slug or article.city.slug)


def link_site(articles: list[Article], config: Config) -> tuple[Site, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    paths = {article.source: page_path(article, config) for article in articles}
    diagnostics += _collisions(articles, paths)
    by_role: dict[str, list[Article]] = defaultdict(list)
    by_city: dict[str, list[Article]] = defaultdict(list)
    roles: dict[str, Role] = {}
    cities: dict[str, City] = {}
    for article in articles:
        roles.setdefault(article.role.slug, article.role)
        by_role[article.role.slug].append(article)
        if article.city is not None:
            cities.setdefault(article.city.slug, article.city)
            by_city[article.city.slug].append(article)
    words = config.url_words
    role_hubs = []
    for role_slug, role in sorted(roles.items(), key=lambda item: _sort_key(item[1].name)):
        members = by_role[role_slug]
        overview = next((a for a in members if a.city is None), None)
        guides = sorted((a for a in members if a.city), key=lambda a: _sort_key(_city_name(a)))
        role_hubs.append(RoleHub(role, words.role(role_slug), overview, tuple(guides)))
    city_hubs = [
        CityHub(
            city,
            words.city(city_slug),
            tuple(sorted(by_city[city_slug], key=lambda a: _sort_key(a.role.name))),
        )
        for city_slug, city in sorted(cities.items(), key=lambda item: _sort_key(item[1].name))
    ]
    taken: dict[str, str | Article] = {"": "the home page"}
    taken[words.roles_index()] = "the list of roles"
    taken[words.cities_index()] = "the list of cities"
    taken |= {hub.path: f"the role hub of {hub.role.name}" for hub in role_hubs}
    taken |= {hub.path: f"the city hub of {hub.city.name}" for hub in city_hubs}
    further = _further_pages(role_hubs, city_hubs, config)
    diagnostics += _on_further_pages(articles, paths, further, config)
    taken |= further
    taken |= zip(paths.values(), articles, strict=True)
    redirects, problems = _redirects(articles, paths, taken)
    diagnostics += problems
    positions = {article.source: index for index, article in enumerate(articles)}
    site = Site(
        config=config,
        articles=tuple(articles),
        paths=paths,
        roles=tuple(role_hubs),
        cities=tuple(city_hubs),
        redirects=redirects,
        positions=positions,
    )
    return site, diagnostics


def _further_pages(
    role_hubs: list[RoleHub], city_hubs: list[CityHub], config: Config
) -> dict[str, str]:
    """Page 2 and on of every hub and list, each with what it is."""
    words = config.url_words
    lists = [
        (words.roles_index(), len(role_hubs), "the list of roles"),
        (words.cities_index(), len(city_hubs), "the list of cities"),
        *((h.path, len(h.guides), f"the role hub of {h.role.name}") for h in role_hubs),
        *((h.path, len(h.guides), f"the city hub of {h.city.name}") for h in city_hubs),
    ]
    further = {}
    for first, entries, what in lists:
        for number, path in enumerate(pages_of(first, entries, config)[1:], 2):
            further[path] = f"page {number} of {what}"
    return further


def _on_further_pages(
    articles: list[Article], paths: dict[Path, str], further: dict[str, str], config: Config
) -> list[Diagnostic]:
    """A guide whose URL is a further page's: a role whose slug is the page word
    ('seite') has its guides where the list of roles has its further pages."""
    problems = []
    for article in articles:
        path = paths[article.source]
        if path in further:
            problems.append(
                error(
                    f"'{article.title}' has the URL /{path}, which is {further[path]}",
                    SourcePos(article.source, 1, 1),
                    f"change the 'slug' of the guide or of its role, or 'url_words.page' "
                    f"('{config.url_words.page}') in data/site.yaml",
                )
            )
    return problems


def _city_name(article: Article) -> str:
    return article.city.name if article.city else ""


def _sort_key(name: str) -> tuple[str, str]:
    return (slug(name), name)


def _collisions(articles: list[Article], paths: dict[Path, str]) -> list[Diagnostic]:
    problems = _second_guides(articles, paths)
    if len(set(paths.values())) == len(articles):
        return problems  # the usual case, found without grouping
    owners: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        owners[paths[article.source]].append(article)
    for path, group in owners.items():
        if len(group) < 2:
            continue
        for article in group:
            others = ", ".join(str(o.source) for o in group if o is not article)
            problems.append(
                error(
                    f"'{article.title}' has the same URL /{path} as {others}",
                    SourcePos(article.source, 1, 1),
                    "change 'role', 'city' or 'slug' in one of them",
                )
            )
    return problems


def _second_guides(articles: list[Article], paths: dict[Path, str]) -> list[Diagnostic]:
    """A role has one guide per city and one overview; hubs and lists rely on it.

    Two that share a URL as well are reported as a URL collision instead.
    """
    keys = [(a.role.slug, a.city.slug if a.city else "") for a in articles]
    if len(set(keys)) == len(keys):
        return []  # the usual case, found without a loop in Python
    first: dict[tuple[str, str], Article] = {}
    problems = []
    for article in articles:
        key = (article.role.slug, article.city.slug if article.city else "")
        if key not in first:
            first[key] = article
            continue
        if paths[article.source] == paths[first[key].source]:
            continue
        what = (
            f"{article.role.name} in {article.city.name}"
            if article.city
            else f"the overview of {article.role.name}"
        )
        problems.append(
            error(
                f"a second guide for {what}; the first is {first[key].source}",
                SourcePos(article.source, 1, 1),
                "merge the two guides or correct 'role' or 'city'",
            )
        )
    return problems


def _redirects(
    articles: list[Article], paths: dict[Path, str], taken: dict[str, str | Article]
) -> tuple[tuple[Redirect, ...], list[Diagnostic]]:
    """Redirect pages for old URLs; taken maps each page's path to what it is.

    A redirect is a folder with an index.html. It may not be written where
    another file of the output is, nor need one of them as a folder, on a
    host that ignores case and Unicode normalisation either: there it would
    replace that file, or lose to it.
    """
    redirects: dict[str, Redirect] = {}
    files = _Files()
    for path, page in taken.items():
        shown = f"'{page.title}' ({page.source})" if isinstance(page, Article) else page
        files.add(output_file(path), shown)
    problems = []
    for article in articles:
        for alias, pos in zip(article.aliases, article.alias_positions, strict=True):
            path = alias_site_path(alias)
            clash = files.clash(alias, output_file(path))
            if clash is not None:
                message, hint = clash
                problems.append(error(message, pos, hint))
                continue
            redirects[path] = Redirect(path, paths[article.source], article.source)
            files.add(output_file(path), f"'{article.source}'", redirect=True)
    return tuple(sorted(redirects.values(), key=lambda r: r.path)), problems


class _Files:
    """The output's files by their names as a host may compare them (urls.fold)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, str]] = {}  # folded name -> name, what it is
        self.folders: dict[str, str] = {}  # folded folder -> the redirect that needs it

    def add(self, name: str, shown: str, redirect: bool = False) -> None:
        folded = fold(name)
        self.files[folded] = (name, shown)
        if redirect:  # pages need only folders whose names are slugs
            for folder in _folders(folded):
                self.folders.setdefault(folder, shown)

    def clash(self, alias: str, name: str) -> tuple[str, str | None] | None:
        """What an alias written as the file name would meet: a message and a hint."""
        if is_reserved(name.split("/")[0]):
            return f"alias '{alias}' is already the URL of a file careersite writes itself", None
        folded = fold(name)
        if folded in self.files:
            other, shown = self.files[folded]
            hint = None
            if other != name:
                hint = f"a host that ignores case or Unicode normalisation serves both from {other}"
            return f"alias '{alias}' is already the URL of {shown}", hint
        for folder, original in zip(_folders(folded), _folders(name), strict=True):
            if folder in self.files:
                _, shown = self.files[folder]
                return (
                    f"alias '{alias}' needs {original}/ as a folder, but it is the file of {shown}",
                    "a redirect is written as a folder that holds an index.html",
                )
        if folded in self.folders:
            return (
                f"alias '{alias}' needs {name} as a file, but it is a folder of the redirect "
                f"of {self.folders[folded]}",
                None,
            )
        return None


def _folders(name: str) -> list[str]:
    """The folders a file's name needs, outermost first: 'a/b/c' needs 'a' and 'a/b'."""
    parts = name.split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts))]
