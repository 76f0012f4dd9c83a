"""Markdown bodies: safe rendering, links to .md sources, summaries."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from careersite import markdown
from careersite.diagnostics import Diagnostic, Severity, SourcePos
from careersite.markdown import (
    Page,
    Target,
    Unbuilt,
    finish,
    make_parser,
    parse,
    prepare,
    summary,
)

CONTENT = Path("/site/content")
SOURCE = CONTENT / "kundendienstleiter" / "bremen.md"
PAGES: dict[Path, Target] = {
    SOURCE: Page("berufe/kundendienstleiter/bremen/"),
    CONTENT / "kundendienstleiter" / "potsdam.md": Page("berufe/kundendienstleiter/potsdam/"),
    CONTENT / "kundendienstleiter" / "index.md": Page("berufe/kundendienstleiter/"),
    CONTENT / "customer-service" / "dortmund.md": Unbuilt.DRAFT,
}
BODY_FIRST_LINE = 8


def html(body: str, unsafe_html: bool = False) -> str:
    """A body without links to sources, rendered."""
    prepared = prepare(make_parser(unsafe_html), body, SOURCE, 1)
    assert prepared.links == () and isinstance(prepared.html, bytes)
    return prepared.html.decode()


def resolved(body: str) -> tuple[str, list[Diagnostic]]:
    """The body rendered with its links resolved, and the link diagnostics."""
    prepared = prepare(make_parser(), body, SOURCE, BODY_FIRST_LINE)
    return finish(prepared, PAGES, lambda path: "/karriere/" + path)


def test_table_is_wrapped_to_scroll_on_a_phone() -> None:
    assert html("| Stufe | Gehalt |\n|---|---|\n| Einstieg | 2.800 € |\n") == (
        '<div class="table-scroll">\n<table>\n<thead>\n<tr>\n<th>Stufe</th>\n<th>Gehalt</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n<td>Einstieg</td>\n<td>2.800 €</td>\n</tr>\n"
        "</tbody>\n</table>\n</div>\n"
    )


def test_strikethrough_is_enabled() -> None:
    assert html("~~alt~~ neu\n") == "<p><s>alt</s> neu</p>\n"


def test_raw_html_is_escaped_by_default() -> None:
    assert html("<script>alert(1)</script>\n\nText <b>fett</b>\n") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>Text &lt;b&gt;fett&lt;/b&gt;</p>\n"
    )


def test_raw_html_passes_when_the_site_allows_it() -> None:
    assert html("<aside>Hinweis</aside>\n\nText <b>fett</b>\n", unsafe_html=True) == (
        "<aside>Hinweis</aside>\n<p>Text <b>fett</b></p>\n"
    )


@pytest.mark.parametrize(
    "body",
    ["[klick](javascript:alert)\n", "[klick](JavaScript:alert%281%29)\n", "[klick](vbscript:x)\n"],
)
def test_script_links_are_not_rendered_as_links(body: str) -> None:
    rendered = html(body)
    assert "<a" not in rendered
    assert "href" not in rendered


def test_external_link_attributes_are_escaped() -> None:
    assert html('[x](https://a.de/?a=1&b="2")\n') == (
        '<p><a href="https://a.de/?a=1&amp;b=%222%22">x</a></p>\n'
    )


def test_md_links_become_page_hrefs_with_their_fragment() -> None:
    rendered, diagnostics = resolved(
        "Siehe [Potsdam](potsdam.md#gehalt), [Übersicht](./index.md) und [hier](bremen.md).\n"
    )
    assert diagnostics == []
    assert rendered == (
        '<p>Siehe <a href="/karriere/berufe/kundendienstleiter/potsdam/#gehalt">Potsdam</a>, '
        '<a href="/karriere/berufe/kundendienstleiter/">Übersicht</a> und '
        '<a href="/karriere/berufe/kundendienstleiter/bremen/">hier</a>.</p>\n'
    )


def test_other_links_are_left_alone() -> None:
    body = "[ext](https://example.org/x.md) [bild](bild.png) [mail](mailto:a@b.de)\n"
    rendered, diagnostics = resolved(body)
    assert diagnostics == []
    assert rendered == html(body)


def test_link_title_is_kept() -> None:
    rendered, _ = resolved('[P](potsdam.md "Gehälter in Potsdam")\n')
    assert rendered == (
        '<p><a href="/karriere/berufe/kundendienstleiter/potsdam/" '
        'title="Gehälter in Potsdam">P</a></p>\n'
    )


def test_link_to_a_missing_file_is_an_error_at_its_line_and_column() -> None:
    rendered, diagnostics = resolved("Text\n\nSiehe [Köln](koeln.md) oder [Potsdm](potsdm.md).\n")
    assert [(d.severity, d.message, d.pos) for d in diagnostics] == [
        (Severity.ERROR, "link to missing file 'koeln.md'", SourcePos(SOURCE, 10, 14)),
        (Severity.ERROR, "link to missing file 'potsdm.md'", SourcePos(SOURCE, 10, 38)),
    ]
    assert diagnostics[1].hint == "did you mean 'potsdam.md'?"
    assert rendered == "<p>Text</p>\n<p>Siehe Köln oder Potsdm.</p>\n"  # broken links left out


def test_no_suggestion_for_a_missing_file_unlike_any_other() -> None:
    _, diagnostics = resolved("[Köln](koeln.md)\n")
    assert diagnostics[0].hint is None


@pytest.mark.parametrize(
    ("body", "line", "col"),
    [
        ("[a](nix.md)\n", 8, 5),
        ("Erste Zeile\n[a](nix.md)\n", 9, 5),
        ("- eins\n- [b](nix.md)\n", 9, 7),
        ("> Zitat\n> mit [c](nix.md)\n", 9, 11),
        ("| a |\n|---|\n| [x](nix.md) |\n", 10, 7),
        ("[a](<nix.md>)\n", 8, 5),
    ],
)
def test_missing_link_positions_count_from_the_body_start(body: str, line: int, col: int) -> None:
    _, diagnostics = resolved(body)
    assert [d.pos for d in diagnostics] == [SourcePos(SOURCE, line, col)]


def test_each_of_two_equal_links_is_reported_at_its_own_place() -> None:
    _, diagnostics = resolved("[a](nix.md) und [b](nix.md)\n[c](nix.md)\n")
    assert [d.pos for d in diagnostics] == [
        SourcePos(SOURCE, 8, 5),
        SourcePos(SOURCE, 8, 21),
        SourcePos(SOURCE, 9, 5),
    ]


def test_link_text_in_a_code_span_does_not_shift_the_column() -> None:
    _, diagnostics = resolved("`[x](nix.md)` und [a](nix.md)\n")
    assert [d.pos for d in diagnostics] == [SourcePos(SOURCE, 8, 23)]


def test_link_to_a_draft_is_a_warning_and_keeps_only_the_text() -> None:
    rendered, diagnostics = resolved(
        "Wie [Customer Service](../customer-service/dortmund.md) hier.\n"
    )
    assert [(d.severity, d.message, d.pos, d.hint) for d in diagnostics] == [
        (
            Severity.WARNING,
            "link to '../customer-service/dortmund.md', a draft that is not built; "
            "the link is left out",
            SourcePos(SOURCE, 8, 24),
            "publish the draft or build with --drafts",
        )
    ]
    assert rendered == "<p>Wie Customer Service hier.</p>\n"


def test_dropping_a_draft_link_leaves_the_next_link_whole() -> None:
    rendered, _ = resolved("[a **b**](../customer-service/dortmund.md) und [c](potsdam.md)\n")
    assert rendered == (
        '<p>a <strong>b</strong> und <a href="/karriere/berufe/kundendienstleiter/potsdam/">'
        "c</a></p>\n"
    )


def test_absolute_md_path_is_an_error() -> None:
    _, diagnostics = resolved("[abs](/content/kundendienstleiter/potsdam.md)\n")
    assert [(d.severity, d.message, d.pos, d.hint) for d in diagnostics] == [
        (
            Severity.ERROR,
            "link to '/content/kundendienstleiter/potsdam.md' must be relative to this file",
            SourcePos(SOURCE, 8, 7),
            "write the path from this file, e.g. ../rolle/stadt.md",
        )
    ]


def test_link_out_of_content_is_a_missing_file() -> None:
    _, diagnostics = resolved("[x](../../../etc/passwd.md)\n")
    assert [d.message for d in diagnostics] == ["link to missing file '../../../etc/passwd.md'"]


def first_summary(body: str) -> str:
    md = make_parser()
    return summary(parse(md, body))


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            "Erster Absatz mit *Betonung* und `code`\nzweite Zeile.\n\nZweiter.\n",
            "Erster Absatz mit Betonung und code zweite Zeile.",
        ),
        ("# Titel\n\nErster Absatz.\n", "Erster Absatz."),
        ("Ein [Link](potsdam.md) im Text.\n", "Ein Link im Text."),
        ("# Nur ein Titel\n", ""),
        ("", ""),
    ],
)
def test_summary_is_the_first_paragraph_as_plain_text(body: str, text: str) -> None:
    assert first_summary(body) == text


def test_long_summary_is_cut_at_a_word() -> None:
    text = first_summary("Kundendienst, " * 30 + "Ende.\n")
    assert text.endswith("Kundendienst …")
    assert len(text) <= markdown.SUMMARY_LENGTH + 2
    assert ", …" not in text


def test_summary_of_exactly_the_limit_is_not_cut() -> None:
    body = "a" * markdown.SUMMARY_LENGTH + "\n"
    assert first_summary(body) == "a" * markdown.SUMMARY_LENGTH


# --- long bodies: work in proportion to their size -------------------------------------


class CountingPattern:
    """A compiled pattern that counts its sub() calls."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def sub(self, *args: Any) -> str:
        self.calls += 1
        return self.pattern.sub(*args)


def test_many_links_on_one_line_each_get_their_column_reading_the_line_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """16,000 links on one line took 26 s: each link masked the whole line's code spans again."""
    counting = CountingPattern(markdown._CODE_SPAN)
    monkeypatch.setattr(markdown, "_CODE_SPAN", counting)
    links = [f"[{n}](nix-{n % 7}.md)" for n in range(2000)]
    body = "`[c](nix-0.md)` " + " ".join(links) + "\n"
    _, diagnostics = resolved(body)
    columns, col = [], len("`[c](nix-0.md)` ") + 1
    for link in links:
        columns.append(col + link.index("](") + 2)
        col += len(link) + 1
    assert [d.pos for d in diagnostics] == [SourcePos(SOURCE, 8, c) for c in columns]
    assert counting.calls == 1


def test_reference_links_keep_their_block_line_among_inline_links() -> None:
    _, diagnostics = resolved("[a][r] [b](nix.md) [c][r]\n\n[r]: nix.md\n")
    assert [d.pos for d in diagnostics] == [
        SourcePos(SOURCE, 8),
        SourcePos(SOURCE, 8, 12),
        SourcePos(SOURCE, 8),
    ]


def test_links_in_the_cells_of_one_table_row_each_get_their_column() -> None:
    _, diagnostics = resolved("| a | b |\n|---|---|\n| [x](nix.md) | [y](nix.md) |\n")
    assert [d.pos for d in diagnostics] == [SourcePos(SOURCE, 10, 7), SourcePos(SOURCE, 10, 21)]


def ids(body: str) -> list[str]:
    return re.findall(r'<h[2-4] id="([^"]*)"', html(body))


def test_repeated_headings_get_numbered_ids_as_before() -> None:
    # The ids mdit-py-plugins' anchors plugin gave, which links in guides rely on.
    body = "".join(
        f"## {title}\n\n"
        for title in ["Gehalt", "Gehalt", "Gehalt 1", "Gehalt", "Gehalt-2", "Gehalt", "cs-x"]
    )
    assert ids(body + "# Titel\n\n##### Tief\n") == [
        "gehalt",
        "gehalt-1",
        "gehalt-1-1",
        "gehalt-2",
        "gehalt-2-1",
        "gehalt-3",
        "abschnitt-cs-x",
    ]


def python_lines_run(job: Callable[[], object]) -> int:
    """How many lines of Python job runs: a count of work that does not depend on the machine."""
    count = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        job()
    finally:
        sys.settrace(None)
    return count


def test_ids_of_many_equal_headings_take_work_in_proportion_to_their_number() -> None:
    """16,000 equal headings took 15.5 s: each one tried every suffix from 1 again."""
    md = make_parser()

    def work(count: int) -> int:
        return python_lines_run(lambda: parse(md, "## Gehalt\n\n" * count))

    assert ids("## Gehalt\n\n" * 600)[-1] == "gehalt-599"
    # Twice the headings: about twice the work (four times, when it grows with the square).
    assert work(1200) < 2.5 * work(600)
