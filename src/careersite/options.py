"""Options: what a build is asked to do, as the command line or the dev server sets it."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Options:
    source: Path = Path(".")
    _: KW_ONLY
    output: Path = Path("public")
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    jobs: int = 0  # worker processes for reading and rendering; 0: one per core
    cache: Path | None = None  # the persistent build cache's folder; None: no cache
    search: bool = True  # write the search index (the command line's build only)

    @property
    def shaping(self) -> tuple[object, ...]:
        """The options that shape the output: a change means nothing in it can be kept."""
        return (self.base_url, self.drafts, not self.search)
