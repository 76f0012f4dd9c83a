"""Linking articles into role and city hubs; URL collisions, slugs and redirects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import SiteFactory, guide

from careersite.article import discover, load_article
from careersite.config import load_config
from careersite.diagnostics import format_text
from careersite.markdown import make_parser
from careersite.site import CityHub, Redirect, RoleHub, Site, link_site

KD = "content/kundendienstleiter"
CS = "content/customer-service"

Linked = Callable[[dict[str, str]], tuple[Site, list[str]]]
"""What `linked` gives: linked(files) -> (site, diagnostics of linking as text)."""


@pytest.fixture
def linked(site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> Linked:
    """linked(files) -> (site, diagnostics of linking as the user reads them)."""

    def run(files: dict[str, str]) -> tuple[Site, list[str]]:
        root: Path = site_factory(files)
        monkeypatch.chdir(root)
        config, problems = load_config(root)
        assert config is not None, problems
        assert problems == []
        md = make_parser()
        articles = []
        for path in discover(Path("content"))[0]:
            article, problems = load_article(path, config, md)
            assert article is not None, problems
            articles.append(article)
        site, diagnostics = link_site(articles, config)
        return site, [format_text(d) for d in diagnostics]

    return run


def guides_of(hub: RoleHub | CityHub) -> list[str]:
    return [a.source.as_posix() for a in hub.guides]


EXAMPLE = {
    f"{KD}/potsdam.md": guide(title="KD Potsdam", city="Potsdam"),
    f"{KD}/bremen.md": guide(title="KD Bremen"),
    f"{KD}/mg.md": guide(title="KD MG", city="Mönchengladbach"),
    f"{KD}/index.md": guide(title="Kundendienstleiter", city=None, salary=""),
    f"{CS}/potsdam.md": guide(title="CS Potsdam", role="Customer Service", city="Potsdam"),
}


def test_page_paths(linked: Linked) -> None:
    site, shown = linked(EXAMPLE)
    assert shown == []
    assert {path.as_posix(): url for path, url in site.paths.items()} == {
        f"{KD}/potsdam.md": "berufe/kundendienstleiter/potsdam/",
        f"{KD}/bremen.md": "berufe/kundendienstleiter/bremen/",
        f"{KD}/mg.md": "berufe/kundendienstleiter/moenchengladbach/",
        f"{KD}/index.md": "berufe/kundendienstleiter/",
        f"{CS}/potsdam.md": "berufe/customer-service/potsdam/",
    }


def test_role_hubs_sorted_with_guides_by_city(linked: Linked) -> None:
    site, _ = linked(EXAMPLE)
    assert [(hub.role.name, hub.path) for hub in site.roles] == [
        ("Customer Service", "berufe/customer-service/"),
        ("Kundendienstleiter", "berufe/kundendienstleiter/"),
    ]
    kd = site.role_hub("kundendienstleiter")
    assert kd is site.roles[1]
    assert kd.overview is not None
    assert kd.overview.source.as_posix() == f"{KD}/index.md"
    # Mönchengladbach sorts as "moenchengladbach", between Bremen and Potsdam.
    assert guides_of(kd) == [f"{KD}/bremen.md", f"{KD}/mg.md", f"{KD}/potsdam.md"]
    cs = site.role_hub("customer-service")
    assert cs is not None
    assert cs.overview is None
    assert site.role_hub("zahnarzt") is None


def test_city_hubs_list_every_role_in_the_city(linked: Linked) -> None:
    site, _ = linked(EXAMPLE)
    assert [(hub.city.name, hub.path) for hub in site.cities] == [
        ("Bremen", "staedte/bremen/"),
        ("Mönchengladbach", "staedte/moenchengladbach/"),
        ("Potsdam", "staedte/potsdam/"),
    ]
    assert guides_of(site.cities[2]) == [f"{CS}/potsdam.md", f"{KD}/potsdam.md"]


def test_role_overview_alone_makes_a_hub_but_no_city(linked: Linked) -> None:
    site, _ = linked({f"{KD}/index.md": guide(city=None, salary="")})
    assert [hub.path for hub in site.roles] == ["berufe/kundendienstleiter/"]
    assert site.roles[0].guides == ()
    assert site.cities == ()


def test_unknown_role_still_gets_a_hub(linked: Linked) -> None:
    site, _ = linked({"content/z/bremen.md": guide(role="Zahnärztin")})
    assert [hub.path for hub in site.roles] == ["berufe/zahnaerztin/"]
    assert site.paths[Path("content/z/bremen.md")] == "berufe/zahnaerztin/bremen/"


def test_folder_layout_does_not_decide_the_url(linked: Linked) -> None:
    site, _ = linked({"content/irgendwo/datei.md": guide(city="Potsdam")})
    assert list(site.paths.values()) == ["berufe/kundendienstleiter/potsdam/"]


def test_url_collision_names_both_files(linked: Linked) -> None:
    _, shown = linked({f"{KD}/a.md": guide(title="Erster"), f"{KD}/b.md": guide(title="Zweiter")})
    hint = "\n  hint: change 'role', 'city' or 'slug' in one of them"
    assert shown == [
        f"{KD}/a.md:1:1: error: 'Erster' has the same URL /berufe/kundendienstleiter/bremen/ "
        f"as {KD}/b.md" + hint,
        f"{KD}/b.md:1:1: error: 'Zweiter' has the same URL /berufe/kundendienstleiter/bremen/ "
        f"as {KD}/a.md" + hint,
    ]


def test_role_alias_and_name_collide(linked: Linked) -> None:
    _, shown = linked({f"{KD}/a.md": guide(), f"{KD}/b.md": guide(role="Leiter Customer Service")})
    assert len(shown) == 2
    assert all("has the same URL /berufe/kundendienstleiter/bremen/" in line for line in shown)


def test_slug_override_sets_the_last_url_part(linked: Linked) -> None:
    site, shown = linked(
        {
            f"{KD}/nord.md": guide(extra="slug: bremen-nord\n"),
            f"{KD}/potsdam.md": guide(title="KD Potsdam", city="Potsdam"),
        }
    )
    assert shown == []
    assert site.paths[Path(f"{KD}/nord.md")] == "berufe/kundendienstleiter/bremen-nord/"
    assert site.paths[Path(f"{KD}/potsdam.md")] == "berufe/kundendienstleiter/potsdam/"


SECOND_GUIDE_HINT = "\n  hint: merge the two guides or correct 'role' or 'city'"


def test_a_second_guide_for_one_role_and_city_is_an_error(linked: Linked) -> None:
    """A slug override gives it its own URL, but hubs and lists allow one guide per city."""
    _, shown = linked(
        {f"{KD}/nord.md": guide(extra="slug: bremen-nord\n"), f"{KD}/bremen.md": guide()}
    )
    assert shown == [
        f"{KD}/nord.md:1:1: error: a second guide for Kundendienstleiter in Bremen; "
        f"the first is {KD}/bremen.md" + SECOND_GUIDE_HINT
    ]


def test_a_second_guide_under_a_role_alias_is_an_error(linked: Linked) -> None:
    _, shown = linked(
        {
            f"{KD}/a.md": guide(title="Erster"),
            f"{KD}/b.md": guide(title="Zweiter", role="Leiter Customer Service", extra="slug: b\n"),
        }
    )
    assert shown == [
        f"{KD}/b.md:1:1: error: a second guide for Kundendienstleiter in Bremen; "
        f"the first is {KD}/a.md" + SECOND_GUIDE_HINT
    ]


def test_a_second_overview_of_a_role_is_only_a_url_collision(linked: Linked) -> None:
    """An overview's URL is its role hub's, whatever its slug: the collision says it all."""
    overview = guide(title="Kundendienstleiter", city=None, salary="")
    _, shown = linked(
        {
            f"{KD}/index.md": overview,
            f"{KD}/zweite.md": guide(title="Noch eine", city=None, salary="", extra="slug: b\n"),
        }
    )
    hint = "\n  hint: change 'role', 'city' or 'slug' in one of them"
    assert shown == [
        f"{KD}/index.md:1:1: error: 'Kundendienstleiter' has the same URL "
        f"/berufe/kundendienstleiter/ as {KD}/zweite.md" + hint,
        f"{KD}/zweite.md:1:1: error: 'Noch eine' has the same URL "
        f"/berufe/kundendienstleiter/ as {KD}/index.md" + hint,
    ]


def test_same_city_for_two_roles_is_no_second_guide(linked: Linked) -> None:
    _, shown = linked(
        {f"{KD}/bremen.md": guide(), f"{CS}/bremen.md": guide(role="Customer Service")}
    )
    assert shown == []


def test_aliases_become_redirects_to_the_page(linked: Linked) -> None:
    site, shown = linked(
        {f"{KD}/bremen.md": guide(extra="aliases: [/alt/kundendienst-bremen/, /alt/b]\n")}
    )
    assert shown == []
    source = Path(f"{KD}/bremen.md")
    assert site.redirects == (
        Redirect("alt/b/", "berufe/kundendienstleiter/bremen/", source),
        Redirect("alt/kundendienst-bremen/", "berufe/kundendienstleiter/bremen/", source),
    )


def test_alias_used_by_two_pages_is_an_error(linked: Linked) -> None:
    site, shown = linked(
        {
            f"{KD}/bremen.md": guide(extra="aliases: [/alt/x/]\n"),
            f"{KD}/potsdam.md": guide(city="Potsdam", extra="aliases: [/alt/y/, /alt/x]\n"),
        }
    )
    assert shown == [
        f"{KD}/potsdam.md:9:20: error: alias '/alt/x' is already the URL of '{KD}/bremen.md'"
    ]
    assert [(r.path, r.source.as_posix()) for r in site.redirects] == [
        ("alt/x/", f"{KD}/bremen.md"),
        ("alt/y/", f"{KD}/potsdam.md"),
    ]


@pytest.mark.parametrize(
    ("alias", "owner"),
    [
        ("/berufe/kundendienstleiter/potsdam/", f"'KD Potsdam' ({KD}/potsdam.md)"),
        ("/berufe/kundendienstleiter/bremen", f"'KD Bremen' ({KD}/bremen.md)"),
        ("/berufe/kundendienstleiter/", "the role hub of Kundendienstleiter"),
        ("/berufe", "the list of roles"),
        ("/staedte/", "the list of cities"),
        ("/staedte/potsdam/", "the city hub of Potsdam"),
    ],
)
def test_alias_onto_a_page_is_an_error(linked: Linked, alias: str, owner: str) -> None:
    site, shown = linked(
        {
            f"{KD}/bremen.md": guide(title="KD Bremen", extra=f"aliases: ['{alias}']\n"),
            f"{KD}/potsdam.md": guide(title="KD Potsdam", city="Potsdam"),
        }
    )
    assert shown == [f"{KD}/bremen.md:9:11: error: alias '{alias}' is already the URL of {owner}"]
    assert site.redirects == ()


@pytest.mark.parametrize(
    ("alias", "owner"),
    [
        ("/", "the home page"),
        ("/feed.xml", "a file careersite writes itself"),
        ("/sitemap.xml", "a file careersite writes itself"),
        ("/sitemap-2.xml", "a file careersite writes itself"),  # a file sitemap.xml may index
        ("/Sitemap-17.XML/", "a file careersite writes itself"),
        ("/robots.txt", "a file careersite writes itself"),
        ("/404.html", "a file careersite writes itself"),
        ("/404.html/", "a file careersite writes itself"),
        ("/static/", "a file careersite writes itself"),
        ("/static/alt/", "a file careersite writes itself"),
    ],
)
def test_alias_onto_the_home_page_or_a_generated_file_is_an_error(
    linked: Linked, alias: str, owner: str
) -> None:
    site, shown = linked({f"{KD}/bremen.md": guide(extra=f"aliases: ['{alias}']\n")})
    assert shown == [f"{KD}/bremen.md:9:11: error: alias '{alias}' is already the URL of {owner}"]
    assert site.redirects == ()


@pytest.mark.parametrize(
    "alias", ["/statisch/", "/feed/", "/alt/static/", "/robots/", "/sitemap-x.xml/"]
)
def test_alias_that_only_resembles_a_generated_file_is_a_redirect(
    linked: Linked, alias: str
) -> None:
    site, shown = linked({f"{KD}/bremen.md": guide(extra=f"aliases: ['{alias}']\n")})
    assert shown == []
    assert [r.path for r in site.redirects] == [alias.strip("/") + "/"]


def test_a_percent_encoded_alias_is_written_as_the_host_decodes_it(linked: Linked) -> None:
    # As copied from an address bar; the host looks for the file 'straße' when asked for it.
    site, shown = linked({f"{KD}/bremen.md": guide(extra="aliases: ['/alt/stra%C3%9Fe/']\n")})
    assert shown == []
    assert [r.path for r in site.redirects] == ["alt/straße/"]


def test_aliases_meet_as_a_case_insensitive_host_compares_names(linked: Linked) -> None:
    # APFS and NTFS fold one character to one: STRASSE is strasse, straße stays itself.
    site, shown = linked(
        {
            f"{KD}/bremen.md": guide(extra="aliases: [/alt/strasse/, /alt/straße/]\n"),
            f"{KD}/potsdam.md": guide(city="Potsdam", extra="aliases: [/alt/STRASSE/]\n"),
        }
    )
    assert shown == [
        f"{KD}/potsdam.md:9:11: error: alias '/alt/STRASSE/' is already the URL of "
        f"'{KD}/bremen.md'\n  hint: a host that ignores case or Unicode normalisation serves "
        "both from alt/strasse/index.html"
    ]
    assert sorted(r.path for r in site.redirects) == ["alt/strasse/", "alt/straße/"]


def test_each_refused_alias_is_reported_at_its_own_line(linked: Linked) -> None:
    _, shown = linked(
        {f"{KD}/bremen.md": guide(extra="aliases:\n  - /alt/ok/\n  - /\n  - /feed.xml\n")}
    )
    assert shown == [
        f"{KD}/bremen.md:11:5: error: alias '/' is already the URL of the home page",
        f"{KD}/bremen.md:12:5: error: alias '/feed.xml' is already the URL of "
        "a file careersite writes itself",
    ]


def test_related_hubs(linked: Linked) -> None:
    site, _ = linked(EXAMPLE)
    kd = site.role_hub("kundendienstleiter")
    cs = site.role_hub("customer-service")
    assert kd is not None and cs is not None
    assert site.related_hubs(kd.role) == (cs,)
    assert site.related_hubs(cs.role) == (kd,)


def test_related_role_without_guides_has_no_hub(linked: Linked) -> None:
    site, _ = linked({f"{KD}/bremen.md": guide()})
    assert site.related_hubs(site.roles[0].role) == ()


@pytest.mark.parametrize("count", [1, 2, 5, 25, 26, 27, 40])
def test_the_guides_listing_one_are_those_it_is_listed_beside(count: int) -> None:
    # RoleHub.listing answers, for the dev server, which pages RoleHub.beside puts a guide on.
    guides = tuple(SimpleNamespace(source=Path(f"{n:02d}.md")) for n in range(count))
    hub = RoleHub(None, "berufe/x/", None, guides)  # type: ignore[arg-type]
    for one in guides:
        expected = {other.source for other in guides if one in hub.beside(other)}  # type: ignore[arg-type]
        assert {other.source for other in hub.listing(one)} == expected  # type: ignore[arg-type]


# an alias never meets another file of the output ---------------------------------


@pytest.mark.parametrize(
    ("alias", "shown"),
    [
        (
            "/index.html",
            "alias '/index.html' needs index.html/ as a folder, but it is the file of "
            "the home page",
        ),
        (
            "/berufe/kundendienstleiter/potsdam/index.html",
            "alias '/berufe/kundendienstleiter/potsdam/index.html' needs "
            "berufe/kundendienstleiter/potsdam/index.html/ as a folder, but it is the file of "
            f"'KD Potsdam' ({KD}/potsdam.md)",
        ),
        (
            "/staedte/index.html/",
            "alias '/staedte/index.html/' needs staedte/index.html/ as a folder, but it is "
            "the file of the list of cities",
        ),
        (
            "/.careersite-output",
            "alias '/.careersite-output' is already the URL of a file careersite writes itself",
        ),
        (
            "/.careersite-index-1/",
            "alias '/.careersite-index-1/' is already the URL of a file careersite writes itself",
        ),
        (
            "/Static/alt/",
            "alias '/Static/alt/' is already the URL of a file careersite writes itself",
        ),
        ("/SUCHE/", "alias '/SUCHE/' is already the URL of a file careersite writes itself"),
        ("/Feed.xml", "alias '/Feed.xml' is already the URL of a file careersite writes itself"),
    ],
)
def test_alias_that_needs_a_file_of_the_output_as_a_folder_is_an_error(
    linked: Linked, alias: str, shown: str
) -> None:
    site, problems = linked(
        {
            f"{KD}/bremen.md": guide(title="KD Bremen", extra=f"aliases: ['{alias}']\n"),
            f"{KD}/potsdam.md": guide(title="KD Potsdam", city="Potsdam"),
        }
    )
    assert [p.split("\n")[0] for p in problems] == [f"{KD}/bremen.md:9:11: error: {shown}"]
    assert site.redirects == ()


SAME_FILE = "\n  hint: a host that ignores case or Unicode normalisation serves both from {}"


@pytest.mark.parametrize(
    ("alias", "owner", "same"),
    [
        (
            "/Berufe/Kundendienstleiter/Potsdam/",
            f"'KD Potsdam' ({KD}/potsdam.md)",
            "berufe/kundendienstleiter/potsdam/index.html",
        ),
        ("/STAEDTE/", "the list of cities", "staedte/index.html"),
    ],
)
def test_alias_that_differs_from_a_page_only_by_case_is_an_error(
    linked: Linked, alias: str, owner: str, same: str
) -> None:
    site, problems = linked(
        {
            f"{KD}/bremen.md": guide(title="KD Bremen", extra=f"aliases: ['{alias}']\n"),
            f"{KD}/potsdam.md": guide(title="KD Potsdam", city="Potsdam"),
        }
    )
    assert problems == [
        f"{KD}/bremen.md:9:11: error: alias '{alias}' is already the URL of {owner}"
        + SAME_FILE.format(same)
    ]
    assert site.redirects == ()


def test_two_aliases_that_differ_only_by_case_or_normalisation_are_an_error(linked: Linked) -> None:
    nfd = "/alt/mu\u0308nchen/"  # ü as u and a combining diaeresis (14 characters): read as ü
    site, problems = linked(
        {
            f"{KD}/bremen.md": guide(extra="aliases: [/alt/Seite/, /alt/münchen/, /alt/köln/]\n"),
            f"{KD}/potsdam.md": guide(
                city="Potsdam", extra=f"aliases: [/alt/seite/, '{nfd}', /alt/KÖLN/]\n"
            ),
        }
    )
    assert problems == [
        f"{KD}/potsdam.md:9:11: error: alias '/alt/seite/' is already the URL of '{KD}/bremen.md'"
        + SAME_FILE.format("alt/Seite/index.html"),
        f"{KD}/potsdam.md:9:24: error: alias '/alt/münchen/' is already the URL of "
        f"'{KD}/bremen.md'",
        f"{KD}/potsdam.md:9:42: error: alias '/alt/KÖLN/' is already the URL of "
        f"'{KD}/bremen.md'" + SAME_FILE.format("alt/köln/index.html"),
    ]
    assert [r.path for r in site.redirects] == ["alt/Seite/", "alt/köln/", "alt/münchen/"]


def test_alias_whose_file_another_alias_needs_as_a_folder_is_an_error(linked: Linked) -> None:
    site, problems = linked(
        {
            f"{KD}/bremen.md": guide(extra="aliases: [/alt/index.html/]\n"),
            f"{KD}/potsdam.md": guide(city="Potsdam", extra="aliases: [/alt/, /neu/]\n"),
        }
    )
    assert [p.split("\n")[0] for p in problems] == [
        f"{KD}/potsdam.md:9:11: error: alias '/alt/' needs alt/index.html as a file, "
        f"but it is a folder of the redirect of '{KD}/bremen.md'"
    ]
    assert [r.path for r in site.redirects] == ["alt/index.html/", "neu/"]
