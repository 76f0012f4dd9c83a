"""JSON-LD on the built pages: one Occupation per guide, a BreadcrumbList with each breadcrumb."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, Cli, SiteFactory, guide

from careersite.pipeline import Options, build

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def blocks(html: str) -> list[dict[str, Any]]:
    return [json.loads(text) for text in SCRIPT.findall(html)]


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    result = build(Options(REPO))
    assert not result.failed
    return {name: data.decode() for name, data in result.files.items() if name.endswith(".html")}


def of_type(html: str, kind: str) -> list[dict[str, Any]]:
    return [b for b in blocks(html) if b["@type"] == kind]


def test_each_guide_has_exactly_one_occupation_matching_its_salary_box(
    example: dict[str, str],
) -> None:
    html = example["berufe/kundendienstleiter/bremen/index.html"]
    (occupation,) = of_type(html, "Occupation")
    assert occupation["name"] == "Kundendienstleiter"
    assert occupation["occupationLocation"] == [
        {
            "@type": "City",
            "name": "Bremen",
            "containedInPlace": {"@type": "State", "name": "Bremen"},
        }
    ]
    (salary,) = occupation["estimatedSalary"]
    assert salary == {
        "@type": "MonetaryAmountDistribution",
        "name": "base",
        "currency": "EUR",
        "duration": "P1M",
        "percentile10": 2800,
        "percentile90": 3800,
    }
    assert "2.800\xa0€ – 3.800\xa0€" in html  # what the page shows
    assert (
        occupation["mainEntityOfPage"]["@id"]
        == "https://example.org/berufe/kundendienstleiter/bremen/"
    )
    assert "Lead Customer Service" in occupation["alternateName"]


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "berufe/index.html",
        "staedte/index.html",
        "berufe/kundendienstleiter/index.html",
        "staedte/potsdam/index.html",
        "404.html",
    ],
)
def test_listing_pages_carry_no_occupation(example: dict[str, str], page: str) -> None:
    assert of_type(example[page], "Occupation") == []


def test_every_page_with_a_breadcrumb_has_a_matching_breadcrumb_list(
    example: dict[str, str],
) -> None:
    checked = 0
    for name, html in example.items():
        shown = re.findall(r'<nav class="breadcrumb[^"]*"[^>]*>(.*?)</nav>', html, re.S)
        lists = of_type(html, "BreadcrumbList")
        if not shown:
            assert lists == [], name
            continue
        (crumbs,) = lists
        titles = re.findall(r"<a [^>]*>([^<]+)</a>", shown[0])
        assert [item["name"] for item in crumbs["itemListElement"]] == titles, name
        assert [item["position"] for item in crumbs["itemListElement"]] == list(
            range(1, len(titles) + 1)
        )
        assert all(
            item["item"].startswith("https://example.org/") for item in crumbs["itemListElement"]
        )
        checked += 1
    assert checked >= 9  # guides, hubs and the two lists


def test_yearly_and_hourly_periods_become_iso_durations(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            "content/kundendienstleiter/bremen.md": guide(
                salary="salary:\n  min: 40000\n  max: 52000\n  period: year\n"
            ),
            "content/kundendienstleiter/potsdam.md": guide(
                title="Kundendienstleiter in Potsdam",
                city="Potsdam",
                salary="salary:\n  min: 18.5\n  max: 24\n  period: hour\n",
            ),
        }
    )
    result = build(Options(site))
    assert not result.failed, result.diagnostics
    yearly = of_type(
        result.files["berufe/kundendienstleiter/bremen/index.html"].decode(), "Occupation"
    )[0]
    hourly = of_type(
        result.files["berufe/kundendienstleiter/potsdam/index.html"].decode(), "Occupation"
    )[0]
    assert yearly["estimatedSalary"][0]["duration"] == "P1Y"
    assert hourly["estimatedSalary"][0]["duration"] == "PT1H"
    assert hourly["estimatedSalary"][0]["percentile10"] == 18.5


def test_no_content_can_break_out_of_the_script_element(site_factory: SiteFactory) -> None:
    hostile = "</script><script>alert(1)</script><!--"
    site = site_factory(
        {
            "data/roles.yaml": f"- name: 'Kundendienstleiter'\n  aliases: ['{hostile}']\n",
            "content/kundendienstleiter/bremen.md": guide(extra=f"summary: '{hostile}'\n"),
        }
    )
    result = build(Options(site))
    assert not result.failed, result.diagnostics
    html = result.files["berufe/kundendienstleiter/bremen/index.html"].decode()
    scripts = SCRIPT.findall(html)
    assert all("</" not in text and "<!--" not in text for text in scripts)
    (occupation,) = of_type(html, "Occupation")
    assert occupation["description"] == hostile
    assert occupation["alternateName"] == [hostile]
    assert "<script>alert(1)" not in html


def test_structured_data_follows_the_base_url(site_factory: SiteFactory) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": guide()})
    result = build(Options(site, base_url="https://example.org/karriere/"))
    html = result.files["berufe/kundendienstleiter/bremen/index.html"].decode()
    (crumbs,) = of_type(html, "BreadcrumbList")
    assert (
        crumbs["itemListElement"][-1]["item"]
        == "https://example.org/karriere/berufe/kundendienstleiter/bremen/"
    )


def test_the_built_site_is_unchanged_on_disk(tmp_path: Path, cli: Cli) -> None:
    """The in-memory result is what the command line writes."""
    output = tmp_path / "out"
    assert cli("build", "--source", REPO, "--output", output).returncode == 0
    page = (output / "berufe/customer-service/dortmund/index.html").read_text(encoding="utf-8")
    (occupation,) = of_type(page, "Occupation")
    assert occupation["estimatedSalary"][0]["percentile10"] == 2450
