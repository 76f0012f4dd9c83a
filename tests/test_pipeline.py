"""pipeline.build(Options(...)) in-process: drafts, --strict, layouts, static files."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from helpers import SiteFactory, guide, many_guides

from careersite import children, render
from careersite.diagnostics import Severity, format_text
from careersite.incremental.cache import digest
from careersite.pipeline import BuildResult, Into, Options, build

BREMEN = "content/kundendienstleiter/bremen.md"
POTSDAM = "content/kundendienstleiter/potsdam.md"
BREMEN_PAGE = "berufe/kundendienstleiter/bremen/index.html"
POTSDAM_PAGE = "berufe/kundendienstleiter/potsdam/index.html"


def page(result: BuildResult, name: str) -> str:
    return result.files[name].decode("utf-8")


def messages(result: BuildResult) -> list[str]:
    return [d.message for d in result.diagnostics]


# drafts ------------------------------------------------------------------------


@pytest.fixture
def site_with_draft(site_factory: SiteFactory) -> Path:
    return site_factory(
        {
            BREMEN: guide(body="Siehe [Potsdam](potsdam.md) bitte.\n"),
            POTSDAM: guide(
                title="Entwurf Potsdam", city="Potsdam", extra="draft: true\n", body="Entwurf.\n"
            ),
        }
    )


def test_drafts_are_left_out_by_default(site_with_draft: Path) -> None:
    result = build(Options(site_with_draft))

    assert not result.failed
    assert BREMEN_PAGE in result.files
    assert POTSDAM_PAGE not in result.files
    assert "staedte/potsdam/index.html" not in result.files
    for name, content in result.files.items():
        assert b"Entwurf Potsdam" not in content, name
        assert b"/potsdam/" not in content, name


def test_a_link_to_a_draft_warns_and_keeps_only_the_link_text(site_with_draft: Path) -> None:
    result = build(Options(site_with_draft))

    [diagnostic] = result.diagnostics
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.message == (
        "link to 'potsdam.md', a draft that is not built; the link is left out"
    )
    assert diagnostic.pos is not None
    assert diagnostic.pos.path == site_with_draft / BREMEN
    assert (diagnostic.pos.line, diagnostic.pos.col) == (10, 17)
    assert "<p>Siehe Potsdam bitte.</p>" in page(result, BREMEN_PAGE)


def test_drafts_build_with_drafts_true(site_with_draft: Path) -> None:
    result = build(Options(site_with_draft, drafts=True))

    assert result.diagnostics == ()
    assert "<h1>Entwurf Potsdam</h1>" in page(result, POTSDAM_PAGE)
    assert "staedte/potsdam/index.html" in result.files
    link = '<a href="/berufe/kundendienstleiter/potsdam/">Potsdam</a>'
    assert f"<p>Siehe {link} bitte.</p>" in page(result, BREMEN_PAGE)


# --strict ---------------------------------------------------------------------


@pytest.mark.parametrize("strict", [False, True])
def test_strict_turns_a_warning_into_a_failure(site_factory: SiteFactory, strict: bool) -> None:
    site = site_factory({BREMEN: guide(role="Kundendienstleitr")})

    result = build(Options(site, strict=strict))

    assert [(d.severity, d.message, d.hint) for d in result.diagnostics] == [
        (Severity.WARNING, "unknown role 'Kundendienstleitr'", "did you mean 'Kundendienstleiter'?")
    ]
    assert result.failed is strict
    shown = "error" if strict else "warning"
    line = format_text(result.diagnostics[0], strict)
    assert f": {shown}: unknown role 'Kundendienstleitr'" in line


def test_an_unknown_role_still_builds_its_pages_without_strict(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide(role="Qualitätsmanager")})
    result = build(Options(site))
    assert not result.failed
    assert "berufe/qualitaetsmanager/bremen/index.html" in result.files


def test_a_clean_site_has_no_diagnostics_even_in_strict(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide()})
    result = build(Options(site, strict=True))
    assert result.diagnostics == ()
    assert not result.failed


# broken data files ---------------------------------------------------------------


ZAHNARZT = guide(title="Zahnarzt in Potsdam", role="Zahnarzt", city="Potsdam")
KOELN = guide(title="Kundendienstleiter in Köln", city="Köln")


@pytest.mark.parametrize(
    ("data_file", "broken", "unlisted"),
    [
        ("data/roles.yaml", "- name: Kundendienstleiter\n  aliases: [Leiter\n", ZAHNARZT),
        ("data/roles.yaml", "- name: Kundendienstleiter\n  slug: Falsche Form\n", ZAHNARZT),
        ("data/cities.yaml", "- name: Bremen\n  state: [Bremen\n", KOELN),
        ("data/cities.yaml", "- name: Bremen\n- name: bremen\n", KOELN),
    ],
)
def test_a_broken_data_file_makes_no_name_unknown(
    site_factory: SiteFactory,
    monkeypatch: pytest.MonkeyPatch,
    data_file: str,
    broken: str,
    unlisted: str,
) -> None:
    """Only the data file's own errors: no guide is to blame, not even one naming an unlisted
    role or city, and --strict does not turn such guesses into errors."""
    site = site_factory({data_file: broken, BREMEN: guide(), POTSDAM: unlisted})
    monkeypatch.chdir(site)
    result = build(Options(Path("."), strict=True))
    assert result.failed
    assert result.diagnostics
    assert {d.pos.path.as_posix() for d in result.diagnostics if d.pos} == {data_file}
    assert not [d for d in result.diagnostics if d.message.startswith("unknown ")]


# heading ids and fragments --------------------------------------------------------

DORTMUND = "content/customer-service/dortmund.md"
DORTMUND_PAGE = "berufe/customer-service/dortmund/index.html"


def ids_of(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def test_an_in_text_link_with_a_fragment_lands_on_the_heading(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            BREMEN: guide(body="Mehr als in [Dortmund](../customer-service/dortmund.md#gehalt).\n"),
            DORTMUND: guide(
                title="Customer Service in Dortmund",
                role="Customer Service",
                city="Dortmund",
                body="## Aufgaben\n\nTelefon.\n\n## Gehalt\n\nTarif.\n",
            ),
            "data/cities.yaml": "- name: Bremen\n- name: Dortmund\n",
        }
    )
    result = build(Options(site, strict=True))
    assert result.diagnostics == ()

    bremen = page(result, BREMEN_PAGE)
    assert '<a href="/berufe/customer-service/dortmund/#gehalt">Dortmund</a>' in bremen
    dortmund = page(result, DORTMUND_PAGE)
    assert '<h2 id="gehalt">Gehalt</h2>' in dortmund  # the heading, not the salary box
    assert '<h2 id="cs-gehaltsbox">Gehalt in Dortmund</h2>' in dortmund
    for html in (bremen, dortmund):
        ids = ids_of(html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_headings_h2_to_h4_get_german_slug_ids(site_factory: SiteFactory) -> None:
    body = (
        "# Titel\n\n## Führen mit Augenmaß\n\n### Straße & Größe\n\n#### Vier\n\n"
        "##### Fünf\n\n## Gehalt\n\n## Gehalt\n"
    )
    result = build(Options(site_factory({BREMEN: guide(body=body)})))
    html = page(result, BREMEN_PAGE)
    for heading in (
        "<h1>Titel</h1>",
        '<h2 id="fuehren-mit-augenmass">Führen mit Augenmaß</h2>',
        '<h3 id="strasse-groesse">Straße &amp; Größe</h3>',
        '<h4 id="vier">Vier</h4>',
        "<h5>Fünf</h5>",
        '<h2 id="gehalt">Gehalt</h2>',
        '<h2 id="gehalt-1">Gehalt</h2>',
    ):
        assert heading in html


def test_a_body_heading_never_repeats_an_id_of_the_layout(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            BREMEN: guide(body="## Verwandte Berufe\n\nSiehe unten.\n"),
            "content/customer-service/potsdam.md": guide(
                title="CS Potsdam", role="Customer Service", city="Potsdam"
            ),
        }
    )
    html = page(build(Options(site)), BREMEN_PAGE)
    assert 'aria-labelledby="cs-verwandte-berufe"' in html  # the related roles are shown
    ids = ids_of(html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


# layouts ------------------------------------------------------------------------


def test_a_site_without_layouts_uses_the_built_in_layouts(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide()})
    assert not (site / "layouts").exists()

    result = build(Options(site))

    assert result.diagnostics == ()
    html = page(result, BREMEN_PAGE)
    assert html.startswith("<!doctype html>")
    assert "<h1>Kundendienstleiter in Bremen</h1>" in html
    assert {"index.html", "berufe/index.html", "staedte/bremen/index.html"} <= set(result.files)


def test_a_site_layout_overrides_only_that_template(site_factory: SiteFactory) -> None:
    own_guide = (
        "{% extends 'base.html' %}\n"
        "{% block content %}<p class='own'>Eigenes Layout: {{ page.title }}</p>{% endblock %}\n"
    )
    plain = build(Options(site_factory({BREMEN: guide()}, name="plain")))
    site = site_factory({BREMEN: guide(), "layouts/guide.html": own_guide}, name="own")

    result = build(Options(site))

    assert result.diagnostics == ()
    html = page(result, BREMEN_PAGE)
    assert "<p class='own'>Eigenes Layout: Kundendienstleiter in Bremen</p>" in html
    assert "<!doctype html>" in html  # base.html still comes from the built-in layouts
    assert "Eigenes Layout" not in page(plain, BREMEN_PAGE)
    assert set(result.files) == set(plain.files)
    for name in set(plain.files) - {BREMEN_PAGE}:
        assert result.files[name] == plain.files[name], name


def test_an_undefined_variable_in_a_site_layout_names_file_and_line(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/guide.html": (
                "{% extends 'base.html' %}\n{% block content %}\n<p>\n{{ nope }}\n</p>\n"
                "{% endblock %}\n"
            ),
        }
    )
    monkeypatch.chdir(site)

    result = build(Options(Path(".")))

    assert result.failed
    assert BREMEN_PAGE not in result.files
    [diagnostic] = result.diagnostics
    assert format_text(diagnostic) == (
        "layouts/guide.html:4: error: template error in /berufe/kundendienstleiter/bremen/: "
        "'nope' is undefined"
    )


def test_a_template_syntax_error_names_file_and_line(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/guide.html": (
                "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n{% endblock %}\n"
            ),
        }
    )
    monkeypatch.chdir(site)

    result = build(Options(Path(".")))

    assert result.failed
    assert [format_text(d) for d in result.diagnostics] == [
        "layouts/guide.html:3: error: template error: "
        "Expected an expression, got 'end of statement block'"
    ]


def test_a_missing_include_names_the_including_layout(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/guide.html": (
                "{% extends 'base.html' %}\n{% block content %}\n{% include 'nope.html' %}\n"
                "{% endblock %}\n"
            ),
        }
    )

    result = build(Options(site))

    assert result.failed
    [diagnostic] = result.diagnostics
    assert (diagnostic.message, diagnostic.hint) == (
        "layout 'nope.html' not found",
        "add it to layouts/",
    )
    assert diagnostic.pos is not None
    assert (diagnostic.pos.path, diagnostic.pos.line) == (site / "layouts/guide.html", 3)


# static files -------------------------------------------------------------------

FINGERPRINTED_CSS = re.compile(r"^static/style\.[0-9a-f]{10}\.css$")


def stylesheet_hrefs(result: BuildResult) -> set[str]:
    found = set()
    for name, content in result.files.items():
        if name.endswith(".html"):
            found |= set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', content.decode()))
    return found


def test_static_files_get_a_content_fingerprint(site_factory: SiteFactory) -> None:
    result = build(Options(site_factory({BREMEN: guide()})))

    [css] = [name for name in result.files if name.startswith("static/style.")]
    assert FINGERPRINTED_CSS.match(css)
    digest = hashlib.sha256(result.files[css]).hexdigest()[:10]
    assert css == f"static/style.{digest}.css"
    assert stylesheet_hrefs(result) == {f"/{css}"}


def test_a_site_static_file_overrides_the_built_in_one(site_factory: SiteFactory) -> None:
    own_css = "body { color: teal; }\n"
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/static/style.css": own_css,
            "layouts/static/img/logo.svg": "<svg/>",
        }
    )

    result = build(Options(site))

    digest = hashlib.sha256(own_css.encode()).hexdigest()[:10]
    logo = hashlib.sha256(b"<svg/>").hexdigest()[:10]
    own = {name for name in result.files if name.startswith(("static/style.", "static/img/"))}
    assert own == {f"static/style.{digest}.css", f"static/img/logo.{logo}.svg"}
    assert result.files[f"static/style.{digest}.css"] == own_css.encode()
    assert stylesheet_hrefs(result) == {f"/static/style.{digest}.css"}


def test_static_hrefs_follow_a_sub_path_base_url(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide()})

    result = build(Options(site, base_url="https://example.org/karriere/"))

    [css] = [name for name in result.files if name.startswith("static/style.")]
    assert stylesheet_hrefs(result) == {f"/karriere/{css}"}


# pages written as they are rendered ------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_written_into_a_folder_are_the_pages_a_build_holds(
    site_factory: SiteFactory, tmp_path: Path, jobs: int
) -> None:
    guides = many_guides(140, body="Siehe [Bremen](bremen.md) bitte.\n")
    site = site_factory({BREMEN: guide(), **guides})
    held = build(Options(site, jobs=jobs))
    into = tmp_path / "staged"
    into.mkdir()

    streamed = build(Options(site, jobs=jobs), into=Into(into))

    on_disk = {
        path.relative_to(into).as_posix(): path.read_bytes()
        for path in into.rglob("*")
        if path.is_file()
    }
    assert streamed.written == {name: digest(content) for name, content in on_disk.items()}
    assert {*streamed.files, *on_disk} == set(held.files)
    assert {**streamed.files, **on_disk} == held.files
    assert len(on_disk) > 280  # every guide and city hub, at least
    assert '<a href="/berufe/kundendienstleiter/bremen/">Bremen</a>' in (
        on_disk["berufe/kundendienstleiter/stadt-007/index.html"].decode()
    )


def test_pages_workers_send_back_are_the_pages_rendered_in_process(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a tree to write into (the dev server, check), workers return each
    # page's bytes; that pays only for many pages, so here the bar is lowered.
    # With two jobs, one worker renders beside this process.
    site = site_factory({BREMEN: guide(), **many_guides(60)})
    pools: list[int] = []  # each pool's workers
    forked = children.pool

    def counted(workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
        pools.append(workers)
        return forked(workers)

    monkeypatch.setattr(children, "pool", counted)
    alone = build(Options(site, jobs=1))
    assert pools == []
    monkeypatch.setattr(render, "BYTES_BACK_FROM", 16)

    spread = build(Options(site, jobs=2))

    assert pools == [1]
    assert spread.files == alone.files
    assert spread.diagnostics == alone.diagnostics
