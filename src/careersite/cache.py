"""The persistent build cache: each source's validated, rendered Article by content hash.

It lives in a folder (default .careersite-cache/ in the site, ignored by git,
safe to delete) and is keyed by careersite's version and the bytes of
data/*.yaml, which decide how a source validates. Layouts and the base URL do
not enter: an Article's HTML holds markers, not URLs. A cache that cannot be
read, or that another version wrote, is simply not used.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

FILE = "articles.pickle"
FORMAT = 1


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def key(source: Path) -> str:
    """What every entry depends on besides its own file."""
    try:
        release = version("careersite")
    except PackageNotFoundError:
        release = "unknown"
    parts = [f"format {FORMAT}", release, sys.version]
    data = source / "data"
    for path in sorted(data.glob("*.yaml")) if data.is_dir() else []:
        parts.append(f"{path.name}:{digest(path.read_bytes())}")
    return digest("\n".join(parts).encode())


def load(folder: Path | None, cache_key: str) -> dict[Path, tuple[str, Any]]:
    """Entries by source path: (content digest, what was loaded from it)."""
    if folder is None:
        return {}
    stored = read(folder / FILE)
    if not isinstance(stored, tuple) or len(stored) != 2:
        return {}
    stored_key, entries = stored
    return entries if stored_key == cache_key and isinstance(entries, dict) else {}


def save(folder: Path | None, cache_key: str, entries: dict[Path, tuple[str, Any]]) -> None:
    """Write the cache atomically; a cache that cannot be written is skipped."""
    if folder is not None:
        write(folder, FILE, (cache_key, entries))


def read(path: Path) -> Any:
    """What write() stored at path, or None when it is missing or unreadable."""
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects would set off many useless collections
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    finally:
        _paths.clear()
        if enabled:
            gc.enable()


def write(folder: Path, name: str, value: Any) -> None:
    """Pickle value into folder/name atomically; nothing happens when it cannot be written."""
    try:
        prepare(folder)
        temporary = folder / f".{name}.{os.getpid()}"
        with temporary.open("wb") as handle:
            _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        temporary.replace(folder / name)
    except OSError:
        pass


_PATH = type(Path())
_paths: dict[str, Path] = {}  # while reading: each path made once, however often it is named


def _path(text: str) -> Path:
    found = _paths.get(text)
    if found is None:
        found = _paths[text] = Path(text)
    return found


class _Pickler(pickle.Pickler):
    """Stores paths as text: rebuilding a Path from its parts is most of a plain load's time."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is _PATH:
            return _path, (os.fspath(obj),)
        return NotImplemented


def prepare(folder: Path) -> None:
    """Create the cache folder, with a .gitignore so that git never takes it in."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
