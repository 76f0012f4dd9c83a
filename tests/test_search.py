"""Search: Pagefind's index is built with the site, and readers find and open guides."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from playwright.sync_api import Page, expect
from test_browser import StaticHandler, base_url, browser_type_launch_args  # noqa: F401


def serve(root: Path) -> tuple[str, http.server.ThreadingHTTPServer, threading.Thread]:
    handler = functools.partial(StaticHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}", server, thread


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


def test_the_index_covers_guides_and_hubs_in_german(sites) -> None:
    bundle = Path(sites["output"]) / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["de"]
    # four guides, two role hubs, three city hubs; not home, lists, search or 404
    assert entry["languages"]["de"]["page_count"] == 9
    assert (bundle / "pagefind.js").is_file()


@pytest.mark.parametrize("where", ["root", "subpath"])
def test_search_from_the_header_and_open_a_result(page: Page, sites, where: str) -> None:
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


def test_german_stemming_finds_inflected_words(page: Page, sites) -> None:
    page.goto(sites["root"] + "suche/?q=Gehälter")
    expect(page.locator("#cs-treffer li").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer mark").first).to_contain_text("Gehalt")


def test_the_search_field_is_labelled_and_typing_searches(page: Page, sites) -> None:
    page.goto(sites["root"] + "suche/")
    field = page.get_by_label("Suchbegriff")
    field.fill("Dortmund")
    expect(page.locator("#cs-treffer li a").first).to_be_visible(timeout=15_000)
    expect(page.locator("#cs-treffer")).to_contain_text("Dortmund")
