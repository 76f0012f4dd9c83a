"""The one definition of front matter and data files.

The validator checks shapes and types with these models, and `careersite
schema` prints the JSON Schema generated from the same models, so editors
and the build can never disagree. Rules that span several fields (min <= max,
levels inside the range, a known role) live in article.py and config.py,
where each can point at its own line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic import Strict as StrictMarker
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from .diagnostics import Diagnostic, SourcePos, error
from .frontmatter import KeyPath, YamlDoc
from .sense import GERMAN_HOURS_PER_MONTH

PERIODS = ("month", "year", "hour")


def _parse_date(value: Any) -> Any:
    """YYYY-MM-DD and nothing else: not 20261101 or 2026-W44-7, and no number (a Unix time)."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(f"'{value}' is not a date of the form 2026-11-01")
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a day in the calendar") from None
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


Text = Annotated[str, StrictMarker(), StringConstraints(strip_whitespace=True, min_length=1)]
# Beyond any salary in any currency (a yearly one in Indonesian rupiah is below 10**10);
# far larger amounts overflow the locale's number formatting on every page that shows them.
MAX_AMOUNT = 10**12
Amount = Annotated[float, StrictMarker(), Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False)]
IsoDate = Annotated[
    dt.date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-11-01"]}),
]
StrictFlag = Annotated[bool, StrictMarker()]
MAX_MONTHS = 1200


def _months_or_false(value: Any) -> Any:
    """A whole number of months, or false for never: not 0, 1.5 or true."""
    if value is False or (type(value) is int and 0 < value <= MAX_MONTHS):
        return value
    raise PydanticCustomError("months_or_false", "Input should be months or false")


# An age in months, or false: never (stale_after_months).
MonthsOrNever = Annotated[
    int | Literal[False],
    PlainValidator(_months_or_false),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_MONTHS}, {"const": False}]}
    ),
]
STALE_AFTER_MONTHS = 18  # salary figures older than this are stale (stale.py)


def _percent_or_false(value: object) -> int | Literal[False]:
    if value is False or (type(value) is int and 1 <= value <= 100):
        return value
    raise PydanticCustomError(
        "percent_or_false", "Input should be a percentage (1 to 100) or false"
    )


# A share in percent, or false: never (near_duplicate).
PercentOrNever = Annotated[
    int | Literal[False],
    PlainValidator(_percent_or_false),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 100}, {"const": False}]}
    ),
]


class _Strict(BaseModel):
    # Unknown keys are reported by the validator as warnings with a
    # did-you-mean; editors flag them at once.
    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})


class SalaryModel(_Strict):
    min: Amount = Field(description="Lowest monthly/yearly/hourly gross pay; > 0.")
    max: Amount = Field(description="Highest pay; at least min.")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code such as EUR; default from data/site.yaml."
    )
    period: Literal["month", "year", "hour"] = Field(
        "month", description="What one amount pays for."
    )
    levels: dict[str, tuple[Amount, Amount]] = Field(
        default_factory=dict,
        description="Named [min, max] ranges inside min..max, e.g. entry: [2800, 3200].",
    )
    confirmed: StrictFlag = Field(
        False,
        description="The figures are right as they are: no warnings for a range below the "
        "minimum wage, a figure that looks like another period's, or a wide range.",
    )


class FrontMatterModel(_Strict):
    """The YAML block at the top of every guide."""

    model_config = ConfigDict(title="careersite guide front matter")

    title: Text = Field(description="The page title, e.g. 'Kundendienstleiter in Bremen'.")
    role: Text = Field(description="Name, slug or alias of a role in data/roles.yaml.")
    city: Text | None = Field(
        None, description="Name, slug or alias of a city; absent for the role overview."
    )
    salary: SalaryModel | None = Field(
        None, description="Required when city is set, unless the guide is a draft."
    )
    date: IsoDate = Field(description="Publication date, YYYY-MM-DD.")
    updated: IsoDate | None = Field(None, description="Date of the last real change.")
    summary: Text | None = Field(
        None, description="One or two sentences; else the first paragraph."
    )
    draft: StrictFlag = Field(False, description="Drafts build only with --drafts.")
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] | None = Field(
        None, description="Override of the last URL segment: lower case, digits, hyphens."
    )
    aliases: list[Text] = Field(
        default_factory=list, description="Old site paths that redirect here, e.g. /alt/seite/."
    )
    stale_after_months: MonthsOrNever | None = Field(
        None,
        description="careersite check warns when updated (else date) is older than this many "
        "months; false: never for this guide. Default from data/site.yaml.",
    )
    similar_to: list[Text] = Field(
        default_factory=list,
        description="Guides whose text is knowingly nearly the same as this one's, as links name "
        "them (e.g. ../kundendienstleiter/bremen.md): no near-duplicate warning for the pair.",
    )


class RoleModel(_Strict):
    name: Text
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] | None = None
    aliases: list[Text] = Field(default_factory=list)
    summary: Text | None = None
    related: list[Text] = Field(default_factory=list)


class CityModel(_Strict):
    name: Text
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] | None = None
    aliases: list[Text] = Field(default_factory=list)
    state: Text | None = None
    summary: Text | None = None


class UrlWordsModel(_Strict):
    roles: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] = "berufe"
    cities: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] = "staedte"
    # further pages of a hub or list: /berufe/<role>/seite/2/
    page: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] = "seite"


class MarkdownModel(_Strict):
    unsafe_html: StrictFlag = Field(False, description="Pass raw HTML in Markdown through.")


class MinimumWageModel(_Strict):
    since: IsoDate  # in force from this day on
    hourly: Amount  # gross, in the site's currency


class SiteModel(_Strict):
    title: Text
    description: Text | None = None
    base_url: Annotated[str, StrictMarker()] = "/"  # config checks it: urls.base_url_problem
    language: Text = "de"
    locale: Text = "de_DE"
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"
    url_words: UrlWordsModel = Field(default_factory=UrlWordsModel)
    # entries on one page of a hub or list; the rest on further pages
    per_page: Annotated[int, StrictMarker(), Field(gt=0)] = 50
    level_labels: dict[str, Text] = Field(default_factory=dict)
    markdown: MarkdownModel = Field(default_factory=MarkdownModel)
    # the statutory minimum wage over time; absent: Germany's; []: no such check
    minimum_wage: list[MinimumWageModel] | None = None
    # full-time working hours, to compare monthly pay
    hours_per_month: Amount = GERMAN_HOURS_PER_MONTH
    # ids the site's own layouts write on every guide page: links to them land (anchors.py)
    layout_ids: list[Text] = Field(default_factory=list)
    # careersite check: a guide reviewed longer ago has stale figures; false: no such check
    stale_after_months: MonthsOrNever = STALE_AFTER_MONTHS
    # two guides whose text is at least this many percent alike: a warning (similar.py);
    # false, the default: no such check (its pair search grows with the square of a
    # role's guides when they are written from one template: see README)
    near_duplicate: PercentOrNever = False


class _Draft07(GenerateJsonSchema):
    """pydantic's schema in draft-07, the dialect ajv (and so remark's
    front matter linter) runs by default; it rejects a 2020-12 "$schema"."""

    schema_dialect = "http://json-schema.org/draft-07/schema#"

    def tuple_schema(self, schema: core_schema.TupleSchema) -> JsonSchemaValue:
        # A fixed-length tuple's item schemas: 2020-12 "prefixItems", draft-07 "items".
        result = super().tuple_schema(schema)
        if "prefixItems" in result:
            result["items"] = result.pop("prefixItems")
        return result


def json_schema() -> str:
    schema = FrontMatterModel.model_json_schema(schema_generator=_Draft07)
    schema["$schema"] = _Draft07.schema_dialect
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)


def unknown_keys(model: type[BaseModel], mapping: dict[str, Any]) -> list[str]:
    return [key for key in mapping if key not in model.model_fields]


def validate(
    model: type[BaseModel], doc: YamlDoc, where: SourcePos, prefix: KeyPath = ()
) -> tuple[Any, list[Diagnostic]]:
    """Validate the value at prefix in doc; diagnostics point at the offending node."""
    value = doc.value
    for part in prefix:
        value = value[part]
    try:
        return model.model_validate(value), []
    except ValidationError as exc:
        return None, [
            _diagnostic(item, doc, where, prefix) for item in exc.errors(include_url=False)
        ]


def _diagnostic(item: Any, doc: YamlDoc, where: SourcePos, prefix: KeyPath) -> Diagnostic:
    loc: KeyPath = (*prefix, *item["loc"])
    name = ".".join(str(part) for part in loc)
    if item["type"] == "missing" and isinstance(loc[-1], int):
        pair = loc[:-1]  # a [min, max] given with one amount
        return error(
            f"'{'.'.join(map(str, pair))}' must be a pair [min, max]", doc.pos(pair) or where
        )
    if item["type"] == "missing":
        parent = loc[:-1]
        pos = doc.pos(parent, key=True) if parent else where
        inside = f" in '{'.'.join(map(str, parent))}'" if parent else ""
        return error(f"missing required key '{loc[-1]}'{inside}", pos or where)
    message, hint = _describe(item, name)
    return error(message, doc.pos(loc) or where, hint)


def _shown(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _describe(item: Any, name: str) -> tuple[str, str | None]:  # noqa: C901 - a case per error type
    kind, given = item["type"], item.get("input")
    if kind in {"float_type", "float_parsing"}:
        hint = (
            "write plain digits without dots or units, e.g. 2800"
            if isinstance(given, str)
            else None
        )
        return f"'{name}' must be a number, not {_shown(given)}", hint
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"'{name}' must be a whole number, not {_shown(given)}", None
    if kind == "finite_number":
        return f"'{name}' must be a finite number, not {given}", None
    if kind == "less_than_equal":
        return f"'{name}' must be at most {item['ctx']['le']:.0f}, not {given}", None
    if kind == "greater_than":
        return f"'{name}' must be greater than {item['ctx']['gt']:g}, not {given}", None
    if kind == "string_type":
        return f"'{name}' must be text, not {_shown(given)}", "put the value in quotes"
    if kind == "string_too_short":
        return f"'{name}' must not be empty", None
    if kind == "string_pattern_mismatch":
        return f"'{name}' has the wrong form: {_shown(given)}", _PATTERN_HINTS.get(
            name.split(".")[-1]
        )
    if kind == "bool_type":
        return f"'{name}' must be true or false, not {_shown(given)}", None
    if kind == "literal_error":
        return f"'{name}' must be one of {item['ctx']['expected']}, not {_shown(given)}", None
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"'{name}' must be a mapping of keys, not {_shown(given)}", None
    if kind in {"list_type", "tuple_type"}:
        return f"'{name}' must be a list, not {_shown(given)}", None
    if kind in {"too_short", "too_long"}:
        return f"'{name}' must be a pair [min, max]", None
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing"}:
        return f"'{name}' must be a date like 2026-11-01, not {_shown(given)}", None
    if kind == "months_or_false":
        return (
            f"'{name}' must be a whole number of months or false, not {_shown(given)}",
            "false turns the check of stale figures off",
        )
    if kind == "value_error":
        return f"'{name}': {str(item['msg']).removeprefix('Value error, ')}", None
    return f"'{name}': {item['msg']}", None


_PATTERN_HINTS = {
    "slug": "use lower-case letters, digits and hyphens only, e.g. bremen-nord",
    "currency": "use an ISO 4217 code such as EUR",
    "base_url": "a URL such as https://example.org/ or https://example.org/karriere/",
    "roles": "use lower-case letters, digits and hyphens only",
    "cities": "use lower-case letters, digits and hyphens only",
    "page": "use lower-case letters, digits and hyphens only",
}
