"""build --index-changes: a rebuild indexes the changed pages apart, and readers see them."""

from __future__ import annotations

import gzip
import importlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import copy_example_site, run_cli
from playwright.sync_api import Page, expect
from test_browser import browser_type_launch_args  # noqa: F401
from test_search import files, html_files, inodes, pages_only, served

from careersite import search

BREMEN = "berufe/kundendienstleiter/bremen/index.html"
DORTMUND = "berufe/customer-service/dortmund/index.html"


def listing(output: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((output / "pagefind/bundles.json").read_text())
    return data


def ids(index: Path) -> dict[str, str]:
    """A Pagefind index's pages, read from its fragments: URL -> id."""
    found = {}
    for path in (index / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        found[json.loads(data[len(b"pagefind_dcd") :])["url"]] = path.stem
    return found


def base_ids(output: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in listing(output)["bundles"]:
        found |= ids(output / "pagefind" / name)
    return found


def edit(site: Path, old: str, new: str) -> None:
    guide = site / "content/kundendienstleiter/bremen.md"
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The example site built, then Bremen's guide edited and built with --index-changes."""
    site = copy_example_site(tmp_path_factory.mktemp("changes"))
    output = site / "public"
    assert run_cli("build", "--source", site, "-q").returncode == 0
    before = base_ids(output)
    bundle_inodes = inodes(output / "pagefind")
    # "Hafentradition" is in Bremen's guide alone; "Zwiebelturm" in none.
    edit(site, "Hafentradition", "Zwiebelturm")
    result = run_cli("build", "--source", site, "-q", "--index-changes")
    assert result.returncode == 0, result.stderr
    with served(output) as url:
        yield {"site": site, "before": before, "inodes": bundle_inodes, "url": url}


def test_the_rebuild_indexes_the_edited_guide_alone_and_links_the_bundles(
    changed: dict[str, object],
) -> None:
    output = Path(str(changed["site"])) / "public"
    found = listing(output)
    before: dict[str, str] = changed["before"]  # type: ignore[assignment]
    assert found["stale"] == [before["/berufe/kundendienstleiter/bremen/"]]
    assert base_ids(output) == before  # the bundles as they were: linked, not made again
    old_inodes: dict[str, int] = changed["inodes"]  # type: ignore[assignment]
    now = inodes(output / "pagefind")
    for name in found["bundles"]:
        bundle = {key: value for key, value in now.items() if key.startswith(f"{name}/")}
        assert bundle and all(old_inodes.get(key) == value for key, value in bundle.items())
    changes = output / "pagefind" / str(found["changes"])
    assert list(ids(changes)) == ["/berufe/kundendienstleiter/bremen/"]
    assert json.loads((output / "pagefind/changes.json").read_text()) == {
        "pages": {BREMEN: before["/berufe/kundendienstleiter/bremen/"]}
    }


def hrefs(page: Page, start: str, query: str) -> list[str]:
    page.goto(f"{start}suche/?q={query}")
    expect(page.locator("#cs-suchstatus")).to_contain_text(f"für „{query}“", timeout=15_000)
    links: list[str] = page.locator("#cs-treffer li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return links


def test_readers_find_the_guide_as_it_is_now_and_once(
    page: Page, changed: dict[str, object]
) -> None:
    start = str(changed["url"])
    assert hrefs(page, start, "Zwiebelturm") == ["/berufe/kundendienstleiter/bremen/"]
    expect(page.locator("#cs-suchstatus")).to_have_text("1 Treffer für „Zwiebelturm“")
    assert hrefs(page, start, "Hafentradition") == []  # the bundle's old version is hidden
    expect(page.locator("#cs-suchstatus")).to_have_text("0 Treffer für „Hafentradition“")
    found = hrefs(page, start, "Bremen")
    assert found.count("/berufe/kundendienstleiter/bremen/") == 1
    assert len(found) == len(set(found))


def test_changes_add_up_until_the_limit_and_past_it_the_bundles_are_made_again(
    tmp_path: Path,
) -> None:
    old = pages_only(tmp_path, "old")
    search.index(old, html_files(old), per_bundle=3)
    first = base_ids(old)

    one = pages_only(tmp_path, "one")
    (one / BREMEN).write_bytes((one / BREMEN).read_bytes().replace(b"Bremen", b"Bremenn"))
    search.index(
        one, html_files(one), previous=old, before=html_files(old), per_bundle=3, changes=2
    )
    assert listing(one)["count"] == listing(old)["count"]
    assert listing(one)["stale"] == [first["/berufe/kundendienstleiter/bremen/"]]

    # A second rebuild: Dortmund's guide edited too, and a page gone.
    two = pages_only(tmp_path, "two")
    (two / BREMEN).write_bytes((one / BREMEN).read_bytes())
    (two / DORTMUND).write_bytes((two / DORTMUND).read_bytes().replace(b"Dortmund", b"Dortmunt"))
    potsdam = "berufe/customer-service/potsdam/index.html"
    (two / potsdam).unlink()
    search.index(
        two, html_files(two), previous=one, before=html_files(one), per_bundle=3, changes=3
    )
    stale = {first[f"/{name.removesuffix('index.html')}"] for name in (BREMEN, DORTMUND, potsdam)}
    assert set(listing(two)["stale"]) == stale
    changes = two / "pagefind" / str(listing(two)["changes"])
    assert sorted(ids(changes)) == [
        "/berufe/customer-service/dortmund/",
        "/berufe/kundendienstleiter/bremen/",
    ]

    # One change more than the limit: the bundles that hold them are made again,
    # as a clean index of these pages is.
    three = pages_only(tmp_path, "three")
    for name in (BREMEN, DORTMUND):
        (three / name).write_bytes((two / name).read_bytes())
    (three / potsdam).unlink()
    search.index(
        three, html_files(three), previous=two, before=html_files(two), per_bundle=3, changes=2
    )
    assert "changes" not in listing(three)
    assert not (three / "pagefind/changes.json").exists()
    clean = tmp_path / "clean"
    shutil.copytree(three, clean, ignore=shutil.ignore_patterns("pagefind"))
    search.index(clean, html_files(clean), per_bundle=3)
    assert files(three / "pagefind") == files(clean / "pagefind")


def test_without_the_option_a_rebuild_index_is_a_clean_builds(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path)
    assert run_cli("build", "--source", site, "-q").returncode == 0
    edit(site, "Hafentradition", "Zwiebelturm")
    assert run_cli("build", "--source", site, "-q", "--index-changes").returncode == 0
    assert "changes" in listing(site / "public")
    edit(site, "Zwiebelturm", "Leuchtturm")
    assert run_cli("build", "--source", site, "-q").returncode == 0
    clean = tmp_path / "clean"
    result = run_cli("build", "--source", site, "--output", clean, "--no-cache", "-q")
    assert result.returncode == 0, result.stderr
    assert files(site / "public/pagefind") == files(clean / "pagefind")


# --- results ten at a time --------------------------------------------------------------------


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
    fragments: list[str] = []
    page.on("request", lambda r: fragments.append(r.url) if "/fragment/" in r.url else None)
    page.goto(many + "suche/?q=Gehalt")
    status = page.locator("#cs-suchstatus")
    expect(status).to_contain_text("Treffer für „Gehalt“", timeout=15_000)
    total = int(status.inner_text().split()[0])
    assert total > 20  # every guide and hub names the salary
    results = page.locator("#cs-treffer li")
    expect(results).to_have_count(10)
    assert len(fragments) == 10  # the reader's network fetched only what is shown
    more = page.get_by_role("button", name="Weitere Treffer")
    more.click()
    expect(results).to_have_count(20)
    expect(results.nth(10).locator("a")).to_be_focused()  # where the new ones start
    while more.is_visible():
        more.click()
        page.wait_for_timeout(100)
    expect(results).to_have_count(total)
    hrefs = page.locator("#cs-treffer li a").evaluate_all("as => as.map(a => a.href)")
    assert len(set(hrefs)) == total


def test_bundles_beside_a_changes_index_of_unknown_pages_are_not_taken(tmp_path: Path) -> None:
    old = pages_only(tmp_path, "old")
    search.index(old, html_files(old), per_bundle=3)
    one = pages_only(tmp_path, "one")
    (one / BREMEN).write_bytes((one / BREMEN).read_bytes().replace(b"Bremen", b"Bremenn"))
    search.index(
        one, html_files(one), previous=old, before=html_files(old), per_bundle=3, changes=5
    )
    (one / "pagefind/changes.json").unlink()  # which pages its bundles hold as they were: unknown
    two = pages_only(tmp_path, "two")
    (two / BREMEN).write_bytes((one / BREMEN).read_bytes())
    # Every page said to be taken unchanged from one: only the listing can tell
    # that Bremen's bundle holds the guide as it was before.
    search.index(two, html_files(two), previous=one, kept=html_files(two), per_bundle=3)
    clean = tmp_path / "clean"
    shutil.copytree(two, clean, ignore=shutil.ignore_patterns("pagefind"))
    search.index(clean, html_files(clean), per_bundle=3)
    assert files(two / "pagefind") == files(clean / "pagefind")
