"""Salary sense checks: valid figures that are probably not what the author meant."""

from __future__ import annotations

import pytest
from helpers import SITE_YAML, SiteFactory, guide, run_cli

GUIDE = "content/kundendienstleiter/bremen.md"


def check(site_factory: SiteFactory, salary: str, site_yaml: str = SITE_YAML) -> str:
    site = site_factory(
        {"data/site.yaml": site_yaml, GUIDE: guide(salary=salary, date="2026-11-01")}
    )
    result = run_cli("check", "--source", site)
    assert result.returncode == 0, result.stderr  # warnings: the build goes on
    return result.stderr.replace(str(site) + "/", "")


@pytest.mark.parametrize(
    ("salary", "line", "message"),
    [
        # 2,000 a month is below 13.90 an hour at 173.33 hours (2,409)
        ("min: 2000\n  max: 3000\n", 6, "salary min 2000 is below the statutory minimum wage"),
        ("min: 12\n  max: 20\n  period: hour\n", 6, "salary min 12 is below the statutory"),
        ("min: 24000\n  max: 30000\n  period: year\n", 6, "below the statutory minimum wage"),
        # a yearly figure given as monthly, a monthly one as hourly or yearly
        ("min: 42000\n  max: 52000\n", 6, "salary min 42000 looks like a yearly figure"),
        ("min: 2800\n  max: 3600\n  period: hour\n", 6, "looks like a monthly figure"),
        ("min: 18\n  max: 25\n  period: month\n", 6, "looks like an hourly figure"),
        ("min: 3000\n  max: 3800\n  period: year\n", 6, "looks like a monthly figure"),
        # a range too wide to say much
        ("min: 2500\n  max: 9000\n", 7, "salary max 9000 is more than 3 times min 2500"),
    ],
)
def test_a_doubtful_salary_is_a_warning_at_its_figure(
    site_factory: SiteFactory, salary: str, line: int, message: str
) -> None:
    stderr = check(site_factory, "salary:\n  " + salary)
    assert f"{GUIDE}:{line}:" in stderr, stderr
    assert message in stderr, stderr
    assert "warning:" in stderr and "hint:" in stderr
    assert "confirmed: true" in stderr  # the hint says how to vouch for it


def test_a_sound_salary_says_nothing(site_factory: SiteFactory) -> None:
    assert "salary" not in check(site_factory, "salary:\n  min: 2800\n  max: 3800\n")


def test_confirmed_figures_are_taken_as_they_are(site_factory: SiteFactory) -> None:
    stderr = check(site_factory, "salary:\n  min: 1200\n  max: 9000\n  confirmed: true\n")
    assert "salary" not in stderr, stderr


def test_strict_fails_on_a_doubt(site_factory: SiteFactory) -> None:
    site = site_factory({GUIDE: guide(salary="salary:\n  min: 2000\n  max: 3000\n")})
    assert run_cli("build", "--source", site, "--strict", "--no-search").returncode == 1


def test_the_minimum_wage_in_force_on_the_guides_date_counts(site_factory: SiteFactory) -> None:
    # 2,300 a month: above 12.82 an hour in 2025 (2,222), below 13.90 in 2026 (2,409)
    site = site_factory(
        {
            "content/kundendienstleiter/bremen.md": guide(
                salary="salary:\n  min: 2300\n  max: 3000\n", date="2025-06-01"
            ),
            "content/kundendienstleiter/potsdam.md": guide(
                title="Kundendienstleiter in Potsdam",
                city="Potsdam",
                salary="salary:\n  min: 2300\n  max: 3000\n",
                date="2026-02-01",
            ),
        }
    )
    stderr = run_cli("check", "--source", site).stderr
    assert "potsdam.md:6:" in stderr and "bremen.md:6:" not in stderr, stderr


def test_the_site_sets_its_own_minimum_wage_and_hours(site_factory: SiteFactory) -> None:
    own = SITE_YAML + "minimum_wage:\n  - since: 2020-01-01\n    hourly: 20\nhours_per_month: 160\n"
    stderr = check(site_factory, "salary:\n  min: 3000\n  max: 4000\n", own)
    assert "below the statutory minimum wage (20.00 an hour, 3,200 per month" in stderr, stderr
    none = SITE_YAML + "minimum_wage: []\n"
    assert "salary" not in check(site_factory, "salary:\n  min: 1500\n  max: 2000\n", none)


def test_another_currency_gets_only_the_spread_check(site_factory: SiteFactory) -> None:
    # The bands and the minimum wage are the site's currency (EUR): 1,800 CHF a month
    # or 40,000 JPY are not judged by them, a range of 1 to 4 still is.
    assert "salary" not in check(
        site_factory, "salary:\n  min: 1800\n  max: 5000\n  currency: CHF\n"
    )
    stderr = check(site_factory, "salary:\n  min: 40000\n  max: 200000\n  currency: JPY\n")
    assert "salary max 200000 is more than 3 times min 40000" in stderr, stderr
    assert "looks like" not in stderr and "minimum wage" not in stderr, stderr
