"""data/*.yaml to a frozen Config and the role and city Catalog."""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies

from .assets import OUT_OF_SITE, out_of_site
from .diagnostics import Diagnostic, SourcePos, error, warning
from .frontmatter import YamlDoc, load_yaml, read_text
from .schema import (
    STALE_AFTER_MONTHS,
    CityModel,
    RoleModel,
    SiteModel,
    unknown_keys,
    validate,
)
from .sense import GERMAN_MINIMUM_WAGE, Wages
from .urls import (
    RESERVED,
    UrlWords,
    base_url_problem,
    is_reserved,
    is_slug,
    slug,
    too_long,
)

COMMON_CURRENCIES = ("EUR", "CHF", "USD", "GBP", "PLN", "CZK", "DKK", "SEK", "NOK")


@cache
def currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes that some territory uses as legal tender today (CLDR)."""
    territories = get_global("territory_currencies")
    return frozenset(code for t in territories for code in get_territory_currencies(t))


def currency_hint(code: str) -> str:
    close = difflib.get_close_matches(code, COMMON_CURRENCIES, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "use an ISO 4217 code such as EUR"


# A well-formed BCP 47 (RFC 5646) tag: language (with extended subtags), script,
# region, variants, extensions, private use. Grandfathered tags are left out.
_LANGUAGE_TAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?",
    re.IGNORECASE,
)
# RFC 5646 asks every implementation to take tags of up to 35 characters; Pagefind
# fails on a language of about 40.
MAX_LANGUAGE_TAG = 35


def language_tag_is_valid(tag: str) -> bool:
    """A well-formed tag whose language Babel (CLDR) knows."""
    if len(tag) > MAX_LANGUAGE_TAG or not _LANGUAGE_TAG.fullmatch(tag):
        return False
    try:
        Locale.parse(tag.split("-")[0].lower())
    except (UnknownLocaleError, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)  # slots: each article holds its role and city
class Entry:
    """A role or a city: found by name, slug or alias."""

    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Role(Entry):
    related: tuple[str, ...] = ()  # names as written in data/roles.yaml


@dataclass(frozen=True, slots=True)
class City(Entry):
    state: str | None = None


def _lookup_key(text: str) -> str:
    return slug(text)


T = TypeVar("T", bound=Entry)


@dataclass(frozen=True)
class Lookup(Generic[T]):
    """Finds a role or city by name, slug or alias; suggests near misses."""

    entries: tuple[T, ...]
    by_key: dict[str, T] = field(default_factory=dict)
    complete: bool = True  # False when its data file is broken: unknown names prove nothing

    @classmethod
    def of(cls, entries: tuple[T, ...], complete: bool = True) -> Lookup[T]:
        by_key: dict[str, T] = {}
        for entry in entries:
            for text in (entry.name, entry.slug, *entry.aliases):
                by_key.setdefault(_lookup_key(text), entry)
        return cls(entries, by_key, complete)

    def find(self, text: str) -> T | None:
        return self.by_key.get(_lookup_key(text))

    def suggest(self, text: str) -> str | None:
        names = {_lookup_key(t): e.name for e in self.entries for t in (e.name, e.slug, *e.aliases)}
        close = difflib.get_close_matches(_lookup_key(text), list(names), n=1, cutoff=0.6)
        return names[close[0]] if close else None


@dataclass(frozen=True, kw_only=True)
class Config:
    source: Path
    title: str
    description: str | None
    base_url: str
    language: str
    locale: str
    currency: str
    url_words: UrlWords
    per_page: int  # entries on one page of a hub or list
    level_labels: dict[str, str]
    unsafe_html: bool
    roles: Lookup[Role]
    cities: Lookup[City]
    wages: Wages = field(default_factory=Wages)  # the minimum wage, hours: sense checks
    layout_ids: frozenset[str] = frozenset()  # the site's layouts' own ids on guide pages
    stale_after_months: int | None = STALE_AFTER_MONTHS  # figures reviewed longer ago: stale
    near_duplicate: int | None = None  # percent alike: near-duplicate guides; None: not checked

    @property
    def content_dir(self) -> Path:
        return self.source / "content"


DEFAULT_LEVEL_LABELS = {"entry": "Einstieg", "experienced": "Mit Berufserfahrung"}


def load_config(
    source: Path, base_url: str | None = None
) -> tuple[Config | None, list[Diagnostic]]:
    data = source / "data"
    diagnostics: list[Diagnostic] = []
    site_doc = _load(data / "site.yaml", diagnostics, required=True)
    roles_doc = _load(data / "roles.yaml", diagnostics)
    cities_doc = _load(data / "cities.yaml", diagnostics)
    if site_doc is None:
        return None, diagnostics
    where = SourcePos(data / "site.yaml", 1, 1)
    site, problems = validate(SiteModel, site_doc, where)
    diagnostics += problems
    if isinstance(site_doc.value, dict):
        diagnostics += _unknown(SiteModel, site_doc)
    roles = _entries(RoleModel, roles_doc, data / "roles.yaml", diagnostics)
    cities = _entries(CityModel, cities_doc, data / "cities.yaml", diagnostics)
    if site is None:
        return None, diagnostics
    try:
        Locale.parse(site.locale)
    except (UnknownLocaleError, ValueError):
        diagnostics.append(
            error(
                f"unknown locale '{site.locale}'",
                site_doc.pos(("locale",)),
                "use a code like de_DE",
            )
        )
        return None, diagnostics
    problems = _site_problems(site, site_doc)
    # url words that clash: pages would be written where others are, or could not be
    problems += _check_url_words(site.url_words.roles, site.url_words.cities, site_doc)
    if (reason := too_long(site.url_words.page)) is not None:
        problems.append(error(f"'url_words.page' {reason}", site_doc.pos(("url_words", "page"))))
    if problems:
        return None, diagnostics + problems
    role_entries = tuple(
        Role(m.name, m.slug or slug(m.name), tuple(m.aliases), m.summary, related=tuple(m.related))
        for m in roles
    )
    city_entries = tuple(
        City(m.name, m.slug or slug(m.name), tuple(m.aliases), m.summary, state=m.state)
        for m in cities
    )
    diagnostics += _check_names(role_entries, roles_doc, data / "roles.yaml")
    diagnostics += _check_names(city_entries, cities_doc, data / "cities.yaml")
    role_lookup = Lookup.of(role_entries, _clean(diagnostics, data / "roles.yaml"))
    diagnostics += _check_related(role_entries, role_lookup, roles_doc, data / "roles.yaml")
    chosen_base = base_url if base_url is not None else site.base_url
    config = Config(
        source=source,
        title=site.title,
        description=site.description,
        base_url=chosen_base if chosen_base.endswith("/") else chosen_base + "/",
        language=site.language,
        locale=site.locale,
        currency=site.currency,
        url_words=UrlWords(site.url_words.roles, site.url_words.cities, site.url_words.page),
        per_page=site.per_page,
        level_labels={**DEFAULT_LEVEL_LABELS, **site.level_labels},
        unsafe_html=site.markdown.unsafe_html,
        roles=role_lookup,
        cities=Lookup.of(city_entries, _clean(diagnostics, data / "cities.yaml")),
        wages=Wages(
            GERMAN_MINIMUM_WAGE
            if site.minimum_wage is None
            else tuple((wage.since, wage.hourly) for wage in site.minimum_wage),
            site.hours_per_month,
        ),
        layout_ids=frozenset(site.layout_ids),
        stale_after_months=site.stale_after_months or None,
        near_duplicate=site.near_duplicate or None,
    )
    return config, diagnostics


def _site_problems(site: SiteModel, doc: YamlDoc) -> list[Diagnostic]:
    """What data/site.yaml sets that every page would carry: checked once, at its line."""
    problems = []
    if not language_tag_is_valid(site.language):
        problems.append(
            error(
                f"'language' must be a language tag such as de or de-AT, not '{site.language}'",
                doc.pos(("language",)),
                f"a BCP 47 tag of at most {MAX_LANGUAGE_TAG} characters: an ISO 639 language "
                "code, then optionally a script or region",
            )
        )
    if site.currency not in currencies_in_use():
        problems.append(
            error(
                f"unknown currency '{site.currency}'",
                doc.pos(("currency",)),
                currency_hint(site.currency),
            )
        )
    given = doc.value.get("base_url") if isinstance(doc.value, dict) else None
    reason = base_url_problem(site.base_url) if given is not None else None
    if reason:
        problems.append(
            error(
                f"'base_url' {reason}",
                doc.pos(("base_url",)),
                "a URL such as https://example.org/ or https://example.org/karriere/",
            )
        )
    return problems


def _clean(diagnostics: list[Diagnostic], path: Path) -> bool:
    return not any(d.severity == "error" and d.pos and d.pos.path == path for d in diagnostics)


def _load(path: Path, diagnostics: list[Diagnostic], required: bool = False) -> YamlDoc | None:
    try:
        kind = path.stat().st_mode
    except OSError:
        kind = 0  # missing (a link to nowhere too)
    if kind and out_of_site(path, path.parent.parent):
        severity = error if required else warning
        diagnostics.append(severity(OUT_OF_SITE, SourcePos(path)))
        return None
    if stat.S_ISDIR(kind):
        what = {"site.yaml": "the site's settings", "roles.yaml": "the roles"}.get(
            path.name, "the cities"
        )
        diagnostics.append(
            error(
                "this is a folder; a data file must be a file",
                SourcePos(path),
                f"move the folder away and write {what} into data/{path.name}",
            )
        )
        return None
    if kind and not stat.S_ISREG(kind):  # a pipe or device would block
        severity = error if required else warning
        diagnostics.append(severity("not a regular file; skipped", SourcePos(path)))
        return None
    if not kind:
        if required:
            diagnostics.append(
                error(
                    "missing site configuration",
                    SourcePos(path),
                    "create it with at least 'title:'",
                )
            )
        return None
    text, problem = read_text(path)
    if problem:
        diagnostics.append(problem)
        return None
    assert text is not None
    doc, problems = load_yaml(text, path)
    diagnostics += problems
    return doc


def _unknown(model: Any, doc: YamlDoc, prefix: tuple[str | int, ...] = ()) -> list[Diagnostic]:
    value = doc.value
    for part in prefix:
        value = value[part]
    known = list(model.model_fields)
    found = []
    for key in unknown_keys(model, value):
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        found.append(warning(f"unknown key '{key}'", doc.pos((*prefix, key), key=True), hint))
    return found


def _entries(
    model: Any, doc: YamlDoc | None, path: Path, diagnostics: list[Diagnostic]
) -> list[Any]:
    if doc is None or doc.value is None:
        return []
    if not isinstance(doc.value, list):
        diagnostics.append(
            error("must be a list of entries, each starting with '- name:'", SourcePos(path, 1, 1))
        )
        return []
    entries = []
    for index, item in enumerate(doc.value):
        where = doc.pos((index,)) or SourcePos(path, 1, 1)
        entry, problems = validate(model, doc, where, (index,))
        diagnostics += problems
        if isinstance(item, dict):
            diagnostics += _unknown(model, doc, (index,))
        if entry is not None:
            entries.append(entry)
    return entries


def _check_names(entries: Sequence[Entry], doc: YamlDoc | None, path: Path) -> list[Diagnostic]:
    """Two entries may not share a name, slug or alias (compared as slugs)."""
    problems = []
    owner: dict[str, int] = {}
    for index, entry in enumerate(entries):
        pos = doc.pos((index,)) if doc else SourcePos(path)
        clashes: dict[int, str] = {}
        for text in dict.fromkeys((entry.name, entry.slug, *entry.aliases)):
            key = _lookup_key(text)
            if not key:
                if text != entry.slug:  # an empty slug made from the name is the same problem
                    problems.append(
                        error(f"'{text}' has no letters or digits to make a URL from", pos)
                    )
            elif owner.get(key, index) != index:
                clashes.setdefault(owner[key], text)
            else:
                owner[key] = index
        if (reason := too_long(entry.slug)) is not None:
            problems.append(
                error(
                    f"'{entry.name}' makes a URL segment that {reason}",
                    pos,
                    "give it a shorter 'slug'",
                )
            )
        for other, text in clashes.items():
            first = doc.pos((other,)) if doc else None
            seen = f" (line {first.line})" if first else ""
            problems.append(
                error(
                    f"'{entry.name}' clashes with '{entries[other].name}'{seen}: "
                    f"both answer to '{text}'",
                    pos,
                    "give each entry its own name, slug and aliases",
                )
            )
    return problems


def _check_url_words(roles: str, cities: str, doc: YamlDoc) -> list[Diagnostic]:
    """Each list's pages need a first folder of their own, which a file name can be."""
    problems = []
    words = {"roles": roles, "cities": cities}
    for kind, word in words.items():
        pos = doc.pos(("url_words", kind))
        if is_reserved(word):
            own = ", ".join(sorted(w for w in RESERVED if is_slug(w)))
            own = " and ".join(own.rsplit(", ", 1))
            problems.append(
                error(
                    f"'url_words.{kind}' cannot be '{word}': careersite writes its own files there",
                    pos,
                    f"careersite's own folders are {own}",
                )
            )
        elif (reason := too_long(word)) is not None:
            problems.append(error(f"'url_words.{kind}' {reason}", pos))
    if roles == cities:
        # at the word written in data/site.yaml; at cities when both are
        kind = "cities" if ("url_words", "cities") in doc.keys else "roles"
        other = "roles" if kind == "cities" else "cities"
        problems.append(
            error(
                f"'url_words.{kind}' is '{words[kind]}', the word of 'url_words.{other}'",
                doc.pos(("url_words", kind)),
                "roles and cities need a word each",
            )
        )
    return problems


def _check_related(
    roles: tuple[Role, ...], lookup: Lookup[Role], doc: YamlDoc | None, path: Path
) -> list[Diagnostic]:
    problems = []
    for index, role in enumerate(roles):
        for number, name in enumerate(role.related):
            if lookup.find(name) is None:
                close = lookup.suggest(name)
                pos = doc.pos((index, "related", number)) if doc else SourcePos(path)
                hint = f"did you mean '{close}'?" if close else "add the role to data/roles.yaml"
                problems.append(
                    warning(f"related role '{name}' is not in data/roles.yaml", pos, hint)
                )
    return problems
