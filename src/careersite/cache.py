"""The persistent build cache: each source's validated, rendered Article by content hash.

It lives in a folder (default .careersite-cache/ in the site, ignored by git,
safe to delete) and is keyed by careersite's version and the bytes of
data/*.yaml, which decide how a source validates. Layouts and the base URL do
not enter: an Article's HTML holds markers, not URLs. A cache that cannot be
read, or that another version wrote, is simply not used. Entries are spread
over BUCKETS files by path, so that an edit rewrites one of them.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import sys
import zlib
from collections.abc import Collection, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BUCKETS = 32  # files the entries are spread over, so an edit rewrites one of them
# 4: bodies apart from the articles; 5: HTML in UTF-8 bytes; 6: links with bodies;
# 7: cards in two parts (sources.card); 8: paths through shared_path
FORMAT = 8

Entries = dict[Path, tuple[str, Any]]  # source -> (content digest, what was loaded from it)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def key(source: Path) -> str:
    """What every entry depends on besides its own file."""
    parts = [f"format {FORMAT}", release(), sys.version]
    data = source / "data"
    for path in sorted(data.glob("*.yaml")) if data.is_dir() else []:
        try:  # only regular files: a pipe would block; config reports what it cannot read
            content = digest(path.read_bytes()) if path.is_file() else "not a file"
        except OSError as exc:
            content = f"unreadable {exc.errno}"
        parts.append(f"{path.name}:{content}")
    return digest("\n".join(parts).encode())


def release() -> str:
    """careersite's version, which every cached thing depends on."""
    try:
        return version("careersite")
    except PackageNotFoundError:
        return "unknown"


def _bucket(path: Path) -> int:
    return zlib.crc32(os.fsencode(path)) % BUCKETS


def _file(bucket: int, kind: str = "articles") -> str:
    return f"{kind}-{bucket:02d}.pickle"


def load(folder: Path | None, cache_key: str) -> Entries:
    """Every entry stored under this key; buckets written under another key are left out."""
    entries: Entries = {}
    if folder is None:
        return entries
    for bucket in range(BUCKETS):
        entries.update(_bucket_entries(folder, bucket, cache_key))
    return entries


def _bucket_entries(folder: Path, bucket: int, cache_key: str, kind: str = "articles") -> Entries:
    stored = read(folder / _file(bucket, kind))
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == cache_key:
        return stored[1] if isinstance(stored[1], dict) else {}
    return {}


def save(folder: Path | None, cache_key: str, entries: Entries, stored: Entries) -> None:
    """Write the buckets whose entries differ from stored (what load() gave)."""
    if folder is None:
        return
    new: list[Entries] = [{} for _ in range(BUCKETS)]
    old: list[dict[Path, str]] = [{} for _ in range(BUCKETS)]
    for path, entry in entries.items():
        new[_bucket(path)][path] = entry
    for path, (content, _) in stored.items():
        old[_bucket(path)][path] = content
    for bucket in range(BUCKETS):
        if {path: entry[0] for path, entry in new[bucket].items()} != old[bucket]:
            write(folder, _file(bucket), (cache_key, new[bucket]))


# The rendered bodies and their links, apart from the articles: a rebuild that
# renders a few pages reads the few buckets that hold their bodies, not all.


def save_bodies(
    folder: Path | None, cache_key: str, changed: Entries, present: Collection[Path]
) -> None:
    """Store changed bodies; a bucket written again drops the sources not present."""
    if folder is None or not changed:
        return
    by_bucket: dict[int, Entries] = {}
    for path, entry in changed.items():
        by_bucket.setdefault(_bucket(path), {})[path] = entry
    for bucket, entries in by_bucket.items():
        kept = _bucket_entries(folder, bucket, cache_key, "bodies")
        kept = {path: entry for path, entry in kept.items() if path in present}
        write(folder, _file(bucket, "bodies"), (cache_key, kept | entries))


def load_bodies(folder: Path | None, cache_key: str, wanted: Mapping[Path, str]) -> dict[Path, Any]:
    """The stored bodies of the sources in wanted whose digest is the one given there."""
    found: dict[Path, Any] = {}
    if folder is None:
        return found
    for bucket in sorted({_bucket(path) for path in wanted}):
        for path, (content, body) in _bucket_entries(folder, bucket, cache_key, "bodies").items():
            if wanted.get(path) == content:
                found[path] = body
    return found


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


def dumps(value: Any) -> bytes:
    """value pickled as write() stores it, for pickle.loads in another process.

    Paths go as text and the loading process makes each once (shared_path):
    a build's result names every source, and at 10,000 guides passing it
    from one process to another took 52 ms with plain pickling, 38 ms so.
    """
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


_PATH = type(Path())
_paths: dict[str, Path] = {}  # see shared_path(); as many as the files this process has named


def shared_path(text: str) -> Path:
    """The one Path this process makes for text, in the cache, the record and content/.

    Making a Path from text costs microseconds, and two equal Paths compare
    part by part in Python; the same object is found in a dict by identity.
    At 10,000 guides a rebuild meets each source's path three times (the
    record, content/, the cache): made once, it saves about a tenth of the
    rebuild.
    """
    found = _paths.get(text)
    if found is None:
        found = _paths[text] = Path(text)
    return found


class _Pickler(pickle.Pickler):
    """Stores paths as text: rebuilding a Path from its parts is most of a plain load's time."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is _PATH:
            return shared_path, (os.fspath(obj),)
        return NotImplemented


def prepare(folder: Path) -> None:
    """Create the cache folder, with a .gitignore so that git never takes it in."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
