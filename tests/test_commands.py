"""careersite check, new and schema, run as processes like an author or CI does."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import REPO, Cli, SiteFactory, guide

BROKEN = guide(city="Bremn", salary="salary:\n  min: 3800\n  max: 2800\n")


def test_check_reports_every_problem_and_writes_nothing(
    site_factory: SiteFactory, cli: Cli
) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": BROKEN})
    result = cli("check", "--source", ".", cwd=site)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/kundendienstleiter/bremen.md:4:7: warning: unknown city 'Bremn'",
        "  hint: did you mean 'Bremen'?",
        "content/kundendienstleiter/bremen.md:7:8: error: "
        "salary min (3800) is greater than max (2800)",
        "  hint: swap the two numbers",
    ]
    assert sorted(p.name for p in site.iterdir()) == ["content", "data"]


def test_check_strict_fails_on_a_warning_alone(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": guide(city="Bremn")})
    assert cli("check", "--source", site).returncode == 0
    strict = cli("check", "--source", ".", "--strict", cwd=site)
    assert strict.returncode == 1
    assert "content/kundendienstleiter/bremen.md:4:7: error: unknown city 'Bremn'" in strict.stderr


def test_check_github_prints_annotations(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": BROKEN})
    result = cli("check", "--source", ".", "--format", "github", cwd=site)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=content/kundendienstleiter/bremen.md,line=4,col=7::"
        "unknown city 'Bremn' (hint: did you mean 'Bremen'?)",
        "::error file=content/kundendienstleiter/bremen.md,line=7,col=8::"
        "salary min (3800) is greater than max (2800) (hint: swap the two numbers)",
    ]


def test_check_json_prints_a_list_of_objects(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": BROKEN})
    result = cli("check", "--source", ".", "--format", "json", cwd=site)
    assert result.returncode == 1
    records = json.loads(result.stdout)
    assert records[1] == {
        "severity": "error",
        "file": "content/kundendienstleiter/bremen.md",
        "line": 7,
        "col": 8,
        "message": "salary min (3800) is greater than max (2800)",
        "hint": "swap the two numbers",
    }
    assert [r["severity"] for r in records] == ["warning", "error"]


def test_check_of_the_example_site_is_clean(cli: Cli) -> None:
    result = cli("check", "--source", REPO, "--strict", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout) == []


def test_new_writes_a_draft_guide_that_builds(
    site_factory: SiteFactory, cli: Cli, fixed_today: dt.date
) -> None:
    site = site_factory()
    result = cli("new", "Leiter Customer Service", "Mönchengladbach", "--source", site)
    assert result.returncode == 0, result.stderr
    written = site / "content/kundendienstleiter/moenchengladbach.md"
    text = written.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Kundendienstleiter in Mönchengladbach"
    assert front["role"] == "Kundendienstleiter"
    assert front["date"] == fixed_today  # the build's day: SOURCE_DATE_EPOCH
    assert front["draft"] is True
    assert "salary" not in front  # no invented figures: a commented-out block to fill in
    assert "# salary:" in text and "#   min: \n" in text
    assert "## Gehalt in Mönchengladbach" in text
    assert cli("check", "--source", site, "--strict").returncode == 0
    built = cli("build", "--source", site, "--drafts", "--strict")
    assert built.returncode == 0, built.stderr
    page = site / "public/berufe/kundendienstleiter/moenchengladbach/index.html"
    html = page.read_text(encoding="utf-8")
    assert "Entwurf: Das Gehalt fehlt noch." in html
    assert "estimatedSalary" not in html  # no salary for search engines to quote


def test_a_skeleton_published_unfinished_is_stopped_at_each_placeholder(
    site_factory: SiteFactory, cli: Cli
) -> None:
    site = site_factory()
    assert cli("new", "Kundendienstleiter", "Potsdam", "--source", site).returncode == 0
    written = site / "content/kundendienstleiter/potsdam.md"
    text = written.read_text(encoding="utf-8")
    written.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    lines = text.splitlines()
    shown = written.relative_to(site).as_posix()

    result = cli("check", "--source", site)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first == (
        f"{site / shown}:4:1: error: missing required key 'salary' for a guide with a city"
    )

    salary = "salary:\n  min: 2900\n  max: 3700\n"
    written.write_text(
        text.replace("draft: true", "draft: false").replace("# salary:", salary + "#", 1),
        encoding="utf-8",
    )
    result = cli("check", "--source", site, "--strict")
    assert result.returncode == 1
    reported = [line for line in result.stderr.splitlines() if not line.startswith("  hint")]
    placeholders = [n for n, line in enumerate(lines, 1) if line == "Text folgt."]
    assert placeholders and len(reported) == 1 + len(placeholders)
    assert "'summary' is still the placeholder that careersite new wrote" in reported[0]
    for line_number, message in zip(placeholders, reported[1:], strict=True):
        # three lines of salary put in before the placeholders: they move down by three
        assert message == (
            f"{site / shown}:{line_number + 3}:1: error: 'Text folgt.' is still the "
            "placeholder that careersite new wrote"
        )


def test_new_role_overview_and_unknown_names(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory()
    result = cli("new", "Lagerlogistiker", "--source", site)
    assert result.returncode == 0
    assert (site / "content/lagerlogistiker/index.md").is_file()
    assert "'Lagerlogistiker' is not in data/roles.yaml yet" in result.stderr


def test_new_never_overwrites(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": guide()})
    before = (site / "content/kundendienstleiter/bremen.md").read_bytes()
    result = cli("new", "Kundendienstleiter", "Bremen", "--source", site)
    assert result.returncode == 1
    assert "exists already" in result.stderr
    assert (site / "content/kundendienstleiter/bremen.md").read_bytes() == before


@pytest.fixture(scope="module")
def front_matter_schema() -> dict[str, Any]:
    from helpers import run_cli

    result = run_cli("schema")
    assert result.returncode == 0
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def example_front_matter() -> list[dict[str, Any]]:
    # Dates as YAML text, as an editor's YAML extension sees them.
    class TextDates(yaml.SafeLoader):
        pass

    TextDates.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    return [
        yaml.load(path.read_text(encoding="utf-8").split("---\n")[1], Loader=TextDates)
        for path in sorted((REPO / "content").rglob("*.md"))
    ]


def test_schema_accepts_every_example_guide(front_matter_schema: dict[str, Any]) -> None:
    for front in example_front_matter():
        jsonschema.validate(front, front_matter_schema)


@pytest.mark.parametrize(
    "change",
    [
        {"salery": 1},
        {"salary": {"min": "2.800 €", "max": 3000}},
        {"salary": {"min": 1, "max": 2, "period": "week"}},
        {"draft": "ja"},
        {"slug": "Nicht Erlaubt"},
    ],
)
def test_schema_rejects_what_the_build_rejects(
    front_matter_schema: dict[str, Any], change: dict[str, Any]
) -> None:
    front = {"title": "T", "role": "Kundendienstleiter", "date": "2026-11-01", **change}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(front, front_matter_schema)


def test_new_with_a_name_too_long_for_a_file_is_an_error(
    site_factory: SiteFactory, cli: Cli
) -> None:
    site = site_factory()
    city = "Neustadt" * 40
    result = cli("new", "Kundendienstleiter", city, cwd=site)
    assert (result.returncode, result.stderr) == (
        1,
        f"error: cannot write content/kundendienstleiter/{city.lower()}.md: File name too long\n"
        "  hint: use a shorter name for the role or city\n",
    )
    assert list((site / "content").iterdir()) == []
