"""Stale figures: `check` warns about a salary reviewed longer ago than the site allows.

conftest.py fixes the build's day at 2026-12-05 (SOURCE_DATE_EPOCH): with the
default of 18 months, a guide of 2025-06-05 is stale, one of 2025-06-06 is not.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import REPO, SITE_YAML, SiteFactory, guide, run_cli

from careersite.stale import stale_from

GUIDE = "content/kundendienstleiter/bremen.md"


def site_with(site_factory: SiteFactory, site_yaml: str = SITE_YAML, **parts: str) -> Path:
    return site_factory({"data/site.yaml": site_yaml, GUIDE: guide(**parts)})


def check(site: Path, *args: str) -> tuple[int, str]:
    result = run_cli("check", "--no-cache", *args, cwd=site)
    return result.returncode, result.stderr


def test_a_guide_reviewed_18_months_ago_is_stale_from_that_day(site_factory: SiteFactory) -> None:
    status, stderr = check(site_with(site_factory, date="2025-06-05"), "--strict")
    assert status == 1
    assert stderr == (
        f"{GUIDE}:8:7: error: the salary figures, last reviewed on 2025-06-05, "
        "are stale since 2026-12-05 (after 18 months)\n"
        "  hint: review the figures and set updated: to the day of the review; if they are "
        "meant to stand, add stale_after_months: false (or more months) to the front matter\n"
    )


def test_a_day_younger_is_not_stale_yet(site_factory: SiteFactory) -> None:
    assert check(site_with(site_factory, date="2025-06-06"), "--strict") == (0, "")


def test_without_strict_it_is_a_warning(site_factory: SiteFactory) -> None:
    status, stderr = check(site_with(site_factory, date="2024-01-10"))
    assert status == 0
    assert f"{GUIDE}:8:7: warning: the salary figures, last reviewed on 2024-01-10" in stderr


@pytest.mark.parametrize(
    ("reviewed", "months", "stale"),
    [
        (dt.date(2025, 6, 5), 18, dt.date(2026, 12, 5)),
        (dt.date(2024, 8, 31), 18, dt.date(2026, 2, 28)),  # no 31 February: its last day
        (dt.date(2023, 8, 29), 6, dt.date(2024, 2, 29)),  # a leap year's
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 1), 2, dt.date(2027, 1, 1)),  # into the next year
        (dt.date(9999, 1, 1), 18, None),  # past the calendar: never
    ],
)
def test_stale_from_counts_calendar_months(
    reviewed: dt.date, months: int, stale: dt.date | None
) -> None:
    assert stale_from(reviewed, months) == stale


def test_updated_counts_before_date_and_is_where_the_warning_points(
    site_factory: SiteFactory,
) -> None:
    recent = site_with(site_factory, date="2023-03-01", extra="updated: 2026-05-01\n")
    assert check(recent, "--strict") == (0, "")
    old = site_with(site_factory, date="2023-03-01", extra="updated: 2024-05-01\n")
    stderr = check(old)[1]
    assert f"{GUIDE}:9:10: warning: the salary figures, last reviewed on 2024-05-01, " in stderr
    assert "stale since 2025-11-01" in stderr


def test_the_site_sets_the_age_or_turns_the_check_off(site_factory: SiteFactory) -> None:
    longer = site_with(site_factory, SITE_YAML + "stale_after_months: 36\n", date="2024-01-10")
    assert check(longer, "--strict") == (0, "")
    shorter = site_with(site_factory, SITE_YAML + "stale_after_months: 1\n", date="2026-11-01")
    assert "stale since 2026-12-01 (after 1 months)" in check(shorter)[1]
    off = site_with(site_factory, SITE_YAML + "stale_after_months: false\n", date="2020-01-10")
    assert check(off, "--strict") == (0, "")


def test_a_guide_sets_its_own_age_or_silences_the_check(site_factory: SiteFactory) -> None:
    never = site_with(site_factory, date="2020-01-10", extra="stale_after_months: false\n")
    assert check(never, "--strict") == (0, "")
    longer = site_with(site_factory, date="2024-01-10", extra="stale_after_months: 48\n")
    assert check(longer, "--strict") == (0, "")
    # the guide's own age counts even where the site has none
    site_off = SITE_YAML + "stale_after_months: false\n"
    own = site_with(site_factory, site_off, date="2026-01-10", extra="stale_after_months: 6\n")
    assert "stale since 2026-07-10 (after 6 months)" in check(own)[1]


@pytest.mark.parametrize("value", ["true", "0", "-3", "1.5", "achtzehn", '""'])
def test_the_sites_age_must_be_months_or_false(site_factory: SiteFactory, value: str) -> None:
    site = site_with(site_factory, SITE_YAML + f"stale_after_months: {value}\n")
    status, stderr = check(site)
    assert status == 1
    assert "data/site.yaml:6:" in stderr, stderr
    assert "error: 'stale_after_months' must be a whole number of months or false" in stderr


def test_a_guides_age_must_be_months_or_false(site_factory: SiteFactory) -> None:
    site = site_with(site_factory, extra="stale_after_months: 0\n")
    status, stderr = check(site)
    assert status == 1
    assert stderr.startswith(
        f"{GUIDE}:9:21: error: 'stale_after_months' must be a whole number of months or false, "
        "not 0\n"
    ), stderr


def test_json_and_github_carry_the_warning(site_factory: SiteFactory) -> None:
    site = site_with(site_factory, date="2025-01-10")
    result = run_cli("check", "--no-cache", "--format", "json", cwd=site)
    [found] = json.loads(result.stdout)
    assert found["severity"] == "warning"
    assert (found["file"], found["line"], found["col"]) == (GUIDE, 8, 7)
    assert found["message"].endswith("are stale since 2026-07-10 (after 18 months)")
    assert found["hint"].startswith("review the figures and set updated:")
    result = run_cli("check", "--no-cache", "--format", "github", cwd=site)
    assert result.stdout.startswith(
        f"::warning file={GUIDE},line=8,col=7::the salary figures, last reviewed on 2025-01-10"
    )


def test_a_guide_dated_near_the_end_of_the_calendar_is_checked(site_factory: SiteFactory) -> None:
    site = site_with(site_factory, date="9999-12-31")
    assert check(site, "--strict", "--future") == (0, "")


def test_a_build_does_not_warn_about_the_calendar(site_factory: SiteFactory) -> None:
    site = site_with(site_factory, date="2020-01-10")
    result = run_cli("build", "--no-cache", "--no-search", "--strict", "--quiet", cwd=site)
    assert (result.returncode, result.stderr) == (0, "")


def test_drafts_and_overviews_have_no_figures_to_go_stale(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            GUIDE: guide(date="2020-01-10", extra="draft: true\n"),
            "content/kundendienstleiter/index.md": guide(
                title="Kundendienstleiter", city=None, date="2020-01-10"
            ),
        }
    )
    assert check(site, "--strict") == (0, "")


def test_the_page_says_when_the_figures_were_true(site_factory: SiteFactory) -> None:
    site = site_with(site_factory, date="2026-03-02", extra="updated: 2026-10-20\n")
    result = run_cli("build", "--no-cache", "--no-search", "--quiet", cwd=site)
    assert result.returncode == 0, result.stderr
    html = (site / "public/berufe/kundendienstleiter/bremen/index.html").read_text("utf-8")
    assert (
        '<span class="period">pro Monat, brutto</span> <span class="as-of">· Stand: '
        '<time datetime="2026-10-20">Oktober 2026</time></span></p>'
    ) in html
    assert '"lastReviewed":"2026-10-20"' in html  # the JSON-LD's date is the same day


def test_the_daily_publication_does_not_wait_for_a_review() -> None:
    """The workflow's check shows stale figures as annotations; only build --strict fails it."""
    workflow = (REPO / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert ".venv/bin/careersite check --format github" in workflow
    assert "check --strict" not in workflow
    assert "careersite build --strict" in workflow
