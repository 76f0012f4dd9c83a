"""Source positions, diagnostics and their formatters (text, github, json).

Every stage appends diagnostics to a list instead of raising; the build fails
at the end when an error (or, with --strict, a warning) was found.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True, slots=True)  # slots: every link has one
class SourcePos:
    """A place in a source file; line and column count from 1, as editors do."""

    path: Path
    line: int | None = None
    col: int | None = None

    def display(self) -> str:
        shown = display_path(self.path)
        if self.line is None:
            return shown
        if self.col is None:
            return f"{shown}:{self.line}"
        return f"{shown}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    pos: SourcePos | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        path, line, col = (
            ("", 0, 0)
            if self.pos is None
            else (
                str(self.pos.path),
                self.pos.line or 0,
                self.pos.col or 0,
            )
        )
        return (path, line, col, self.message, self.severity, self.hint or "")


def error(message: str, pos: SourcePos | None = None, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, message, pos, hint)


def warning(message: str, pos: SourcePos | None = None, hint: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.WARNING, message, pos, hint)


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    absolute = os.path.abspath(path)  # not resolve(): a symlink keeps its own name
    try:
        return str(Path(absolute).relative_to(Path.cwd()))
    except ValueError:
        return os.fspath(path)


def has_failures(diagnostics: Iterable[Diagnostic], strict: bool) -> bool:
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


def ordered(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file and line order, each once."""
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def format_text(diagnostic: Diagnostic, strict: bool = False) -> str:
    severity = diagnostic.severity
    if strict and severity is Severity.WARNING:
        severity = Severity.ERROR
    where = f"{diagnostic.pos.display()}: " if diagnostic.pos else ""
    line = f"{where}{severity}: {diagnostic.message}"
    if diagnostic.hint:
        line += f"\n  hint: {diagnostic.hint}"
    return line


def _escape_github(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostic: Diagnostic, strict: bool = False) -> str:
    """A GitHub Actions workflow command: ::error file=...,line=...,col=...::message"""
    severity = diagnostic.severity
    if strict and severity is Severity.WARNING:
        severity = Severity.ERROR
    properties = []
    if diagnostic.pos:
        properties.append(
            f"file={_escape_github(display_path(diagnostic.pos.path), property_value=True)}"
        )
        if diagnostic.pos.line is not None:
            properties.append(f"line={diagnostic.pos.line}")
        if diagnostic.pos.col is not None:
            properties.append(f"col={diagnostic.pos.col}")
    message = diagnostic.message
    if diagnostic.hint:
        message += f" (hint: {diagnostic.hint})"
    head = f"::{severity}"
    if properties:
        head += " " + ",".join(properties)
    return f"{head}::{_escape_github(message)}"


def to_json(diagnostics: Iterable[Diagnostic], strict: bool = False) -> str:
    records = []
    for diagnostic in diagnostics:
        severity = diagnostic.severity
        if strict and severity is Severity.WARNING:
            severity = Severity.ERROR
        pos = diagnostic.pos
        records.append(
            {
                "severity": str(severity),
                "file": display_path(pos.path) if pos else None,
                "line": pos.line if pos else None,
                "col": pos.col if pos else None,
                "message": diagnostic.message,
                "hint": diagnostic.hint,
            }
        )
    return json.dumps(records, ensure_ascii=False, indent=2)
