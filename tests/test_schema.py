"""The JSON Schema of the front matter, and validation messages at the offending node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from careersite.diagnostics import SourcePos, format_text
from careersite.frontmatter import load_yaml
from careersite.schema import FrontMatterModel, SiteModel, json_schema, unknown_keys, validate

MD = Path("content/kundendienstleiter/bremen.md")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(json_schema())
    return parsed


def test_schema_is_draft_07(schema: dict[str, Any]) -> None:
    # The dialect ajv runs by default (remark's front matter linter, see test_editor.py).
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["title"] == "careersite guide front matter"
    assert schema["type"] == "object"


def test_schema_output_is_stable() -> None:
    assert json_schema() == json_schema()
    assert json_schema().startswith("{\n")


def test_required_keys(schema: dict[str, Any]) -> None:
    assert sorted(schema["required"]) == ["date", "role", "title"]


def test_unknown_keys_are_not_allowed(schema: dict[str, Any]) -> None:
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["SalaryModel"]["additionalProperties"] is False


def test_every_documented_key_is_a_property(schema: dict[str, Any]) -> None:
    assert set(schema["properties"]) == {
        "title",
        "role",
        "city",
        "salary",
        "date",
        "updated",
        "summary",
        "draft",
        "slug",
        "aliases",
        "stale_after_months",
        "similar_to",
    }


def test_salary_shape(schema: dict[str, Any]) -> None:
    salary = schema["$defs"]["SalaryModel"]
    assert {"$ref": "#/$defs/SalaryModel"} in schema["properties"]["salary"]["anyOf"]
    assert sorted(salary["required"]) == ["max", "min"]
    assert salary["properties"]["min"]["type"] == "number"
    assert salary["properties"]["min"]["exclusiveMinimum"] == 0
    assert salary["properties"]["max"]["exclusiveMinimum"] == 0
    assert salary["properties"]["max"]["maximum"] == 10**12  # editors flag 1e29 too
    assert salary["properties"]["period"]["enum"] == ["month", "year", "hour"]
    assert salary["properties"]["period"]["default"] == "month"
    level = salary["properties"]["levels"]["additionalProperties"]
    assert (level["minItems"], level["maxItems"]) == (2, 2)
    assert level["items"] == [{"exclusiveMinimum": 0, "maximum": 10**12, "type": "number"}] * 2
    assert "prefixItems" not in level


def test_dates_are_strings_with_date_format(schema: dict[str, Any]) -> None:
    date = schema["properties"]["date"]
    assert (date["type"], date["format"]) == ("string", "date")


def test_slug_pattern(schema: dict[str, Any]) -> None:
    patterns = [s.get("pattern") for s in schema["properties"]["slug"]["anyOf"]]
    assert "^[a-z0-9]+(?:-[a-z0-9]+)*$" in patterns


def test_every_property_is_described(schema: dict[str, Any]) -> None:
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name


def test_unknown_keys() -> None:
    assert unknown_keys(FrontMatterModel, {"title": 1, "salery": 2, "Role": 3}) == [
        "salery",
        "Role",
    ]


def problems(text: str, model: type[BaseModel] = FrontMatterModel) -> list[str]:
    doc, diagnostics = load_yaml(text, MD, first_line=2)
    assert diagnostics == []
    assert doc is not None
    value, found = validate(model, doc, SourcePos(MD, 1, 1))
    assert (value is None) == bool(found)
    return [format_text(d) for d in found]


BASE = "title: T\nrole: R\ndate: 2026-11-01\n"
FILE = "content/kundendienstleiter/bremen.md"


def test_valid_front_matter_has_no_problems() -> None:
    assert problems(BASE) == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("role: R\ndate: 2026-11-01\n", f"{FILE}:1:1: error: missing required key 'title'"),
        (
            BASE + "salary:\n  max: 3\n",
            f"{FILE}:5:1: error: missing required key 'min' in 'salary'",
        ),
        (
            BASE + "salary:\n  min: '2800'\n  max: 3800\n",
            f"{FILE}:6:8: error: 'salary.min' must be a number, not the text '2800'\n"
            "  hint: write plain digits without dots or units, e.g. 2800",
        ),
        (
            BASE + "salary:\n  min: 0\n  max: 3800\n",
            f"{FILE}:6:8: error: 'salary.min' must be greater than 0, not 0",
        ),
        (
            BASE + "salary:\n  min: 1\n  max: 2\n  period: week\n",
            f"{FILE}:8:11: error: 'salary.period' must be one of 'month', 'year' or 'hour', "
            "not the text 'week'",
        ),
        (
            "title: T\nrole: R\ndate: 2026-02-30\n",
            f"{FILE}:4:7: error: 'date': '2026-02-30' is not a day in the calendar",
        ),
        (
            "title: T\nrole: R\ndate: 2026-13-01\n",
            f"{FILE}:4:7: error: 'date': '2026-13-01' is not a day in the calendar",
        ),
        (
            "title: T\nrole: R\ndate: 1.11.2026\n",
            f"{FILE}:4:7: error: 'date': '1.11.2026' is not a date of the form 2026-11-01",
        ),
        (
            "title: T\nrole: R\ndate: 2026-11-1\n",
            f"{FILE}:4:7: error: 'date': '2026-11-1' is not a date of the form 2026-11-01",
        ),
        (
            BASE + "draft: 1\n",
            f"{FILE}:5:8: error: 'draft' must be true or false, not 1",
        ),
        (
            BASE + "slug: Bremen Nord\n",
            f"{FILE}:5:7: error: 'slug' has the wrong form: the text 'Bremen Nord'\n"
            "  hint: use lower-case letters, digits and hyphens only, e.g. bremen-nord",
        ),
        (
            BASE + "aliases: /alt/\n",
            f"{FILE}:5:10: error: 'aliases' must be a list, not the text '/alt/'",
        ),
        (
            "title: 42\nrole: R\ndate: 2026-11-01\n",
            f"{FILE}:2:8: error: 'title' must be text, not 42\n  hint: put the value in quotes",
        ),
    ],
)
def test_validation_messages_point_at_the_value(text: str, shown: str) -> None:
    assert problems(text) == [shown]


def test_site_model_defaults() -> None:
    site = SiteModel.model_validate({"title": "T"})
    assert (site.base_url, site.language, site.locale, site.currency) == ("/", "de", "de_DE", "EUR")
    assert (site.url_words.roles, site.url_words.cities) == ("berufe", "staedte")
    assert site.markdown.unsafe_html is False


def test_level_with_three_amounts_must_be_a_pair() -> None:
    assert problems(BASE + "salary:\n  min: 1\n  max: 9\n  levels:\n    entry: [1, 2, 3]\n") == [
        f"{FILE}:9:12: error: 'salary.levels.entry' must be a pair [min, max]"
    ]


def test_level_with_one_amount_must_be_a_pair() -> None:
    assert problems(BASE + "salary:\n  min: 1\n  max: 9\n  levels:\n    entry: [1]\n") == [
        f"{FILE}:9:12: error: 'salary.levels.entry' must be a pair [min, max]"
    ]
