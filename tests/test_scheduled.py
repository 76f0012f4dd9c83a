"""Scheduled publishing: a guide dated after the build's day waits for that day.

The build's day is today, or SOURCE_DATE_EPOCH's (the reproducible-builds
convention) where it is set; --future builds such guides at once.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from helpers import copy_example_site, run_cli

GUIDE = "content/kundendienstleiter/bremen.md"
PAGE = "berufe/kundendienstleiter/bremen/index.html"
TODAY = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
LATER = "2027-03-01"


def epoch(day: dt.datetime) -> str:
    return str(int(day.timestamp()))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example site with the Bremen guide dated after the build's day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(TODAY))
    site = copy_example_site(tmp_path)
    guide = site / GUIDE
    text = guide.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^updated: .*\n", "", text, count=1)
    guide.write_text(re.sub(r"(?m)^date: .*$", f"date: {LATER}", text, count=1), encoding="utf-8")
    return site


def every_text(output: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.suffix in {".html", ".xml", ".txt", ".json"}
    )


def test_a_guide_dated_after_today_is_left_out_of_every_page(site: Path) -> None:
    result = run_cli("build", "--source", site)
    assert result.returncode == 0, result.stderr
    output = site / "public"
    assert not (output / PAGE).exists()
    everything = every_text(output)
    assert "/kundendienstleiter/bremen/" not in everything  # hubs, lists, feed, sitemap
    assert "Kundendienstleiter in Bremen</a>" not in everything  # no card, no link
    # The search index holds the pages there are: not this one.
    fragments = b"".join(p.read_bytes() for p in (output / "suchindex/p").glob("*.json"))
    assert b"kundendienstleiter/potsdam/" in fragments  # an index was written
    assert b"kundendienstleiter/bremen/" not in fragments
    assert (output / "berufe/kundendienstleiter/potsdam/index.html").exists()
    # A guide that links to it gets a warning, and the link is left out.
    assert "content/customer-service/dortmund.md:73:" in result.stderr.replace(
        str(site) + "/", ""
    ), result.stderr
    assert "dated after today and not built yet" in result.stderr
    assert "--future" in result.stderr


def test_future_builds_it_at_once(site: Path) -> None:
    result = run_cli("build", "--source", site, "--future", "--no-search")
    assert result.returncode == 0, result.stderr
    assert (site / "public" / PAGE).exists()
    assert "/kundendienstleiter/bremen/" in (site / "public/sitemap.xml").read_text()
    assert "dated after today" not in result.stderr


def test_on_its_day_the_next_build_publishes_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("build", "--source", site, "--no-search").returncode == 0
    assert not (site / "public" / PAGE).exists()
    # Nothing in the site changed, but the day did: not "up to date".
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC)))
    result = run_cli("build", "--source", site, "--no-search")
    assert result.returncode == 0, result.stderr
    assert "up to date" not in result.stderr
    assert (site / "public" / PAGE).exists()
    assert "/kundendienstleiter/bremen/" in (site / "public/feed.xml").read_text()


def test_a_guide_moved_to_a_later_date_is_taken_down_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(TODAY))
    site = copy_example_site(tmp_path)
    assert run_cli("build", "--source", site, "--no-search").returncode == 0
    linking = site / "public/berufe/customer-service/dortmund/index.html"
    assert 'href="/berufe/kundendienstleiter/bremen/"' in linking.read_text(encoding="utf-8")
    guide = site / GUIDE
    text = re.sub(r"(?m)^updated: .*\n", "", guide.read_text(encoding="utf-8"))
    guide.write_text(re.sub(r"(?m)^date: .*$", f"date: {LATER}", text, count=1), encoding="utf-8")

    result = run_cli("build", "--source", site, "--no-search")  # with the build cache

    assert result.returncode == 0, result.stderr
    assert not (site / "public" / PAGE).exists()
    assert "kundendienstleiter/bremen/" not in linking.read_text(encoding="utf-8")
    clean = run_cli(
        "build", "--source", site, "--no-search", "--no-cache", "--output", tmp_path / "c"
    )
    assert clean.returncode == 0, clean.stderr
    for page in (tmp_path / "c").rglob("*.html"):
        relative = page.relative_to(tmp_path / "c")
        assert (site / "public" / relative).read_bytes() == page.read_bytes(), relative


def test_check_lists_what_is_scheduled_and_when(site: Path) -> None:
    result = run_cli("check", "--source", site, "--strict")
    # Waiting for a date is no problem; the link to it is (a warning, so --strict fails).
    assert result.returncode == 1, result.stderr
    listed = re.search(rf"(?m)^scheduled: \S*{GUIDE} goes live on {LATER}$", result.stderr)
    assert listed, result.stderr
    future = run_cli("check", "--source", site, "--future")
    assert future.returncode == 0, future.stderr
    assert "scheduled:" not in future.stderr


def test_a_bad_source_date_epoch_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_example_site(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gestern")
    result = run_cli("build", "--source", site, "--no-search")
    assert result.returncode == 1
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH must be a time in whole seconds")
    assert "Traceback" not in result.stderr
    assert not (site / "public").exists()


def test_the_workflow_publishes_once_a_day() -> None:
    """So a scheduled guide goes live on its day, not at the next push."""
    import yaml
    from helpers import REPO

    workflow = yaml.safe_load((REPO / ".github/workflows/site.yml").read_text())
    daily = [e["cron"] for e in workflow[True]["schedule"] if e["cron"].endswith("* * *")]
    assert len(daily) == 1
    assert f"github.event.schedule == '{daily[0]}'" in workflow["jobs"]["build"]["if"]
    assert workflow["jobs"]["deploy"]["needs"] == "build"
