"""Splitting off the `---` block, decoding files, and safe YAML with exact positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from careersite.diagnostics import Severity, SourcePos, format_text
from careersite.frontmatter import load_yaml, read_text, split

MD = Path("content/kundendienstleiter/bremen.md")


def only_error(text: str, first_line: int = 2) -> str:
    """The one diagnostic load_yaml gives for text, as the user reads it."""
    doc, diagnostics = load_yaml(text, MD, first_line)
    assert doc is None
    assert len(diagnostics) == 1
    assert diagnostics[0].severity is Severity.ERROR
    return format_text(diagnostics[0])


# split


def test_split_cuts_yaml_and_body() -> None:
    parts, problem = split("---\ntitle: x\nrole: y\n---\nErster Absatz.\n", MD)
    assert problem is None
    assert parts is not None
    assert parts.yaml_text == "title: x\nrole: y\n"
    assert parts.yaml_first_line == 2
    assert parts.body == "Erster Absatz.\n"
    assert parts.body_first_line == 5


@pytest.mark.parametrize("closing", ["---", "...", "---  "])
def test_split_accepts_closing_fences(closing: str) -> None:
    parts, problem = split(f"---\ntitle: x\n{closing}\nText\n", MD)
    assert problem is None
    assert parts is not None
    assert parts.body == "Text\n"
    assert parts.body_first_line == 4


def test_split_empty_front_matter() -> None:
    parts, _ = split("---\n---\n", MD)
    assert parts is not None
    assert parts.yaml_text == "\n"
    assert parts.body == ""
    assert parts.body_first_line == 3


@pytest.mark.parametrize("text", ["title: x\n---\n", "", "\n---\ntitle: x\n---\n", "# Titel\n"])
def test_split_missing_opening_fence(text: str) -> None:
    parts, problem = split(text, MD)
    assert parts is None
    assert problem is not None
    assert format_text(problem) == (
        "content/kundendienstleiter/bremen.md:1:1: error: missing front matter: "
        "a guide starts with a line '---'\n"
        "  hint: begin the file with '---', then title, role, ..., then '---'"
    )


def test_split_unclosed_front_matter() -> None:
    parts, problem = split("---\ntitle: x\nrole: y\n\nText ohne Ende\n", MD)
    assert parts is None
    assert problem is not None
    assert format_text(problem) == (
        "content/kundendienstleiter/bremen.md:1:1: error: front matter is not closed\n"
        "  hint: add a line '---' after the last front matter key"
    )


# read_text


def test_read_text_drops_bom_and_normalises_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nText\rmehr\n")
    text, problem = read_text(path)
    assert problem is None
    assert text == "---\ntitle: x\n---\nText\nmehr\n"


@pytest.mark.parametrize(
    ("raw", "line", "col", "byte"),
    [
        (b"---\ntitle: K\xf6ln\n---\n", 2, 9, "f6"),
        (b"\xf6", 1, 1, "f6"),
        (b"---\nx: \xe2\x82\n", 2, 4, "e2"),
    ],
)
def test_read_text_names_the_first_invalid_byte(
    tmp_path: Path, raw: bytes, line: int, col: int, byte: str
) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(raw)
    text, problem = read_text(path)
    assert text is None
    assert problem is not None
    assert problem.pos == SourcePos(path, line, col)
    assert problem.message == f"file is not valid UTF-8 (byte 0x{byte})"
    assert problem.hint == "save the file with UTF-8 encoding"


def test_read_text_missing_file(tmp_path: Path) -> None:
    text, problem = read_text(tmp_path / "nope.md")
    assert text is None
    assert problem is not None
    assert problem.message == "cannot read file: No such file or directory"


# load_yaml: values and positions


def test_load_yaml_positions_of_keys_and_values() -> None:
    text = "title: x\nsalary:\n  min: 2800\n  max: 3800\ntags: [a, b]\n"
    doc, diagnostics = load_yaml(text, MD, first_line=2)
    assert diagnostics == []
    assert doc is not None
    assert doc.value == {"title": "x", "salary": {"min": 2800, "max": 3800}, "tags": ["a", "b"]}
    assert doc.keys[("title",)] == SourcePos(MD, 2, 1)
    assert doc.values[("title",)] == SourcePos(MD, 2, 8)
    assert doc.keys[("salary",)] == SourcePos(MD, 3, 1)
    assert doc.keys[("salary", "min")] == SourcePos(MD, 4, 3)
    assert doc.values[("salary", "min")] == SourcePos(MD, 4, 8)
    assert doc.values[("salary", "max")] == SourcePos(MD, 5, 8)
    assert doc.values[("tags", 1)] == SourcePos(MD, 6, 11)


def test_pos_falls_back_to_the_nearest_parent() -> None:
    doc, _ = load_yaml("title: x\nsalary:\n  min: 2800\n", MD, first_line=2)
    assert doc is not None
    assert doc.pos(("salary", "currency")) == SourcePos(MD, 4, 3)
    assert doc.pos(("salary", "min"), key=True) == SourcePos(MD, 4, 3)
    assert doc.pos(("nothing",)) == SourcePos(MD, 2, 1)


def test_empty_yaml_is_no_value() -> None:
    doc, diagnostics = load_yaml("\n", MD, 2)
    assert diagnostics == []
    assert doc is not None
    assert doc.value is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("date: 2026-11-01\n", "2026-11-01"),
        ("date: 2026-02-30\n", "2026-02-30"),
        ("date: 2026-11-01 10:00:00\n", "2026-11-01 10:00:00"),
    ],
)
def test_dates_stay_text(text: str, value: str) -> None:
    doc, _ = load_yaml(text, MD)
    assert doc is not None
    assert doc.value == {"date": value}


# load_yaml: malformed YAML


def test_tab_indentation_points_at_the_tab() -> None:
    message = only_error("title: x\nsalary:\n\tmin: 1\n")
    assert message.startswith("content/kundendienstleiter/bremen.md:4:1: error: invalid YAML:")


@pytest.mark.parametrize("text", ["salary:\n\tmin: 1\n", "title: x\n\tmin: 1\n"])
def test_tab_indentation_hint(text: str) -> None:
    assert only_error(text).endswith("\n  hint: indent with spaces; YAML does not allow tabs")


def test_a_tab_inside_quotes_gets_no_tab_hint() -> None:
    assert only_error('title: "x\ty": z\n') == (
        "content/kundendienstleiter/bremen.md:2:13: error: invalid YAML: "
        "mapping values are not allowed in this context"
    )


def test_unclosed_quote_points_at_the_opening_quote() -> None:
    assert only_error('title: "Kundendienst\nrole: x\n') == (
        "content/kundendienstleiter/bremen.md:2:8: error: invalid YAML: found unexpected end "
        "of stream (while scanning a quoted scalar)\n  hint: close the quote"
    )


def test_duplicate_key_names_the_first_line() -> None:
    assert only_error("title: a\nrole: b\ntitle: c\n") == (
        "content/kundendienstleiter/bremen.md:4:1: error: duplicate key 'title' "
        "(first set on line 2)\n  hint: remove one of the two"
    )


def test_duplicate_nested_key() -> None:
    assert only_error("salary:\n  min: 1\n  max: 2\n  min: 3\n").startswith(
        "content/kundendienstleiter/bremen.md:5:3: error: duplicate key 'min' (first set on line 3)"
    )


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system x\n", "tag:yaml.org,2002:python/object:os.system"),
        (
            'a: !!python/object/apply:os.system ["ls"]\n',
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("a: !custom 1\n", "!custom"),
    ],
)
def test_object_tags_are_refused(text: str, tag: str) -> None:
    assert only_error(text) == (
        f"content/kundendienstleiter/bremen.md:2:4: error: YAML tag '{tag}' is not allowed\n"
        "  hint: remove the tag"
    )


def test_aliases_are_refused() -> None:
    doc, diagnostics = load_yaml("a: 1\nb: *x\n", MD, 2)
    assert doc is None
    assert [d.message for d in diagnostics] == ["YAML aliases (*name) are not allowed here"]
    assert diagnostics[0].hint == "write the value out instead of referring to an anchor"


def test_alias_error_points_at_the_alias() -> None:
    _, diagnostics = load_yaml("a: &x 1\nb: *x\n", MD, 2)
    assert [d.pos for d in diagnostics if "aliases" in d.message] == [SourcePos(MD, 3, 4)]


def test_each_alias_use_is_reported_at_its_own_position() -> None:
    _, diagnostics = load_yaml("a: &x 1\nb: [2, *x]\nc:\n  d: *x\n", MD, 2)
    assert [d.pos for d in diagnostics if "aliases" in d.message] == [
        SourcePos(MD, 3, 8),
        SourcePos(MD, 5, 6),
    ]


def test_merge_keys_are_refused() -> None:
    assert only_error("<<: {a: 1}\n") == (
        "content/kundendienstleiter/bremen.md:2:1: error: keys must be plain words"
    )


def test_billion_laughs_is_refused_without_expanding() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    doc, diagnostics = load_yaml("\n".join(levels) + "\n", MD, 2)
    assert doc is None
    assert diagnostics
    assert {d.message for d in diagnostics} == {
        "YAML anchors (&name) are not allowed here",
        "YAML aliases (*name) are not allowed here",
    }
    assert len(diagnostics) < 100


def test_anchors_are_refused_even_without_an_alias() -> None:
    """The README says anchors are refused: an anchor alone is too."""
    assert only_error("title: &a Kundendienstleiter\n") == (
        "content/kundendienstleiter/bremen.md:2:8: error: YAML anchors (&name) are not allowed "
        "here\n  hint: write the value out instead of naming it"
    )


def test_anchor_and_alias_are_both_reported() -> None:
    doc, diagnostics = load_yaml("a: &x 1\nb: *x\n", MD, 2)
    assert doc is None
    assert [(d.pos, d.message) for d in diagnostics] == [
        (SourcePos(MD, 2, 4), "YAML anchors (&name) are not allowed here"),
        (SourcePos(MD, 3, 4), "YAML aliases (*name) are not allowed here"),
    ]


def test_an_ampersand_in_text_is_no_anchor() -> None:
    doc, diagnostics = load_yaml("title: Lager & Logistik\nsummary: '&a'\n", MD, 2)
    assert diagnostics == []
    assert doc is not None
    assert doc.value == {"title": "Lager & Logistik", "summary": "&a"}


# YAML 1.1 reads some plain scalars as numbers that YAML 1.2 and people read otherwise.
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12:50", "770"),
        ("1:30:00", "5400"),
        ("0700", "448"),
        ("0x1F", "31"),
        ("0b101", "5"),
        ("1_000", "1000"),
        ("2_800.5", "2800.5"),
        ("0o17", None),
    ],
)
def test_yaml_11_numbers_are_an_error_with_a_hint(written: str, read: str | None) -> None:
    if read is None:  # not a number to YAML 1.1: stays text
        doc, diagnostics = load_yaml(f"min: {written}\n", MD, 2)
        assert diagnostics == []
        assert doc is not None and doc.value == {"min": written}
        return
    assert only_error(f"salary:\n  min: {written}\n") == (
        f"content/kundendienstleiter/bremen.md:3:8: error: 'salary.min' is written {written}, "
        f"which YAML reads as the number {read}\n"
        "  hint: write a number in plain digits (2800), or text in quotes ('" + written + "')"
    )


@pytest.mark.parametrize("written", ["2800", "-3", "2800.5", "0", "1.0e+3", ".inf", "2.800"])
def test_plain_numbers_stay_numbers(written: str) -> None:
    doc, diagnostics = load_yaml(f"min: {written}\n", MD, 2)
    assert diagnostics == []
    assert doc is not None and isinstance(doc.value["min"], int | float)


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\u202e", "bidirectional control U+202E"),
        ("\u202a", "bidirectional control U+202A"),
        ("\u2066", "bidirectional control U+2066"),
        ("\u2069", "bidirectional control U+2069"),
        ("\ufdd0", "noncharacter U+FDD0"),
        ("\ufdef", "noncharacter U+FDEF"),
        ("\U0001fffe", "noncharacter U+1FFFE"),
        ("\U0010ffff", "noncharacter U+10FFFF"),
    ],
)
@pytest.mark.parametrize("quoted", [False, True])
def test_bidi_controls_and_noncharacters_are_refused(char: str, kind: str, quoted: bool) -> None:
    value = f"Bremen{char} 2800 €"
    text = f'city: "{value}"\n' if quoted else f"city: {value}\n"
    hint = (
        "it can reorder or hide the text shown beside it"
        if kind.startswith("bidi")
        else "it is no character: browsers show it as � or not at all"
    )
    assert only_error(text) == (
        f"content/kundendienstleiter/bremen.md:2:7: error: {kind} is not allowed here\n"
        f"  hint: delete it ({hint})"
    )


def test_right_to_left_text_and_marks_are_fine() -> None:
    doc, diagnostics = load_yaml("city: \u05ea\u05dc \u05d0\u05d1\u05d9\u05d1\u200f\n", MD, 2)
    assert diagnostics == []
    assert doc is not None
