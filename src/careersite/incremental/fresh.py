"""Whether the output on disk is already what a build would write, or most of it.

After each written build the cache folder keeps a record of what went in (one
digest over every file of content/, data/ and the layouts, careersite's version
and the options that shape the output) and of what came out (each output file's
size, modification time and inode, so a file edited, added or removed by hand
shows). When both still match, the command line reports the recorded
diagnostics again and leaves the output alone: the no-change rebuild.

When only content or layouts changed (the same basis: version, options, data),
the record's per-file digests let the next build render only the pages that
changed and take the rest from the output as it is (Previous).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from itertools import chain
from pathlib import Path

from ..diagnostics import Diagnostic
from . import cache, stamps
from .stamps import Stamp, output_stamp, settled, stat_stamp

FILE = "output.pickle"
# 5: Inputs moved here; 6: output digests; 7: two-part cards; 8: spare; 9: Stamp;
# 10: anchor warnings (a record of 9 would tell its diagnostics without them);
# 11: positions with slots; 12: each guide's URL (url_changes.py)
FORMAT = 12

Known = dict[str, Stamp]  # a file's path -> its stamp, with the digest of what was read


@dataclass(frozen=True)
class Inputs:
    """What a build read, by digest: the next build in a new process compares against it."""

    sources: dict[Path, tuple[str, str]]  # source -> digests of its bytes and of its card
    layouts: dict[str, str]  # layout file (as templates name it) -> digest of its bytes
    # each built guide's body link problems: a body left alone need not be read again
    problems: dict[Path, tuple[Diagnostic, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Previous:
    """The last build whose output is on disk untouched, with the same data and options."""

    inputs: Inputs
    files: frozenset[str]  # the output files it wrote


@dataclass(frozen=True)
class Spare:
    """The tree a build swapped out, kept in the cache folder as write.take_spare wants it."""

    token: str  # also in the tree: a tree without it is not this one
    stale: frozenset[str]  # its files that are not the output's (another inode or stamp)
    missing: frozenset[str]  # the output's files it lacks

    @classmethod
    def between(
        cls, token: str, swapped: Mapping[str, Stamp], output: Mapping[str, Stamp]
    ) -> Spare:
        """The spare that was the output with the manifest swapped, beside output's manifest."""
        stale = frozenset(name for name, stamp in swapped.items() if output.get(name) != stamp)
        return cls(token, stale, frozenset(output.keys() - swapped.keys()))

    def present(self, output: Mapping[str, Stamp]) -> frozenset[str]:
        """The output's files that the spare holds as they are (the same inodes)."""
        return frozenset(
            name for name in output if name not in self.missing and name not in self.stale
        )


@dataclass(frozen=True, kw_only=True)
class Record:
    inputs: str  # Fingerprints.inputs of the build that wrote the output
    basis: str  # Fingerprints.basis of that build
    output: str  # the output folder, resolved
    files: dict[str, Stamp]  # every file below it, by relative name
    diagnostics: tuple[Diagnostic, ...]  # what that build reported (warnings only)
    built: Inputs | None  # what it read, file by file
    known: Known  # Fingerprints.known of that build
    # each regular file's cache.digest: an output restored in CI (new inodes and
    # times) is known by its content
    digests: dict[str, str]
    spare: Spare | None = None  # the tree this build swapped out, when kept
    # each built guide's source -> its site path: the next build warns when one moved
    urls: dict[Path, str] = field(default_factory=dict)

    # Pickled with the stamps as columns (stamps.columns): a third of the time to load.
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        for name in _STAMPED.intersection(state):
            if type(state[name]) is dict:  # anything else is pickled as it is, and refused
                state[name] = stamps.columns(state[name])
        return state

    def __setstate__(self, state: object) -> None:
        if type(state) is not dict:
            raise ValueError("not a record")
        # A field missing (an older careersite's record) is found by load().
        self.__dict__.update(state)
        for name in _STAMPED.intersection(state):
            self.__dict__[name] = stamps.from_columns(state[name])


_STAMPED = frozenset({"files", "known"})  # Record's fields of stamps by name


@dataclass(frozen=True)
class Fingerprints:
    basis: str  # careersite's version, the settings and data/
    inputs: str  # the basis, content/ and the layouts: everything a build reads
    # cache.digest of each file in content/, by its path: the build need not read them again
    sources: dict[str, str]
    known: Known  # every file's stamp and digest, for the next build to trust


def fingerprints(
    source: Path,
    layout_dirs: list[Path],
    settings: tuple[object, ...],
    trusted: Known | None = None,
) -> Fingerprints:
    """Digests of what a build reads; settings are the options that shape the output.

    A file whose stamp is the one in trusted (the last build's Fingerprints.known)
    is not read again: its digest is taken from there. Like git's index, a file
    is trusted only when it had not changed for RACY_NS when it was read (settled).
    """
    digest = hashlib.sha256(repr((FORMAT, cache.release(), sys.version, settings)).encode())
    sources: dict[str, str] = {}
    known: Known = {}
    trusted = trusted or {}
    for folder in [source / "data", source / "content", *layout_dirs]:
        digest.update(f"\0folder {folder.resolve()}\0".encode())
        files = sources if folder == source / "content" else {}
        _hash_tree(folder, digest, files, trusted, known)
        if folder == source / "data":
            basis = digest.hexdigest()
    return Fingerprints(basis, digest.hexdigest(), sources, known)


def _hash_tree(
    folder: Path, digest: hashlib._Hash, files: dict[str, str], trusted: Known, known: Known
) -> None:
    """Names and contents of regular files, link texts of symbolic links, the rest by kind.

    Each regular file's own digest is noted in files, by its path.
    """
    now = time.time_ns()
    top = os.fspath(folder)
    for root, dirs, names in os.walk(top):
        dirs.sort()
        inside = root[len(top) + 1 :]  # the folder's name below top, by slicing (relpath is slow)
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            path = os.path.join(root, name)
            relative = os.path.join(inside, name) if inside else name
            digest.update(f"\0{relative}\0".encode("utf-8", "surrogateescape"))
            try:
                info = os.lstat(path)
            except OSError:  # gone since the listing
                digest.update(b"gone")
                continue
            if stat.S_ISREG(info.st_mode):
                before = trusted.get(path)
                if (
                    before
                    and before.digest is not None
                    and before == stat_stamp(info, before.digest)
                ):
                    files[path] = before.digest
                else:
                    try:
                        with open(path, "rb") as handle:
                            files[path] = cache.digest(handle.read())
                    except OSError as exc:
                        # Not a digest of any content: the build reads it and says why it cannot.
                        digest.update(f"unreadable {exc.errno}".encode())
                        continue
                if settled(info, now):
                    known[path] = stat_stamp(info, files[path])
                digest.update(files[path].encode())
            elif stat.S_ISLNK(info.st_mode):
                digest.update(b"link " + os.fsencode(os.readlink(path)))
            else:
                digest.update(f"kind {stat.S_IFMT(info.st_mode)}".encode())


def manifest(root: Path) -> dict[str, Stamp]:
    """Every file and symbolic link below root with its stamp (folders are not listed)."""
    found: dict[str, Stamp] = {}
    todo = [(os.fspath(root), "")]
    while todo:
        folder, prefix = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, name + "/"))
                else:
                    found[name] = output_stamp(entry.stat(follow_symlinks=False))
    return found


def manifest_after(
    root: Path, before: Mapping[str, Stamp], kept: Iterable[str], made: Iterable[str]
) -> dict[str, Stamp]:
    """manifest(root) of a tree that holds the files kept and made (files or folders) alone.

    Each kept file is a hard link to the file of that name that before
    describes, with its stamp; only what was made is looked at. Where a link
    was a copy after all, the next build finds the output changed and tells
    it by content.
    """
    found = {name: before[name] for name in kept}
    for name in made:
        try:
            info = os.lstat(root / name)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode):
            found.update(
                {f"{name}/{inner}": stamp for inner, stamp in manifest(root / name).items()}
            )
        else:
            found[name] = output_stamp(info)
    return found


def load(folder: Path | None) -> Record | None:
    record = cache.read(folder / FILE) if folder is not None else None
    if type(record) is not Record:
        return None
    # A record an older careersite wrote may lack a field, or hold another
    # type in one (as may a bug): it is of no use then.
    if not all(hasattr(record, f.name) for f in fields(Record)):
        return None
    return record if _fits(record) else None


def _fits(record: Record) -> bool:
    """Whether each field of record holds what it should, each entry checked to its top.

    A build reads the record first, also one with nothing to do: the types
    are gathered by map and set, at C speed (at 2,000 guides 1 ms, where a
    check per entry in Python took 8).
    """
    built, spare = record.built, record.spare
    known = record.known
    return (
        _types((record.inputs, record.basis, record.output)) <= {str}
        and _dict_of(record.files, str)
        and type(record.diagnostics) is tuple
        and _types(record.diagnostics) <= {Diagnostic}
        and (built is None or (type(built) is Inputs and _inputs_fit(built)))
        and _dict_of(known, str)
        and _dict_of(record.digests, str)
        and _types(record.digests.values()) <= {str}
        and (spare is None or (type(spare) is Spare and _spare_fits(spare)))
    )


def _types(values: Iterable[object]) -> set[type]:
    return set(map(type, values))


def _dict_of(values: object, key: type) -> bool:
    return type(values) is dict and _types(values) <= {key}


def _tuples(values: Collection[object], length: int, part: type) -> bool:
    """Whether every one of values is a tuple of length parts, each of type part (any: object)."""
    if not _types(values) <= {tuple} or not set(map(len, values)) <= {length}:  # type: ignore[arg-type]
        return False
    return part is object or _types(chain.from_iterable(values)) <= {part}  # type: ignore[arg-type]


def _inputs_fit(built: Inputs) -> bool:
    problems = built.problems
    return (
        _dict_of(built.sources, type(Path()))
        and _tuples(built.sources.values(), 2, str)
        and _dict_of(built.layouts, str)
        and _types(built.layouts.values()) <= {str}
        and _dict_of(problems, type(Path()))
        and _types(problems.values()) <= {tuple}
        and _types(chain.from_iterable(problems.values())) <= {Diagnostic}
    )


def _spare_fits(spare: Spare) -> bool:
    return (
        type(spare.token) is str
        and type(spare.stale) is frozenset
        and type(spare.missing) is frozenset
        and _types(spare.stale | spare.missing) <= {str}
    )


def untouched(record: Record | None, output: Path) -> Record | None:
    """The record, when output holds exactly what the recorded build wrote there; else None.

    Every file's stamp tells; when only stamps differ (the folder was restored
    from a CI cache: new inodes and times), every file's content does, and
    the record comes back with the files' stamps of now.
    """
    if record is None or record.output != str(output.resolve()):
        return None
    try:
        found = manifest(output)
        if found == record.files:
            return record
        if found.keys() != record.files.keys():
            return None
        if any(found[name].size != record.files[name].size for name in found):
            return None  # a size differs
        for name in found:
            with open(output / name, "rb") as handle:
                if record.digests.get(name) != cache.digest(handle.read()):
                    return None
    except OSError:
        return None
    # Its spare is no longer known by inode: no build may take files from it as they are.
    return replace(record, files=found, spare=None)


def output_digests(
    root: Path, files: dict[str, Stamp], known: Mapping[str, str], before: Record | None
) -> dict[str, str]:
    """cache.digest of each file below root (files is its manifest), for Record.digests.

    A file's digest is taken from known (what the build wrote, by name), or
    from before for a file linked from the output that record describes (the
    same inode), else read. Pass before only for an output the build took
    files from, untouched: an inode of a file gone may be given to a new one.
    """
    linked: dict[int, str] = {}
    if before is not None:
        for name, stamp in before.files.items():
            if name in before.digests:
                linked[stamp.inode] = before.digests[name]
    found: dict[str, str] = {}
    for name, stamp in files.items():
        digest = known.get(name) or linked.get(stamp.inode)
        if digest is None:
            try:
                with open(root / name, "rb") as handle:
                    digest = cache.digest(handle.read())
            except OSError:
                continue  # not a file one can read: the content check will fail
        found[name] = digest
    return found


def previous(record: Record, found: Fingerprints) -> Previous | None:
    """What a build may take from an untouched output written on the same basis."""
    if record.basis != found.basis or record.built is None:
        return None
    return Previous(record.built, frozenset(record.files))


def save(folder: Path | None, record: Record) -> None:
    """Write the record atomically; one that cannot be written is skipped."""
    if folder is not None:
        cache.write(folder, FILE, record)


def forget(folder: Path) -> None:
    """Drop the record: the next build then trusts nothing in the output."""
    with contextlib.suppress(OSError):
        (folder / FILE).unlink(missing_ok=True)
