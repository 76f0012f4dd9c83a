"""Completion and hover inside a guide's front matter, for `careersite lsp`.

Keys and their help come from the pydantic models the validator uses
(schema.py); roles, cities, currencies and level names from the site's data.
Everything here works on the editor's text as typed, which is often not valid
YAML yet, so the front matter is read line by line: which mapping the cursor
stands in (by indentation), which key, and what has been typed so far.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pydantic import BaseModel

from .config import COMMON_CURRENCIES, Config, Entry
from .frontmatter import closing_fence, opens_front_matter
from .schema import PERIODS, FrontMatterModel, SalaryModel

_KEY_LINE = re.compile(
    r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?P<gap>[ \t]*)(?P<value>.*)$"
)
_TYPING_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*)?$")
_PERIOD_HELP = {"month": "Monatsgehalt", "year": "Jahresgehalt", "hour": "Stundenlohn"}


@dataclass(frozen=True)
class Spot:
    """Where the cursor stands in the front matter."""

    parents: tuple[str, ...]  # the keys of the mappings around it: () is the top level
    key: str | None  # the key whose value is being typed; None while typing a key
    typed: str  # what is typed of that key or value up to the cursor
    present: frozenset[str]  # the keys already in the same mapping


def front_matter_end(lines: Sequence[str]) -> int | None:
    """The index of the closing fence (len(lines) while unclosed); None without front matter."""
    if not opens_front_matter(lines):
        return None
    end = closing_fence(lines)
    return len(lines) if end is None else end


def spot(lines: Sequence[str], line: int, column: int) -> Spot | None:
    end = front_matter_end(lines)
    if end is None or not 0 < line < end:
        return None
    before = lines[line][:column]
    typing_key = _TYPING_KEY.match(before)
    if typing_key:
        indent = len(typing_key["indent"])
        enclosing = _parents(lines, line, indent)
        if enclosing is None:
            return None
        parents, first = enclosing
        present = _keys_at(lines, first, end, indent) - {typing_key["key"]}
        return Spot(parents, None, typing_key["key"] or "", frozenset(present))
    in_value = _KEY_LINE.match(before)
    if in_value:
        enclosing = _parents(lines, line, len(in_value["indent"]))
        if enclosing is None:
            return None
        return Spot(enclosing[0], in_value["key"], in_value["value"], frozenset())
    return None


def _parents(lines: Sequence[str], line: int, indent: int) -> tuple[tuple[str, ...], int] | None:
    """The keys of the mappings that enclose a line at indent, and the first line of its block.

    None when no mapping holds a line so indented.
    """
    parents: list[str] = []
    first = 1
    wanted = indent
    for index in range(line - 1, 0, -1):
        found = _KEY_LINE.match(lines[index])
        if not found or len(found["indent"]) >= wanted:
            continue
        if found["value"].strip():
            break  # a scalar cannot hold the line: the indentation is off
        if wanted == indent:
            first = index + 1
        parents.insert(0, found["key"])
        wanted = len(found["indent"])
        if wanted == 0:
            break
    if wanted:
        return None
    return tuple(parents), first


def _keys_at(lines: Sequence[str], first: int, end: int, indent: int) -> set[str]:
    keys = set()
    for index in range(first, end):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        depth = len(text) - len(text.lstrip(" "))
        if depth < indent:
            break
        found = _KEY_LINE.match(text)
        if found and depth == indent:
            keys.add(found["key"])
    return keys


def _model(parents: tuple[str, ...]) -> type[BaseModel] | None:
    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): FrontMatterModel,
        ("salary",): SalaryModel,
    }
    return models.get(parents)


def completions(
    lines: Sequence[str], line: int, column: int, config: Config | None, today: dt.date
) -> list[types.CompletionItem]:
    """What may stand at the cursor: a key of the mapping, or a value of the key."""
    where = spot(lines, line, column)
    if where is None:
        return []
    replace = types.Range(
        types.Position(line, column - len(where.typed)), types.Position(line, column)
    )
    if where.key is None:
        indent = " " * (column - len(where.typed))
        return _key_items(where, config, indent, replace)
    choices = _value_choices(where.parents, where.key, config, today)
    before_value = lines[line][: column - len(where.typed)]
    gap = "" if before_value.endswith((" ", "\t")) else " "
    return [
        types.CompletionItem(
            label=label,
            kind=types.CompletionItemKind.Value,
            detail=detail,
            documentation=_markdown(help_text) if help_text else None,
            sort_text=f"{number:04d}",
            filter_text=label,
            text_edit=types.TextEdit(replace, gap + label),
        )
        for number, (label, detail, help_text) in enumerate(choices)
    ]


def _key_items(
    where: Spot, config: Config | None, indent: str, replace: types.Range
) -> list[types.CompletionItem]:
    if where.parents == ("salary", "levels"):
        labels = config.level_labels if config else {}
        return [
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                detail=f"salary level ({label})",
                text_edit=types.TextEdit(replace, f"{name}: [${{1:min}}, ${{2:max}}]"),
                insert_text_format=types.InsertTextFormat.Snippet,
            )
            for name, label in labels.items()
            if name not in where.present
        ]
    model = _model(where.parents)
    if model is None:
        return []
    items = []
    for name, field in model.model_fields.items():
        if name in where.present:
            continue
        required = field.is_required()
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                detail="required" if required else "optional",
                documentation=_markdown(field_help(model, name)),
                sort_text=("0" if required else "1") + name,
                text_edit=types.TextEdit(replace, _key_snippet(name, indent)),
                insert_text_format=types.InsertTextFormat.Snippet,
                insert_text_mode=types.InsertTextMode.AsIs,
            )
        )
    return items


def _key_snippet(name: str, indent: str) -> str:
    inner = indent + "  "
    if name == "salary":
        periods = ",".join(PERIODS)
        return f"salary:\n{inner}min: $1\n{inner}max: $2\n{inner}period: ${{3|{periods}|}}"
    if name == "levels":
        return f"levels:\n{inner}${{0}}"
    if name == "aliases":
        return f"aliases:\n{inner}- ${{0}}"
    return f"{name}: ${{0}}"


def _value_choices(
    parents: tuple[str, ...], key: str, config: Config | None, today: dt.date
) -> list[tuple[str, str | None, str | None]]:
    """(label, detail, documentation) for each value that fits the key."""
    if parents == () and key in ("role", "city") and config is not None:
        entries: Sequence[Entry] = (config.roles if key == "role" else config.cities).entries
        return [(entry.name, f"{key} · {entry.slug}", entry_help(entry)) for entry in entries]
    if parents == () and key in ("date", "updated"):
        return [(today.isoformat(), "today", None)]
    if parents == () and key == "draft":
        return [("true", "build only with --drafts", None), ("false", "publish", None)]
    if parents == () and key == "stale_after_months":
        months = config.stale_after_months if config else None
        default = f"months; the site's: {months}" if months else "months"
        return [("36", default, None), ("false", "never stale: figures meant to stand", None)]
    if parents == ("salary",) and key == "period":
        return [(period, _PERIOD_HELP[period], None) for period in PERIODS]
    if parents == ("salary",) and key == "currency":
        default = config.currency if config else "EUR"
        codes = [default, *(code for code in COMMON_CURRENCIES if code != default)]
        return [(code, "site default" if code == default else None, None) for code in codes]
    return []


def hover(
    lines: Sequence[str], line: int, column: int, config: Config | None
) -> types.Hover | None:
    """Help for the key under the cursor, or the role or city its value names."""
    end = front_matter_end(lines)
    if end is None or not 0 < line < end:
        return None
    found = _KEY_LINE.match(lines[line])
    if not found:
        return None
    enclosing = _parents(lines, line, len(found["indent"]))
    if enclosing is None:
        return None
    parents = enclosing[0]
    key_start, key_end = found.span("key")
    value_start = found.start("value")
    span: tuple[int, int]
    if key_start <= column <= key_end:
        model = _model(parents)
        if model is None or found["key"] not in model.model_fields:
            return None
        text = f"**{found['key']}**\n\n{field_help(model, found['key'])}"
        span = (key_start, key_end)
    elif column >= value_start and parents == () and found["key"] in ("role", "city"):
        if config is None:
            return None
        lookup: Any = config.roles if found["key"] == "role" else config.cities
        entry = lookup.find(found["value"].strip().strip("'\""))
        if entry is None:
            return None
        text = entry_help(entry)
        span = (value_start, len(lines[line].rstrip()))
    else:
        return None
    where = types.Range(types.Position(line, span[0]), types.Position(line, span[1]))
    return types.Hover(_markdown(text), where)


def field_help(model: type[BaseModel], name: str) -> str:
    field = model.model_fields[name]
    parts = [field.description or ""]
    if field.is_required():
        parts.append("Required.")
    elif field.default not in (None, [], {}) and field.default_factory is None:
        parts.append(f"Default: `{field.default}`.")
    return " ".join(part for part in parts if part)


def entry_help(entry: Entry) -> str:
    lines = [f"**{entry.name}** (`{entry.slug}`)"]
    if entry.aliases:
        lines.append("Also: " + ", ".join(entry.aliases))
    if entry.summary:
        lines.append(entry.summary)
    return "\n\n".join(lines)


def _markdown(text: str) -> types.MarkupContent:
    return types.MarkupContent(types.MarkupKind.Markdown, text)
