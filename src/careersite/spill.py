"""Rendered bodies kept in a temporary file while a build runs, so that no process holds them all.

At 100,000 guides the bodies' HTML is over 600 MB, half of what a build
holds before it renders. Reading puts each body into a Spill as it arrives
from a worker and keeps only where it lies (a Spilled); the rendering workers,
forked from the build, read the one body each page shows. So does GNU sort
with what does not fit in memory: the file is in TMPDIR (tempfile's choice),
has no name (it goes with the last process that holds it open, killed or
not) and the kernel's page cache, not the build, keeps what is read often.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any


class Spill:
    """An append-only temporary file of byte strings, read back by position in any process."""

    def __init__(self) -> None:
        # Not in a with block: the file lives as long as the Spilled values that point into it.
        self._file = tempfile.TemporaryFile(prefix="careersite-bodies-")  # noqa: SIM115
        self._end = 0

    def put(self, data: bytes) -> Spilled:
        """Append data; where it lies from now on."""
        start = self._end
        written = 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), memoryview(data)[written:], start + written)
        self._end += len(data)
        return Spilled(self, start, len(data))

    def get(self, start: int, size: int) -> bytes:
        data = os.pread(self._file.fileno(), size, start)
        if len(data) != size:
            raise OSError(f"the body spill file was cut short at {start + len(data)} bytes")
        return data


class Spilled:
    """Where one byte string lies in a Spill; pickles as the bytes themselves (to the cache)."""

    __slots__ = ("_size", "_spill", "_start")

    def __init__(self, spill: Spill, start: int, size: int) -> None:
        self._spill = spill
        self._start = start
        self._size = size

    def read(self) -> bytes:
        return self._spill.get(self._start, self._size)

    def __len__(self) -> int:
        return self._size

    def __reduce__(self) -> tuple[Any, ...]:
        return bytes, (self.read(),)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spilled | bytes):
            return bytes_of(self) == bytes_of(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.read())

    def __repr__(self) -> str:
        return f"Spilled({self._size} bytes at {self._start})"


def bytes_of(data: bytes | Spilled) -> bytes:
    """The bytes themselves, read from the spill where they lie there."""
    return data.read() if isinstance(data, Spilled) else data
