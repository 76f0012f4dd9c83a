"""Money and dates in the site's locale, and the geometry of the salary chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date, get_month_names
from babel.numbers import (
    format_currency,
    get_currency_symbol,
    get_decimal_symbol,
)

from careersite.filters import CHART_WIDTH, LABEL_WIDTH, long_date, money, money_range, salary_chart

NBSP = "\xa0"


# The example site's own locale: exact strings, as its readers see them.
@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        (2800, "EUR", "de_DE", f"2.800{NBSP}€"),
        (2800.0, "EUR", "de_DE", f"2.800{NBSP}€"),
        (1234567, "EUR", "de_DE", f"1.234.567{NBSP}€"),
        (950, "EUR", "de_DE", f"950{NBSP}€"),
        (2800.5, "EUR", "de_DE", f"2.800,50{NBSP}€"),
        (12.75, "EUR", "de_DE", f"12,75{NBSP}€"),
        (0.5, "EUR", "de_DE", f"0,50{NBSP}€"),
        (2800, "EUR", "de", f"2.800{NBSP}€"),
    ],
)
def test_money(amount: float, currency: str, locale: str, shown: str) -> None:
    assert money(amount, currency, locale) == shown


# Other locales: what CLDR says there changes between Babel releases (Babel
# 2.19 groups Swiss francs with ' where 2.17 had ’), so these compare with
# Babel's own formatting for the locale and check the structure, not a
# character that CLDR may revise.
OTHER_LOCALES = [
    ("EUR", "en_US"),
    ("USD", "en_US"),
    ("EUR", "de_AT"),
    ("CHF", "de_CH"),
    ("EUR", "fr_FR"),
]


@pytest.mark.parametrize(("currency", "locale"), OTHER_LOCALES)
def test_money_whole_amounts_are_babels_without_cents(currency: str, locale: str) -> None:
    shown = money(2800, currency, locale)
    with_cents = format_currency(2800, currency, locale=locale)
    assert shown == with_cents.replace(f"{get_decimal_symbol(locale)}00", "")
    assert get_currency_symbol(currency, locale) in shown
    assert re.sub(r"\D", "", shown) == "2800"


@pytest.mark.parametrize(("currency", "locale"), OTHER_LOCALES)
def test_money_keeps_cents_as_babel_writes_them(currency: str, locale: str) -> None:
    shown = money(2800.5, currency, locale)
    assert shown == format_currency(2800.5, currency, locale=locale)
    assert f"{get_decimal_symbol(locale)}50" in shown


@pytest.mark.parametrize(
    ("low", "high", "locale", "shown"),
    [
        (2800, 3800, "de_DE", f"2.800{NBSP}€ – 3.800{NBSP}€"),
        (2800, 2800, "de_DE", f"2.800{NBSP}€"),
        (12.5, 14.25, "de_DE", f"12,50{NBSP}€ – 14,25{NBSP}€"),
    ],
)
def test_money_range(low: float, high: float, locale: str, shown: str) -> None:
    assert money_range(low, high, "EUR", locale) == shown


def test_money_range_in_another_locale_joins_two_amounts() -> None:
    shown = money_range(2300, 2800, "EUR", "en_US")
    assert shown == f"{money(2300, 'EUR', 'en_US')} – {money(2800, 'EUR', 'en_US')}"


@pytest.mark.parametrize(
    ("day", "locale", "shown"),
    [
        (dt.date(2026, 1, 5), "de_DE", "5. Januar 2026"),
        (dt.date(2026, 3, 1), "de_DE", "1. März 2026"),
        (dt.date(2026, 11, 1), "de_DE", "1. November 2026"),
        (dt.date(2026, 12, 24), "de_DE", "24. Dezember 2026"),
    ],
)
def test_long_date(day: dt.date, locale: str, shown: str) -> None:
    assert long_date(day, locale) == shown


@pytest.mark.parametrize("locale", ["en_US", "de_CH", "fr_FR"])
def test_long_date_in_another_locale_is_babels_long_form(locale: str) -> None:
    day = dt.date(2026, 11, 1)
    shown = long_date(day, locale)
    assert shown == format_date(day, format="long", locale=locale)
    assert "2026" in shown
    assert get_month_names("wide", locale=locale)[11] in shown


def test_no_rows_no_chart() -> None:
    assert salary_chart([], "EUR", "de_DE") is None


ROWS = [
    ("Bremen", "/berufe/kundendienstleiter/bremen/", 2800.0, 3800.0),
    ("Potsdam", "/berufe/kundendienstleiter/potsdam/", 2800.0, 3900.0),
    ("Dortmund", "/berufe/customer-service/dortmund/", 2300.0, 3400.0),
]


def test_chart_has_one_bar_per_row_in_order() -> None:
    chart = salary_chart(ROWS, "EUR", "de_DE")
    assert chart is not None
    assert [(bar.label, bar.href) for bar in chart.bars] == [(r[0], r[1]) for r in ROWS]
    assert chart.bars[0].range_text == f"2.800{NBSP}€ – 3.800{NBSP}€"
    assert [bar.y for bar in chart.bars] == [10, 44, 78]
    assert chart.plot_bottom == 10 + 3 * 34
    assert chart.height == chart.plot_bottom + 30
    assert chart.width == CHART_WIDTH
    assert chart.plot_left == LABEL_WIDTH


@pytest.mark.parametrize(
    "rows",
    [
        ROWS,
        [("A", "/a/", 3000.0, 3000.0)],
        [("A", "/a/", 12.5, 14.0)],
        [("A", "/a/", 45000.0, 90000.0), ("B", "/b/", 30000.0, 31000.0)],
        [("A", "/a/", 1.0, 1_000_000.0)],
    ],
)
def test_chart_bars_and_ticks_stay_inside_the_plot(
    rows: list[tuple[str, str, float, float]],
) -> None:
    chart = salary_chart(rows, "EUR", "de_DE")
    assert chart is not None
    right = CHART_WIDTH - 20
    for bar in chart.bars:
        assert LABEL_WIDTH <= bar.x <= right
        assert bar.width >= 4.0
        assert bar.x + bar.width <= right + 4.0
    xs = [tick.x for tick in chart.ticks]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)
    assert xs[0] == LABEL_WIDTH
    assert xs[-1] == right
    assert 2 <= len(chart.ticks) <= 11


def test_chart_ticks_cover_the_data_with_round_labels() -> None:
    chart = salary_chart(ROWS, "EUR", "de_DE")
    assert chart is not None
    assert [tick.label for tick in chart.ticks] == [
        f"2.000{NBSP}€",
        f"2.500{NBSP}€",
        f"3.000{NBSP}€",
        f"3.500{NBSP}€",
        f"4.000{NBSP}€",
    ]


def test_chart_bar_positions_are_proportional() -> None:
    chart = salary_chart(
        [("A", "/a/", 2000.0, 3000.0), ("B", "/b/", 2500.0, 4000.0)], "EUR", "de_DE"
    )
    assert chart is not None
    a, b = chart.bars
    assert a.x == LABEL_WIDTH
    assert b.x + b.width == CHART_WIDTH - 20
    # B starts halfway along A and is 1.5 times as wide.
    assert b.x - a.x == pytest.approx(a.width / 2, abs=0.2)
    assert b.width == pytest.approx(a.width * 1.5, abs=0.2)


def test_a_single_amount_gets_a_visible_bar() -> None:
    chart = salary_chart([("A", "/a/", 3000.0, 3000.0)], "EUR", "de_DE")
    assert chart is not None
    assert chart.bars[0].width == 4.0
    assert chart.bars[0].range_text == f"3.000{NBSP}€"
