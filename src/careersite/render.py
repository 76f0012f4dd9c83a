"""The Jinja environment, and turning pages' views into bytes.

Autoescape is on and undefined variables are errors. Layouts are looked up by
name in the site's layouts/ first, then in careersite's built-in layouts.
Layouts are rendered in Jinja's immutable sandbox: a layout comes with the
site, like its content, and may read the views it is given, but neither reach
Python (no attributes starting with an underscore, no internals of functions)
nor change what other pages are rendered from.
Many pages are rendered by this process and forked workers side by side
(see spread); on the command line each process writes the pages it renders
into the staging tree itself.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .assets import out_of_site, site_of
from .diagnostics import Diagnostic, SourcePos, error
from .incremental import cache
from .incremental.deps import Stale
from .output import put
from .parallel import PARALLEL_FROM, Progress, report, spread, workers
from .urls import output_file
from .views import Page, SiteView


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with a short way to the fields of careersite's views.

    The sandbox checks every attribute a layout reads; at 2,000 guides a build
    read 640,000, nearly all fields of views, and the checks made it 18 %
    slower. A view is a frozen dataclass of careersite's own: what a layout
    may not reach on it starts with an underscore, and what a field holds is
    checked again when the layout goes further.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.views: dict[type, bool] = {}  # by type: is it a view?

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        is_view = self.views.get(kind)
        if is_view is None:
            is_view = self.views[kind] = _is_view(kind)
        if is_view and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


def _is_view(kind: type) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return kind.__module__.startswith("careersite.") and params is not None and params.frozen


class _FileLoader(jinja2.FileSystemLoader):
    """Layouts by name from the first folder that has one as a regular file.

    Anything else (a pipe would block the build, a link out of the site
    folder is not ours to read) is passed over, as assets.check_layouts warns.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            site = site_of(Path(folder))
            if site is not None and out_of_site(Path(path), site):
                continue
            if os.path.isfile(path):
                one = jinja2.FileSystemLoader(folder, self.encoding, self.followlinks)
                return one.get_source(environment, template)
        raise jinja2.TemplateNotFound(template)


# Bump when make_environment's settings change: compiled layouts depend on them.
LAYOUT_CODE = 1


class _SealedBytecode(jinja2.BytecodeCache):
    """Compiled layouts kept in the build cache folder, sealed as its other files are.

    Lexing, parsing and compiling the layouts took 58 ms of every build at
    5,000 guides, a build after one edit included. Jinja's bytecode is a
    code object to run, so it is stored and checked like the cache's
    pickles (cache.write, cache.read): a file this user's careersite did not
    write is never loaded. Jinja itself checks that a layout's source is the
    one the code was compiled from.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.code = cache.digest(
            f"{LAYOUT_CODE} {cache.release()} {jinja2.__version__} {sys.version}".encode()
        )[:16]

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"layout-{self.code}-{bucket.key[:32]}.pickle"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        stored = cache.read(self.folder / self._name(bucket))
        if isinstance(stored, bytes):
            try:
                bucket.bytecode_from_string(stored)
            except (ValueError, EOFError, TypeError):  # not code of this Python
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write(self.folder, self._name(bucket), bucket.bytecode_to_string())


def make_environment(dirs: list[Path], cache_folder: Path | None = None) -> jinja2.Environment:
    """The layouts' environment; with cache_folder, compiled layouts are kept there."""
    return _Sandbox(
        loader=_FileLoader([str(d) for d in dirs]),
        bytecode_cache=_SealedBytecode(cache_folder) if cache_folder is not None else None,
        # HTML's escaping is XML's too (sitemap, feed); robots.txt is plain text,
        # and what it prints (base_url) holds no line break.
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True),
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
    except SecurityError as exc:
        return None, error(
            f"template error in /{page.path}: {exc}",
            _template_frame(exc),
            "a layout may use the views it is given, not Python's internals",
        )
    except MemoryError as exc:  # its message is empty
        return None, error(
            f"ran out of memory rendering /{page.path}",
            _template_frame(exc) or _layout_file(env, page.template),
            "look in the layout for a value it makes too large: a text or list multiplied, "
            "a long range",
        )
    except Exception as exc:  # a template's own error: point at its line
        return None, error(f"template error in /{page.path}: {exc}", _template_frame(exc))
    return html.encode("utf-8"), None


def _layout_file(env: jinja2.Environment, name: str) -> SourcePos | None:
    """Where the layout of that name is (an error while compiling it has no template frame)."""
    try:
        assert env.loader is not None
        filename = env.loader.get_source(env, name)[1]
    except (jinja2.TemplateError, OSError, UnicodeDecodeError, AssertionError):
        return None
    return SourcePos(Path(filename)) if filename else None


def _template_frame(exc: BaseException) -> SourcePos | None:
    """The innermost template line of a rendering error (Jinja rewrites tracebacks)."""
    found = None
    for frame in traceback.extract_tb(sys.exc_info()[2] or exc.__traceback__):
        if frame.filename.endswith(".html"):
            found = SourcePos(Path(frame.filename), frame.lineno)
    return found


@dataclass(kw_only=True)
class Output:
    """Where rendered pages go, and where the pages not rendered again come from.

    Not frozen: render_pages fills files, kept, written and problems.

    A rendered page goes to files, or into the folder into as it is rendered
    (its digest to written); a page not rendered again is taken from the
    build in the same process (lent: its bytes, to files) or from the output
    on disk (earlier: its name, to kept).
    """

    files: dict[str, bytes]
    into: Path | None = None
    # the files of into (a spare tree) that are not this build's, with their inodes (write.put)
    replaceable: Mapping[str, int] = field(default_factory=dict)
    lent: Mapping[str, bytes] = field(default_factory=dict)
    earlier: frozenset[str] = frozenset()
    kept: set[str] = field(default_factory=set)
    written: dict[str, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)  # pages that failed to render


@dataclass(frozen=True)
class Rendering:
    """The templates and the site's views: what every page is rendered with."""

    env: jinja2.Environment
    site_view: SiteView


def render_pages(
    pages: list[Page],
    rendering: Rendering,
    stale: Stale,
    output: Output,
    progress: Progress,
    jobs: int,
) -> dict[str, str]:
    """Render the stale pages; the rest come from the previous build. Each rendered one: why."""
    todo, reasons = [], {}
    for page in pages:
        name = output_file(page.path)
        why = stale.why(page.path)
        if why is None:
            if name in output.lent:
                output.files[name] = output.lent[name]
                continue
            if name in output.earlier:
                output.kept.add(name)
                continue
            why = "not in the previous output"
        todo.append(page)
        reasons[page.path] = why
    writing = _Writing(rendering.env, rendering.site_view, output.into, output.replaceable)
    results = _render_all(todo, writing, progress, jobs)
    for page, (html, problem) in zip(todo, results, strict=True):
        if problem:
            output.problems.append(problem)
        elif isinstance(html, str):
            output.written[output_file(page.path)] = html
        elif html is not None:
            output.files[output_file(page.path)] = html
    return reasons


T = TypeVar("T")
R = TypeVar("R")

# A page's bytes, or the digest of its bytes once written into the tree; or what went wrong.
Rendered = tuple[bytes | str | None, Diagnostic | None]


@dataclass  # not frozen: made grows as folders are made
class _Writing:
    """What rendering a page takes, inherited by forked workers as it is."""

    env: jinja2.Environment
    site_view: SiteView
    into: Path | None
    replaceable: Mapping[str, int]  # see Output
    made: set[str] = field(default_factory=set)  # folders made in into, by this process

    def render(self, page: Page) -> Rendered:
        html, problem = render_page(self.env, page, self.site_view)
        if html is None or self.into is None:
            return html, problem
        name = output_file(page.path)
        return put(os.fspath(self.into), name, html, self.made, replaceable=self.replaceable), None


# Pages a worker must have when it sends their bytes back (no tree to write into,
# as in the dev server). The parent then receives every page through a pipe:
# at 10,000 guides, 300 pages rendered in 385 ms in the process, in 439 ms by
# two workers; 1,000 pages in 894 and 801 ms.
BYTES_BACK_FROM = 500

# What forked rendering workers find already in memory: the pages and how to render them.
_rendering: tuple[list[Page], _Writing] | None = None


def _render_all(
    pages: list[Page], rendering: _Writing, progress: Progress, jobs: int
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
        return spread(_render_chunk, range(len(pages)), count, "rendering", progress)
    finally:
        _rendering = None


def _render_chunk(numbers: Sequence[int]) -> list[Rendered]:
    assert _rendering is not None, "chunks are rendered only within _render_all"
    pages, rendering = _rendering
    return [rendering.render(pages[n]) for n in numbers]
