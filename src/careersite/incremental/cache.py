"""The persistent build cache: each source's validated, rendered Article by content hash.

It lives in a folder (default .careersite-cache/ in the site, ignored by git,
safe to delete) and is keyed by careersite's version and the bytes of
data/*.yaml, which decide how a source validates. Layouts and the base URL do
not enter: an Article's HTML holds markers, not URLs. A cache that cannot be
read, or that another version wrote, is simply not used. Entries are spread
over BUCKETS files by path, so that an edit rewrites one of them.

The files are pickles, and unpickling runs code: a cache folder is restored
in CI and a pull request may add one. So each file starts with an
HMAC-SHA256 of its name and pickle under a key kept outside the site (see
signing_key), and a file whose seal does not match is not unpickled: it is
ignored as if it were missing, with a warning. What a file with a good seal
holds is still checked for its shape (an older careersite of the same
format, or a bug, may have written it): its callers pass `fits`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import hmac
import io
import os
import pickle
import secrets
import sys
import zlib
from collections.abc import Callable, Collection, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..diagnostics import SourcePos, format_text, warning

BUCKETS = 32  # files the entries are spread over, so an edit rewrites one of them
# 4: bodies apart from the articles; 5: HTML in UTF-8 bytes; 6: links with bodies;
# 7: cards in two parts (sources.card); 8: paths through shared_path;
# 9: bodies keep their ids and links to ids (anchors.py); 10: links with slots;
# 11: articles hold where their date is written and their stale_after_months; links
# their targets in NFC (markdown.source_key); 12: warnings on images without alt text;
# 13: articles, bodies, roles and cities with slots, a source's links a sorted tuple;
# 14: articles hold their body's signature (similar.py) and similar_to
FORMAT = 14

Entries = dict[Path, tuple[str, Any]]  # source -> (content digest, what was loaded from it)
Fits = Callable[[Any], bool]  # whether a value read from the cache has the shape it should

KEY_VARIABLE = "CAREERSITE_CACHE_KEY"  # the key itself, for CI; else it is kept in a file
SEAL = 32  # bytes of HMAC-SHA256 at the start of each file


class NoKey(Exception):
    """The key cannot be kept: a build then goes without the cache."""


def signing_key() -> bytes:
    """The key that seals this user's cache files: CAREERSITE_CACHE_KEY, or a file of theirs.

    The file is $XDG_CACHE_HOME/careersite/cache-key (~/.cache/... by
    default), created with 32 random bytes, readable by its owner alone.
    It lies outside every site: whoever can change a site cannot read it.
    Raises NoKey when it can be neither read nor made.
    """
    given = os.environ.get(KEY_VARIABLE)
    if given:
        return given.encode("utf-8", "surrogateescape")
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError as exc:  # no home folder known
        raise NoKey(f"no home folder ({exc})") from None
    return _kept_key(root / "careersite")


@functools.cache
def _kept_key(folder: Path) -> bytes:
    """The key in folder/cache-key, made there when missing (read once a process)."""
    path = folder / "cache-key"
    try:
        try:
            return _key_in(path)
        except FileNotFoundError:
            pass
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = folder / f".cache-key.{os.getpid()}"
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(handle, secrets.token_hex(32).encode())
        finally:
            os.close(handle)
        try:
            os.link(temporary, path)  # a build making it at the same time wins as well
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        return _key_in(path)
    except OSError as exc:
        raise NoKey(f"cannot keep its key in {folder} ({exc.strerror})") from None


def _key_in(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < 32:
        raise OSError(0, "the key there is too short", str(path))
    return key


def _seal(key: bytes, name: str, payload: bytes | memoryview) -> bytes:
    """The HMAC of a file's pickle, bound to its name: a file renamed does not pass."""
    mac = hmac.new(key, name.encode("utf-8", "surrogateescape") + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


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


def load(folder: Path | None, cache_key: str, fits: Fits) -> Entries:
    """Every entry stored under this key; buckets written under another key are left out.

    So is a bucket with an entry that is not (digest, value) with fits(value).
    """
    entries: Entries = {}
    if folder is None:
        return entries
    for bucket in range(BUCKETS):
        entries.update(_bucket_entries(folder, bucket, cache_key, "articles", fits))
    return entries


def _bucket_entries(folder: Path, bucket: int, cache_key: str, kind: str, fits: Fits) -> Entries:
    """A bucket's entries; none when one of them has not the shape it should.

    Checked on every load, so only the top of each entry: at 10,000 guides
    a rebuild loads them all.
    """
    stored = read(folder / _file(bucket, kind))
    if not (type(stored) is tuple and len(stored) == 2 and stored[0] == cache_key):
        return {}
    entries = stored[1]
    if type(entries) is not dict:
        return {}
    for path, entry in entries.items():
        if not (
            type(path) is _PATH
            and type(entry) is tuple
            and len(entry) == 2
            and type(entry[0]) is str
            and fits(entry[1])
        ):
            return {}
    return entries


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
    folder: Path | None, cache_key: str, changed: Entries, present: Collection[Path], fits: Fits
) -> None:
    """Store changed bodies; a bucket written again drops the sources not present."""
    if folder is None or not changed:
        return
    by_bucket: dict[int, Entries] = {}
    for path, entry in changed.items():
        by_bucket.setdefault(_bucket(path), {})[path] = entry
    for bucket, entries in by_bucket.items():
        kept = _bucket_entries(folder, bucket, cache_key, "bodies", fits)
        kept = {path: entry for path, entry in kept.items() if path in present}
        write(folder, _file(bucket, "bodies"), (cache_key, kept | entries))


def load_bodies(
    folder: Path | None,
    cache_key: str,
    wanted: Mapping[Path, str],
    fits: Fits,
    keep: Callable[[Any], Any] = lambda body: body,
) -> dict[Path, Any]:
    """The stored bodies of the sources in wanted whose digest is the one given there.

    Each as keep makes it, bucket by bucket: so a caller that spills them
    never holds more than one bucket's bodies.
    """
    found: dict[Path, Any] = {}
    if folder is None:
        return found
    for bucket in sorted({_bucket(path) for path in wanted}):
        entries = _bucket_entries(folder, bucket, cache_key, "bodies", fits)
        for path, (content, body) in entries.items():
            if wanted.get(path) == content:
                found[path] = keep(body)
    return found


def read(path: Path) -> Any:
    """What write() stored at path, or None when it is missing, unreadable or not sealed.

    A file that is there but not sealed with this user's key is not
    unpickled but deleted; the first of a process is reported (warn_foreign).
    """
    try:
        key = signing_key()
        with path.open("rb") as handle:
            content = handle.read()
    except (OSError, NoKey):
        return None
    payload = memoryview(content)[SEAL:]
    if not hmac.compare_digest(content[:SEAL], _seal(key, path.name, payload)):
        warn_foreign(path)
        with contextlib.suppress(OSError):
            path.unlink()  # of no use; and the next build need not warn again
        return None
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of new objects would set off many useless collections
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    finally:
        if enabled:
            gc.enable()


_warned: list[bool] = []  # whether this process has warned of a foreign file (see warn_foreign)


def warn_foreign(path: Path) -> None:
    """Warn of a cache file not written with this user's key, once a process.

    Written on stderr where it is found: the build's own diagnostics are
    about the site, reported again by a build with nothing to do and
    counted by --strict; an ignored cache is neither. One warning, as a
    key that changed makes every file of the cache foreign at once.
    """
    if _warned:
        return
    _warned.append(True)
    shown = format_text(
        warning(
            "ignored: not written by this user's careersite "
            "(nor is any other cache file that is ignored)",
            SourcePos(path),
            f"a cache written elsewhere (CI), by an older careersite or with another "
            f"{KEY_VARIABLE} is built anew",
        )
    )
    sys.stderr.write(shown + "\n")
    sys.stderr.flush()


def write(folder: Path, name: str, value: Any) -> None:
    """Pickle value into folder/name atomically, sealed; nothing happens when it cannot be."""
    try:
        key = signing_key()
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        payload = buffer.getbuffer()
        prepare(folder)
        temporary = folder / f".{name}.{os.getpid()}"
        with temporary.open("wb") as handle:
            handle.write(_seal(key, name, payload))
            handle.write(payload)
        temporary.replace(folder / name)
    except (OSError, NoKey):
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
