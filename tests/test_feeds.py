"""What crawlers and feed readers get: sitemap.xml, feed.xml, robots.txt, 404.html, head tags."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from helpers import REPO, SiteFactory, guide, many_guides

from careersite import feeds
from careersite.assets import BUILTIN_LAYOUTS
from careersite.pipeline import Options, build
from careersite.render import make_environment
from careersite.urls import Linker

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


def _urls(xml: bytes, tag: str) -> list[str]:
    root = ET.fromstring(xml)
    assert root.tag == f"{SITEMAP}{tag}"
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]


def _sitemap_files(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The numbered sitemap files that sitemap.xml indexes, each with its URLs."""
    parts = {}
    for url in _urls(files["sitemap.xml"], "sitemapindex"):
        name = url.rsplit("/", 1)[1]
        parts[url] = _urls(files[name], "urlset")
    return parts


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/karriere/"])
def test_past_the_url_limit_sitemap_xml_indexes_numbered_files(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_MAX_URLS", 4)
    site = site_factory(many_guides(9))
    result = build(Options(site, base_url=base_url))
    assert not result.failed, result.diagnostics
    files = dict(result.files)
    parts = _sitemap_files(files)
    # 9 guides, their role hub and 9 city hubs, home, two lists: 22 pages, 4 a file
    assert list(parts) == [f"{base_url}sitemap-{n}.xml" for n in range(1, 7)]
    assert [len(urls) for urls in parts.values()] == [4, 4, 4, 4, 4, 2]
    listed = [url for urls in parts.values() for url in urls]
    pages = sorted(
        base_url + name.removesuffix("index.html")
        for name in files
        if name.endswith("index.html") and not name.startswith("suche/")
    )
    assert sorted(listed) == pages  # each page once
    assert files["robots.txt"].decode().endswith(f"\nSitemap: {base_url}sitemap.xml\n")
    index = ET.fromstring(files["sitemap.xml"])
    lastmods = [entry.findtext(f"{SITEMAP}lastmod") for entry in index]
    assert lastmods == ["2026-11-01"] * 6


def test_past_the_byte_limit_each_sitemap_file_stays_below_it(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_MAX_BYTES", 2000)
    site = site_factory(many_guides(9))
    result = build(Options(site))
    assert not result.failed, result.diagnostics
    files = dict(result.files)
    parts = _sitemap_files(files)
    assert len(parts) > 1
    assert all(len(files[url.rsplit("/", 1)[1]]) <= 2000 for url in parts)
    assert sum(len(urls) for urls in parts.values()) == 22


def _render_sitemaps(paths: list[str], base_url: str) -> dict[str, bytes]:
    """The sitemap files of a site with these pages, rendered by the built-in layouts."""
    env = make_environment([BUILTIN_LAYOUTS])
    link = Linker.for_base_url(base_url)
    dates = dict.fromkeys(paths, dt.date(2026, 11, 1))
    return {
        name: env.get_template(layout).render(page=make(), site=None).encode()
        for name, layout, make in feeds.sitemap_pages(paths, lambda: dates, link)
    }


def _check_sitemap_files(files: dict[str, bytes], paths: list[str], base_url: str) -> int:
    """Every path listed once, in files within both limits: how many files sitemap.xml indexes."""
    if ET.fromstring(files["sitemap.xml"]).tag == f"{SITEMAP}urlset":
        parts = {base_url + "sitemap.xml": _urls(files["sitemap.xml"], "urlset")}
    else:
        parts = _sitemap_files(files)
    for url, urls in parts.items():
        assert url.startswith(base_url)
        assert len(urls) <= 50_000
        assert len(files[url.rsplit("/", 1)[1]]) <= 50 * 1024 * 1024
        assert all(u.startswith(base_url) for u in urls)
    listed = [url for urls in parts.values() for url in urls]
    assert len(listed) == len(set(listed)) == len(paths)
    assert set(listed) == {base_url + path for path in paths}
    return len(files) - 1


def test_at_the_real_limits_sitemap_files_take_50000_urls_and_50_mb() -> None:
    base_url = "https://example.org/karriere/"
    paths = [f"berufe/beruf-{n // 1000}/stadt-{n}/" for n in range(50_001)]
    below = paths[:50_000]
    assert _check_sitemap_files(_render_sitemaps(below, base_url), below, base_url) == 0
    assert _check_sitemap_files(_render_sitemaps(paths, base_url), paths, base_url) == 2
    # Long URLs: 20,000 of about 2,900 bytes pass 50 MB before 50,000 URLs.
    long_paths = [f"berufe/{'x' * 2880}/{n}/" for n in range(20_000)]
    files = _render_sitemaps(long_paths, base_url)
    assert _check_sitemap_files(files, long_paths, base_url) == 2


def test_aliases_are_written_as_redirect_maps_for_netlify_cloudflare_and_nginx(
    site_factory: SiteFactory,
) -> None:
    aliases = 'aliases: [/alt/bremen/, "/alt/m%C3%BCnchen/", \'/alt/a"b/\']\n'
    site = site_factory({"content/kundendienstleiter/bremen.md": guide(extra=aliases)})
    result = build(Options(site, base_url="https://example.org/karriere/"))
    assert not result.failed, result.diagnostics
    target = "/karriere/berufe/kundendienstleiter/bremen/"
    netlify = result.files["_redirects"].decode().splitlines()
    assert [line for line in netlify if not line.startswith("#")] == [
        f"/karriere/alt/a%22b/ {target} 301",
        f"/karriere/alt/bremen/ {target} 301",
        f"/karriere/alt/m%C3%BCnchen/ {target} 301",
    ]
    nginx = result.files["nginx-redirects.conf"].decode().splitlines()
    assert [line for line in nginx if not line.startswith("#")] == [
        f'location = "/karriere/alt/a\\"b/" {{ return 301 {target}; }}',
        f'location = "/karriere/alt/bremen/" {{ return 301 {target}; }}',
        f'location = "/karriere/alt/münchen/" {{ return 301 {target}; }}',
    ]
    # and a page at each alias for hosts that read neither
    assert b'content="0; url=' in result.files["alt/bremen/index.html"]


def test_without_aliases_the_redirect_maps_hold_only_their_comments(
    site_factory: SiteFactory,
) -> None:
    result = build(Options(site_factory({"content/kundendienstleiter/bremen.md": guide()})))
    for name in ("_redirects", "nginx-redirects.conf"):
        lines = result.files[name].decode().splitlines()
        assert lines and all(line.startswith("# ") for line in lines), (name, lines)
