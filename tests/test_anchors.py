"""Links to an id: #gehalt in the same guide, potsdam.md#gehalt in another (anchors.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import SiteFactory, guide, run_cli

from careersite import anchors, fast_markdown, markdown
from careersite.diagnostics import SourcePos, format_text, ordered
from careersite.pipeline import BuildResult, Options, build
from careersite.views import GUIDE_LAYOUT_IDS

BREMEN = "content/kundendienstleiter/bremen.md"
POTSDAM = "content/kundendienstleiter/potsdam.md"
HEADINGS = (
    "Text.\n\n## Über die Stadt\n\n## Gehalt\n\n### Gehalt\n\n## `Code` im Titel\n\n"
    "## cs-inhalt\n\n# Titel\n\n##### Klein\n"
)
HEADING_IDS = ("ueber-die-stadt", "gehalt", "gehalt-1", "code-im-titel", "abschnitt-cs-inhalt")
WRITTEN_ID = re.compile(r'<h[2-4] id="([^"]*)"')


def reference(text: str) -> markdown.Body:
    return markdown.prepare_reference(markdown.make_parser(), text, Path("a.md"), 1)


def compiled(text: str) -> markdown.Body:
    if fast_markdown.ENGINE == fast_markdown.REFERENCE:
        pytest.skip("markdown-it-pyrs is not installed")
    body = fast_markdown.prepare(text, Path("a.md"), 1)
    assert body is not None, "the compiled engine takes this body"
    return body


@pytest.mark.parametrize("engine", [reference, compiled])
def test_a_bodys_ids_are_those_written_into_its_html(engine: object) -> None:
    assert callable(engine)
    body = engine(HEADINGS)
    assert body.html is not None
    # Umlauts transliterated, a repeated heading numbered, a layout's cs- prefix avoided.
    assert body.ids == HEADING_IDS
    assert tuple(WRITTEN_ID.findall(body.html.decode())) == body.ids


def test_raw_html_ids_count_where_the_site_allows_raw_html() -> None:
    text = '<div id="karte"></div>\n\nText <a name="oben"></a> und <span id=\'unten\'>.</span>\n'
    md = markdown.make_parser(unsafe_html=True)
    body = markdown.prepare(md, text, Path("a.md"), 1)
    assert body.ids == ("karte", "oben", "unten")


@pytest.mark.parametrize("engine", [reference, compiled])
def test_links_to_ids_are_kept_with_their_place(engine: object) -> None:
    assert callable(engine)
    text = (
        "Zum [Gehalt](#gehalt), [oben](#top), [Text](#:~:text=Gehalt),\n"
        "nach [Potsdam](potsdam.md#gehalt%20x) und [dorthin](potsdam.md).\n"
    )
    body = engine(text)
    assert [(a.written, a.target, a.fragment, a.pos) for a in body.anchors] == [
        ("#gehalt", Path("a.md"), "gehalt", SourcePos(Path("a.md"), 1, 14)),
        ("potsdam.md#gehalt%20x", Path("potsdam.md"), "gehalt x", SourcePos(Path("a.md"), 2, 16)),
    ]


def problems(link: str, ids: tuple[str, ...] = HEADING_IDS) -> list[str]:
    target = Path("b.md") if not link.startswith("#") else Path("a.md")
    found = anchors.anchor(link, target, SourcePos(Path("a.md"), 3, 5))
    assert found is not None
    diagnostics = anchors.problems([found], {target: ids}, GUIDE_LAYOUT_IDS)
    return [format_text(d) for d in diagnostics]


def test_an_id_the_page_has_is_fine() -> None:
    assert problems("#gehalt-1") == []
    assert problems("b.md#ueber-die-stadt") == []
    assert problems("b.md#cs-gehaltsbox") == []  # the layout's own


def test_a_missing_id_is_a_warning_with_a_did_you_mean() -> None:
    assert problems("#Gehalt") == [
        "a.md:3:5: warning: link to '#Gehalt': this guide has no heading with the id 'Gehalt'\n"
        "  hint: did you mean '#gehalt'?"
    ]
    [found] = problems("b.md#ueber-stadt")
    assert "'b.md' has no heading with the id 'ueber-stadt'" in found
    assert "did you mean '#ueber-die-stadt'?" in found


def test_without_a_close_id_the_hint_lists_the_pages_ids() -> None:
    [found] = problems("b.md#kantine", ("arbeitgeber", "arbeitgeber-1"))
    assert found.endswith(
        "hint: link to one of its headings (#arbeitgeber, #arbeitgeber-1), "
        "or to the page without '#'"
    )
    [found] = problems("#kantine", ())
    assert "the page has no headings (## ...) to link to" in found


def test_links_into_other_files_are_not_checked() -> None:
    link = anchors.anchor("c.md#x", Path("c.md"), SourcePos(Path("a.md"), 1))
    assert link is not None
    assert anchors.problems([link], {Path("b.md"): ()}, GUIDE_LAYOUT_IDS) == []


# --- in a build ------------------------------------------------------------------------


def report(result: BuildResult) -> list[str]:
    return [format_text(d) for d in ordered(result.diagnostics)]


def anchor_warnings(result: BuildResult) -> list[str]:
    return [line for line in report(result) if "has no heading with the id" in line]


def potsdam(heading: str) -> str:
    return guide(
        title="Kundendienstleiter in Potsdam", city="Potsdam", body=f"Text.\n\n## {heading}\n"
    )


def linking_site(site_factory: SiteFactory, link: str, **files: str) -> Path:
    body = f"Text.\n\n## Gehalt\n\nMehr in [Potsdam]({link}).\n"
    return site_factory({BREMEN: guide(body=body), POTSDAM: potsdam("Arbeitgeber"), **files})


def test_the_guide_layout_writes_its_fixed_ids(site_factory: SiteFactory) -> None:
    site = linking_site(site_factory, "potsdam.md#arbeitgeber")
    result = build(Options(site))
    assert not result.failed, report(result)
    page = result.files["berufe/kundendienstleiter/potsdam/index.html"].decode()
    for name in [*GUIDE_LAYOUT_IDS, "arbeitgeber"]:
        assert f'id="{name}"' in page, name
    assert anchor_warnings(result) == []


def test_a_link_to_a_draft_keeps_its_own_warning_alone(site_factory: SiteFactory) -> None:
    draft = guide(title="Kundendienstleiter in Potsdam", city="Potsdam", extra="draft: true\n")
    site = linking_site(site_factory, "potsdam.md#gibtsnicht", **{POTSDAM: draft})
    found = report(build(Options(site)))
    assert any("a draft that is not built" in line for line in found), found
    assert not any("has no heading" in line for line in found), found


def test_a_role_overview_is_not_checked(site_factory: SiteFactory) -> None:
    overview = "---\ntitle: Kundendienstleiter\nrole: Kundendienstleiter\n---\n[x](#nichts)\n"
    site = linking_site(
        site_factory, "index.md#gibtsnicht", **{"content/kundendienstleiter/index.md": overview}
    )
    assert anchor_warnings(build(Options(site))) == []


def test_a_renamed_heading_is_found_in_the_guides_that_link_to_it(
    site_factory: SiteFactory,
) -> None:
    """Neither page is rendered again for it, yet the rebuild reports as a clean build."""
    site = linking_site(site_factory, "potsdam.md#arbeitgeber")
    served = build(Options(site))
    assert anchor_warnings(served) == []
    (site / POTSDAM).write_text(potsdam("Firmen in Potsdam"), encoding="utf-8")
    served = build(Options(site), served.reuse, changed=[str(site / POTSDAM)])
    [warning] = anchor_warnings(served)
    assert "bremen.md:14:" in warning
    assert report(served) == report(build(Options(site)))
    (site / POTSDAM).write_text(potsdam("Arbeitgeber"), encoding="utf-8")
    served = build(Options(site), served.reuse)
    assert anchor_warnings(served) == []


def test_the_command_line_rebuild_and_the_up_to_date_one_report_it_too(
    site_factory: SiteFactory, tmp_path: Path
) -> None:
    site = linking_site(site_factory, "potsdam.md#arbeitgeber")
    out = tmp_path / "out"
    args = ("build", "--source", site, "--output", out, "--no-search", "--explain")
    assert "has no heading" not in run_cli(*args).stderr
    (site / POTSDAM).write_text(potsdam("Firmen in Potsdam"), encoding="utf-8")
    rebuilt = run_cli(*args)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Only the renamed guide's page is rendered again; the warning is in the other.
    assert "(1 file rendered, the rest unchanged)" in rebuilt.stderr
    assert "link to 'potsdam.md#arbeitgeber'" in rebuilt.stderr, rebuilt.stderr
    again = run_cli(*args)  # up to date: the record tells the same
    assert "is up to date" in again.stderr
    assert "link to 'potsdam.md#arbeitgeber'" in again.stderr, again.stderr
    (site / POTSDAM).write_text(potsdam("Arbeitgeber"), encoding="utf-8")
    assert "has no heading" not in run_cli(*args).stderr


@pytest.mark.parametrize("output_format", ["github", "json"])
def test_check_carries_the_warning_in_each_format(
    site_factory: SiteFactory, output_format: str
) -> None:
    site = linking_site(site_factory, "potsdam.md#arbeitgebr")
    result = run_cli("check", "--source", site, "--format", output_format)
    assert result.returncode == 0, result.stderr
    if output_format == "json":
        [found] = [d for d in json.loads(result.stdout) if "has no heading" in d["message"]]
        assert (found["line"], found["col"], found["severity"]) == (14, 19, "warning")
        assert found["hint"] == "did you mean '#arbeitgeber'?"
    else:
        assert "::warning file=" in result.stdout + result.stderr
        assert "line=14,col=19" in result.stdout + result.stderr
    strict = run_cli("check", "--source", site, "--strict")
    assert strict.returncode == 1


def test_ids_the_sites_own_layouts_write_are_named_in_site_yaml(
    site_factory: SiteFactory,
) -> None:
    site = linking_site(site_factory, "potsdam.md#karte")
    assert len(anchor_warnings(build(Options(site)))) == 1
    site_yaml = (site / "data/site.yaml").read_text(encoding="utf-8")
    (site / "data/site.yaml").write_text(site_yaml + "layout_ids: [karte]\n", encoding="utf-8")
    assert anchor_warnings(build(Options(site))) == []


def test_both_engines_place_links_to_ids_alike() -> None:
    """In lists, tables, headings, and twice in one line: each link at its own place."""
    text = (
        "## Zum [Gehalt](#gehalt)\n\n"
        "- [eins](#a) und [zwei](#a) und [Potsdam](potsdam.md#b)\n"
        "- [drei](potsdam.md#b)\n\n"
        "| Spalte | Link |\n|---|---|\n| x | [vier](#c) |\n\n"
        "> [fünf](#d)\n"
    )
    body = reference(text)
    assert compiled(text) == body
    assert [(a.fragment, a.pos.line, a.pos.col) for a in body.anchors] == [
        ("gehalt", 1, 17),
        ("a", 3, 10),
        ("a", 3, 25),
        ("b", 3, 43),
        ("b", 4, 10),
        ("c", 8, 14),
        ("d", 10, 10),
    ]
