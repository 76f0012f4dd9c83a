"""Search: Pagefind's index is built with the site, and readers find and open guides."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, run_cli
from playwright.sync_api import Page, Route, expect
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


def bundles(output: Path) -> list[Path]:
    """The index's bundles, as search.js finds them."""
    listing = json.loads((output / "pagefind/bundles.json").read_text())
    return [output / "pagefind" / name for name in listing["bundles"]]


def indexed(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["de"]
    count = entry["languages"]["de"]["page_count"]
    assert isinstance(count, int)
    return count


def fragments(bundle: Path) -> dict[str, str]:
    """Each indexed page's text as Pagefind keeps it for excerpts: URL -> content."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        found[fragment["url"]] = fragment["content"]
    return found


def test_excerpts_keep_neighbouring_cells_apart(sites: dict[str, str]) -> None:
    """Table cells and salary levels read as words in results, not "StadtGehaltsspanne"."""
    [bundle] = bundles(Path(sites["output"]))
    pages = fragments(bundle)
    guide = pages["/berufe/kundendienstleiter/bremen/"]
    assert re.search(r"Einstieg \d", guide), guide
    hub = pages["/berufe/kundendienstleiter/"]
    assert re.search(r"Stadt Gehaltsspanne \(brutto\)", hub), hub
    for url, content in pages.items():
        assert not re.search(r"\SGehaltsspanne|(Einstieg|erfahrung)\d", content), url


def test_the_index_covers_guides_and_hubs_in_german(sites: dict[str, str]) -> None:
    [bundle] = bundles(Path(sites["output"]))  # a small site is one bundle
    # four guides, two role hubs, three city hubs; not home, lists, search or 404
    assert indexed(bundle) == 9
    assert (bundle / "pagefind.js").is_file()
    assert sorted(p.name for p in bundle.parent.iterdir()) == [bundle.name, "bundles.json"]


def test_a_bundle_leaves_out_pagefinds_own_search_interfaces(sites: dict[str, str]) -> None:
    [bundle] = bundles(Path(sites["output"]))
    shipped = {p.name for p in bundle.iterdir()}
    # what search.js and Pagefind's API load; the rest (index/, fragment/) by its meta
    assert {
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.de.pagefind",
    } <= shipped
    assert not {name for name in shipped if name.endswith((".css", "-ui.js", "-highlight.js"))}


# --- an index in several bundles ---------------------------------------------------------


def pages_only(tmp_path: Path, name: str) -> Path:
    """The example site built without its index."""
    output = tmp_path / name
    result = run_cli("build", "--source", REPO, "--output", output, "--no-search", "--no-cache")
    assert result.returncode == 0, result.stderr
    return output


def html_files(root: Path) -> list[str]:
    """The pages below root, as the build names them to the index."""
    return [p.relative_to(root).as_posix() for p in root.rglob("*.html")]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example site with its index in bundles of at most three pages, served."""
    output = pages_only(tmp_path_factory.mktemp("split"), "site")
    search.index(output, html_files(output), per_bundle=3)
    with served(output) as url:
        yield url


def test_each_page_is_in_one_bundle(tmp_path: Path) -> None:
    output = pages_only(tmp_path, "site")
    search.index(output, html_files(output), per_bundle=3)
    parts = bundles(output)
    assert len(parts) > 2
    assert sum(indexed(bundle) for bundle in parts) == 9
    assert [p.name.split("-")[0] for p in parts] == [str(n) for n in range(len(parts))]


def test_a_bundle_holds_only_pages_marked_for_the_index(tmp_path: Path) -> None:
    output = pages_only(tmp_path, "site")
    unmarked = ["index.html", "404.html", "suche/index.html", "berufe/index.html"]
    search.index(output, unmarked, per_bundle=1)  # Pagefind alone would index them whole
    assert bundles(output) == []
    shutil.rmtree(output / "pagefind")
    search.index(output, html_files(output), per_bundle=1)  # most pages alone in a bundle
    assert len(bundles(output)) > 5
    assert sum(indexed(bundle) for bundle in bundles(output)) == 9
    assert not list(output.glob(".careersite-index*"))


def test_search_over_bundles_finds_what_one_index_finds(
    page: Page, sites: dict[str, str], split: str
) -> None:
    found = {}
    for start in (sites["root"], split):
        page.goto(start + "suche/?q=Gehalt")
        expect(page.locator("#cs-treffer li").first).to_be_visible(timeout=15_000)
        found[start] = sorted(
            page.locator("#cs-treffer li a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
        )
    assert len(found[split]) > 3
    assert found[split] == found[sites["root"]]


def test_unchanged_bundles_are_linked_from_the_previous_output(tmp_path: Path) -> None:
    old = pages_only(tmp_path, "old")
    search.index(old, html_files(old), per_bundle=3)
    new = pages_only(tmp_path, "new")
    guide = "berufe/customer-service/dortmund/index.html"
    (new / guide).write_bytes((new / guide).read_bytes().replace(b"Dortmund", b"Dortmunt"))
    unchanged = sorted(name for name in files(new) if name != guide)
    # Half the pages are said to be kept; the other half are compared byte for byte.
    search.index(new, html_files(new), previous=old, kept=unchanged[::2], per_bundle=3)

    fresh = pages_only(tmp_path, "fresh")
    (fresh / guide).write_bytes((new / guide).read_bytes())
    search.index(fresh, html_files(fresh), per_bundle=3)
    assert files(new / "pagefind") == files(fresh / "pagefind")

    before, after = inodes(old / "pagefind"), inodes(new / "pagefind")
    linked = {name.split("/")[0] for name in after if before.get(name) == after[name]}
    written = {name.split("/")[0] for name in after if before.get(name) != after[name]}
    assert len(written - {"bundles.json"}) == 1  # the guide's bundle, made again
    assert linked | written == {p.name for p in (new / "pagefind").iterdir()}
    assert not linked & written
    assert len(linked) == len(bundles(new)) - 1


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
    page.route("**/pagefind/bundles.json", lambda route: held.append(route))  # held back
    page.goto(sites["root"] + "suche/")
    page.get_by_label("Suchbegriff").fill("Dortmund")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("#cs-treffer li a").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer")).to_contain_text("Dortmund")


# turns: one Pagefind run builds while the next reads ---------------------------------

# Stands in for a Pagefind run: reads, logs as Pagefind does, then builds. It
# notes when its building began and ended (the clock is the system's). Like
# Pagefind it logs a step a moment before its work on it shows; a run told
# to wait is paused within that moment.
_RUN = """
import sys, time
time.sleep(0.2)
print("[Reading languages]", flush=True)
print("[Building search indexes]", flush=True)
time.sleep(0.05)
began = time.monotonic()
time.sleep(0.3)
print(f"built {began} {time.monotonic()}", flush=True)
"""


def test_two_runs_never_build_an_index_at_once_yet_one_reads_while_one_builds() -> None:
    turns = search._Turns(2)
    spans: list[tuple[float, float]] = []
    starts: list[float] = []

    def one_run() -> None:
        turns.start()
        starts.append(time.monotonic())
        built = False
        try:
            with subprocess.Popen(
                [sys.executable, "-c", _RUN], stdout=subprocess.PIPE, text=True
            ) as process:
                assert process.stdout is not None
                for line in process.stdout:
                    if line.startswith("[Building search indexes]"):
                        turns.build(process)
                        built = True
                    elif line.startswith("built "):
                        began, ended = map(float, line.split()[1:])
                        spans.append((began, ended))
        finally:
            turns.end(built)

    runs = [threading.Thread(target=one_run) for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)

    assert len(spans) == 4
    spans.sort()
    for (_, ended), (began, _) in itertools.pairwise(spans):
        assert began >= ended, "two runs built an index at the same time"
    # A run starts reading while the one before it builds, not after it ended.
    assert sorted(starts)[1] < spans[0][1]


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


def test_a_failing_pagefind_run_is_an_error_with_what_it_said(tmp_path: Path) -> None:
    site = tmp_path / "site"
    names = pages_to_index(site, 4)
    (site / "pagefind").write_text("kein Ordner", encoding="utf-8")  # nowhere to write

    with pytest.raises(search.SearchIndexError, match=r"^Pagefind failed: .*Not a directory"):
        search.index(site, names, per_bundle=1, jobs=2)
    assert sorted(p.name for p in site.iterdir()) == ["pagefind", *sorted(names_dirs(names))]


def names_dirs(names: list[str]) -> set[str]:
    return {name.split("/")[0] for name in names}


def test_a_pagefind_run_that_takes_too_long_is_stopped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "TIMEOUT", 0.01)
    site = tmp_path / "site"
    names = pages_to_index(site, 2)

    with pytest.raises(search.SearchIndexError, match=r"took longer than 0\.01 s"):
        search.index(site, names, per_bundle=1, jobs=2)


def test_an_index_listing_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    names = pages_to_index(site, 2)
    (site / "pagefind" / search.LISTING).mkdir(parents=True)  # as a full disk would, it fails

    with pytest.raises(
        search.SearchIndexError, match=r"^cannot write pagefind/bundles\.json: Is a directory$"
    ):
        search.index(site, names, per_bundle=1, jobs=2)
