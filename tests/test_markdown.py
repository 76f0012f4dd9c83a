"""Markdown bodies: safe rendering, links to .md sources, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from careersite import markdown
from careersite.diagnostics import Severity, SourcePos
from careersite.markdown import finish, make_parser, parse, prepare, summary

CONTENT = Path("/site/content")
SOURCE = CONTENT / "kundendienstleiter" / "bremen.md"
PAGES: dict[Path, str | None] = {
    SOURCE: "berufe/kundendienstleiter/bremen/",
    CONTENT / "kundendienstleiter" / "potsdam.md": "berufe/kundendienstleiter/potsdam/",
    CONTENT / "kundendienstleiter" / "index.md": "berufe/kundendienstleiter/",
    CONTENT / "customer-service" / "dortmund.md": None,  # a draft
}
BODY_FIRST_LINE = 8


def html(body: str, unsafe_html: bool = False) -> str:
    """A body without links to sources, rendered."""
    prepared = prepare(make_parser(unsafe_html), body, SOURCE, 1)
    assert prepared.links == () and prepared.html is not None
    return prepared.html.decode()


def resolved(body: str) -> tuple[str, list]:
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
