"""The output folder: where a build may write it, one build at a time, and the swap.

places.py refuses an output or cache folder that must not be replaced;
lock.py holds the output and the cache for one build; write.py stages the
new tree beside the output, swaps it in atomically and keeps the old one as
the spare. See ../ARCHITECTURE.md.
"""

from .lock import one_build_at_a_time
from .places import OutputError, cache_refusal, check_places, refusal
from .write import (
    MARKER,
    MARKER_TEXT,
    SPARE,
    discard,
    link_or_copy,
    put,
    recover,
    stage,
    staging,
    take_spare,
    write_output,
)

__all__ = [
    "MARKER",
    "MARKER_TEXT",
    "SPARE",
    "OutputError",
    "cache_refusal",
    "check_places",
    "discard",
    "link_or_copy",
    "one_build_at_a_time",
    "put",
    "recover",
    "refusal",
    "stage",
    "staging",
    "take_spare",
    "write_output",
]
