"""Write the rendered site: stage beside the output, then swap it in.

A failed or interrupted build leaves the previous output whole: files are
written to a hidden folder next to the output, which then takes the output's
place in one atomic exchange (renameat2 on Linux; two renames elsewhere, with
recovery at the next build). careersite only ever clears a folder that holds
its marker file.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .cache import digest

MARKER = ".careersite-output"
MARKER_TEXT = b"This folder is written by careersite build and is replaced on every build.\n"


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def refusal(output: Path, source: Path) -> str | None:
    """Why careersite must not replace output, or None when it may."""
    out, src = output.resolve(), source.resolve()
    if out == Path(out.anchor):
        return f"refusing to use the root folder {out} as output"
    if out == Path.home().resolve():
        return f"refusing to use the home folder {out} as output"
    if out == src or src.is_relative_to(out):
        return f"refusing to use {output} as output: it holds the site's sources"
    for part in ("content", "data", "layouts"):
        if out.is_relative_to(src / part):
            return f"refusing to write output into the site's {part}/ folder"
    if out.exists() and not out.is_dir():
        return f"{output} exists and is not a folder"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return (
            f"refusing to replace {output}: it is not empty and careersite did not create it "
            "(remove it or choose another --output)"
        )
    return None


def _staging(out: Path) -> Path:
    return out.with_name(f".{out.name}.careersite-new")


def _retired(out: Path) -> Path:
    return out.with_name(f".{out.name}.careersite-old")


_TRASH = ".careersite-trash"  # the end of a tree's name while it is deleted


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


def discard(staged: Path) -> None:
    """Drop a staged tree that will not be swapped in; the output stays as it was."""
    shutil.rmtree(staged, ignore_errors=True)


def write_output(
    files: Mapping[str, bytes],
    output: Path,
    source: Path,
    finish: Callable[[Path], None] | None = None,
    keep: Iterable[str] = (),
    meanwhile: Callable[[], None] | None = None,
    staged: Path | None = None,
) -> None:
    """Replace output with files and the files named in keep as they are in output now.

    staged is a tree from stage() that already holds files written as they
    were rendered; the rest go in beside them. finish(staged_tree) runs
    before the swap (the search index); meanwhile() runs once the new tree is
    in place, while the previous one is deleted.
    """
    out = output.resolve()
    staging = stage(output, source) if staged is None else staged
    try:
        _write_tree(staging, files, out, keep)
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
        _remove_while(staging, meanwhile)  # staging now holds the previous tree
        return
    retired = _retired(out)
    out.rename(retired)
    staging.rename(out)
    _remove_while(retired, meanwhile)


def _remove_while(tree: Path | None, meanwhile: Callable[[], None] | None) -> None:
    """Delete tree while meanwhile() runs.

    Deleting a tree is a loop of unlink calls; in this process it would hold
    the interpreter while meanwhile() wants it too. So where there is an `rm`,
    the tree is renamed to a name no build uses and a child process deletes
    it at the same time (at 10,000 pages each takes about a quarter of a
    second). A child left behind by a killed build only deletes that trash;
    recover() clears what it left.
    """
    rm = shutil.which("rm") if os.name == "posix" else None
    remover = None
    if tree is not None and rm is not None:
        trash = tree.with_name(f"{tree.name}.{os.getpid()}{_TRASH}")
        tree.rename(trash)
        tree, remover = trash, subprocess.Popen([rm, "-rf", "--", os.fspath(trash)])
    try:
        if meanwhile is not None:
            meanwhile()
    finally:
        if remover is not None:
            remover.wait()
        if tree is not None and tree.exists():
            shutil.rmtree(tree)


def _write_tree(root: Path, files: Mapping[str, bytes], out: Path, keep: Iterable[str]) -> None:
    """Write files below root; link each kept file from out (copy where links fail)."""
    base, old = os.fspath(root), os.fspath(out)
    made = {base}
    writes: list[tuple[str, bytes | None]] = [*files.items(), *((name, None) for name in keep)]
    for relative, content in sorted(writes, key=lambda item: item[0]):
        put(base, relative, content, made, old)
    (root / MARKER).write_bytes(MARKER_TEXT)


def put(
    root: str, relative: str, content: bytes | None, made: set[str], old: str | None = None
) -> str | None:
    """Write one file below root, or link it from the tree old when content is None.

    Plain strings, not Paths: a rebuild links ten thousand files here. made
    holds the folders known to exist, for this tree only. The digest of a
    written file's content comes back (cache.digest), for the build's record.
    """
    target = os.path.normpath(os.path.join(root, relative))
    if not target.startswith(root + os.sep):
        raise OutputError(f"refusing to write {relative!r} outside the output folder")
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    try:
        if content is not None:
            with open(target, "wb") as handle:
                handle.write(content)
            return digest(content)
        assert old is not None, "a file to link needs the tree it is linked from"
        link_or_copy(os.path.join(old, relative), target)
        return None
    except OSError as exc:
        raise OutputError(f"cannot write {relative}: {exc.strerror}") from exc


def link_or_copy(existing: str | Path, target: str | Path) -> None:
    """An unchanged file: a hard link costs no bytes; never written to later, so it is safe."""
    try:
        os.link(existing, target)
    except OSError:
        shutil.copyfile(existing, target)


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
