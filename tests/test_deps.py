"""Incremental rebuilds (the dev server's): only stale pages render, and the tree is exact."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import SITE_YAML, SiteFactory, copy_example_site, guide, many_guides

from careersite import article, feeds, pipeline
from careersite import site as site_module
from careersite.article import Article
from careersite.config import Config
from careersite.diagnostics import Diagnostic
from careersite.pipeline import BuildResult, Options, build
from careersite.site import SAME_ROLE_SHOWN, Site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


def touch_later(path: Path, text: str) -> None:
    """Write text and make sure the modification time moves on."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def fresh(site: Path) -> BuildResult:
    result = build(Options(site))
    assert not result.failed, result.diagnostics
    return result


def rebuilt(previous: BuildResult, site: Path) -> BuildResult:
    result = build(Options(site), previous.reuse)
    assert_like_a_clean_build(result, site)
    return result


def assert_like_a_clean_build(result: BuildResult, site: Path) -> None:
    clean = build(Options(site))
    assert result.diagnostics == clean.diagnostics, "a rebuild must report as a clean build"
    assert dict(result.files) == dict(clean.files), "a rebuild must equal a clean build"


def html_pages(result: BuildResult) -> int:
    return sum(1 for name in result.files if name.endswith((".html", ".xml", ".txt")))


def test_nothing_changed_renders_nothing(site: Path) -> None:
    first = fresh(site)
    again = rebuilt(first, site)
    assert again.rendered == 0


def test_an_edited_body_renders_its_page_only(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/customer-service/dortmund.md"
    touch_later(guide, guide.read_text(encoding="utf-8") + "\nNeu: ein Absatz.\n")
    second = rebuilt(first, site)
    assert (
        "Neu: ein Absatz." in second.files["berufe/customer-service/dortmund/index.html"].decode()
    )
    # Nothing other pages, the sitemap or the feed show of it changed.
    assert second.rendered == 1


def test_an_edited_summary_renders_the_guide_its_hubs_neighbours_and_lists(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/customer-service/dortmund.md"
    text = guide.read_text(encoding="utf-8")
    touch_later(guide, text.replace("summary: Versicherungen", "summary: Vor allem Versicherungen"))
    second = rebuilt(first, site)
    assert "Vor allem Versicherungen" in second.files["index.html"].decode()  # home shows it
    # itself, role hub, city hub, the Potsdam guide beside it in the role hub,
    # home, two lists, sitemap, feed: not the Kundendienstleiter pages
    assert 0 < second.rendered < first.rendered
    assert second.rendered == 9
    assert second.reasons["berufe/customer-service/dortmund/"] == f"{guide} changed"
    assert second.reasons["staedte/dortmund/"] == f"shows {guide}, which changed"


def test_a_changed_salary_reaches_every_page_that_shows_it(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/kundendienstleiter/potsdam.md"
    touch_later(guide, guide.read_text(encoding="utf-8").replace("max: 3900", "max: 4100"))
    second = rebuilt(first, site)
    for page in (
        "berufe/kundendienstleiter/bremen/index.html",
        "staedte/potsdam/index.html",
        "berufe/customer-service/potsdam/index.html",
        "berufe/kundendienstleiter/index.html",
    ):
        assert "4.100\xa0€" in second.files[page].decode(), page


def test_a_salary_in_a_large_role_renders_only_the_guides_that_list_it(
    site_factory: SiteFactory,
) -> None:
    # Each guide lists the SAME_ROLE_SHOWN cities after it; the role hub lists all 40.
    site = site_factory(many_guides(40))
    first = fresh(site)
    edited = site / "content/kundendienstleiter/stadt-010.md"
    touch_later(edited, edited.read_text(encoding="utf-8").replace("max: 3800", "max: 3950"))
    second = rebuilt(first, site)

    def lists_it(number: int) -> bool:
        page = second.files[f"berufe/kundendienstleiter/stadt-{number:03d}/index.html"].decode()
        return "3.950" in page

    listing = [n for n in range(40) if n != 10 and lists_it(n)]
    assert listing == list(range(10)) + list(range(10 - SAME_ROLE_SHOWN + 40, 40))
    # those, the guide itself, its two hubs, home, two lists, sitemap and feed
    assert second.rendered == SAME_ROLE_SHOWN + 1 + 2 + 3 + 2


def test_a_guide_that_adds_or_removes_a_page_of_its_hubs(site_factory: SiteFactory) -> None:
    site = site_factory(
        {"data/site.yaml": SITE_YAML + "per_page: 3\n", **many_guides(6)}  # two full pages
    )
    first = fresh(site)
    assert "berufe/kundendienstleiter/seite/2/index.html" in first.files
    added = site / "content/kundendienstleiter/stadt-006.md"
    added.write_text(many_guides(7)["content/kundendienstleiter/stadt-006.md"], encoding="utf-8")
    second = rebuilt(first, site)  # equal to a clean build
    assert "berufe/kundendienstleiter/seite/3/index.html" in second.files
    assert "staedte/seite/3/index.html" in second.files
    added.unlink()
    third = rebuilt(second, site)
    assert "berufe/kundendienstleiter/seite/3/index.html" not in third.files
    edited = site / "content/kundendienstleiter/stadt-004.md"
    touch_later(edited, edited.read_text(encoding="utf-8").replace("max: 3800", "max: 3950"))
    fourth = rebuilt(third, site)
    assert "3.950" in fourth.files["berufe/kundendienstleiter/seite/2/index.html"].decode()


def test_a_new_date_renders_the_sitemap_index_and_every_file_it_indexes(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_MAX_URLS", 4)
    site = site_factory(many_guides(9))
    first = fresh(site)
    assert "sitemap-6.xml" in first.files
    edited = site / "content/kundendienstleiter/stadt-004.md"
    touch_later(edited, edited.read_text(encoding="utf-8").replace("2026-11-01", "2026-11-07"))
    second = rebuilt(first, site)  # equal to a clean build: each file's lastmod is right
    assert b"<lastmod>2026-11-07</lastmod>" in second.files["sitemap.xml"]
    # the guide, 8 guides beside it, its hubs, home, two lists, the index, 6 files, the feed,
    # and the two redirect maps: a new date may hold a guide back until its day
    # or publish it (scheduled publishing), so the guide is linked anew
    assert second.rendered == 1 + 8 + 2 + 3 + 1 + 6 + 1 + 2


def test_a_layout_change_renders_the_pages_that_use_it(site: Path) -> None:
    first = fresh(site)
    layout = site / "layouts/city.html"
    touch_later(layout, layout.read_text(encoding="utf-8").replace("<h1>", '<h1 class="stadt">'))
    second = rebuilt(first, site)
    assert second.rendered == 3  # the three city hubs
    base = site / "layouts/base.html"
    touch_later(base, base.read_text(encoding="utf-8").replace("<body>", '<body class="x">'))
    third = rebuilt(second, site)
    assert third.rendered == sum(1 for n in third.files if n.endswith(".html"))


def test_a_layout_added_to_the_site_takes_over_from_the_default(site: Path) -> None:
    layout = site / "layouts/city.html"
    text = layout.read_text(encoding="utf-8")
    layout.unlink()  # the packaged default serves the city hubs
    first = fresh(site)
    layout.write_text(text.replace("<h1>", '<h1 class="eigene">'), encoding="utf-8")
    second = rebuilt(first, site)
    assert '<h1 class="eigene">' in second.files["staedte/dortmund/index.html"].decode()


def test_a_data_or_static_change_renders_everything(site: Path) -> None:
    first = fresh(site)
    cities = site / "data/cities.yaml"
    touch_later(
        cities,
        cities.read_text(encoding="utf-8").replace(
            "state: Bremen", "state: Freie Hansestadt Bremen"
        ),
    )
    second = rebuilt(first, site)
    assert second.rendered == first.rendered
    css = site / "layouts/static/style.css"
    touch_later(css, css.read_text(encoding="utf-8") + "\n/* neu */\n")
    third = rebuilt(second, site)
    assert third.rendered == first.rendered


def test_a_new_and_a_removed_guide(site: Path) -> None:
    first = fresh(site)
    new = site / "content/customer-service/bremen.md"
    text = (site / "content/customer-service/dortmund.md").read_text(encoding="utf-8")
    new.write_text(text.replace("Dortmund", "Bremen"), encoding="utf-8")
    second = rebuilt(first, site)
    assert "berufe/customer-service/bremen/index.html" in second.files
    new.unlink()
    third = rebuilt(second, site)
    assert "berufe/customer-service/bremen/index.html" not in third.files


def test_a_moved_guide_updates_the_links_to_it(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/customer-service/dortmund.md"
    touch_later(
        guide, guide.read_text(encoding="utf-8").replace("date:", "slug: dortmund-mitte\ndate:", 1)
    )
    second = rebuilt(first, site)
    bremen = second.files["berufe/kundendienstleiter/bremen/index.html"].decode()
    assert "/berufe/customer-service/dortmund-mitte/" in bremen
    assert second.reasons["berufe/kundendienstleiter/bremen/"] == (
        f"links to {guide}, which moved, came or went"
    )


def test_broken_content_fails_and_the_fix_recovers(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/kundendienstleiter/bremen.md"
    good = guide.read_text(encoding="utf-8")
    touch_later(guide, good.replace("min: 2800", "min: viel", 1))
    broken = build(Options(site), first.reuse)
    assert broken.failed
    touch_later(guide, good)
    healed = rebuilt(broken, site)
    assert not healed.failed


def test_a_draft_that_breaks_takes_its_warnings_from_the_links_to_it(site: Path) -> None:
    first = fresh(site)
    guide = site / "content/kundendienstleiter/potsdam.md"
    text = guide.read_text(encoding="utf-8")
    touch_later(guide, text.replace("\ndate:", "\ndraft: true\ndate:", 1))
    drafted = rebuilt(first, site)
    assert sum("a draft that is not built" in d.message for d in drafted.diagnostics) == 3
    touch_later(guide, text.replace("\ndate:", "\ndraft: true\ndate: bald\n", 1))
    broken = build(Options(site), drafted.reuse)
    assert_like_a_clean_build(broken, site)
    # Its own error stands for it; the links to it no longer call it a draft.
    assert [d.pos.path.name for d in broken.diagnostics if d.pos] == ["potsdam.md"]
    touch_later(guide, text)
    rebuilt(broken, site)


def test_a_new_guide_beside_a_missing_link_target_is_named_in_its_hint(site: Path) -> None:
    guide = site / "content/customer-service/dortmund.md"
    touch_later(
        guide, guide.read_text(encoding="utf-8") + "\n[Kiel](../kundendienstleiter/kiel.md)\n"
    )
    model = (site / "content/kundendienstleiter/bremen.md").read_text(encoding="utf-8")
    in_kiel = model.replace("Bremen", "Kiel")
    (site / "content/customer-service/kiel.md").write_text(
        in_kiel.replace("Kundendienstleiter", "Customer Service"), encoding="utf-8"
    )
    first = build(Options(site))
    assert [d.hint for d in first.diagnostics if "kiel.md" in d.message] == [None]
    # Another guide in Kiel: the city's hub was there, so few pages are stale.
    (site / "content/kundendienstleiter/kiel-nord.md").write_text(in_kiel, encoding="utf-8")
    second = build(Options(site), first.reuse)
    assert_like_a_clean_build(second, site)
    hints = [d.hint for d in second.diagnostics if "kiel.md" in d.message]
    assert hints == ["did you mean 'kiel-nord.md'?"]


@pytest.fixture
def stuck_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file's times stay put, an hour ahead, as on a file server whose clock
    neither ticks nor agrees: only a file's size and content can tell an edit."""
    ahead = time.time_ns() + 3600 * 10**9
    real = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real(path, *args, **kwargs)
        times = {f"st_{kind}_ns": ahead for kind in ("atime", "mtime", "ctime")}
        seconds = {f"st_{kind}": ahead / 10**9 for kind in ("atime", "mtime", "ctime")}
        return os.stat_result(tuple(found)[:10], {**times, **seconds})

    monkeypatch.setattr(os, "stat", stat)


@pytest.mark.usefixtures("stuck_clock")
def test_edits_that_keep_the_time_and_size_of_a_file_are_seen(site: Path) -> None:
    result = fresh(site)
    for name, before, after in (
        ("content/kundendienstleiter/potsdam.md", "max: 3900", "max: 4100"),
        ("layouts/city.html", "<h1>{{ page.title }}", "<h1>{{ page.state }}"),
        ("data/cities.yaml", "state: Bremen", "state: BREMEN"),
        ("content/kundendienstleiter/potsdam.md", "max: 4100", "max: 4200"),
    ):
        path = site / name
        text = path.read_text(encoding="utf-8")
        assert before in text and len(before) == len(after)
        path.write_text(text.replace(before, after, 1), encoding="utf-8")
        result = rebuilt(result, site)
        assert result.rendered > 0, name
    unchanged = rebuilt(result, site)
    assert unchanged.rendered == 0  # the same content: nothing to do


# what the dev server's watcher reports --------------------------------------------------


def told(previous: BuildResult, site: Path, *changed: Path) -> BuildResult:
    """A rebuild told of the changed files, as absolute paths the way watchfiles names them."""
    result = build(Options(site), previous.reuse, changed=[os.path.abspath(p) for p in changed])
    assert_like_a_clean_build(result, site)
    return result


@pytest.fixture
def discovers(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The content folders the build looked through for sources, in order."""
    looked: list[Path] = []
    real = article.discover

    def counted(content_dir: Path) -> tuple[list[Path], list[Diagnostic]]:
        looked.append(content_dir)
        return real(content_dir)

    monkeypatch.setattr(pipeline, "discover", counted)
    return looked


def test_a_reported_edit_renders_its_page_without_looking_for_sources(
    site: Path, discovers: list[Path]
) -> None:
    first = fresh(site)
    guide = site / "content/customer-service/dortmund.md"
    touch_later(guide, guide.read_text(encoding="utf-8") + "\nNeu: gemeldet.\n")
    swap = site / "content/customer-service/.dortmund.md.swp"  # an editor's, beside it
    swap.write_bytes(b"\x00swap")
    discovers.clear()

    second = told(first, site, guide, swap)

    assert "Neu: gemeldet." in second.files["berufe/customer-service/dortmund/index.html"].decode()
    assert second.rendered == 1
    assert discovers.count(site / "content") == 1  # only the clean build in told() looked


def test_an_edit_links_the_site_again_only_when_what_links_it_changes(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # URLs, hubs and redirects hold while title, role, city, slug, aliases and draft
    # do, whatever the text links to and whatever the salary.
    linked: list[int] = []
    real = site_module.link_site

    def counted(articles: list[Article], config: Config) -> tuple[Site, list[Diagnostic]]:
        linked.append(len(articles))
        return real(articles, config)

    monkeypatch.setattr(pipeline, "link_site", counted)
    first = fresh(site)
    elsewhere = site / "content/kundendienstleiter/bremen.md"
    touch_later(elsewhere, elsewhere.read_text(encoding="utf-8") + "\n[Weg](weg.md)\n")
    second = build(Options(site), first.reuse, changed=[str(elsewhere)])
    assert "link to missing file 'weg.md'" in str(second.diagnostics)
    guide = site / "content/customer-service/dortmund.md"
    text = guide.read_text(encoding="utf-8")
    linked.clear()

    added = "\nNur Text und [Potsdam](../kundendienstleiter/potsdam.md), [Kiel](kiel.md).\n"
    touch_later(guide, text + added)
    third = build(Options(site), second.reuse, changed=[str(guide)])

    assert linked == []
    page = third.files["berufe/customer-service/dortmund/index.html"].decode()
    assert 'Nur Text und <a href="/berufe/kundendienstleiter/potsdam/">Potsdam</a>' in page
    assert "link to missing file 'kiel.md'" in str(third.diagnostics)
    assert_like_a_clean_build(third, site)  # the problem in bremen.md is still reported
    linked.clear()

    touch_later(guide, text.replace("max: 3400", "max: 3450", 1))
    fourth = build(Options(site), third.reuse, changed=[str(guide)])

    assert linked == []
    hub = fourth.files["berufe/customer-service/index.html"].decode()
    assert "3.450" in hub
    assert_like_a_clean_build(fourth, site)
    linked.clear()

    touch_later(guide, text.replace("in Dortmund\n", "in Dortmund (neu)\n", 1))
    fifth = build(Options(site), fourth.reuse, changed=[str(guide)])

    assert len(linked) == 1
    page = fifth.files["berufe/customer-service/dortmund/index.html"].decode()
    assert "Customer Service in Dortmund (neu)" in page
    assert_like_a_clean_build(fifth, site)


def test_sources_the_watcher_does_not_name_are_taken_as_they_were(site: Path) -> None:
    # The watcher vouches for every other file: none of them is even looked at.
    first = fresh(site)
    seen = site / "content/customer-service/dortmund.md"
    unseen = site / "content/kundendienstleiter/bremen.md"
    touch_later(seen, seen.read_text(encoding="utf-8") + "\nGesehen.\n")
    touch_later(unseen, unseen.read_text(encoding="utf-8") + "\nUngesehen.\n")

    second = build(Options(site), first.reuse, changed=[str(seen)])

    assert "Gesehen." in second.files["berufe/customer-service/dortmund/index.html"].decode()
    assert "Ungesehen." not in second.files["berufe/kundendienstleiter/bremen/index.html"].decode()
    third = build(Options(site), second.reuse, changed=None)  # unknown: every file is looked at
    assert "Ungesehen." in third.files["berufe/kundendienstleiter/bremen/index.html"].decode()


def test_reported_new_removed_and_moved_sources_are_found(
    site: Path, discovers: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site.parent)  # as `careersite serve --source site`: paths are relative
    site = Path(site.name)
    first = fresh(site)
    new = site / "content/customer-service/bremen.md"
    text = (site / "content/customer-service/dortmund.md").read_text(encoding="utf-8")
    new.write_text(text.replace("Dortmund", "Bremen"), encoding="utf-8")
    second = told(first, site, new)
    assert "berufe/customer-service/bremen/index.html" in second.files

    # A folder moved in or out is one event for the folder, none for its files.
    outside = site.parent / "draussen"
    outside.mkdir()
    hamburg = guide(title="Customer Service in Hamburg", role="Customer Service", city="Hamburg")
    (outside / "hamburg.md").write_text(hamburg, encoding="utf-8")
    moved = site / "content/neu"
    outside.rename(moved)
    third = told(second, site, moved)
    assert "berufe/customer-service/hamburg/index.html" in third.files
    moved.rename(outside)
    fourth = told(third, site, moved)
    assert "berufe/customer-service/hamburg/index.html" not in fourth.files

    new.unlink()
    fifth = told(fourth, site, new)
    assert "berufe/customer-service/bremen/index.html" not in fifth.files
    assert len(discovers) == 1 + 2 * 4  # each rebuild looked again, as did each clean build
