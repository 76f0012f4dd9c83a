"""The Jinja environment, and turning pages' views into bytes.

Autoescape is on and undefined variables are errors. Layouts are looked up by
name in the site's layouts/ first, then in careersite's built-in layouts.
Many pages are rendered in forked worker processes; on the command line each
process writes the pages it renders into the staging tree itself.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .deps import is_stale
from .diagnostics import Diagnostic, SourcePos, error
from .sources import PARALLEL_FROM, Progress, report, workers
from .urls import output_file
from .views import Page, SiteView
from .write import put


def make_environment(dirs: list[Path]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(
    env: jinja2.Environment, page: Page, site: SiteView
) -> tuple[bytes | None, Diagnostic | None]:
    try:
        template = env.get_template(page.template)
        html = template.render(site=site, page=page.view)
    except jinja2.TemplateSyntaxError as exc:
        pos = SourcePos(Path(exc.filename or exc.name or page.template), exc.lineno)
        return None, error(f"template error: {exc.message}", pos)
    except jinja2.TemplateNotFound as exc:
        return None, error(
            f"layout '{exc.name}' not found", _template_frame(exc), "add it to layouts/"
        )
    except Exception as exc:  # a template's own error: point at its line
        return None, error(f"template error in /{page.path}: {exc}", _template_frame(exc))
    return html.encode("utf-8"), None


def _template_frame(exc: BaseException) -> SourcePos | None:
    """The innermost template line of a rendering error (Jinja rewrites tracebacks)."""
    found = None
    for frame in traceback.extract_tb(sys.exc_info()[2] or exc.__traceback__):
        if frame.filename.endswith(".html"):
            found = SourcePos(Path(frame.filename), frame.lineno)
    return found


@dataclass(frozen=True)
class Output:
    """Where rendered pages go: files, or the folder into; kept and written name the rest."""

    files: dict[str, bytes]
    kept: set[str]  # taken as they are from the previous build's output
    written: dict[str, str]  # written into `into` as they were rendered: their digests
    into: Path | None
    problems: list[Diagnostic] = field(default_factory=list)  # pages that failed to render


def render_pages(
    pages: list[Page],
    env: jinja2.Environment,
    site_view: SiteView,
    stale: set[str] | None,
    lent: Mapping[str, bytes],
    earlier: frozenset[str],
    output: Output,
    progress: Progress,
    jobs: int,
) -> int:
    """Render the stale pages; the rest come from the previous build. A count.

    A build in the same process lends its bytes (lent); one on disk, its
    files: their names go to output.kept.
    """
    todo = []
    for page in pages:
        name = output_file(page.path)
        if not is_stale(page.path, stale):
            if name in lent:
                output.files[name] = lent[name]
                continue
            if name in earlier:
                output.kept.add(name)
                continue
        todo.append(page)
    results = _render_all(todo, _Rendering(env, site_view, output.into), progress, jobs)
    for page, (html, problem) in zip(todo, results, strict=True):
        if problem:
            output.problems.append(problem)
        elif isinstance(html, str):
            output.written[output_file(page.path)] = html
        elif html is not None:
            output.files[output_file(page.path)] = html
    return len(todo)


# A page's bytes, or the digest of its bytes once written into the tree; or what went wrong.
Rendered = tuple[bytes | str | None, Diagnostic | None]


@dataclass(frozen=True)
class _Rendering:
    """What rendering a page takes, inherited by forked workers as it is."""

    env: jinja2.Environment
    site_view: SiteView
    into: Path | None
    made: set[str] = field(default_factory=set)  # folders made in into, by this process

    def render(self, page: Page) -> Rendered:
        html, problem = render_page(self.env, page, self.site_view)
        if html is None or self.into is None:
            return html, problem
        return put(os.fspath(self.into), output_file(page.path), html, self.made), None


# Pages a worker must have when it sends their bytes back (no tree to write into,
# as in the dev server). The parent then receives every page through a pipe:
# at 10,000 guides, 300 pages rendered in 385 ms in the process, in 439 ms by
# two workers; 1,000 pages in 894 and 801 ms.
BYTES_BACK_FROM = 500

# What forked rendering workers find already in memory: the pages and how to render them.
_rendering: tuple[list[Page], _Rendering] | None = None


def _render_all(
    pages: list[Page], rendering: _Rendering, progress: Progress, jobs: int
) -> list[Rendered]:
    """Each page rendered, in order; spread over forked workers when there are many."""
    global _rendering
    count = workers(jobs, len(pages), PARALLEL_FROM if rendering.into else BYTES_BACK_FROM)
    if count == 1 or os.name != "posix":
        results = []
        for page in pages:
            results.append(rendering.render(page))
            report(progress, "rendering", len(results), len(pages))
        return results
    # Forked workers inherit the site, its views and the templates: only the
    # page numbers go to them, and only the bytes (or, for a page written
    # into the tree, the digest of its bytes) come back.
    _rendering = (pages, rendering)
    try:
        size = max(1, len(pages) // (count * 8))
        chunks = [
            range(start, min(start + size, len(pages))) for start in range(0, len(pages), size)
        ]
        results = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            for rendered in pool.map(_render_chunk, chunks):
                results += rendered
                report(progress, "rendering", len(results), len(pages))
        return results
    finally:
        _rendering = None


def _render_chunk(numbers: range) -> list[Rendered]:
    assert _rendering is not None, "only forked workers render chunks"
    pages, rendering = _rendering
    return [rendering.render(pages[n]) for n in numbers]
