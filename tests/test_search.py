"""Search: the index is built with the site, and readers find and open guides."""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib
import itertools
import json
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, copy_example_site, run_cli
from playwright.sync_api import Dialog, Page, Route, expect
from test_browser import StaticHandler, base_url, browser_type_launch_args  # noqa: F401

from careersite import search


def serve(root: Path) -> tuple[str, http.server.ThreadingHTTPServer, threading.Thread]:
    handler = functools.partial(StaticHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}", server, thread


@contextlib.contextmanager
def served(root: Path) -> Iterator[str]:
    """root served on 127.0.0.1 while the block runs: its URL, with a slash."""
    url, server, thread = serve(root)
    try:
        yield url + "/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The example site at a domain root and under /karriere/, each served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("search")
    at_root = root / "root"
    under = root / "subpath"
    for output, base in (
        (at_root, "https://example.org/"),
        (under / "karriere", "https://example.org/karriere/"),
    ):
        result = run_cli("build", "--source", REPO, "--output", output, "--base-url", base)
        assert result.returncode == 0, result.stderr
    servers = [serve(at_root), serve(under)]
    try:
        yield {
            "root": servers[0][0] + "/",
            "subpath": servers[1][0] + "/karriere/",
            "output": str(at_root),
        }
    finally:
        for _, server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


INDEX = "suchindex"
BREMEN = "berufe/kundendienstleiter/bremen/index.html"
DORTMUND = "berufe/customer-service/dortmund/index.html"


def listing(output: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((output / INDEX / "index.json").read_text())
    return data


def pages(output: Path) -> dict[str, dict[str, str]]:
    """The index's pages, as results show them: URL below the root -> url, title, text."""
    found = {}
    for path in (output / INDEX / "p").glob("*.json"):
        page = json.loads(path.read_text(encoding="utf-8"))
        found[page["u"]] = page
    return found


def entries(output: Path) -> dict[str, list[Any]]:
    """Every word of the index: word -> [pages it is in, postings]."""
    found = {}
    for path in (output / INDEX / "w").glob("*.json"):
        for word, count, flat in json.loads(path.read_text(encoding="utf-8"))["w"]:
            found[word] = [count, flat]
    return found


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def pages_only(tmp_path: Path, name: str) -> Path:
    """The example site built without its index."""
    output = tmp_path / name
    result = run_cli("build", "--source", REPO, "--output", output, "--no-search", "--no-cache")
    assert result.returncode == 0, result.stderr
    return output


def html_files(root: Path) -> list[str]:
    """The pages below root, as the build names them to the index."""
    return [p.relative_to(root).as_posix() for p in root.rglob("*.html")]


# --- what the index holds -------------------------------------------------------------------


def test_the_index_covers_guides_and_hubs_first_pages(sites: dict[str, str]) -> None:
    output = Path(sites["output"])
    assert listing(output)["pages"] == 9
    # four guides, two role hubs, three city hubs; not home, lists, search or 404
    assert sorted(pages(output)) == [
        "berufe/customer-service/",
        "berufe/customer-service/dortmund/",
        "berufe/customer-service/potsdam/",
        "berufe/kundendienstleiter/",
        "berufe/kundendienstleiter/bremen/",
        "berufe/kundendienstleiter/potsdam/",
        "staedte/bremen/",
        "staedte/dortmund/",
        "staedte/potsdam/",
    ]
    assert sorted(p.name for p in (output / INDEX).iterdir()) == ["index.json", "p", "w"]


def test_a_result_has_the_pages_title_and_its_text_without_what_is_marked_ignore(
    sites: dict[str, str],
) -> None:
    guide = pages(Path(sites["output"]))["berufe/kundendienstleiter/bremen/"]
    assert guide["t"] == "Kundendienstleiter in Bremen"
    assert not guide["x"].startswith(guide["t"])  # the heading is the result's title
    assert "Hansestadt" in guide["x"] or "Bremen" in guide["x"]
    assert "Weiterlesen" not in guide["x"]  # the related guides' aside is data-pagefind-ignore
    assert "<" not in guide["x"] and "&amp;" not in guide["x"]


def test_excerpts_keep_neighbouring_cells_apart(sites: dict[str, str]) -> None:
    """Table cells and salary levels read as words in results, not "StadtGehaltsspanne"."""
    found = pages(Path(sites["output"]))
    guide = found["berufe/kundendienstleiter/bremen/"]["x"]
    assert re.search(r"Einstieg \d", guide), guide
    hub = found["berufe/kundendienstleiter/"]["x"]
    assert re.search(r"Stadt Gehaltsspanne \(brutto\)", hub), hub
    for url, page in found.items():
        assert not re.search(r"\SGehaltsspanne|(Einstieg|erfahrung)\d", page["x"]), url


def test_words_are_folded_as_search_js_folds_them() -> None:
    assert search.words_of("Gehälter in Lübeck, Straße 2.450 €") == [
        "gehalter",
        "in",
        "lubeck",
        "strasse",
        "2",
        "450",
    ]
    decomposed = unicodedata.normalize("NFD", "Lübeck")
    assert search.words_of(decomposed) == ["lubeck"]


def test_a_common_word_keeps_only_its_best_pages_and_says_how_many_have_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = pages_only(tmp_path, "whole")
    search.index(whole, html_files(whole), jobs=1)
    cut = pages_only(tmp_path, "cut")
    monkeypatch.setattr(search, "TOP", 3)
    search.index(cut, html_files(cut), jobs=1)

    def postings(flat: list[int]) -> list[tuple[int, int]]:
        return list(zip(itertools.accumulate(flat[0::2]), flat[1::2], strict=True))

    common = 0
    for word, (count, flat) in entries(whole).items():
        assert entries(cut)[word][0] == count  # how many pages have it, whether cut or not
        kept = postings(entries(cut)[word][1])
        if count <= 3:
            assert kept == postings(flat), word
        else:  # the three of highest weight, the first pages among equals, in page order
            common += 1
            best = sorted(postings(flat), key=lambda posting: -posting[1])[:3]
            assert kept == sorted(best), word
    assert common > 100


def test_the_index_is_the_same_for_any_number_of_workers(tmp_path: Path) -> None:
    one = pages_only(tmp_path, "one")
    two = pages_only(tmp_path, "two")
    search.index(one, html_files(one), jobs=1)
    search.index(two, html_files(two), jobs=2)
    assert files(one / INDEX) == files(two / INDEX)


# --- readers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_shards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site with its index cut into shards of a few words each."""
    output = pages_only(tmp_path_factory.mktemp("shards"), "site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_CHARS", 300)
        search.index(output, html_files(output))
    assert len(listing(output)["shards"]) > 20
    with served(output) as url:
        yield url


def hrefs(page: Page, start: str, query: str) -> list[str]:
    page.goto(f"{start}suche/?q={query}")
    expect(page.locator("#cs-suchstatus")).to_contain_text(f"für „{query}“", timeout=15_000)
    links: list[str] = page.locator("#cs-treffer li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return links


@pytest.mark.parametrize("query", ["Dortmund", "Kundendienst", "Gehälter", "Bremen Einstieg"])
def test_small_shards_find_what_one_shard_finds(
    page: Page, sites: dict[str, str], small_shards: str, query: str
) -> None:
    whole = hrefs(page, sites["root"], query)
    assert whole
    assert sorted(hrefs(page, small_shards, query)) == sorted(whole)


def test_the_guide_that_names_both_words_in_its_title_comes_first(
    page: Page, sites: dict[str, str]
) -> None:
    found = hrefs(page, sites["root"], "Kundendienstleiter Bremen")
    assert found[0] == "/berufe/kundendienstleiter/bremen/"
    assert "/berufe/customer-service/potsdam/" not in found  # it does not name Bremen


def test_a_word_in_no_page_finds_nothing(page: Page, sites: dict[str, str]) -> None:
    assert hrefs(page, sites["root"], "Zwiebelturm") == []
    expect(page.locator("#cs-suchstatus")).to_have_text("0 Treffer für „Zwiebelturm“")


def test_a_reader_loads_the_listing_the_words_shards_and_the_results_shown(
    page: Page, sites: dict[str, str]
) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if f"/{INDEX}/" in r.url else None)
    hrefs(page, sites["root"], "Dortmund")
    shown = page.locator("#cs-treffer li").count()
    kinds = [url.split(f"/{INDEX}/")[1].split("/")[0] for url in asked]
    assert kinds.count("index.json") == 1
    assert 1 <= kinds.count("w") <= 2
    assert kinds.count("p") == shown


@pytest.mark.parametrize("where", ["root", "subpath"])
def test_search_from_the_header_and_open_a_result(
    page: Page, sites: dict[str, str], where: str
) -> None:
    start = sites[where]
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(start)
    page.get_by_label("Ratgeber durchsuchen").fill("Kundendienst")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{start}suche/?q=Kundendienst")
    results = page.locator("#cs-treffer li a")
    expect(results.first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-suchstatus")).to_contain_text("Treffer für „Kundendienst“")
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith("/karriere/" if where == "subpath" else "/") for href in hrefs)
    assert any("/berufe/kundendienstleiter/" in href for href in hrefs)
    title = results.first.inner_text()
    results.first.click()
    expect(page.locator("h1")).to_have_text(title)
    assert errors == []


def test_german_stemming_finds_inflected_words(page: Page, sites: dict[str, str]) -> None:
    page.goto(sites["root"] + "suche/?q=Gehälter")
    expect(page.locator("#cs-treffer li").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer mark").first).to_contain_text("Gehalt")


def test_the_search_field_is_labelled_and_typing_searches(
    page: Page, sites: dict[str, str]
) -> None:
    page.goto(sites["root"] + "suche/")
    field = page.get_by_label("Suchbegriff")
    field.fill("Dortmund")
    expect(page.locator("#cs-treffer li a").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer")).to_contain_text("Dortmund")


def test_what_is_typed_while_the_index_loads_is_searched(page: Page, sites: dict[str, str]) -> None:
    held: list[Route] = []
    page.route("**/suchindex/index.json", lambda route: held.append(route))  # held back
    page.goto(sites["root"] + "suche/")
    page.get_by_label("Suchbegriff").fill("Dortmund")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("#cs-treffer li a").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer")).to_contain_text("Dortmund")


# --- a rebuild after an edit ------------------------------------------------------------------


def edit(site: Path, old: str, new: str) -> None:
    guide = site / "content/kundendienstleiter/bremen.md"
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The example site built, then Bremen's guide edited and built again, with the cache."""
    site = copy_example_site(tmp_path_factory.mktemp("rebuilt"))
    output = site / "public"
    assert run_cli("build", "--source", site, "-q").returncode == 0
    before = inodes(output / INDEX)
    # "Hafentradition" is in Bremen's guide alone; "Zwiebelturm" in none.
    edit(site, "Hafentradition", "Zwiebelturm")
    result = run_cli("build", "--source", site, "-q")
    assert result.returncode == 0, result.stderr
    with served(output) as url:
        yield {"site": site, "before": before, "url": url}


def test_a_rebuild_reads_the_edited_pages_and_links_the_others_files(
    rebuilt: dict[str, Any],
) -> None:
    output = Path(rebuilt["site"]) / "public"
    now = inodes(output / INDEX)
    found = {
        url: path
        for path in (output / INDEX / "p").glob("*.json")
        for url in [json.loads(path.read_text())["u"]]
    }
    bremen = found["berufe/kundendienstleiter/bremen/"].relative_to(output / INDEX).as_posix()
    assert now[bremen] != rebuilt["before"][bremen]
    linked = [
        name for name in now if name.startswith("p/") and now[name] == rebuilt["before"].get(name)
    ]
    # The guide's hubs show no body text: they were not written again.
    assert len(linked) == len(found) - 1


def test_a_rebuilds_index_is_a_clean_builds(rebuilt: dict[str, Any], tmp_path: Path) -> None:
    site = Path(rebuilt["site"])
    clean = tmp_path / "clean"
    result = run_cli("build", "--source", site, "--output", clean, "--no-cache", "-q")
    assert result.returncode == 0, result.stderr
    assert files(site / "public" / INDEX) == files(clean / INDEX)


def test_readers_find_the_guide_as_it_is_now(page: Page, rebuilt: dict[str, Any]) -> None:
    start = str(rebuilt["url"])
    assert hrefs(page, start, "Zwiebelturm") == ["/berufe/kundendienstleiter/bremen/"]
    expect(page.locator("#cs-suchstatus")).to_have_text("1 Treffer für „Zwiebelturm“")
    assert hrefs(page, start, "Hafentradition") == []
    found = hrefs(page, start, "Bremen")
    assert found.count("/berufe/kundendienstleiter/bremen/") == 1


def test_postings_of_another_output_are_not_taken(tmp_path: Path) -> None:
    """The cache's postings serve only the output whose index was made with them."""
    cache = tmp_path / "cache"
    old = pages_only(tmp_path, "old")
    search.index(old, html_files(old), cache=cache)
    other = pages_only(tmp_path, "other")
    (other / BREMEN).write_bytes((other / BREMEN).read_bytes().replace(b"Bremen", b"Bremenn"))
    search.index(other, html_files(other))  # an index the cache knows nothing of
    new = pages_only(tmp_path, "new")
    (new / BREMEN).write_bytes((other / BREMEN).read_bytes())
    # Every page said to be taken unchanged from other: only the cache could mislead.
    search.index(new, html_files(new), cache=cache, previous=other, kept=html_files(new))
    clean = pages_only(tmp_path, "clean")
    (clean / BREMEN).write_bytes((other / BREMEN).read_bytes())
    search.index(clean, html_files(clean))
    assert files(new / INDEX) == files(clean / INDEX)


def test_edits_add_up_across_rebuilds(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    one = pages_only(tmp_path, "one")
    search.index(one, html_files(one), cache=cache)
    two = pages_only(tmp_path, "two")
    (two / BREMEN).write_bytes((two / BREMEN).read_bytes().replace(b"Bremen", b"Bremenn"))
    kept = [name for name in html_files(two) if name != BREMEN]
    search.index(two, html_files(two), cache=cache, previous=one, kept=kept)
    three = pages_only(tmp_path, "three")
    (three / BREMEN).write_bytes((two / BREMEN).read_bytes())
    (three / DORTMUND).write_bytes(
        (three / DORTMUND).read_bytes().replace(b"Dortmund", b"Dortmunt")
    )
    kept = [name for name in html_files(three) if name != DORTMUND]
    search.index(three, html_files(three), cache=cache, previous=two, kept=kept)
    assert "bremenn" in entries(three) and "dortmunt" in entries(three)
    assert "dortmund" in entries(three)  # the hub and the other pages still name it
    clean = pages_only(tmp_path, "clean")
    for name in (BREMEN, DORTMUND):
        (clean / name).write_bytes((three / name).read_bytes())
    search.index(clean, html_files(clean))
    assert files(three / INDEX) == files(clean / INDEX)


# --- results ten at a time, and nothing from the index read as markup ------------------------


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A generated site of 30 guides, built with its index and served."""
    benchmarks = str(Path(__file__).parent / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    corpus = importlib.import_module("corpus").generate(tmp_path_factory.mktemp("many") / "s", 30)
    result = run_cli("build", "--source", corpus.root, "--no-cache", "-q")
    assert result.returncode == 0, result.stderr
    with served(corpus.root / "public") as url:
        yield url


def test_results_come_ten_at_a_time_and_the_button_brings_the_next(page: Page, many: str) -> None:
    shown: list[str] = []
    page.on("request", lambda r: shown.append(r.url) if f"/{INDEX}/p/" in r.url else None)
    page.goto(many + "suche/?q=Gehalt")
    status = page.locator("#cs-suchstatus")
    expect(status).to_contain_text("Treffer für „Gehalt“", timeout=15_000)
    total = int(status.inner_text().split()[0])
    assert total > 20  # every guide and hub names the salary
    results = page.locator("#cs-treffer li")
    expect(results).to_have_count(10)
    assert len(shown) == 10  # the reader's network fetched only what is shown
    more = page.get_by_role("button", name="Weitere Treffer")
    more.click()
    expect(results).to_have_count(20)
    expect(results.nth(10).locator("a")).to_be_focused()  # where the new ones start
    while more.is_visible():
        more.click()
        page.wait_for_timeout(100)
    expect(results).to_have_count(total)
    links = page.locator("#cs-treffer li a").evaluate_all("as => as.map(a => a.href)")
    assert len(set(links)) == total


def test_markup_in_a_guide_reaches_results_as_text(page: Page, tmp_path: Path) -> None:
    site = copy_example_site(tmp_path)
    guide = site / "content/kundendienstleiter/bremen.md"
    text = guide.read_text(encoding="utf-8")
    trap = "Zwiebelturm `<img src=x onerror=alert(1)>` &lt;b&gt;fett&lt;/b&gt;"
    guide.write_text(text.replace("Hafentradition", trap, 1), encoding="utf-8")
    assert run_cli("build", "--source", site, "-q", "--no-cache").returncode == 0
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    with served(site / "public") as url:
        assert hrefs(page, url, "Zwiebelturm") == ["/berufe/kundendienstleiter/bremen/"]
        result = page.locator("#cs-treffer li p")
        expect(result).to_contain_text("<img src=x onerror=alert(1)>")
        expect(result).to_contain_text("<b>fett</b>")
        assert page.locator("#cs-treffer img, #cs-treffer b").count() == 0
        assert dialogs == []


# --- failures ---------------------------------------------------------------------------------


def pages_to_index(site: Path, count: int) -> list[str]:
    names = [f"seite-{n}/index.html" for n in range(count)]
    for name in names:
        page = site / name
        page.parent.mkdir(parents=True)
        page.write_text(
            '<html lang="de"><body><main data-pagefind-body><p>Gehalt</p></main></body></html>',
            encoding="utf-8",
        )
    return names


def test_an_index_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    names = pages_to_index(site, 2)
    (site / INDEX).write_text("kein Ordner", encoding="utf-8")  # as a full disk would, it fails

    with pytest.raises(
        search.SearchIndexError,
        match=r"^cannot write the search index \(suchindex/\): Not a directory$",
    ):
        search.index(site, names, jobs=1)


def test_postings_that_cannot_be_brought_up_to_date_leave_the_output_before_alone(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    old = pages_only(tmp_path, "old")
    search.index(old, html_files(old), cache=cache)
    before = files(old / INDEX)
    new = pages_only(tmp_path, "new")
    for name in (BREMEN, DORTMUND):
        (new / name).write_bytes((new / name).read_bytes().replace(b"Bremen", b"Bremenn"))
    (old / DORTMUND).unlink()  # which words it had is not known any more
    kept = [name for name in html_files(new) if name not in (BREMEN, DORTMUND)]
    search.index(new, html_files(new), cache=cache, previous=old, kept=kept)
    assert files(old / INDEX) == before  # its pages' files were linked, never written into
    clean = pages_only(tmp_path, "clean")
    for name in (BREMEN, DORTMUND):
        (clean / name).write_bytes((new / name).read_bytes())
    search.index(clean, html_files(clean))
    assert files(new / INDEX) == files(clean / INDEX)
