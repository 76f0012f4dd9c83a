"""`careersite new ROLE [CITY]`: write a guide skeleton with valid front matter."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
from dataclasses import dataclass
from pathlib import Path

from .config import City, Config, Lookup, Role
from .diagnostics import display_path
from .errors import CareersiteError
from .urls import slug

GUIDE_SECTIONS = (
    "Aufgaben und Arbeitsalltag",
    "Gehalt in {city}",
    "Arbeitsmarkt in {city}",
    "Qualifikation und Einstieg",
    "Weiterbildung",
    "Ausblick",
)
OVERVIEW_SECTIONS = (
    "Aufgaben",
    "Arbeitsfelder",
    "Qualifikation und Einstieg",
    "Weiterbildung",
    "Fähigkeiten",
)


# What `new` writes where the author's text goes: recognisably unfinished, and
# a warning (an error with --strict) in a guide that is published with it.
PLACEHOLDER_TEXT = "Text folgt."
PLACEHOLDER_SUMMARY = "Ein bis zwei Sätze für Listen und Suchmaschinen."
# No figures that could pass for real ones: the salary waits, commented out,
# for the author's (a draft may go without; a published guide may not).
SALARY_SKELETON = (
    "# salary:  # brutto, aus einer belegten Quelle; ohne Gehalt wird nichts veröffentlicht",
    "#   min: ",
    "#   max: ",
    "#   period: month  # month, year oder hour",
)


class ScaffoldError(CareersiteError):
    """The guide cannot be written; the message says why, the hint what to do."""


@dataclass(frozen=True)
class Scaffold:
    path: Path
    text: str
    notes: tuple[str, ...]  # roles or cities that data/ does not know yet


def _named(
    lookup: Lookup[Role] | Lookup[City] | None, given: str, data_file: str
) -> tuple[str, str, str | None]:
    """Canonical name and slug of a role or city, and a note when it is new."""
    found = lookup.find(given) if lookup else None
    if found is not None:
        return found.name, found.slug, None
    note = f"'{given}' is not in {data_file} yet: add an entry '- name: {given}' there"
    return given.strip(), slug(given), note


def plan(
    source: Path, config: Config | None, role: str, city: str | None, today: dt.date
) -> Scaffold:
    if not slug(role) or (city is not None and not slug(city)):
        raise ScaffoldError("ROLE and CITY must contain letters or digits")
    role_name, role_slug, role_note = _named(
        config.roles if config else None, role, "data/roles.yaml"
    )
    notes = [n for n in (role_note,) if n]
    sections: tuple[str, ...]
    if city is None:
        path = source / "content" / role_slug / "index.md"
        head = [f"title: {role_name}", f"role: {role_name}"]
        sections = OVERVIEW_SECTIONS
        city_name = ""
    else:
        city_name, city_slug, city_note = _named(
            config.cities if config else None, city, "data/cities.yaml"
        )
        notes += [n for n in (city_note,) if n]
        path = source / "content" / role_slug / f"{city_slug}.md"
        head = [
            f"title: {role_name} in {city_name}",
            f"role: {role_name}",
            f"city: {city_name}",
            *SALARY_SKELETON,
        ]
        sections = GUIDE_SECTIONS
    head += [
        f"date: {today.isoformat()}",
        f"summary: {PLACEHOLDER_SUMMARY}",
        "draft: true",
    ]
    body = "\n".join(
        f"## {title.format(city=city_name)}\n\n{PLACEHOLDER_TEXT}\n" for title in sections
    )
    text = "---\n" + "\n".join(_quoted(line) for line in head) + "\n---\n\n" + body
    return Scaffold(path, text, tuple(notes))


def _quoted(line: str) -> str:
    """Quote a value that YAML would otherwise misread (a colon, a leading symbol)."""
    key, sep, value = line.partition(": ")
    if not sep or line.startswith((" ", "#")) or "#" in value or not value:
        return line
    if ":" in value or value[:1] in "!&*[]{}|>'\"%@`,?-":
        return f'{key}: "{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
    return line


def write(scaffold: Scaffold) -> None:
    if scaffold.path.exists():
        raise ScaffoldError(
            f"{scaffold.path} exists already; careersite new never overwrites a guide"
        )
    folder = scaffold.path.parent
    made = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with scaffold.path.open("x", encoding="utf-8") as handle:
            handle.write(scaffold.text)
    except OSError as exc:
        if made:  # leave no empty role folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise ScaffoldError(
            f"cannot write {display_path(scaffold.path)}: {exc.strerror}",
            "use a shorter name for the role or city" if exc.errno == errno.ENAMETOOLONG else None,
        ) from exc
