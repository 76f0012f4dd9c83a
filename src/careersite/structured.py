"""schema.org JSON-LD: one Occupation per guide, a BreadcrumbList per page with a breadcrumb.

The Occupation follows Google's "Estimated salary (Occupation)" guidance: one
per page, only on guides (never on listing pages), with the same figures the
salary box shows. The range a guide gives is the usual spread of salaries, so
its ends become the 10th and 90th percentiles of the distribution.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from .article import Article

DURATIONS = {"month": "P1M", "year": "P1Y", "hour": "PT1H"}

# What may not appear literally inside <script>: the end tag, comment openers,
# and the two line separators that old JavaScript parsers choke on.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> that no content can break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_SAFE))


def _amount(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def occupation(guide: Article, canonical: str) -> dict[str, Any]:
    assert guide.city is not None and guide.salary is not None
    salary = guide.salary
    location: dict[str, Any] = {"@type": "City", "name": guide.city.name}
    if guide.city.state:
        location["containedInPlace"] = {"@type": "State", "name": guide.city.state}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": guide.role.name,
        "description": guide.summary,
        "occupationLocation": [location],
        "estimatedSalary": [
            {
                "@type": "MonetaryAmountDistribution",
                "name": "base",
                "currency": salary.currency,
                "duration": DURATIONS[salary.period],
                "percentile10": _amount(salary.min),
                "percentile90": _amount(salary.max),
            }
        ],
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": canonical,
            "lastReviewed": guide.last_changed.isoformat(),
        },
    }
    if guide.role.aliases:
        data["alternateName"] = list(guide.role.aliases)
    return data


def breadcrumb_list(trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """trail holds (name, absolute URL) from the home page to this page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": url}
            for number, (name, url) in enumerate(trail, start=1)
        ],
    }
