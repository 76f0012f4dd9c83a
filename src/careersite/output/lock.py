"""One build of an output at a time: flock(2) on the output's folder and the cache."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import children
from ..incremental.cache import prepare


@contextlib.contextmanager
def one_build_at_a_time(
    output: Path, cache: Path | None, waiting: Callable[[], None]
) -> Iterator[None]:
    """Hold the output and the build cache for this build; waiting() when another has them.

    Two builds at once would each take the other's staging tree for what an
    interrupted build left (recover), swap trees under each other, and share
    the cache's spare tree: the output could end up with files missing. So a
    build waits for the other, as cargo does. The locks are flock(2) on the
    folder that holds the output and on the cache folder: they leave nothing
    behind, and a killed build lets go of them: its workers do not keep them
    (children.private) and die with it. (Not on Windows.)
    """
    beside = output.resolve().parent
    folders = {beside} if cache is None else {beside, cache.resolve()}
    with contextlib.ExitStack() as held:
        told = False
        for folder in sorted(folders):  # always in one order: two builds cannot deadlock
            handle = _open_folder(folder, is_cache=folder != beside)
            if handle is None:
                continue
            held.callback(children.close, handle)
            if not _lock(handle, wait=False):
                if not told:
                    waiting()
                    told = True
                _lock(handle, wait=True)
        yield


def _open_folder(folder: Path, is_cache: bool) -> int | None:
    """A descriptor of folder, made if need be; None where it cannot be made (stage() tells)."""
    if os.name != "posix":
        return None
    try:
        if is_cache:
            prepare(folder)
        else:
            folder.mkdir(parents=True, exist_ok=True)
        return children.private(os.open(folder, os.O_RDONLY))
    except OSError:
        return None


def _lock(handle: int, wait: bool) -> bool:
    """False when another build holds the folder and wait is False; else True."""
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks: build as without them
        return True
    return True
