"""Discover source files and validate each one into an Article."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from markdown_it import MarkdownIt

from . import markdown, sense, similar
from .config import City, Config, Lookup, Role, T, currencies_in_use, currency_hint
from .diagnostics import Diagnostic, SourcePos, display_path, error, warning
from .frontmatter import YamlDoc, checked_text, load_yaml, read_text, split
from .incremental.cache import shared_path
from .scaffold import PLACEHOLDER_SUMMARY, PLACEHOLDER_TEXT
from .schema import FrontMatterModel, SalaryModel, unknown_keys, validate
from .urls import alias_problem, slug, too_long

_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


@dataclass(frozen=True, slots=True)  # slots: each guide holds its own
class Level:
    name: str
    min: float
    max: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Salary:
    min: float
    max: float
    currency: str
    period: str
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Article:
    """One validated source: a guide (role in a city) or a role overview."""

    source: Path
    title: str
    role: Role
    city: City | None
    salary: Salary | None
    date: dt.date
    updated: dt.date | None
    summary: str
    draft: bool
    slug: str | None
    aliases: tuple[str, ...]
    alias_positions: tuple[SourcePos, ...]
    body: markdown.Body  # rendered once; links to sources resolved at the end
    dated_at: SourcePos | None = None  # where last_changed is written: updated, else date
    # the key that decides its URL: slug, else role (url_changes.py warns there)
    url_at: SourcePos | None = None
    # the guide's own age after which its figures are stale (stale.py); None: the site's
    stale_after_months: int | Literal[False] | None = None
    signature: bytes | None = None  # similar.signature of its body; None: too short
    # guides whose text is knowingly nearly the same (similar_to), as links find them
    similar_to: tuple[Path, ...] = ()

    @property
    def is_guide(self) -> bool:
        return self.city is not None

    @property
    def last_changed(self) -> dt.date:
        return self.updated or self.date


def discover(content_dir: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Every Markdown file below content/, in the order of Path; no links out of it.

    Each path is cache.shared_path's: the object the record, the build cache
    and the last build's tables (in the dev server) hold, found by identity.
    """
    if not content_dir.is_dir():
        return [], [
            error("no content folder", SourcePos(content_dir), "create content/<role>/<city>.md")
        ]
    root = content_dir.resolve()
    found: list[str] = []
    diagnostics: list[Diagnostic] = []
    todo = [os.path.normpath(content_dir)]  # so every path below is normal too
    while todo:  # os.scandir: the kind of each entry comes with the listing, no stat
        folder = todo.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            problem = f"cannot read folder: {exc.strerror}"
            diagnostics.append(error(problem, SourcePos(Path(folder))))
            continue
        for entry in reversed(entries):  # popped in order of names
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                todo.append(entry.path)
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(".md") or entry.is_dir():
                continue
            if entry.is_symlink():
                # Inside content/ its target is found under its own name;
                # outside, it is not ours to read.
                path = Path(entry.path)
                if not path.resolve().is_relative_to(root):
                    diagnostics.append(
                        warning("symbolic link out of content/ is not followed", SourcePos(path))
                    )
                continue
            if not entry.is_file(follow_symlinks=False):  # a pipe or device would block
                diagnostics.append(
                    warning("not a regular file; skipped", SourcePos(Path(entry.path)))
                )
                continue
            found.append(entry.path)
    # Path compares part by part: as strings whose separator sorts before any character.
    found.sort(key=lambda name: name.replace(os.sep, "\0"))
    found, problems = _one_name_each(found)
    return [shared_path(name) for name in found], diagnostics + problems


def _one_name_each(found: list[str]) -> tuple[list[str], list[Diagnostic]]:
    """found without a file whose path is an earlier one's in another Unicode normalisation.

    'lübeck.md' with ü as one character and as u + U+0308 are one name: a link
    finds both (markdown.source_key), and hosts that normalise names serve one.
    """
    first: dict[str, str] = {}
    kept, problems = [], []
    for name in found:
        other = first.setdefault(unicodedata.normalize("NFC", name), name)
        if other == name:
            kept.append(name)
            continue
        problems.append(
            error(
                f"the same file name as {display_path(Path(other))} in another Unicode "
                f"normalisation (written {_escaped(name)}, and {_escaped(other)} there)",
                SourcePos(Path(name)),
                "keep one of the two files (links and many hosts cannot tell them apart); "
                "this one is not read",
            )
        )
    return kept, problems


def _escaped(path: str) -> str:
    """A file name with its characters beyond ASCII as \\uXXXX: how two look-alikes differ."""
    return "".join(c if c.isascii() else f"\\u{ord(c):04x}" for c in os.path.basename(path))


def load_article(
    path: Path, config: Config, md: MarkdownIt, text: str | None = None
) -> tuple[Article | None, list[Diagnostic]]:
    """The source at path validated; text, when given, stands for the file's content."""
    text, problem = read_text(path) if text is None else checked_text(text, path)
    if problem:
        return None, [problem]
    assert text is not None
    parts, problem = split(text, path)
    if problem:
        return None, [problem]
    assert parts is not None
    doc, diagnostics = load_yaml(parts.yaml_text, path, parts.yaml_first_line)
    if doc is None:
        return None, diagnostics
    if not isinstance(doc.value, dict):
        return None, [
            error(
                "front matter must be a mapping of keys such as 'title: ...'",
                SourcePos(path, parts.yaml_first_line, 1),
            )
        ]
    head = SourcePos(path, 1, 1)
    fields, diagnostics = validate(FrontMatterModel, doc, head)
    diagnostics += _unknown_keys(doc)
    role, problems = _resolve(config.roles, doc.value.get("role"), "role", doc, Role)
    diagnostics += problems
    city, problems = _resolve(config.cities, doc.value.get("city"), "city", doc, City)
    diagnostics += problems
    if fields is None or role is None:
        return None, diagnostics
    salary, problems = _salary(fields, doc, config, head)
    diagnostics += problems
    if fields.updated and fields.updated < fields.date:
        diagnostics.append(
            error(
                f"'updated' ({fields.updated}) is before 'date' ({fields.date})",
                doc.pos(("updated",)),
            )
        )
    diagnostics += _segment_problems(fields.slug, role, city, doc)
    for index, alias in enumerate(fields.aliases):
        reason = alias_problem(alias)
        if reason:
            diagnostics.append(error(f"alias '{alias}' {reason}", doc.pos(("aliases", index))))
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    if not fields.draft:
        diagnostics += _placeholders(fields.summary, parts.body, parts.body_first_line, doc, path)
    diagnostics += markdown.images_without_alt(md, parts.body, path, parts.body_first_line)
    body = markdown.prepare(md, parts.body, path, parts.body_first_line)
    return Article(
        source=path,
        title=fields.title,
        role=role,
        city=city,
        salary=salary,
        date=fields.date,
        updated=fields.updated,
        summary=fields.summary or body.summary,
        draft=fields.draft,
        slug=fields.slug,
        aliases=tuple(fields.aliases),
        alias_positions=tuple(doc.pos(("aliases", i)) or head for i in range(len(fields.aliases))),
        body=body,
        dated_at=doc.pos(("updated" if fields.updated else "date",)),
        url_at=doc.pos(("slug" if fields.slug else "role",)) or head,
        stale_after_months=fields.stale_after_months,
        signature=similar.signature(parts.body) if config.near_duplicate else None,
        similar_to=tuple(
            markdown.source_key(shared_path(os.path.normpath(path.parent / name)))
            for name in fields.similar_to
        ),
    ), diagnostics


def _placeholders(
    summary: str | None, body: str, first_line: int, doc: YamlDoc, path: Path
) -> list[Diagnostic]:
    """The placeholders careersite new wrote, still in a guide that is published."""
    found = []
    if summary == PLACEHOLDER_SUMMARY:
        found.append(
            warning(
                "'summary' is still the placeholder that careersite new wrote",
                doc.pos(("summary",)),
                "write one or two sentences on this page for lists and search engines",
            )
        )
    for number, line in enumerate(body.splitlines()):
        if line.strip() == PLACEHOLDER_TEXT:
            found.append(
                warning(
                    f"'{PLACEHOLDER_TEXT}' is still the placeholder that careersite new wrote",
                    SourcePos(path, first_line + number, line.index(PLACEHOLDER_TEXT) + 1),
                    "write this section, or remove it with its heading",
                )
            )
    return found


def _segment_problems(
    own_slug: str | None, role: Role, city: City | None, doc: YamlDoc
) -> list[Diagnostic]:
    """Each URL segment of the guide's page (and its hubs) must be a file name."""
    problems = []
    for key, entry, data_file in (
        ("role", role, "data/roles.yaml"),
        ("city", city, "data/cities.yaml"),
    ):
        if entry is not None and (reason := too_long(entry.slug)) is not None:
            problems.append(
                error(
                    f"'{key}' makes a URL segment that {reason}",
                    doc.pos((key,)),
                    f"give the {key} a shorter 'slug' in {data_file}",
                )
            )
    if own_slug is not None and (reason := too_long(own_slug)) is not None:
        problems.append(error(f"'slug' {reason}", doc.pos(("slug",))))
    return problems


def _unknown_keys(doc: YamlDoc) -> list[Diagnostic]:
    found = []
    checks: list[tuple[Any, tuple[str, ...], dict[str, Any]]] = [(FrontMatterModel, (), doc.value)]
    if isinstance(doc.value.get("salary"), dict):
        checks.append((SalaryModel, ("salary",), doc.value["salary"]))
    for model, prefix, mapping in checks:
        known = list(model.model_fields)
        for key in unknown_keys(model, mapping):
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            shown = ".".join((*prefix, key))
            found.append(warning(f"unknown key '{shown}'", doc.pos((*prefix, key), key=True), hint))
    return found


def _salary(
    fields: FrontMatterModel, doc: YamlDoc, config: Config, head: SourcePos
) -> tuple[Salary | None, list[Diagnostic]]:
    given = fields.salary
    if given is None:
        # A draft may wait for its figures (careersite new leaves them out); a page may not.
        if fields.city is not None and not fields.draft:
            return None, [
                error(
                    "missing required key 'salary' for a guide with a city",
                    doc.pos(("city",), key=True) or head,
                    "add salary: with min, max and period",
                )
            ]
        return None, []
    problems = []
    if given.min > given.max:
        problems.append(
            error(
                f"salary min ({given.min:g}) is greater than max ({given.max:g})",
                doc.pos(("salary", "max")),
                "swap the two numbers",
            )
        )
    problems += _thousands_separators(doc)
    currency = given.currency or config.currency
    if currency not in currencies_in_use():
        hint = currency_hint(currency)
        problems.append(
            error(f"unknown currency '{currency}'", doc.pos(("salary", "currency")), hint)
        )
    levels = []
    for name, (low, high) in given.levels.items():
        pos = doc.pos(("salary", "levels", name))
        if low > high:
            problems.append(error(f"salary level '{name}': {low:g} is greater than {high:g}", pos))
        elif low < given.min or high > given.max:
            problems.append(
                error(
                    f"salary level '{name}' [{low:g}, {high:g}] lies outside "
                    f"the range {given.min:g}–{given.max:g}",
                    pos,
                    "widen min/max or correct the level",
                )
            )
        levels.append(Level(name, low, high))
    if not given.confirmed and not problems:  # sense only in figures that are valid
        day = fields.updated or fields.date
        found = sense.doubts(
            given.min,
            given.max,
            given.period,
            day=day,
            wages=config.wages,
            same_currency=currency == config.currency,
        )
        problems += [warning(d.message, doc.pos(("salary", d.key)), d.hint) for d in found]
    salary = Salary(
        min=given.min,
        max=given.max,
        currency=currency,
        period=given.period,
        levels=tuple(levels),
    )
    return salary, problems


def _thousands_separators(doc: YamlDoc) -> list[Diagnostic]:
    """'min: 2.800' is 2.8 to YAML; a German author meant 2800."""
    problems = []
    for path, raw in doc.scalars.items():
        if path[:1] == ("salary",) and _THOUSANDS.fullmatch(raw):
            name = ".".join(map(str, path))
            problems.append(
                error(
                    f"'{name}' is written {raw}, which reads as {float(raw):g}",
                    doc.pos(path),
                    f"write amounts without a thousands separator: {raw.replace('.', '')}",
                )
            )
    return problems


def _resolve(
    lookup: Lookup[T], given: Any, key: str, doc: YamlDoc, kind: type[T]
) -> tuple[T | None, list[Diagnostic]]:
    """The role or city a front matter value names; unknown ones are a warning."""
    if not isinstance(given, str) or not given.strip():
        return None, []  # the schema reports what is wrong with the value itself
    found = lookup.find(given)
    if found is not None:
        return found, []
    if not lookup.complete:
        return kind(given.strip(), slug(given) or "unbenannt"), []
    close = lookup.suggest(given)
    data_file = "data/roles.yaml" if key == "role" else "data/cities.yaml"
    hint = f"did you mean '{close}'?" if close else f"add it to {data_file}"
    diagnostic = warning(f"unknown {key} '{given}'", doc.pos((key,)), hint)
    return kind(given.strip(), slug(given) or "unbenannt"), [diagnostic]
