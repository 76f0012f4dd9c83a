"""Split the `---` block off a source file and load YAML with node positions.

Positions are exact: every key and value keeps the line and column of its YAML
node plus the offset of the block in the file, so a bad key is reported on its
own line. YAML is loaded safely: no tags that construct objects, no aliases
(which also rules out alias bombs), no duplicate keys, and dates stay text so
that an impossible date is reported at its own line instead of failing the
whole block.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, SourcePos, error

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The C safe loader (when PyYAML has it) that leaves dates as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

KeyPath = tuple[str | int, ...]
_FENCE = re.compile(r"^---[ \t]*$")
# Characters that HTML and XML 1.0 forbid (tab and newline are fine).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_CLOSING_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# Bidirectional embeddings, overrides and isolates: one left open in a city's name
# reverses the salary printed beside it.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Bidi controls and Unicode's noncharacters, refused in every YAML value.
UNSAFE = re.compile(
    "[\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
# A number as YAML 1.2 and people read it. YAML 1.1 also reads 12:50 as 770 (base 60),
# 0700 as 448 (octal), 0x1F, 0b101 and 1_000: those are refused, with a hint.
_PLAIN_NUMBER = re.compile(
    r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+|"
    r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


@dataclass(frozen=True)
class YamlDoc:
    """A loaded YAML document with the position of every key and value."""

    value: Any
    keys: dict[KeyPath, SourcePos] = field(default_factory=dict)
    values: dict[KeyPath, SourcePos] = field(default_factory=dict)
    scalars: dict[KeyPath, str] = field(default_factory=dict)  # plain scalars as written

    def pos(self, path: KeyPath, *, key: bool = False) -> SourcePos | None:
        """The position of the key (or value) at path, else of its nearest parent."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get(())


@dataclass(frozen=True)
class SplitSource:
    """A source file cut into its front matter text and its Markdown body."""

    yaml_text: str
    yaml_first_line: int  # file line (from 1) of the first YAML line
    body: str
    body_first_line: int  # file line (from 1) of the first body line


def read_text(path: Path) -> tuple[str | None, Diagnostic | None]:
    """Decode a source file as UTF-8, dropping a byte-order mark and CR line ends."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, error(f"cannot read file: {exc.strerror}", SourcePos(path))
    text, problem = decoded(raw, path)
    if text is None:
        return None, problem
    return checked_text(text, path)


def decoded(raw: bytes, path: Path) -> tuple[str | None, Diagnostic | None]:
    """raw as UTF-8 without a byte-order mark, or an error at the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        return None, error(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            SourcePos(path, line, col),
            "save the file with UTF-8 encoding",
        )


def checked_text(text: str, path: Path) -> tuple[str | None, Diagnostic | None]:
    """Text with plain line ends, or an error at a control character (also for a buffer)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return None, error(
            f"control character U+{ord(bad.group()):04X} is not allowed in a page",
            SourcePos(path, line, col),
            "delete it (it breaks HTML and XML)",
        )
    return text, None


def opens_front_matter(lines: Sequence[str]) -> bool:
    return bool(lines) and _FENCE.match(lines[0]) is not None


def closing_fence(lines: Sequence[str]) -> int | None:
    """The index of the line that closes the front matter; None while it is open."""
    for index in range(1, len(lines)):
        if _CLOSING_FENCE.match(lines[index]):
            return index
    return None


def split(text: str, path: Path) -> tuple[SplitSource | None, Diagnostic | None]:
    lines = text.split("\n")
    if not opens_front_matter(lines):
        return None, error(
            "missing front matter: a guide starts with a line '---'",
            SourcePos(path, 1, 1),
            "begin the file with '---', then title, role, ..., then '---'",
        )
    end = closing_fence(lines)
    if end is None:
        return None, error(
            "front matter is not closed",
            SourcePos(path, 1, 1),
            "add a line '---' after the last front matter key",
        )
    return SplitSource(
        yaml_text="\n".join(lines[1:end]) + "\n",
        yaml_first_line=2,
        body="\n".join(lines[end + 1 :]),
        body_first_line=end + 2,
    ), None


def load_yaml(
    text: str, path: Path, first_line: int = 1
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Load one YAML document; first_line is the file line the text starts on."""
    if "*" in text or "&" in text:
        refused = _anchors_and_aliases(text, path, first_line)
        if refused:
            return None, refused
    if text.count("[") + text.count("{") > MAX_DEPTH or len(text) > 20_000:
        deep = _too_deep(text, path, first_line)
        if deep:
            return None, [deep]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(exc, text, path, first_line)]
    except yaml.YAMLError as exc:
        return None, [error(f"invalid YAML: {exc}", SourcePos(path, first_line))]
    finally:
        loader.dispose()
    if node is None:
        return YamlDoc(None), []
    return _Builder(loader, path, first_line).document(node)


MAX_DEPTH = 64  # nesting deeper than this is refused before libyaml recurses into it

_OPENERS = (
    yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.BlockMappingStartToken,
)
_CLOSERS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


def _too_deep(text: str, path: Path, first_line: int) -> Diagnostic | None:
    """A diagnostic when lists and mappings nest deeper than MAX_DEPTH."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, _OPENERS):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = token.start_mark
                    return error(
                        f"lists and mappings nest deeper than {MAX_DEPTH} levels",
                        SourcePos(path, mark.line + first_line, mark.column + 1),
                        "flatten the structure",
                    )
            elif isinstance(token, _CLOSERS):
                depth -= 1
    except yaml.YAMLError:
        return None  # loading reports the syntax error itself
    return None


def _anchors_and_aliases(text: str, path: Path, first_line: int) -> list[Diagnostic]:
    """Every &anchor and *alias, at its own position (the composed node knows neither)."""
    found = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                mark = token.start_mark
                pos = SourcePos(path, mark.line + first_line, mark.column + 1)
                if isinstance(token, yaml.AnchorToken):
                    message = "YAML anchors (&name) are not allowed here"
                    hint = "write the value out instead of naming it"
                else:
                    message = "YAML aliases (*name) are not allowed here"
                    hint = "write the value out instead of referring to an anchor"
                found.append(error(message, pos, hint))
    except yaml.YAMLError:
        return []  # loading reports the syntax error itself
    return found


def _yaml_error(exc: yaml.MarkedYAMLError, text: str, path: Path, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "malformed YAML"
    hint = None
    if mark is not None and _tab_at(text.split("\n")[mark.line], mark.column):
        hint = "indent with spaces; YAML does not allow tabs"
    if problem == "found unexpected end of stream" and exc.context_mark is not None:
        mark = exc.context_mark
        hint = "close the quote"
    if exc.context and exc.context not in problem:
        problem = f"{problem} ({exc.context})"
    pos = SourcePos(path, mark.line + first_line, mark.column + 1) if mark else SourcePos(path)
    return error(f"invalid YAML: {problem}", pos, hint)


def _tab_at(line: str, column: int) -> bool:
    """A tab in the line's indentation or right at the error."""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indentation or line[column : column + 1] == "\t"


class _Builder:
    """Turns a YAML node tree into plain values, recording positions on the way."""

    def __init__(self, loader: Any, path: Path, first_line: int) -> None:
        self.loader = loader
        self.path = path
        self.first_line = first_line
        self.keys: dict[KeyPath, SourcePos] = {}
        self.values: dict[KeyPath, SourcePos] = {}
        self.scalars: dict[KeyPath, str] = {}
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[int] = set()

    def document(self, node: yaml.Node) -> tuple[YamlDoc | None, list[Diagnostic]]:
        value = self.build(node, ())
        if self.diagnostics:
            return None, self.diagnostics
        return YamlDoc(value, self.keys, self.values, self.scalars), []

    def pos(self, node: yaml.Node) -> SourcePos:
        mark = node.start_mark
        return SourcePos(self.path, mark.line + self.first_line, mark.column + 1)

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.values[path] = self.pos(node)
        if id(node) in self.seen:
            self.diagnostics.append(
                error(
                    "YAML aliases (*name) are not allowed here",
                    self.pos(node),
                    "write the value out instead of referring to an anchor",
                )
            )
            return None
        self.seen.add(id(node))
        if node.tag.startswith("tag:yaml.org,2002:python/") or (
            not node.tag.startswith("tag:yaml.org,2002:")
        ):
            self.diagnostics.append(
                error(f"YAML tag {node.tag!r} is not allowed", self.pos(node), "remove the tag")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and not node.style:  # plain: '' in libyaml
            self.scalars[path] = str(node.value)
        if isinstance(node, yaml.ScalarNode) and (bad := CONTROL.search(str(node.value))):
            self.diagnostics.append(
                error(
                    f"control character U+{ord(bad.group()):04X} is not allowed here",
                    self.pos(node),
                    "remove the escape sequence (it breaks HTML and XML)",
                )
            )
            return None
        if isinstance(node, yaml.ScalarNode) and (bad := UNSAFE.search(str(node.value))):
            bidi = BIDI.match(bad.group())
            self.diagnostics.append(
                error(
                    f"{'bidirectional control' if bidi else 'noncharacter'} "
                    f"U+{ord(bad.group()):04X} is not allowed here",
                    self.pos(node),
                    "delete it (it can reorder or hide the text shown beside it)"
                    if bidi
                    else "delete it (it is no character: browsers show it as � or not at all)",
                )
            )
            return None
        try:
            value = self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            self.diagnostics.append(error(f"invalid value: {exc}", self.pos(node)))
            return None
        if isinstance(value, str):
            # 'Lübeck' as u + U+0308 (as some macOS tools write it) is the name 'Lübeck'.
            value = unicodedata.normalize("NFC", value)
        if path in self.scalars and isinstance(value, int | float) and not isinstance(value, bool):
            written = self.scalars[path]
            if not _PLAIN_NUMBER.fullmatch(written):
                name = ".".join(map(str, path))
                self.diagnostics.append(
                    error(
                        f"'{name}' is written {written}, which YAML reads as the number {value}",
                        self.pos(node),
                        f"write a number in plain digits (2800), or text in quotes ('{written}')",
                    )
                )
                return None
        return value

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                self.diagnostics.append(error("keys must be plain words", self.pos(key_node)))
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
            child = (*path, key)
            if key in result:
                first = self.keys[child]
                self.diagnostics.append(
                    error(
                        f"duplicate key '{key}' (first set on line {first.line})",
                        self.pos(key_node),
                        "remove one of the two",
                    )
                )
                continue
            self.keys[child] = self.pos(key_node)
            result[key] = self.build(value_node, child)
        return result
