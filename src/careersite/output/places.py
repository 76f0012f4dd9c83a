"""Where a build may write: the refusals checked before anything is touched.

careersite replaces its output on every build and deletes its cache's spare
tree at will: neither may be a folder that holds the site, the user's home
or the root, and the two may not hold each other.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CareersiteError
from ..urls import MARKER


class OutputError(CareersiteError):
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


def cache_refusal(cache: Path, source: Path, output: Path) -> str | None:
    """Why careersite must not keep its build cache in cache, or None when it may.

    The cache folder gets a .gitignore of '*' (git would stop seeing new
    sources), its spare tree is deleted at will, and the output is replaced
    on every build: the cache shares a folder with neither.
    """
    where, src, out = cache.resolve(), source.resolve(), output.resolve()
    why = None
    if src.is_relative_to(where):
        why = "it holds the site's sources"
    for part in ("content", "data", "layouts"):
        if why is None and where.is_relative_to(src / part):
            why = f"it is inside the site's {part}/ folder"
    if why is None and where.is_relative_to(out):
        why = f"it is inside the output {output}"
    if why is None and out.is_relative_to(where):
        why = f"it holds the output {output}"
    return None if why is None else f"refusing to use {cache} as the build cache: {why}"


def check_places(output: Path, source: Path, cache: Path | None) -> None:
    """Raise OutputError when the output, or the cache, may not be used (see the refusals).

    Before a build touches anything: one that cannot be written must not start.
    """
    reason = refusal(output, source)
    if reason is None and cache is not None:
        reason = cache_refusal(cache, source, output)
    if reason:
        raise OutputError(reason)
