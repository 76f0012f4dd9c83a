"""Names that differ only in Unicode normalisation are one name: in front matter, data and
file names.

'Lübeck' may be written with ü as one character (NFC) or as u + U+0308 (NFD, as
some macOS tools write it): a city, an alias, a link and a file name match
either way, and what careersite writes is in NFC.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from helpers import CITIES_YAML, ROLES_YAML, SiteFactory, guide, run_cli

from careersite.pipeline import Options, build, check_text

NFC = unicodedata.normalize("NFC", "lübeck")
NFD = unicodedata.normalize("NFD", "lübeck")
assert NFC != NFD
ROLE = "content/kundendienstleiter"
BREMEN = f"{ROLE}/bremen.md"
LUEBECK_PAGE = "berufe/kundendienstleiter/luebeck/index.html"


def luebeck(city: str = "Lübeck", extra: str = "") -> str:
    return guide(title="Kundendienstleiter in Lübeck", city=city, extra=extra)


def cities(name: str = "Lübeck") -> str:
    return CITIES_YAML + f"- name: {name}\n  state: Schleswig-Holstein\n"


def built(site: Path) -> dict[str, bytes]:
    result = build(Options(site, jobs=1, search=False))
    assert not result.failed, result.diagnostics
    assert not result.diagnostics, result.diagnostics
    return dict(result.files)


@pytest.mark.parametrize(
    ("in_front_matter", "in_data"),
    [("Lu\u0308beck", "Lübeck"), ("Lübeck", "Lu\u0308beck")],
    ids=["decomposed in front matter", "decomposed in data"],
)
def test_a_city_matches_in_either_normalisation(
    site_factory: SiteFactory, in_front_matter: str, in_data: str
) -> None:
    site = site_factory(
        {"data/cities.yaml": cities(in_data), f"{ROLE}/{NFC}.md": luebeck(in_front_matter)}
    )
    files = built(site)
    assert LUEBECK_PAGE in files
    assert "staedte/luebeck/index.html" in files
    assert "<title>Kundendienstleiter in Lübeck" in files[LUEBECK_PAGE].decode()


def test_a_role_alias_matches_in_either_normalisation(site_factory: SiteFactory) -> None:
    roles = "- name: Kundendienstleiter\n  aliases: [Kundendienstleiter Lübeck]\n"
    site = site_factory(
        {
            "data/roles.yaml": roles,
            BREMEN: guide(role="Kundendienstleiter Lu\u0308beck"),
        }
    )
    assert "berufe/kundendienstleiter/bremen/index.html" in built(site)


@pytest.mark.parametrize(
    ("file_name", "written"),
    [
        (NFD, NFC),  # the file decomposed, the link composed
        (NFC, NFD),  # and the other way round
        (NFD, "l%C3%BCbeck"),  # percent-encoded, as copied from an address bar
        (NFC, "lu%CC%88beck"),
    ],
    ids=[
        "file NFD, link NFC",
        "file NFC, link NFD",
        "file NFD, link %-NFC",
        "file NFC, link %-NFD",
    ],
)
def test_a_link_finds_a_file_in_either_normalisation(
    site_factory: SiteFactory, file_name: str, written: str
) -> None:
    site = site_factory(
        {
            "data/cities.yaml": cities(),
            f"{ROLE}/{file_name}.md": luebeck(),
            BREMEN: guide(body=f"Siehe [Lübeck]({written}.md).\n"),
        }
    )
    page = built(site)["berufe/kundendienstleiter/bremen/index.html"].decode()
    assert '<a href="/berufe/kundendienstleiter/luebeck/">Lübeck</a>' in page


def test_a_link_to_a_draft_in_another_normalisation_is_left_out(
    site_factory: SiteFactory,
) -> None:
    site = site_factory(
        {
            "data/cities.yaml": cities(),
            f"{ROLE}/{NFD}.md": luebeck(extra="draft: true\n"),
            BREMEN: guide(body=f"Siehe [Lübeck]({NFC}.md).\n"),
        }
    )
    result = build(Options(site, jobs=1, search=False))
    [problem] = result.diagnostics
    assert problem.message == f"link to '{NFC}.md', a draft that is not built; the link is left out"


def test_a_rebuild_follows_a_file_in_another_normalisation(site_factory: SiteFactory) -> None:
    """The dev server's rebuild: the linked file turns draft, the link goes.

    The linked guide is of a role and city the linking page shows nothing of:
    only the link makes that page stale.
    """
    other = "content/elektroniker"
    site = site_factory(
        {
            "data/roles.yaml": ROLES_YAML + "- name: Elektroniker\n",
            "data/cities.yaml": cities(),
            f"{other}/{NFD}.md": guide(
                title="Elektroniker in Lübeck", role="Elektroniker", city="Lübeck"
            ),
            BREMEN: guide(body=f"Siehe [Lübeck](../elektroniker/{NFC}.md).\n"),
            # so that no hub comes or goes, which would render every page again
            f"{other}/potsdam.md": guide(
                title="Elektroniker in Potsdam", role="Elektroniker", city="Potsdam"
            ),
            "content/customer-service/luebeck.md": guide(
                title="Customer Service in Lübeck", role="Customer Service", city="Lübeck"
            ),
        }
    )
    options = Options(site, jobs=1, search=False)
    first = build(options)
    bremen = "berufe/kundendienstleiter/bremen/index.html"
    assert 'href="/berufe/elektroniker/luebeck/"' in first.files[bremen].decode()
    target = site / other / f"{NFD}.md"
    target.write_text(
        guide(
            title="Elektroniker in Lübeck",
            role="Elektroniker",
            city="Lübeck",
            extra="draft: true\n",
        ),
        encoding="utf-8",
    )
    again = build(options, first.reuse, changed=[os.fspath(target)])
    assert "berufe/kundendienstleiter/bremen/" in again.reasons, again.reasons
    assert 'href="/berufe/elektroniker/luebeck/"' not in again.files[bremen].decode()
    assert "Siehe Lübeck." in again.files[bremen].decode()


def test_two_files_whose_names_differ_only_in_normalisation_are_an_error(
    site_factory: SiteFactory,
) -> None:
    site = site_factory(
        {
            "data/cities.yaml": cities(),
            f"{ROLE}/{NFC}.md": luebeck(),
            f"{ROLE}/{NFD}.md": luebeck(),
        }
    )
    assert sorted(os.listdir(site / ROLE)) == sorted([f"{NFC}.md", f"{NFD}.md"])
    result = run_cli("check", "--no-cache", cwd=site)
    assert result.returncode == 1
    # u (U+0075) sorts before ü (U+00FC): the decomposed name comes first and is read
    assert result.stderr == (
        f"{ROLE}/{NFC}.md: error: the same file name as {ROLE}/{NFD}.md in another Unicode "
        "normalisation (written l\\u00fcbeck.md, and lu\\u0308beck.md there)\n"
        "  hint: keep one of the two files (links and many hosts cannot tell them apart); "
        "this one is not read\n"
    )


def test_an_alias_is_written_in_nfc(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            "data/cities.yaml": cities(),
            f"{ROLE}/{NFC}.md": luebeck(extra="aliases: [/alt/lu%CC%88beck/, /alt/mo\u0308we/]\n"),
        }
    )
    files = built(site)
    assert f"alt/{NFC}/index.html" in files
    assert "alt/möwe/index.html" in files
    assert all(unicodedata.is_normalized("NFC", name) for name in files), sorted(files)


def test_every_output_path_is_nfc(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            "data/cities.yaml": cities("Lu\u0308beck"),
            f"{ROLE}/{NFD}.md": luebeck("Lu\u0308beck"),
        }
    )
    result = run_cli("build", "--no-cache", "--no-search", "--quiet", cwd=site)
    assert result.returncode == 0, result.stderr
    written = [os.fspath(p.relative_to(site / "public")) for p in (site / "public").rglob("*")]
    assert "berufe/kundendienstleiter/luebeck/index.html" in written
    assert all(unicodedata.is_normalized("NFC", name) for name in written)
    hub = (site / "public/staedte/luebeck/index.html").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", hub)


def test_an_editor_may_name_a_file_in_another_normalisation(site_factory: SiteFactory) -> None:
    """The language server checks a buffer against the site on disk: one file, not two."""
    site = site_factory({"data/cities.yaml": cities(), f"{ROLE}/{NFD}.md": luebeck()})
    result = build(Options(site, jobs=1, search=False))
    assert result.reuse is not None and not result.diagnostics
    text = luebeck().replace("Ein kurzer Text.", "Siehe [Bremen](bremen.md).")
    [problem] = check_text(result.reuse, site / ROLE / f"{NFC}.md", text)
    assert problem.message == "link to missing file 'bremen.md'"  # and no URL taken twice


def test_a_link_into_a_folder_in_another_normalisation(site_factory: SiteFactory) -> None:
    folder = unicodedata.normalize("NFD", "content/müller")
    site = site_factory(
        {
            "data/roles.yaml": ROLES_YAML + "- name: Müller\n",
            f"{folder}/bremen.md": guide(title="Müller in Bremen", role="Müller"),
            BREMEN: guide(body="Siehe [Müller](../müller/bremen.md).\n"),
        }
    )
    page = built(site)["berufe/kundendienstleiter/bremen/index.html"].decode()
    assert '<a href="/berufe/mueller/bremen/">Müller</a>' in page


@pytest.mark.parametrize(("file_name", "written"), [(NFD, NFC), (NFC, NFD)])
def test_a_link_to_a_heading_of_a_file_in_another_normalisation_is_checked(
    site_factory: SiteFactory, file_name: str, written: str
) -> None:
    """An anchor check finds the target's ids however either name is written."""
    site = site_factory(
        {
            "data/cities.yaml": cities(),
            f"{ROLE}/{file_name}.md": luebeck().replace(
                "Ein kurzer Text.", "## Gehalt\n\nEin kurzer Text.\n\nSiehe [oben](#gehallt)."
            ),
            BREMEN: guide(
                body=f"[Gehalt]({written}.md#gehalt), [Aufgaben]({written}.md#aufgaben)\n"
            ),
        }
    )
    result = build(Options(site, jobs=1, search=False))
    shown = [(d.message, d.hint) for d in result.diagnostics]
    assert len(shown) == 2, shown
    assert f"link to '{written}.md#aufgaben'" in shown[0][0] or "#aufgaben" in str(shown)
    assert any(
        "'gehallt'" in message and "did you mean '#gehalt'" in str(hint) for message, hint in shown
    )
