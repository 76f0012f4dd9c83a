"""Money, dates and the salary chart, formatted for the site's locale."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency


@cache
def _whole_amount_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals: '#,##0 ¤' for de_DE."""
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.split(";")[0].replace(".00", "")


@cache  # Babel's formatting is slow and a site repeats the same few amounts
def money(amount: float, currency: str, locale: str) -> str:
    """2800 EUR in de_DE -> '2.800 €' (with a no-break space); cents only when present."""
    if float(amount).is_integer():
        return str(
            format_currency(
                amount,
                currency,
                format=_whole_amount_pattern(locale),
                locale=locale,
                currency_digits=False,
            )
        )
    return str(format_currency(amount, currency, locale=locale))


@cache
def money_range(low: float, high: float, currency: str, locale: str) -> str:
    if low == high:
        return money(low, currency, locale)
    return f"{money(low, currency, locale)} – {money(high, currency, locale)}"


@cache
def long_date(day: dt.date, locale: str) -> str:
    return str(format_date(day, format="long", locale=locale))


def month_year(day: dt.date, locale: str) -> str:
    """The month and year, as "Stand: Dezember 2026" beside a salary says when it was true."""
    return str(format_date(day, format="LLLL y", locale=locale))


@dataclass(frozen=True, kw_only=True)
class ChartBar:
    label: str
    href: str
    range_text: str
    y: int
    x: float
    width: float


@dataclass(frozen=True)
class ChartTick:
    x: float
    label: str


@dataclass(frozen=True, kw_only=True)
class Chart:
    """A horizontal range chart: one bar from min to max per row.

    overview: the bars are not one per entry but a fixed few that sum up many
    (overview_rows); the layout then shows them as a table too, its text
    alternative.
    """

    bars: tuple[ChartBar, ...]
    ticks: tuple[ChartTick, ...]
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    overview: bool = False
    period: str = ""  # of every range: month, year or hour


CHART_WIDTH = 640
LABEL_WIDTH = 170
ROW_HEIGHT = 34
AXIS_HEIGHT = 30


# Up to this many entries a hub's chart has a bar for each; past it, the overview.
CHART_ROWS = 12


def salary_chart(
    rows: Sequence[tuple[str, str, float, float]], currency: str, locale: str, many: str = ""
) -> Chart | None:
    """rows are (label, href, low, high); None when there is nothing to compare.

    Past CHART_ROWS rows the chart is the overview (overview_rows): a fixed
    size, however many entries a hub has; many names them ("Städte").
    """
    if not rows:
        return None
    if len(rows) > CHART_ROWS:
        overview = _bars(overview_rows(rows, many), currency, locale)
        return dataclasses.replace(overview, overview=True)
    return _bars(rows, currency, locale)


def overview_rows(
    rows: Sequence[tuple[str, str, float, float]], many: str = ""
) -> list[tuple[str, str, float, float]]:
    """Five bars that sum up many ranges: all of them, the middle half, the median range,
    and the entries with the lowest and the highest pay (each with its link).

    The middle half runs from the lower quartile of the lower ends to the
    upper quartile of the upper ends; figures between amounts are rounded to
    whole units of the currency.
    """
    lows = sorted(r[2] for r in rows)
    highs = sorted(r[3] for r in rows)
    lowest = min(rows, key=lambda r: (r[2], r[3], r[0]))
    highest = min(rows, key=lambda r: (-r[3], -r[2], r[0]))  # of equal pay, the first by name
    q1 = round(statistics.quantiles(lows, n=4, method="inclusive")[0])
    q3 = round(statistics.quantiles(highs, n=4, method="inclusive")[2])
    return [
        (f"Alle {len(rows)} {many}".rstrip(), "", lows[0], highs[-1]),
        ("Mittlere Hälfte", "", q1, max(q3, q1)),
        ("Mittlere Spanne", "", round(statistics.median(lows)), round(statistics.median(highs))),
        (f"Niedrigste: {lowest[0]}", lowest[1], lowest[2], lowest[3]),
        (f"Höchste: {highest[0]}", highest[1], highest[2], highest[3]),
    ]


def _bars(rows: Sequence[tuple[str, str, float, float]], currency: str, locale: str) -> Chart:
    low = min(r[2] for r in rows)
    high = max(r[3] for r in rows)
    step = _nice_step(high - low if high > low else high)
    start = math.floor(low / step) * step
    end = max(math.ceil(high / step) * step, start + step)
    plot_width = CHART_WIDTH - LABEL_WIDTH - 20

    def x_of(value: float) -> float:
        return round(LABEL_WIDTH + (value - start) / (end - start) * plot_width, 1)

    bars = tuple(
        ChartBar(
            label=label,
            href=href,
            range_text=money_range(lo, hi, currency, locale),
            y=10 + index * ROW_HEIGHT,
            x=x_of(lo),
            width=max(round(x_of(hi) - x_of(lo), 1), 4.0),
        )
        for index, (label, href, lo, hi) in enumerate(rows)
    )
    count = round((end - start) / step)
    ticks = tuple(
        ChartTick(x_of(start + i * step), money(start + i * step, currency, locale))
        for i in range(count + 1)
    )
    plot_bottom = 10 + len(rows) * ROW_HEIGHT
    return Chart(
        bars=bars,
        ticks=ticks,
        width=CHART_WIDTH,
        height=plot_bottom + AXIS_HEIGHT,
        plot_left=LABEL_WIDTH,
        plot_bottom=plot_bottom,
    )


def _nice_step(span: float) -> float:
    """A round tick step giving about four to eight ticks over span."""
    raw = span / 5 if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
