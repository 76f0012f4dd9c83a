"""The layout folders, and their static files copied with content fingerprints in their names."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, SourcePos, error, warning
from .frontmatter import decoded
from .urls import STATIC_DIR, too_long

BUILTIN_LAYOUTS = Path(__file__).parent / "layouts"


def check_layouts(dirs: list[Path]) -> list[Diagnostic]:
    """What in the site's layout folders cannot be used: unreadable, misnamed, not UTF-8.

    Only regular files are layouts and static files: anything else (a pipe
    would block the build) is skipped with a warning, as under content/.
    """
    found: list[Diagnostic] = []
    for top in dirs:
        if top.resolve() == BUILTIN_LAYOUTS.resolve():
            continue

        unreadable: list[OSError] = []
        for root, folders, names in os.walk(top, onerror=unreadable.append):
            folders.sort()
            for name in sorted(names + folders):
                if not _utf8_name(name):
                    shown = os.fsencode(name).decode("utf-8", "backslashreplace")
                    found.append(
                        error(
                            f"the file name '{shown}' is not valid UTF-8",
                            SourcePos(Path(root)),
                            "rename the file",
                        )
                    )
            static = Path(root).is_relative_to(top / "static")
            for name in sorted(names):
                if _utf8_name(name):
                    found += _check_layout(Path(root, name), static)
        found += [
            error(f"cannot read folder: {exc.strerror}", SourcePos(Path(exc.filename)))
            for exc in unreadable
        ]
    return found


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode keeps the bad bytes as surrogates
        return False
    return True


def _check_layout(path: Path, static: bool) -> list[Diagnostic]:
    try:
        if not path.is_file():
            return [warning("not a regular file; skipped", SourcePos(path))]
        with path.open("rb") as handle:  # a static file is read once, by collect
            raw = b"" if static else handle.read()
    except OSError as exc:
        return [error(f"cannot read file: {exc.strerror}", SourcePos(path))]
    problem = decoded(raw, path)[1]
    return [problem] if problem else []


def layout_dirs(source: Path) -> list[Path]:
    """Where layouts are looked up by name: the site's layouts/ first, then the built-in ones."""
    own = source / "layouts"
    dirs = [own] if own.is_dir() else []
    if not any(d.resolve() == BUILTIN_LAYOUTS.resolve() for d in dirs):
        dirs.append(BUILTIN_LAYOUTS)
    return dirs


@dataclass(frozen=True)
class Assets:
    hrefs: dict[str, str]  # "style.css" -> site path "static/style.1a2b3c4d5e.css"
    files: dict[str, bytes]  # site path -> content
    problems: tuple[Diagnostic, ...] = ()  # files that cannot be written under their names


def fingerprinted(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:10]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and stem else f"{name}.{digest}"


def collect(static_dirs: list[Path]) -> Assets:
    """The first folder that has a file wins, so a site overrides a built-in file by name."""
    chosen: dict[str, Path] = {}
    for folder in static_dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                chosen.setdefault(path.relative_to(folder).as_posix(), path)
    hrefs: dict[str, str] = {}
    files: dict[str, bytes] = {}
    problems = []
    for name, path in sorted(chosen.items()):
        content = path.read_bytes()
        site_path = f"{STATIC_DIR}/{fingerprinted(name, content)}"
        hrefs[name] = site_path
        files[site_path] = content
        written = site_path.rsplit("/", 1)[1]
        if (reason := too_long(written)) is not None:  # its folders are file names already
            grown = len(written) - len(path.name)
            problems.append(
                error(
                    f"its name in the output, with a fingerprint, {reason}",
                    SourcePos(path),
                    f"the fingerprint adds {grown} bytes: shorten the name",
                )
            )
    return Assets(hrefs, files, tuple(problems))
