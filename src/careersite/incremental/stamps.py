"""File stamps: what tells, without reading a file, that it was not written since.

A stamp is a file's times and size (and inode where the file may be replaced
by another). A file changed within RACY_NS of being stamped may change again
and keep them (a file system that keeps whole seconds, an edit within one
tick of a coarse clock): its content decides then, by digest, as git does
with its index.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import cache

RACY_NS = 2_000_000_000  # a file changed this close to being read may change again unseen

# A file's modification and change times (ns) and size; for a file changed
# within RACY_NS of being looked at, also the digest of its content (see same_file).
Stamp = tuple[int, int, int] | tuple[int, int, int, str]


def file_stamp(path: Path, since: int) -> Stamp:
    """path's stamp; since is time.time_ns() from before the look at it."""
    info = os.stat(path)  # Path.stat costs a third more, for every source on each rebuild
    stamp = (info.st_mtime_ns, info.st_ctime_ns, info.st_size)
    if max(info.st_mtime_ns, info.st_ctime_ns) < since - RACY_NS:
        return stamp
    try:
        with open(path, "rb") as handle:  # before it is read for the build: see same_file
            return (*stamp, cache.digest(handle.read()))
    except OSError:  # reading it for the build reports why; "" matches no content
        return (*stamp, "")


def digest_of(path: Path, stamp: Stamp) -> str:
    """cache.digest of the file's content: from its stamp when that holds it; "" if unreadable."""
    if len(stamp) == 4:
        return stamp[3]
    try:
        return cache.digest(path.read_bytes())
    except OSError:
        return ""


def same_file(before: Stamp, now: Stamp, path: Path) -> bool:
    """Whether the file at path, stamped now, is as it was when stamped before.

    Times and size tell once a file had not changed for RACY_NS when it was
    stamped. A file changed more lately may change again and keep its times
    and size (a file system that keeps whole seconds, or an edit within one
    tick of a coarse clock): its content decides, by digest. That digest is
    taken before the file is read for the build, so a change in between is
    seen as one the next time.
    """
    if before == now:
        return True
    if len(before) == 3 or len(now) == 4 or before[:3] != now[:3]:
        return False
    with open(path, "rb") as handle:  # changed lately when stamped before, settled now
        return before[3] == cache.digest(handle.read())
