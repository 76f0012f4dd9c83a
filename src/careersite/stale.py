"""Stale figures: a guide whose salary was last reviewed too long ago.

Pay moves every year; a range reviewed two years ago misleads the reader who
compares it with today's offers. A guide whose `updated` (else `date`) is older
than data/site.yaml's `stale_after_months` (18 by default) is a warning at
that line. Only `careersite check` and the language server say so: a build's
result must not change with the calendar, and CI builds with --strict.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from .article import Article
from .diagnostics import Diagnostic, warning


def stale_from(reviewed: dt.date, months: int) -> dt.date | None:
    """The day that lies months after reviewed: from it on, the figures count as stale.

    A day the later month lacks becomes that month's last (2024-08-31 + 18 months:
    2026-02-28), as a calendar's "in 18 months" does. None past the year 9999.
    """
    index = reviewed.year * 12 + reviewed.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return None
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(reviewed.day, last))


def months_for(article: Article, site_months: int | None) -> int | None:
    """The age after which the article's figures are stale; None: never."""
    own = article.stale_after_months
    if own is None:
        return site_months
    return own or None  # false in the front matter: never


def stale_figures(
    articles: Iterable[Article], site_months: int | None, today: dt.date
) -> list[Diagnostic]:
    """A warning for each article with a salary reviewed too long before today."""
    found = []
    for article in articles:
        months = months_for(article, site_months)
        if article.salary is None or months is None:
            continue
        reviewed = article.last_changed
        since = stale_from(reviewed, months)
        if since is None or today < since:
            continue
        found.append(
            warning(
                f"the salary figures, last reviewed on {reviewed.isoformat()}, "
                f"are stale since {since.isoformat()} (after {months} months)",
                article.dated_at,
                "review the figures and set updated: to the day of the review; if they are "
                "meant to stand, add stale_after_months: false (or more months) to the "
                "front matter",
            )
        )
    return found
