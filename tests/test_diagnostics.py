"""Diagnostics as users and CI read them: text, GitHub annotations and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careersite.diagnostics import (
    Diagnostic,
    SourcePos,
    display_path,
    error,
    format_github,
    format_text,
    has_failures,
    ordered,
    to_json,
    warning,
)

MD = Path("content/kundendienstleiter/bremen.md")


@pytest.mark.parametrize(
    ("pos", "shown"),
    [
        (SourcePos(MD, 7, 8), "content/kundendienstleiter/bremen.md:7:8: error: x"),
        (SourcePos(MD, 7), "content/kundendienstleiter/bremen.md:7: error: x"),
        (SourcePos(MD), "content/kundendienstleiter/bremen.md: error: x"),
        (None, "error: x"),
    ],
)
def test_format_text_positions(pos: SourcePos | None, shown: str) -> None:
    assert format_text(error("x", pos)) == shown


def test_format_text_with_hint() -> None:
    diagnostic = warning("unknown key 'salery'", SourcePos(MD, 9, 1), "did you mean 'salary'?")
    assert format_text(diagnostic) == (
        "content/kundendienstleiter/bremen.md:9:1: warning: unknown key 'salery'\n"
        "  hint: did you mean 'salary'?"
    )


def test_strict_turns_warnings_into_errors() -> None:
    diagnostic = warning("unknown city 'Bremn'", SourcePos(MD, 4, 7))
    assert format_text(diagnostic, strict=True) == (
        "content/kundendienstleiter/bremen.md:4:7: error: unknown city 'Bremn'"
    )
    assert format_github(diagnostic, strict=True).startswith("::error ")
    assert json.loads(to_json([diagnostic], strict=True))[0]["severity"] == "error"


def test_display_path_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "content" / "x.md") == "content/x.md"
    assert format_text(error("x", SourcePos(tmp_path / "data/site.yaml", 2, 1))) == (
        "data/site.yaml:2:1: error: x"
    )


def test_display_path_outside_the_working_directory_stays_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    elsewhere = tmp_path / "other" / "x.md"
    assert display_path(elsewhere) == str(elsewhere)


def test_display_path_of_a_symbolic_link_names_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("x", encoding="utf-8")
    (tmp_path / "content" / "a").mkdir(parents=True)
    (tmp_path / "content" / "a" / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    monkeypatch.chdir(tmp_path)
    assert display_path(Path("content/a/link.md")) == "content/a/link.md"


def test_format_github_annotation() -> None:
    diagnostic = error("salary min (3800) is greater than max (2800)", SourcePos(MD, 7, 8))
    assert format_github(diagnostic) == (
        "::error file=content/kundendienstleiter/bremen.md,line=7,col=8::"
        "salary min (3800) is greater than max (2800)"
    )


@pytest.mark.parametrize(
    ("diagnostic", "line"),
    [
        (
            warning("w", SourcePos(MD, 3)),
            "::warning file=content/kundendienstleiter/bremen.md,line=3::w",
        ),
        (warning("w", SourcePos(MD)), "::warning file=content/kundendienstleiter/bremen.md::w"),
        (error("e"), "::error::e"),
        (error("e", None, "tu das"), "::error::e (hint: tu das)"),
    ],
)
def test_format_github_optional_parts(diagnostic: Diagnostic, line: str) -> None:
    assert format_github(diagnostic) == line


def test_format_github_escapes_data_and_properties() -> None:
    diagnostic = error("50% falsch\nzweite Zeile\r", SourcePos(Path("a, b:c.md"), 3, 5), "x, y: z")
    assert format_github(diagnostic) == (
        "::error file=a%2C b%3Ac.md,line=3,col=5::50%25 falsch%0Azweite Zeile%0D (hint: x, y: z)"
    )


def test_to_json_records() -> None:
    diagnostics = [
        error("link to missing file 'koeln.md'", SourcePos(MD, 12, 14), "did you mean 'x.md'?"),
        warning("no position"),
    ]
    assert json.loads(to_json(diagnostics)) == [
        {
            "severity": "error",
            "file": "content/kundendienstleiter/bremen.md",
            "line": 12,
            "col": 14,
            "message": "link to missing file 'koeln.md'",
            "hint": "did you mean 'x.md'?",
        },
        {
            "severity": "warning",
            "file": None,
            "line": None,
            "col": None,
            "message": "no position",
            "hint": None,
        },
    ]


def test_to_json_keeps_umlauts_readable() -> None:
    assert "Mönchengladbach" in to_json([warning("unknown city 'Mönchengladbach'")])


def test_to_json_of_nothing_is_an_empty_list() -> None:
    assert json.loads(to_json([])) == []


def test_ordered_sorts_by_file_line_and_column() -> None:
    a = Path("content/a/x.md")
    b = Path("content/b/x.md")
    given = [
        error("late", SourcePos(b, 2, 1)),
        error("col 9", SourcePos(a, 5, 9)),
        warning("col 2", SourcePos(a, 5, 2)),
        error("no line", SourcePos(a)),
        error("early", SourcePos(b, 1, 1)),
        error("nowhere"),
    ]
    assert [d.message for d in ordered(given)] == [
        "nowhere",
        "no line",
        "col 2",
        "col 9",
        "early",
        "late",
    ]


def test_ordered_breaks_ties_by_message_severity_and_hint() -> None:
    """Same position: the order must not depend on hashing (ordered() goes through a set)."""
    given = [
        warning("b", SourcePos(MD, 3, 4), "z"),
        warning("a", SourcePos(MD, 3, 4)),
        error("b", SourcePos(MD, 3, 4), "z"),
        warning("b", SourcePos(MD, 3, 4), "y"),
        warning("b", SourcePos(MD, 3, 4)),
    ]
    expected = [
        ("a", "warning", None),
        ("b", "error", "z"),
        ("b", "warning", None),
        ("b", "warning", "y"),
        ("b", "warning", "z"),
    ]
    for shift in range(len(given)):
        rotated = given[shift:] + given[:shift]
        assert [(d.message, str(d.severity), d.hint) for d in ordered(rotated)] == expected


def test_ordered_reports_each_diagnostic_once() -> None:
    same = error("link to missing file 'a.md'", SourcePos(MD, 3, 4))
    other = error("link to missing file 'b.md'", SourcePos(MD, 3, 4))
    assert ordered([same, other, same, error(same.message, SourcePos(MD, 3, 4))]) == [
        same,
        other,
    ]


@pytest.mark.parametrize(
    ("diagnostics", "strict", "fails"),
    [
        ([], False, False),
        ([warning("w")], False, False),
        ([warning("w")], True, True),
        ([error("e")], False, True),
        ([warning("w"), error("e")], False, True),
    ],
)
def test_has_failures(diagnostics: list[Diagnostic], strict: bool, fails: bool) -> None:
    assert has_failures(diagnostics, strict) is fails
