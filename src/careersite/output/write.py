"""Write the rendered site: stage beside the output, then swap it in.

A failed or interrupted build leaves the previous output whole: files are
written to a hidden folder next to the output, which then takes the output's
place in one atomic exchange (renameat2 on Linux; two renames elsewhere, with
recovery at the next build). careersite only ever clears a folder that holds
its marker file.

The tree swapped out is not deleted when the build cache can keep it: as the
spare, it becomes the next build's staging tree. Most of its files are still
the output's (hard links to the same inodes), so a rebuild after a small edit
neither links nor deletes every file of the site again.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import glob
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path

from .. import children
from ..incremental.cache import digest
from ..urls import MARKER as MARKER
from .places import OutputError, refusal

MARKER_TEXT = b"This folder is written by careersite build and is replaced on every build.\n"


@contextlib.contextmanager
def staging(output: Path, source: Path) -> Iterator[Path]:
    """A new, empty tree beside output (stage()); gone when the block ends.

    write_output swaps it in or, when it fails, deletes it; if the block ends
    before that (a failed build, an error, Ctrl-C), the tree is discarded and
    the output stays as it was.
    """
    staged = stage(output, source)
    try:
        yield staged
    finally:
        discard(staged)


def _staging(out: Path) -> Path:
    return out.with_name(f".{out.name}.careersite-new")


def _retired(out: Path) -> Path:
    return out.with_name(f".{out.name}.careersite-old")


_TRASH = ".careersite-trash"  # the end of a tree's name while it is deleted
SPARE = "spare"  # the swapped-out tree's folder in the build cache
SPARE_TOKEN = ".careersite-spare"  # in the spare: the record that describes it names it


def recover(output: Path) -> None:
    """Undo what an interrupted build left: restore a retired tree, drop the rest."""
    out = output.resolve()
    retired, staging = _retired(out), _staging(out)
    if retired.is_dir() and not out.exists():
        retired.rename(out)
    for leftover in (retired, staging):
        if leftover.exists():
            shutil.rmtree(leftover)
    # Trees being deleted when a build was killed; its rm may still be at it.
    for trash in out.parent.glob(f"{glob.escape(staging.name)}*{_TRASH}"):
        shutil.rmtree(trash, ignore_errors=True)
    for trash in out.parent.glob(f"{glob.escape(retired.name)}*{_TRASH}"):
        shutil.rmtree(trash, ignore_errors=True)


def stage(output: Path, source: Path) -> Path:
    """A new, empty tree beside output, for a build to write into before write_output.

    Pass it to write_output as staged, or to discard if the build fails.
    """
    reason = refusal(output, source)
    if reason:
        raise OutputError(reason)
    out = output.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        staging = _staging(out)
        staging.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot write the output next to {output}: {exc.strerror}") from exc
    return staging


def take_spare(staged: Path, spare: Path, token: str | None, stale: Iterable[str]) -> bool:
    """Make the spare the staging tree when it holds token; else delete it. Whether it did.

    staged must be as stage() made it (empty). token and stale come from the
    record of the build that kept the spare (fresh.Spare): stale names its
    files that are not the output's as it is now, which are deleted here;
    the rest are the output's own files, already in place.
    """
    try:
        kept = token is not None and (spare / SPARE_TOKEN).read_text(encoding="utf-8") == token
    except (OSError, UnicodeDecodeError):
        kept = False
    if kept:
        try:
            staged.rmdir()
            spare.rename(staged)
        except OSError:
            staged.mkdir(exist_ok=True)
            kept = False
    if not kept:
        shutil.rmtree(spare, ignore_errors=True)
        return False
    remove(os.fspath(staged), [SPARE_TOKEN, *stale])
    return True


def remove(root: str, names: Iterable[str]) -> None:
    """Delete the files named below root, and the folders that leaves empty."""
    folders = set()
    for name in names:
        try:
            os.unlink(os.path.join(root, name))
        except FileNotFoundError:
            continue
        folder = os.path.dirname(name)
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(folders, key=lambda name: name.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # not empty
            os.rmdir(os.path.join(root, folder))


def discard(staged: Path) -> None:
    """Drop a staged tree that will not be swapped in; the output stays as it was."""
    shutil.rmtree(staged, ignore_errors=True)


def write_output(  # noqa: PLR0913 - all but three keyword-only and optional
    files: Mapping[str, bytes],
    output: Path,
    source: Path,
    *,
    finish: Callable[[Path], None] | None = None,
    keep: Iterable[str] = (),
    meanwhile: Callable[[], None] | None = None,
    staged: Path | None = None,
    present: Mapping[str, int] | None = None,
    written: Collection[str] = (),
    spare: tuple[Path, str] | None = None,
) -> None:
    """Replace output with files and the files named in keep as they are in output now.

    staged is a tree from stage() that already holds the files named in
    written, written as they were rendered; the rest go in beside them.
    present names the files staged holds that are output's own (a spare from
    take_spare), with their inodes: kept ones stay, the others go.
    finish(staged_tree) runs before the swap (the search index); meanwhile()
    runs once the new tree is in place, while the previous one is deleted,
    or kept as the spare (a folder and a token for take_spare) when spare is
    given.
    """
    out = output.resolve()
    staging = stage(output, source) if staged is None else staged
    try:
        if present:
            keep = set(keep)
            wanted = {*files, *keep, *written}
            remove(os.fspath(staging), [name for name in present if name not in wanted])
            keep = keep.difference(present)
        _write_tree(staging, files, out, keep, present)
        if finish is not None:
            finish(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not out.exists():
        staging.rename(out)
        _remove_while(None, meanwhile)
        return
    if _exchange(staging, out):
        previous = staging
    else:
        previous = _retired(out)
        out.rename(previous)
        staging.rename(out)
    if spare is not None and _keep_spare(previous, *spare):
        if meanwhile is not None:
            meanwhile()
        return
    _remove_while(previous, meanwhile)


def _keep_spare(tree: Path, spare: Path, token: str) -> bool:
    """Move the swapped-out tree to spare, marked with token; False where it cannot go."""
    shutil.rmtree(spare, ignore_errors=True)  # take_spare took or deleted it: a leftover
    try:
        tree.rename(spare)
    except OSError:
        return False  # another file system, say
    with contextlib.suppress(OSError):  # without it, the next build deletes the spare
        (spare / SPARE_TOKEN).write_text(token, encoding="utf-8")
    return True


def _remove_while(tree: Path | None, meanwhile: Callable[[], None] | None) -> None:
    """Delete tree while meanwhile() runs.

    Deleting a tree is a loop of unlink calls; in this process it would hold
    the interpreter while meanwhile() wants it too. So where there is an `rm`,
    the tree is renamed to a name no build uses and a child process deletes
    it at the same time (at 10,000 pages each takes about a quarter of a
    second). Like every child, it dies with this process (children.command):
    it only deletes that trash, and recover() clears what it left.
    """
    rm = shutil.which("rm") if os.name == "posix" else None
    remover = None
    if tree is not None and rm is not None:
        trash = tree.with_name(f"{tree.name}.{os.getpid()}{_TRASH}")
        tree.rename(trash)
        tree, remover = (
            trash,
            subprocess.Popen(children.command([rm, "-rf", "--", os.fspath(trash)])),
        )
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        if remover is not None:
            remover.wait()
        if tree is not None and tree.exists():
            shutil.rmtree(tree)


def _write_tree(
    root: Path,
    files: Mapping[str, bytes],
    out: Path,
    keep: Iterable[str],
    replaceable: Mapping[str, int] | None,
) -> None:
    """Write files below root; link each kept file from out (copy where links fail).

    replaceable: the files of a spare tree that may be cleared (see put).
    """
    base, old = os.fspath(root), os.fspath(out)
    made = {base}
    writes: list[tuple[str, bytes | None]] = [*files.items(), *((name, None) for name in keep)]
    for relative, content in sorted(writes, key=lambda item: item[0]):
        put(base, relative, content, made, old, replaceable)
    put(base, MARKER, MARKER_TEXT, made, replaceable=replaceable)


def put(
    root: str,
    relative: str,
    content: bytes | None,
    made: set[str],
    old: str | None = None,
    replaceable: Mapping[str, int] | None = None,
) -> str | None:
    """Write one file below root, or link it from the tree old when content is None.

    Plain strings, not Paths: a rebuild links ten thousand files here. made
    holds the folders known to exist, for this tree only. The digest of a
    written file's content comes back (cache.digest), for the build's record.

    A file is always made anew, never written into: in a spare tree (see
    take_spare) what is in the way may be a hard link to a file of the output.
    replaceable names those files, with their inodes: only they may be
    cleared out of the way. Anything else in the way was written by this
    build (in a tree from stage(), which starts empty, anything at all): two
    of its files meet there, and that is an error, never a deletion.
    """
    target = os.path.normpath(os.path.join(root, relative))
    if not target.startswith(root + os.sep):
        raise OutputError(f"refusing to write {relative!r} outside the output folder")
    old_files = replaceable or {}
    try:
        folder = os.path.dirname(target)
        if folder not in made:
            _make_folder(root, folder, old_files)
            made.add(folder)
        if content is not None:
            _exclusive(root, target, lambda: _create(target, content), old_files)
            return digest(content)
        assert old is not None, "a file to link needs the tree it is linked from"
        existing = os.path.join(old, relative)
        _exclusive(root, target, lambda: link_or_copy(existing, target), old_files)
        return None
    except _Taken as taken:
        raise OutputError(
            f"cannot write {relative}: {taken} is already a file of this build"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write {relative}: {exc.strerror}") from exc


class _Taken(Exception):
    """What stands in a file's way was written by this build; the message names it."""


def _create(target: str, content: bytes) -> None:
    with open(target, "xb") as handle:
        handle.write(content)


def _exclusive(
    root: str, target: str, make: Callable[[], None], replaceable: Mapping[str, int]
) -> None:
    """make() the new file target; first clear an old file of a spare tree in its way."""
    try:
        make()
    except FileExistsError:
        _clear(root, target, replaceable)
        make()


def _make_folder(root: str, folder: str, replaceable: Mapping[str, int]) -> None:
    """os.makedirs, clearing old files in the way (a spare tree may hold a file there)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        part = root
        for name in os.path.relpath(folder, root).split(os.sep):
            part = os.path.join(part, name)
            if os.path.lexists(part) and not os.path.isdir(part):
                _clear(root, part, replaceable)
        os.makedirs(folder, exist_ok=True)


def _clear(root: str, path: str, replaceable: Mapping[str, int]) -> None:
    """Delete path, a file or folder below root, when all it holds is replaceable; else _Taken."""
    if os.path.isdir(path) and not os.path.islink(path):
        for folder, _, names in os.walk(path):
            for name in names:
                _check_replaceable(root, os.path.join(folder, name), replaceable)
        shutil.rmtree(path)
        return
    _check_replaceable(root, path, replaceable)
    # A worker beside this one may have cleared it, or made the folder it needs there.
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        os.unlink(path)


def _check_replaceable(root: str, path: str, replaceable: Mapping[str, int]) -> None:
    """_Taken unless path is the very file (inode) a spare tree held at its name when taken.

    The output holds the same inode all the while, so a file made since has another.
    """
    name = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):  # made by a worker beside this one, just now
        return
    if replaceable.get(name) != info.st_ino:
        raise _Taken(name)


def link_or_copy(existing: str | Path, target: str | Path) -> None:
    """An unchanged file: a hard link costs no bytes; never written to later, so it is safe."""
    try:
        os.link(existing, target)
    except FileExistsError:
        raise
    except OSError:  # another file system, say; still a new file, never one written into
        with open(existing, "rb") as original, open(target, "xb") as copy:
            shutil.copyfileobj(original, copy)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))
