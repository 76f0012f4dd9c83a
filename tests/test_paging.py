"""Hubs and lists in pages of per_page entries: URLs, links, canonical URLs, sitemap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import SITE_YAML, SiteFactory, guide, many_guides

from careersite.diagnostics import format_text
from careersite.paging import pagination
from careersite.pipeline import Options, build
from careersite.urls import Linker

KD = "berufe/kundendienstleiter/"
# A city with four roles: two of data/roles.yaml, two unknown (a warning each).
STADT_0_ROLES = ["Customer Service", "Fachkraft Service", "Teamleiter Service"]


def paged_site(site_factory: SiteFactory, per_page: int = 3, words: str = "") -> Path:
    files: dict[str, str | bytes] = {
        "data/site.yaml": SITE_YAML + f"per_page: {per_page}\n" + words,
        **many_guides(7),  # Kundendienstleiter in Stadt 000 ... Stadt 006
    }
    for role in STADT_0_ROLES:
        files[f"content/{role}/stadt-000.md"] = guide(
            title=f"{role} in Stadt 000", role=role, city="Stadt 000"
        )
    site: Path = site_factory(files)
    return site


def built(site: Path, base_url: str | None = None) -> dict[str, str]:
    result = build(Options(site, base_url=base_url))
    assert not result.failed, result.diagnostics
    return {name: data.decode() for name, data in result.files.items()}


def canonical(html: str) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert found
    return found.group(1)


def title(html: str) -> str:
    found = re.search(r"<title>([^<]+)</title>", html)
    assert found
    return found.group(1)


def table_links(html: str) -> list[str]:
    """The links in the page's table of ranges, in order."""
    table = html.split('<table class="ranges"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', table)


def index_links(html: str) -> list[str]:
    """The links of a list page's entries, in order."""
    entries = html.split('<ul class="index">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', entries)


def page_nav(html: str) -> str:
    found = re.search(r'<nav class="pagination" aria-label="Seiten">.*?</nav>', html, re.S)
    assert found
    return found.group(0)


def pages_of(files: dict[str, str], first: str, word: str = "seite") -> list[str]:
    """The output files of a hub's or list's pages, in order, as found on disk."""
    names = [f"{first}index.html"]
    while f"{first}{word}/{len(names) + 1}/index.html" in files:
        names.append(f"{first}{word}/{len(names) + 1}/index.html")
    return names


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/karriere/"])
def test_hubs_and_lists_are_paged_with_page_one_where_it_was(
    site_factory: SiteFactory, base_url: str
) -> None:
    files = built(paged_site(site_factory), base_url)
    prefix = "/karriere/" if "karriere" in base_url else "/"
    # 7 cities of Kundendienstleiter, 4 roles in Stadt 000, 4 roles, 7 cities: 3 a page
    expected = {
        KD: 3,
        "staedte/stadt-000/": 2,
        "staedte/stadt-001/": 1,
        "berufe/": 2,
        "staedte/": 3,
    }
    for first, count in expected.items():
        names = pages_of(files, first)
        assert len(names) == count, first
        assert f"{first}seite/1/index.html" not in files  # page 1 only at its own URL
        for number, name in enumerate(names, 1):
            html = files[name]
            path = name.removesuffix("index.html")
            assert canonical(html) == base_url + path
            assert f'<meta property="og:url" content="{base_url}{path}">' in html
            if count == 1:
                assert 'aria-label="Seiten"' not in html
                continue
            nav = page_nav(html)
            current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
            assert current == [prefix + path]
            numbered = re.findall(r'<a href="([^"]+)"><span class="visually-hidden">Seite ', nav)
            assert len(numbered) == count - 1  # every other page, by number
            wanted_prev = prefix + names[number - 2].removesuffix("index.html")
            wanted_next = names[number].removesuffix("index.html") if number < count else None
            assert (f'<link rel="prev" href="{wanted_prev}">' in html) == (number > 1)
            if wanted_next:
                assert f'<link rel="next" href="{prefix}{wanted_next}">' in html
                assert f'<a href="{prefix}{wanted_next}" rel="next">' in nav
            else:
                assert 'rel="next"' not in html
        titles = [title(files[name]) for name in names]
        assert len(set(titles)) == count  # crawlers see no duplicate titles
        assert all(f"– Seite {n} ·" in t for n, t in enumerate(titles[1:], 2))


def test_every_guide_is_on_one_page_of_its_hubs_in_todays_order(site_factory: SiteFactory) -> None:
    paged = built(paged_site(site_factory, per_page=3))
    whole = built(paged_site(site_factory, per_page=50))
    for first in (KD, "staedte/stadt-000/"):
        one_page = table_links(whole[f"{first}index.html"])
        across = [link for name in pages_of(paged, first) for link in table_links(paged[name])]
        assert across == one_page
        assert all(paged[link.lstrip("/") + "index.html"] for link in across)
    for first in ("berufe/", "staedte/"):
        one_page = index_links(whole[f"{first}index.html"])
        across = [link for name in pages_of(paged, first) for link in index_links(paged[name])]
        assert across == one_page


def test_further_pages_are_in_the_sitemap_and_only_the_first_is_searched(
    site_factory: SiteFactory,
) -> None:
    files = built(paged_site(site_factory))
    sitemap = files["sitemap.xml"]
    for path in (f"{KD}seite/2/", f"{KD}seite/3/", "staedte/seite/3/", "berufe/seite/2/"):
        assert f"<loc>https://example.org/{path}</loc>" in sitemap
    assert '<main id="cs-inhalt" class="wrap" data-pagefind-body>' in files[f"{KD}index.html"]
    assert "data-pagefind-body" not in files[f"{KD}seite/2/index.html"]


def test_the_page_word_is_configurable(site_factory: SiteFactory) -> None:
    files = built(paged_site(site_factory, words="url_words:\n  page: page\n"))
    assert pages_of(files, KD, "page") == [
        f"{KD}index.html",
        f"{KD}page/2/index.html",
        f"{KD}page/3/index.html",
    ]
    assert not any("/seite/" in name for name in files)


def test_a_guide_at_the_url_of_a_further_page_is_an_error(site_factory: SiteFactory) -> None:
    # The role 'Seite' has its guides where the list of roles has its further pages.
    site = site_factory(
        {
            "data/site.yaml": SITE_YAML + "per_page: 1\n",
            "data/roles.yaml": "- name: Kundendienstleiter\n- name: Seite\n",
            "content/kundendienstleiter/bremen.md": guide(),
            "content/seite/bremen.md": guide(title="Seite 2", role="Seite", extra="slug: '2'\n"),
        }
    )
    result = build(Options(site))
    assert result.failed
    shown = [format_text(d) for d in result.diagnostics if d.severity == "error"]
    assert shown == [
        f"{site}/content/seite/bremen.md:1:1: error: 'Seite 2' has the URL /berufe/seite/2/, "
        "which is page 2 of the list of roles\n"
        "  hint: change the 'slug' of the guide or of its role, or 'url_words.page' ('seite') "
        "in data/site.yaml"
    ]


def test_an_alias_onto_a_further_page_is_an_error(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            "data/site.yaml": SITE_YAML + "per_page: 1\n",
            "content/kundendienstleiter/bremen.md": guide(),
            "content/kundendienstleiter/potsdam.md": guide(
                title="KD Potsdam", city="Potsdam", extra="aliases: [/staedte/seite/2/]\n"
            ),
        }
    )
    result = build(Options(site))
    shown = [format_text(d) for d in result.diagnostics]
    assert any(
        "alias '/staedte/seite/2/' is already the URL of page 2 of the list of cities" in s
        for s in shown
    ), shown


def test_many_pages_link_first_last_and_neighbours_only() -> None:
    link = Linker.for_base_url("https://example.org/")
    paths = [""] + [f"seite/{n}/" for n in range(2, 41)]
    pages = pagination(paths, 20, link)
    assert pages is not None
    numbers = [p.number if p else None for p in pages.links]
    assert numbers == [1, None, 18, 19, 20, 21, 22, None, 40]
    assert (pages.previous, pages.next) == ("/seite/19/", "/seite/21/")
    first = pagination(paths, 1, link)
    assert first is not None
    assert [p.number for p in first.links if p] == [1, 2, 3, 40]
    assert pagination([""], 1, link) is None
