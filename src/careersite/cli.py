"""The careersite command line: options to an Options value, exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import os
import pickle
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from . import children, fresh
from .assets import layout_dirs
from .cache import KEY_VARIABLE, NoKey, digest, dumps, signing_key
from .diagnostics import Diagnostic, format_github, format_text, has_failures, to_json
from .urls import SEARCH_BUNDLE, base_url_problem
from .write import (
    MARKER,
    SPARE,
    OutputError,
    cache_refusal,
    discard,
    one_build_at_a_time,
    recover,
    refusal,
    stage,
    take_spare,
    write_output,
)

# The pipeline (Jinja, Markdown, the front matter schema) is imported by the
# commands that build: a build with nothing to do, or --help, is spared a
# third of a second of imports.

T = TypeVar("T")


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and base_url_problem(value):
        raise click.BadParameter(
            f"the URL {base_url_problem(value)}; "
            "use an absolute URL such as https://example.org/karriere/"
        )
    return value


source_option = click.option(
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site folder (with content/, data/, layouts/).",
)


jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Processes for reading, rendering and indexing (default 0: one per core).",
)


def cache_option(command: Any) -> Any:
    command = click.option(
        "--no-cache", is_flag=True, help="Neither read nor write the build cache."
    )(command)
    return click.option(
        "--cache",
        "cache_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Build cache folder (default: .careersite-cache in the site folder).",
    )(command)


def _cache_folder(source: Path, cache_dir: Path | None, no_cache: bool) -> Path | None:
    if no_cache:
        return None
    return _keyed(cache_dir if cache_dir is not None else source / ".careersite-cache")


def _keyed(folder: Path | None) -> Path | None:
    """folder, when the key that seals the cache's files can be had; else None, with a note."""
    if folder is None:
        return None
    try:
        signing_key()
    except NoKey as exc:
        click.echo(f"note: building without the build cache: {exc}; set {KEY_VARIABLE}", err=True)
        return None
    return folder


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="careersite")
def main() -> None:
    """careersite: a static site generator for career guides."""


@main.command("build")
@source_option
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("public"),
    show_default=True,
    help="Output folder; by default public/ inside the site folder.",
)
@click.option("--base-url", callback=_base_url, help="Override base_url from data/site.yaml.")
@click.option("--drafts", is_flag=True, help="Build guides marked draft: true.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@jobs_option
@cache_option
@click.option(
    "--no-search",
    is_flag=True,
    help="Skip the search index (Pagefind): faster, for previews; the search page then says so.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary line.")
def build_command(
    source: Path,
    output: Path,
    base_url: str | None,
    drafts: bool,
    strict: bool,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
    no_search: bool,
    quiet: bool,
) -> None:
    """Build the site into the output folder."""
    started = time.perf_counter()
    # One build, then the process ends: the cycle collector would only walk
    # the growing site again and again (at 10,000 guides: cold 22.3 s -> 20.2 s,
    # a one-guide rebuild 3.5 s -> 3.0 s, peak memory within 5 %).
    gc.disable()
    ctx = click.get_current_context()
    ctx.call_on_close(gc.enable)  # for callers in the same process (tests)
    if ctx.get_parameter_source("output") is click.core.ParameterSource.DEFAULT:
        output = source / output  # the default public/ lives in the site folder
    cache = _cache_folder(source, cache_dir, no_cache)
    reason = refusal(output, source)
    if reason is None and cache is not None:
        reason = cache_refusal(cache, source, output)
    if reason:  # before building: a build that cannot be written must not touch anything
        click.echo(f"error: {reason}", err=True)
        sys.exit(1)

    def waiting() -> None:
        if not quiet:
            click.echo(f"waiting for another careersite build of {output} to finish", err=True)

    # SIGTERM to this process alone (kill PID, a CI step's timeout) cleans up as Ctrl-C does.
    ctx.with_resource(children.terminate_as_interrupt())
    # Until this command ends: from judging the output to noting what it holds.
    ctx.with_resource(one_build_at_a_time(output, cache, waiting))
    settings = (base_url, drafts, no_search)  # the options that shape the output
    record, previous, matching = fresh.load(cache), None, None
    trusted = record.known if record is not None else None
    found = fresh.fingerprints(source, layout_dirs(source), settings, trusted) if cache else None
    recover(output)  # what an interrupted build left, before judging the output
    if found is not None:
        matching = fresh.untouched(record, output)
    if found is not None and matching is not None:
        if matching.inputs == found.inputs:
            # Known by content (restored): note the new stamps. Sources written
            # just before the last build were read again this time: note that
            # they have settled, so that the next build need not read them.
            if matching is not record or found.known != matching.known:
                fresh.save(cache, dataclasses.replace(matching, known=found.known))
            _up_to_date(matching, output, strict, quiet, started)
            return
        previous = fresh.previous(matching, found)
    from . import search
    from .pipeline import BuildResult, Options, build

    options = Options(source, output, base_url, drafts, strict, jobs, cache)
    display = _Progress(enabled=not quiet and sys.stderr.isatty())
    digests = found.sources if found is not None else None
    try:
        # Pages are written into the new tree as they are rendered; the
        # output is replaced only once the whole build succeeded.
        staged = stage(output, source)
    except OutputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    # The tree the last build swapped out, kept as the spare: the output as it
    # was before that build, mostly the same files. Taken only when this build
    # takes files from the output and they are the very ones (inodes) noted.
    present: dict[str, int] = {}  # its files, with their inodes: the output's
    if cache is not None:
        same_inodes = matching is record and previous is not None
        last = matching.spare if matching is not None and same_inodes else None
        if matching is None or last is None:
            take_spare(staged, cache / SPARE, None, ())  # deletes it
        elif take_spare(staged, cache / SPARE, last.token, last.stale):
            present = {name: matching.files[name][2] for name in last.present(matching.files)}

    def build_here() -> BuildResult:
        try:
            built = build(
                options,
                progress=display,
                previous=previous,
                digests=digests,
                into=staged,
                replaceable=present,
            )
        finally:
            display.done()
        # What the build lends a next one in the same process (the whole site)
        # is of no use here; nor are the pages of a failed build.
        return dataclasses.replace(built, reuse=None, files={} if built.failed else built.files)

    try:
        # Pagefind's runs after the build are its peak of memory: a build that
        # indexes runs apart, so that its memory is given back before them.
        result = build_here() if no_search else _apart(build_here)
    except OutputError as exc:
        discard(staged)
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except BaseException:
        discard(staged)
        raise
    _report(result.diagnostics, result.strict, "text")
    if result.failed:
        discard(staged)
        sys.exit(1)
    display("writing and indexing", 0, 0)
    names = [*result.files, *result.written, *result.kept]  # everything the output will hold
    # The output now is the next build's spare when that build may find most
    # of its files still in place: when this build took most from the output.
    spare = None
    mostly_kept = len(result.kept) > len(result.files) + len(result.written)
    if cache is not None and previous is not None and matching is not None and mostly_kept:
        spare = (cache / SPARE, secrets.token_hex(8))  # the token names it
    try:
        # Search bundles may be taken from the output only when it is as the record says.
        reuse = output.resolve() if previous is not None else None
        index = (
            None
            if no_search
            else functools.partial(
                search.index, files=names, previous=reuse, kept=result.kept, jobs=jobs
            )
        )

        def note_output() -> None:
            """Note what the output now holds, for the next build to trust it."""
            if cache is None or found is None:
                return
            try:
                if previous is not None and matching is not None:  # most files kept as they were
                    new = [*result.files, *result.written, MARKER, SEARCH_BUNDLE]
                    files = fresh.manifest_after(output, matching.files, result.kept, new)
                else:
                    files = fresh.manifest(output)
                made = {name: digest(content) for name, content in result.files.items()}
                made.update(result.written)
                linked_from = matching if previous is not None else None
                swapped = None
                if spare is not None and matching is not None:
                    swapped = fresh.Spare.between(spare[1], matching.files, files)
                written = fresh.Record(
                    found.inputs,
                    found.basis,
                    str(output.resolve()),
                    files,
                    result.diagnostics,
                    result.inputs,
                    found.known,
                    fresh.output_digests(output, files, made, linked_from),
                    swapped,
                )
            except OSError as exc:  # another program changed the output meanwhile
                fresh.forget(cache)
                click.echo(
                    f"warning: {output} changed while it was written ({exc.strerror}: "
                    f"{exc.filename}); the next build checks all of it",
                    err=True,
                )
                return
            fresh.save(cache, written)

        write_output(
            result.files,
            output,
            source,
            finish=index,
            keep=result.kept,
            meanwhile=note_output,
            staged=staged,
            present=present,
            written=result.written,
            spare=spare,
        )
    except (OutputError, search.SearchIndexError) as exc:
        display.done()
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    display.done()
    if quiet:
        return
    pages = sum(1 for name in names if name.endswith(".html"))
    took = time.perf_counter() - started
    files = "file" if result.rendered == 1 else "files"
    partly = f" ({result.rendered} {files} rendered, the rest unchanged)" if result.kept else ""
    click.echo(f"built {pages} pages into {output} in {took:.2f} s{partly}", err=True)


_task: Callable[[], Any] | None = None  # what _apart's child runs


def _apart(task: Callable[[], T]) -> T:
    """task() run in a forked child process; what it returns or raises.

    Python keeps the memory of freed objects for reuse: after a build of
    10,000 guides this process held 150 MB, of which about 10 MB were live,
    beside Pagefind's runs. A child's memory goes back to the system when it
    ends. Passing the result back costs a rebuild after one edit about 0.07 s.
    """
    global _task
    if os.name != "posix":
        return task()
    _task = task
    try:
        with children.pool(1) as pool:
            return cast(T, pickle.loads(pool.submit(_run_task).result()))
    finally:
        _task = None


def _run_task() -> bytes:
    assert _task is not None, "only _apart's child runs the task"
    return dumps(_task())


def _up_to_date(
    record: fresh.Record, output: Path, strict: bool, quiet: bool, started: float
) -> None:
    """Nothing the output depends on changed: report as that build did, touch nothing."""
    _report(record.diagnostics, strict, "text")
    if has_failures(record.diagnostics, strict):
        sys.exit(1)
    if not quiet:
        pages = sum(1 for name in record.files if name.endswith(".html"))
        took = time.perf_counter() - started
        click.echo(
            f"{output} is up to date: {pages} pages, nothing changed ({took:.2f} s)", err=True
        )


@main.command("check")
@source_option
@click.option("--drafts", is_flag=True, help="Check drafts as they would be built.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
)
@jobs_option
@cache_option
def check_command(
    source: Path,
    drafts: bool,
    strict: bool,
    output_format: str,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Report every problem in the site without writing anything (a cache only with --cache)."""
    from .pipeline import Options, build

    cache = None if no_cache else cache_dir
    # The output a build writes by default: a cache there would stop that build.
    reason = cache_refusal(cache, source, source / "public") if cache is not None else None
    if reason:
        click.echo(f"error: {reason}", err=True)
        sys.exit(1)
    cache = _keyed(cache)
    result = build(Options(source, drafts=drafts, strict=strict, jobs=jobs, cache=cache))
    _report(result.diagnostics, result.strict, output_format)
    sys.exit(1 if result.failed else 0)


@main.command("serve")
@source_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--drafts", is_flag=True, help="Show guides marked draft: true.")
def serve_command(source: Path, host: str, port: int, drafts: bool) -> None:
    """Preview the site with live reload; nothing is written to disk."""
    from .pipeline import Options
    from .serve import serve

    serve(Options(source, drafts=drafts), host, port)


@main.command("new")
@click.argument("role")
@click.argument("city", required=False)
@source_option
def new_command(role: str, city: str | None, source: Path) -> None:
    """Write content/<role>/<city>.md (or the role overview) as a draft skeleton."""
    from . import scaffold
    from .config import load_config

    config, _ = load_config(source)
    try:
        planned = scaffold.plan(source, config, role, city, dt.date.today())
        scaffold.write(planned)
    except scaffold.ScaffoldError as exc:
        click.echo(f"error: {exc}", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(1)
    click.echo(f"wrote {planned.path} (a draft: set draft: false to publish)", err=True)
    for note in planned.notes:
        click.echo(f"note: {note}", err=True)


@main.command("lsp")
def lsp_command() -> None:
    """Run the language server on stdin/stdout: check, completion and hover in editors."""
    from .lsp import run

    run()


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the front matter (for editors)."""
    from . import schema

    click.echo(schema.json_schema())


class _Progress:
    """One self-overwriting status line on a terminal; nothing in CI or with --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        counted = f" {done:,}/{total:,}" if total else " …"
        click.echo(f"\r\x1b[K{stage}{counted}", err=True, nl=False)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.shown = False


def _report(diagnostics: tuple[Diagnostic, ...], strict: bool, output_format: str) -> None:
    if output_format == "json":
        click.echo(to_json(diagnostics, strict))
        return
    formatter = format_github if output_format == "github" else format_text
    stream_is_stdout = output_format == "github"
    for diagnostic in diagnostics:
        click.echo(formatter(diagnostic, strict), err=not stream_is_stdout)
