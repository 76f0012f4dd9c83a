"""The careersite command line: options to an Options value, exit codes."""

from __future__ import annotations

import functools
import gc
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import children, fast_markdown, publish
from .diagnostics import (
    Diagnostic,
    display_path,
    format_github,
    format_text,
    has_failures,
    to_json,
)
from .incremental import fresh
from .incremental.cache import KEY_VARIABLE, NoKey, signing_key
from .options import Options, build_date
from .output import OutputError, cache_refusal, check_places, one_build_at_a_time
from .urls import base_url_problem

if TYPE_CHECKING:
    from .pipeline import BuildResult

# The pipeline (Jinja, Markdown, the front matter schema) is imported by the
# commands that build: a build with nothing to do, or --help, is spared a
# third of a second of imports.


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


future_option = click.option(
    "--future",
    is_flag=True,
    help="Also build guides dated after today (by default they wait for their date; "
    "SOURCE_DATE_EPOCH sets today).",
)


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
@future_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@jobs_option
@cache_option
@click.option(
    "--no-search",
    is_flag=True,
    help="Skip the search index: faster, for previews; the search page then says so.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary line.")
@click.option(
    "--explain",
    is_flag=True,
    help="Print what kind of build this is and why, and each page rendered with why.",
)
def build_command(  # noqa: PLR0913 - one parameter per option, as click passes them
    source: Path,
    output: Path,
    base_url: str | None,
    drafts: bool,
    future: bool,
    strict: bool,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
    no_search: bool,
    quiet: bool,
    explain: bool,
) -> None:
    """Build the site into the output folder."""
    started = time.perf_counter()
    output = _output_folder(source, output)
    cache = _cache_folder(source, cache_dir, no_cache)
    options = Options(
        source,
        output=output,
        base_url=base_url,
        drafts=drafts,
        future=future,
        strict=strict,
        jobs=jobs,
        cache=cache,
        search=not no_search,
    )
    check_places(output, source, cache)  # before building: touch nothing that may not be
    _hold(options, quiet)
    planned = _plan(options, explain)
    if planned.up_to_date:
        return _up_to_date(publish.settle(options, planned), output, strict, quiet, started)
    done = _publish(options, planned, quiet, explain)
    if not quiet:
        click.echo(_summary(done, output, time.perf_counter() - started), err=True)


def _output_folder(source: Path, output: Path) -> Path:
    """--output as given, or the default public/ in the site folder."""
    ctx = click.get_current_context()
    if ctx.get_parameter_source("output") is click.core.ParameterSource.DEFAULT:
        return source / output
    return output


def _plan(options: Options, explain: bool) -> publish.Plan:
    """What kind of build this is (publish.plan); with --explain, said with why."""
    planned = publish.plan(options)
    if explain:
        click.echo(f"{planned.kind} build: {planned.why}")
    return planned


def _hold(options: Options, quiet: bool) -> None:
    """What a build holds until the command ends: the output, the cache, and the process.

    One build, then the process ends: the cycle collector would only walk
    the growing site again and again (at 10,000 guides: cold 22.3 s -> 20.2 s,
    a one-guide rebuild 3.5 s -> 3.0 s, peak memory within 5 %).
    """
    ctx = click.get_current_context()
    gc.disable()
    ctx.call_on_close(gc.enable)  # for callers in the same process (tests)
    # SIGTERM to this process alone (kill PID, a CI step's timeout) cleans up as Ctrl-C does.
    ctx.with_resource(children.terminate_as_interrupt())
    # From judging the output to noting what it holds, no other build may write it.
    waiting = functools.partial(_waiting, options, quiet)
    ctx.with_resource(one_build_at_a_time(options.output, options.cache, waiting))


def _publish(
    options: Options, planned: publish.Plan, quiet: bool, explain: bool
) -> publish.Published:
    """publish.publish with progress on a terminal; exit status 1 when the site has errors.

    With explain, each page rendered, with why (the build's kind and why is told before).
    """
    display = _Progress(enabled=not quiet and sys.stderr.isatty())
    report = functools.partial(_report, output_format="text")
    try:
        done = publish.publish(options, planned, display, report)
    finally:
        display.done()
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, why in sorted(done.result.reasons.items()) if explain else ():
        click.echo(f"rendered /{path}: {why}")
    if done.result.failed:
        sys.exit(1)
    return done


def _waiting(options: Options, quiet: bool) -> None:
    if not quiet:
        click.echo(f"waiting for another careersite build of {options.output} to finish", err=True)


def _summary(done: publish.Published, output: Path, took: float) -> str:
    result = done.result
    pages = sum(1 for name in done.names if name.endswith(".html"))
    files = "file" if result.rendered == 1 else "files"
    partly = f" ({result.rendered} {files} rendered, the rest unchanged)" if result.kept else ""
    note = fast_markdown.note()  # a slower build: say why, once
    slower = f"\nnote: {note}" if note is not None else ""
    return f"built {pages} pages into {output} in {took:.2f} s{partly}{slower}"


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
@future_option
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
def check_command(  # noqa: PLR0913 - one parameter per option, as click passes them
    source: Path,
    drafts: bool,
    future: bool,
    strict: bool,
    output_format: str,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Report every problem in the site without writing anything (a cache only with --cache)."""
    from .pipeline import build, with_stale_figures

    cache = None if no_cache else cache_dir
    if cache is not None:
        # The output a build writes by default: a cache there would stop that build.
        refused = cache_refusal(cache, source, source / "public")
        if refused:
            raise OutputError(refused)
    cache = _keyed(cache)
    options = Options(source, drafts=drafts, future=future, strict=strict, jobs=jobs, cache=cache)
    result = with_stale_figures(build(options))
    _report(result.diagnostics, result.strict, output_format)
    if output_format == "text":
        _scheduled(result, options)
    sys.exit(1 if result.failed else 0)


def _scheduled(result: BuildResult, options: Options) -> None:
    """List the guides that wait for their date: a build leaves them out until then."""
    if result.reuse is None or options.future:
        return
    waiting = sorted(
        (article.date, display_path(article.source))
        for entry in result.reuse.read.loaded.values()
        if (article := entry.article) is not None
        and not article.draft
        and not options.builds(draft=False, date=article.date)
    )
    for date, path in waiting:
        click.echo(f"scheduled: {path} goes live on {date.isoformat()}", err=True)


@main.command("serve")
@source_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--drafts", is_flag=True, help="Show guides marked draft: true.")
@future_option
def serve_command(source: Path, host: str, port: int, drafts: bool, future: bool) -> None:
    """Preview the site with live reload; nothing is written to disk."""
    from .serve import serve

    serve(Options(source, drafts=drafts, future=future), host, port)


@main.command("new")
@click.argument("role")
@click.argument("city", required=False)
@source_option
def new_command(role: str, city: str | None, source: Path) -> None:
    """Write content/<role>/<city>.md (or the role overview) as a draft skeleton."""
    from . import scaffold
    from .config import load_config

    config, _ = load_config(source)
    # The build's day: with SOURCE_DATE_EPOCH set, a guide dated by the clock could wait.
    planned = scaffold.plan(source, config, role, city, build_date())
    scaffold.write(planned)
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
