"""What crawlers and feed readers get: sitemap.xml, feed.xml, robots.txt, 404.html, head tags."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from helpers import REPO, SiteFactory, guide

from careersite.pipeline import Options, build

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def text(element: ET.Element, path: str) -> str:
    """The text of the child at path, which must be there."""
    found = element.findtext(path)
    assert found is not None, f"no {path}"
    return found


def child(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, f"no {path}"
    return found


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    result = build(Options(REPO))
    assert not result.failed
    return dict(result.files)


def test_sitemap_lists_every_public_page_with_its_last_change(files: dict[str, bytes]) -> None:
    root = ET.fromstring(files["sitemap.xml"])
    entries = {text(url, f"{SITEMAP}loc"): text(url, f"{SITEMAP}lastmod") for url in root}
    pages = sorted(
        "https://example.org/" + name.removesuffix("index.html")
        for name in files
        if name.endswith("index.html") and not name.startswith("suche/")
    )
    assert sorted(entries) == pages
    assert (
        entries["https://example.org/berufe/kundendienstleiter/bremen/"] == "2026-11-20"
    )  # updated
    assert entries["https://example.org/berufe/customer-service/potsdam/"] == "2026-11-10"  # date
    # a hub changes when its newest guide does; home with the newest of all
    assert entries["https://example.org/staedte/potsdam/"] == "2026-11-10"
    assert entries["https://example.org/"] == max(entries.values())


def test_robots_names_the_sitemap(files: dict[str, bytes]) -> None:
    assert files["robots.txt"].decode().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "",
        "Sitemap: https://example.org/sitemap.xml",
    ]


def test_feed_is_atom_with_the_guides_newest_first(files: dict[str, bytes]) -> None:
    feed = ET.fromstring(files["feed.xml"])
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "https://example.org/"
    assert child(feed, f"{ATOM}link[@rel='self']").get("href") == "https://example.org/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    titles = [text(entry, f"{ATOM}title") for entry in entries]
    published = [text(entry, f"{ATOM}published") for entry in entries]
    assert sorted(titles) == sorted(
        [
            "Kundendienstleiter in Bremen",
            "Kundendienstleiter in Potsdam",
            "Customer Service in Dortmund",
            "Customer Service in Potsdam",
        ]
    )
    assert published == sorted(published, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == "2026-11-20T00:00:00Z"
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == child(first, f"{ATOM}link").get("href")
    assert first.findtext(f"{ATOM}summary")


def test_every_page_has_canonical_description_opengraph_and_language(
    files: dict[str, bytes],
) -> None:
    for name, content in files.items():
        if not name.endswith("index.html") or name.startswith("suche/"):
            continue
        html = content.decode()
        path = name.removesuffix("index.html")
        assert '<html lang="de">' in html, name
        assert f'<link rel="canonical" href="https://example.org/{path}">' in html, name
        assert re.search(r'<meta name="description" content="[^"]+">', html), name
        assert f'<meta property="og:url" content="https://example.org/{path}">' in html, name
        kind = "article" if path.count("/") == 3 and path.startswith("berufe/") else "website"
        assert f'<meta property="og:type" content="{kind}">' in html, name
        assert 'type="application/atom+xml"' in html, name


def test_404_is_not_indexed_and_links_from_any_depth(files: dict[str, bytes]) -> None:
    html = files["404.html"].decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(href.startswith(("/", "https://", "#")) for href in hrefs), hrefs


def test_drafts_and_redirects_stay_out_of_sitemap_and_feed(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            "content/kundendienstleiter/bremen.md": guide(extra="aliases: [/alt/bremen/]\n"),
            "content/kundendienstleiter/potsdam.md": guide(
                title="Entwurf", city="Potsdam", extra="draft: true\n"
            ),
        }
    )
    result = build(Options(site))
    assert not result.failed, result.diagnostics
    sitemap, feed = result.files["sitemap.xml"].decode(), result.files["feed.xml"].decode()
    assert "alt/bremen" not in sitemap and "potsdam" not in sitemap
    assert "Entwurf" not in feed
    assert "alt/bremen/index.html" in result.files
