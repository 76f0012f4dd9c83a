"""File stamps: what tells, without reading a file, that it was not written since.

One Stamp type serves three uses: a source or layout the dev server read
(file_stamp), a file of content/, data/ or the layouts whose digest the next
build may trust (fresh.Fingerprints.known), and a file of the output
(output_stamp). A file changed within RACY_NS of being stamped may change
again and keep its stamp (a file system that keeps whole seconds, an edit
within one tick of a coarse clock): its content decides then, by digest, as
git does with its index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from . import cache

RACY_NS = 2_000_000_000  # a file changed this close to being read may change again unseen


class Stamp(NamedTuple):
    """A file's size, times and inode, with the digest of its content where one was taken."""

    size: int
    mtime_ns: int
    ctime_ns: int  # 0 in an output file's stamp: a hard link to the file changes it
    inode: int
    digest: str | None = None  # cache.digest of the content; "" when it could not be read


def stat_stamp(info: os.stat_result, digest: str | None = None) -> Stamp:
    return Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest)


def output_stamp(info: os.stat_result) -> Stamp:
    """The stamp of a file in an output tree, without its change time.

    Linking a file into the spare tree or the next output changes the
    change time of every name it has, not its content.
    """
    return Stamp(info.st_size, info.st_mtime_ns, 0, info.st_ino)


def settled(info: os.stat_result, since: int) -> bool:
    """Whether the file had not changed for RACY_NS at since (time.time_ns() before the look)."""
    return max(info.st_mtime_ns, info.st_ctime_ns) < since - RACY_NS


def file_stamp(path: Path, since: int) -> Stamp:
    """path's stamp, with a digest when it changed lately; since as for settled."""
    info = os.stat(path)  # Path.stat costs a third more, for every source on each rebuild
    if settled(info, since):
        return stat_stamp(info)
    try:
        with open(path, "rb") as handle:  # before it is read for the build: see same_file
            return stat_stamp(info, cache.digest(handle.read()))
    except OSError:  # reading it for the build reports why; "" matches no content
        return stat_stamp(info, "")


def digest_of(path: Path, stamp: Stamp) -> str:
    """cache.digest of the file's content: from its stamp when that holds it; "" if unreadable."""
    if stamp.digest is not None:
        return stamp.digest
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
    if before.digest is None or now.digest is not None or before._replace(digest=None) != now:
        return False
    with open(path, "rb") as handle:  # changed lately when stamped before, settled now
        return before.digest == cache.digest(handle.read())


Columns = tuple[tuple[str, ...], tuple[tuple[object, ...], ...]]


def columns(stamps: Mapping[str, Stamp]) -> Columns:
    """stamps as names and one column per field: what a record pickles.

    A hundred thousand stamps load in a third of the time as columns: no
    NamedTuple is made by pickle's Python-level call of the class.
    """
    return tuple(stamps), tuple(zip(*stamps.values(), strict=True)) or ((),) * len(Stamp._fields)


def from_columns(state: object) -> dict[str, Stamp]:
    """The stamps columns() gave; ValueError for anything else (as cache.read expects)."""
    if type(state) is not tuple or len(state) != 2:
        raise ValueError("not a stamp table")
    names, fields = state
    kinds = (int, int, int, int)
    if (
        type(names) is not tuple
        or not _types(names) <= {str}
        or type(fields) is not tuple
        or len(fields) != len(Stamp._fields)
        or not all(type(field) is tuple and len(field) == len(names) for field in fields)
        or not all(_types(field) <= {kind} for field, kind in zip(fields, kinds, strict=False))
        or not _types(fields[-1]) <= {str, type(None)}
    ):
        raise ValueError("not a stamp table")
    # tuple.__new__ makes each Stamp at C speed; a NamedTuple's own __new__ is a Python call.
    made = map(tuple.__new__, repeat(Stamp), zip(*fields, strict=True))
    return dict(zip(names, made, strict=True))


def _types(values: Iterable[object]) -> set[type]:
    return set(map(type, values))
