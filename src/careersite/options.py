"""Options: what a build is asked to do, as the command line or the dev server sets it."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path

from .errors import CareersiteError

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def build_date() -> dt.date:
    """The day a build takes as today: SOURCE_DATE_EPOCH (in UTC) where set, else the local day.

    SOURCE_DATE_EPOCH is the reproducible-builds convention: a build of the
    same sources on another day gives the same output.
    """
    given = os.environ.get(EPOCH_VARIABLE, "").strip()
    if not given:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(given), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise CareersiteError(
            f"{EPOCH_VARIABLE} must be a time in whole seconds since 1970, not '{given}'",
            f"for example {EPOCH_VARIABLE}=$(git log -1 --format=%ct), or unset it",
        ) from None


@dataclass(frozen=True)
class Options:
    source: Path = Path(".")
    _: KW_ONLY
    output: Path = Path("public")
    base_url: str | None = None
    drafts: bool = False
    future: bool = False  # build guides dated after today too
    today: dt.date = field(default_factory=build_date)  # what "after today" means
    strict: bool = False
    jobs: int = 0  # worker processes for reading and rendering; 0: one per core
    cache: Path | None = None  # the persistent build cache's folder; None: no cache
    search: bool = True  # write the search index (the command line's build only)

    @property
    def shaping(self) -> tuple[object, ...]:
        """The options that shape the output: a change means nothing in it can be kept."""
        # While guides wait for their date, the day decides which are built.
        return (self.base_url, self.drafts, not self.search, self.future or self.today)

    def builds(self, *, draft: bool, date: dt.date) -> bool:
        """Whether a guide (or overview) so marked and dated is built, or left out."""
        return (self.drafts or not draft) and (self.future or date <= self.today)
