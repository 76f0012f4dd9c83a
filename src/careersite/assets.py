"""The layout folders, and their static files copied with content fingerprints in their names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, SourcePos, error
from .urls import STATIC_DIR, too_long

BUILTIN_LAYOUTS = Path(__file__).parent / "layouts"


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
