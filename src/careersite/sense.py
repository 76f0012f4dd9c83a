"""Salary sense checks: figures that are valid, but probably not what the author meant.

A range below the statutory minimum wage, a monthly figure that looks yearly
or hourly (and the other way round), a maximum more than three times the
minimum. Each is a warning at the figure's line with a hint; `confirmed: true`
under `salary:` says the figures are right and silences them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The statutory minimum wage in Germany (Mindestlohngesetz), gross per hour, from each date on.
GERMAN_MINIMUM_WAGE = (
    (dt.date(2024, 1, 1), 12.41),
    (dt.date(2025, 1, 1), 12.82),
    (dt.date(2026, 1, 1), 13.90),
    (dt.date(2027, 1, 1), 14.60),
)
GERMAN_HOURS_PER_MONTH = 173.33  # 40 hours a week, 52 weeks, 12 months
SPREAD = 3  # a maximum more than this times the minimum says little
# Where amounts of each period lie; one outside its own band and inside another's looks
# like that other period's.
PLAUSIBLE = {"hour": (5.0, 250.0), "month": (400.0, 30_000.0), "year": (5_000.0, 500_000.0)}
NAMES = {"hour": "an hourly", "month": "a monthly", "year": "a yearly"}
CONFIRM = "if the figure is right, add confirmed: true under salary"


@dataclass(frozen=True)
class Wages:
    """data/site.yaml's minimum wage (per hour, from each date on) and working hours a month."""

    minimum: tuple[tuple[dt.date, float], ...] = GERMAN_MINIMUM_WAGE
    hours_per_month: float = GERMAN_HOURS_PER_MONTH

    def minimum_on(self, day: dt.date) -> float | None:
        """The hourly minimum wage in force on day; None before the first one given."""
        found = [hourly for since, hourly in sorted(self.minimum) if since <= day]
        return found[-1] if found else None

    def per(self, period: str, hourly: float) -> float:
        return (
            hourly
            * {"hour": 1, "month": self.hours_per_month, "year": 12 * self.hours_per_month}[period]
        )


@dataclass(frozen=True)
class Doubt:
    """A warning about one figure: which key of salary, the message and a hint."""

    key: str  # "min" or "max"
    message: str
    hint: str


def doubts(
    low: float, high: float, period: str, *, day: dt.date, wages: Wages, same_currency: bool
) -> list[Doubt]:
    """What looks wrong with a salary of low to high per period, as of day.

    The minimum wage and the periods' bands are amounts in the site's currency:
    a figure in another currency gets only the spread check.
    """
    doubts: list[Doubt] = []
    if same_currency:
        found = (
            _period_doubt(key, amount, period) for key, amount in (("min", low), ("max", high))
        )
        doubts = [doubt for doubt in found if doubt is not None]
        if doubts:  # the other checks assume the period is right
            return doubts
    hourly = wages.minimum_on(day) if same_currency else None
    floor = wages.per(period, hourly) if hourly is not None else 0.0
    if low < round(floor):
        doubts.append(
            Doubt(
                "min",
                f"salary min {low:g} is below the statutory minimum wage "
                f"({hourly:.2f} an hour, {floor:,.0f} per {period} at "
                f"{wages.hours_per_month:g} hours a month, as of {day.isoformat()})",
                f"check the figure; for pay the minimum wage does not bind (a training "
                f"allowance, say): {CONFIRM}",
            )
        )
    if high > SPREAD * low:
        doubts.append(
            Doubt(
                "max",
                f"salary max {high:g} is more than {SPREAD} times min {low:g}",
                f"check both figures, or split the range into levels; {CONFIRM}",
            )
        )
    return doubts


def _period_doubt(key: str, amount: float, period: str) -> Doubt | None:
    lowest, highest = PLAUSIBLE[period]
    if lowest <= amount <= highest:
        return None
    for other, (low, high) in PLAUSIBLE.items():
        if other != period and low <= amount <= high:
            return Doubt(
                key,
                f"salary {key} {amount:g} looks like {NAMES[other]} figure, "
                f"but period is '{period}'",
                f"write period: {other}, or the {period}'s amount; {CONFIRM}",
            )
    return None
