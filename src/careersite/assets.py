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


OUT_OF_SITE = "symbolic link out of the site folder is not followed"


def out_of_site(path: Path, site: Path) -> bool:
    """Whether path, its links followed, lies outside the site folder.

    A site is data anyone with a pull request may have written: a link from
    layouts/static/ to ~/.ssh/ would copy the build machine's key into the
    output, one from a layout or data/ would show it in a page or a message.
    """
    return not path.resolve().is_relative_to(site.resolve())


def check_layouts(dirs: list[Path]) -> list[Diagnostic]:
    """What in the site's layout folders cannot be used: unreadable, misnamed, not UTF-8.

    Only regular files inside the site folder are layouts and static files:
    anything else (a pipe would block the build, a link out of the site is
    not ours to read) is skipped with a warning, as under content/.
    """
    found: list[Diagnostic] = []
    for top in dirs:
        if _builtin(top):
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
            found += [
                warning(OUT_OF_SITE, SourcePos(Path(root, name)))
                for name in folders  # os.walk lists a link to a folder and leaves it be
                if os.path.islink(os.path.join(root, name))
                and out_of_site(Path(root, name), top.parent)
            ]
            static = Path(root).is_relative_to(top / "static")
            for name in sorted(names):
                if _utf8_name(name):
                    found += _check_layout(Path(root, name), static, top.parent)
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


def _check_layout(path: Path, static: bool, site: Path) -> list[Diagnostic]:
    try:
        if out_of_site(path, site):
            return [warning(OUT_OF_SITE, SourcePos(path))]
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
    if not any(_builtin(d) for d in dirs):
        dirs.append(BUILTIN_LAYOUTS)
    return dirs


def site_of(layouts: Path) -> Path | None:
    """The site folder whose layouts these are; None for careersite's own, which are trusted."""
    return None if _builtin(layouts) else layouts.parent


def _builtin(folder: Path) -> bool:
    return folder.resolve() == BUILTIN_LAYOUTS.resolve()


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
    """The first folder that has a file wins, so a site overrides a built-in file by name.

    A site's file that links out of its site folder is passed over, as
    check_layouts warns.
    """
    chosen: dict[str, Path] = {}
    for folder in static_dirs:
        if not folder.is_dir():
            continue
        site = site_of(folder.parent)
        for path in sorted(folder.rglob("*")):
            if site is not None and out_of_site(path, site):
                continue
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
