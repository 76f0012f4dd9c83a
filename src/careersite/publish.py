"""Publish a build: decide what kind it is, build into a staging tree, swap it in.

plan() compares what the build would read with the build cache's record of
the last build (fresh.Record) and the output on disk, and finds one of three:

- up to date: the output is what this build would write; it is left alone
  and the recorded diagnostics are told again (settle);
- incremental: the output was written from the same data and options and
  is untouched since; only pages whose inputs changed are rendered, the
  rest are taken from the output as they are (fresh.Previous);
- full: every page is rendered.

publish() then builds into a staging tree (write.staging), which may be the
spare tree the last build swapped out, and commits it: the search index,
the swap, and the record that lets the next build trust the output.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from . import children, url_changes
from .assets import layout_dirs
from .diagnostics import Diagnostic, ordered
from .incremental import fresh
from .incremental.cache import digest, dumps
from .options import Options
from .output import MARKER, SPARE, recover, staging, take_spare, write_output
from .urls import SEARCH_BUNDLE

if TYPE_CHECKING:  # the pipeline is imported only by a build that renders
    from .pipeline import BuildResult

T = TypeVar("T")


class Display(Protocol):
    """Progress as the command line shows it: a stage and a count, cleared by done()."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...

    def done(self) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Plan:
    """What kind of build this is, judged before anything is rendered (see the module)."""

    record: fresh.Record | None  # the build cache's record of the last written build
    found: fresh.Fingerprints | None  # what this build would read; None without the cache
    matching: fresh.Record | None  # the record, when the output on disk is what it says
    previous: fresh.Previous | None  # what an incremental build takes from the output

    @property
    def up_to_date(self) -> bool:
        return (
            self.found is not None
            and self.matching is not None
            and self.matching.inputs == self.found.inputs
        )

    @property
    def kind(self) -> str:
        if self.up_to_date:
            return "up-to-date"
        return "full" if self.previous is None else "incremental"

    @property
    def why(self) -> str:
        """Why the build is of its kind, as `careersite build --explain` tells."""
        if self.found is None:
            return "the build cache is off, so nothing is known of an earlier build"
        if self.record is None:
            return "the build cache holds no record of an earlier build"
        if self.matching is None:
            return "the output is not what the last build wrote (changed, moved or missing)"
        if self.up_to_date:
            return "nothing the output depends on changed since the last build"
        if self.previous is None:
            return "data/, the build options or careersite changed since the last build"
        return "the output is the last build's, from the same data and options"


@dataclass(frozen=True, kw_only=True)
class Published:
    """What a build did: its result and, when it was written, what the output holds."""

    result: BuildResult
    names: tuple[str, ...] = ()  # every file the output holds now; () when it failed
    warnings: tuple[str, ...] = ()  # what went wrong after the swap (the record)


def plan(options: Options) -> Plan:
    """The kind of build options ask for, with what it may take from the last one.

    An interrupted build's leftovers are cleared first (write.recover): the
    output is judged as it will be written over.
    """
    cache = options.cache
    record = fresh.load(cache)
    found = None
    if cache is not None:
        trusted = record.known if record is not None else None
        dirs = layout_dirs(options.source)
        found = fresh.fingerprints(options.source, dirs, options.shaping, trusted)
    recover(options.output)
    matching = fresh.untouched(record, options.output) if found is not None else None
    judged = Plan(record=record, found=found, matching=matching, previous=None)
    if found is None or matching is None or judged.up_to_date:
        return judged
    return dataclasses.replace(judged, previous=fresh.previous(matching, found))


def settle(options: Options, plan: Plan) -> fresh.Record:
    """The record of the output in place, for an up-to-date build; noted anew when it learned.

    Known by content (an output restored from a CI cache) it gets the stamps
    of now; sources written just before the last build were read again this
    time: noted as settled, the next build need not read them.
    """
    assert plan.found is not None and plan.matching is not None, "only an up-to-date plan"
    if plan.matching is not plan.record or plan.found.known != plan.matching.known:
        fresh.save(options.cache, dataclasses.replace(plan.matching, known=plan.found.known))
    return plan.matching


def publish(
    options: Options,
    plan: Plan,
    display: Display,
    report: Callable[[tuple[Diagnostic, ...], bool], None],
) -> Published:
    """Build as planned into a staging tree and, unless it failed, swap it in.

    report(diagnostics, strict) hears the build's problems as soon as it has
    them, before the search index is made. Failures that are not the site's
    (an output that cannot be written, Pagefind failing) raise CareersiteError;
    either way the output stays as it was.
    """
    with staging(options.output, options.source) as staged:
        present = _take_spare(options.cache, plan, staged)
        render = functools.partial(_render, options, plan, staged, present, display)
        # Pagefind's runs after the build are its peak of memory: a build that
        # indexes runs apart, so that its memory is given back before them.
        result = _apart(render) if options.search else render()
        report(result.diagnostics, result.strict)
        if result.failed:
            return Published(result=result)
        display("writing and indexing", 0, 0)
        warnings = _commit(options, plan, result, staged, present)
    return Published(result=result, names=result.names, warnings=warnings)


def _take_spare(cache: Path | None, plan: Plan, staged: Path) -> dict[str, int]:
    """The output's files the staging tree holds already, with their inodes.

    The tree the last build swapped out is kept as the spare: the output as
    it was before that build, mostly the same files. It becomes the staging
    tree only when this build takes files from the output and they are the
    very ones (inodes) the record noted; else it is deleted.
    """
    if cache is None:
        return {}
    matching = plan.matching
    same_inodes = matching is plan.record and plan.previous is not None
    last = matching.spare if matching is not None and same_inodes else None
    if matching is None or last is None:
        take_spare(staged, cache / SPARE, None, ())  # deletes it
        return {}
    if not take_spare(staged, cache / SPARE, last.token, last.stale):
        return {}
    return {name: matching.files[name].inode for name in last.present(matching.files)}


def _render(
    options: Options, plan: Plan, staged: Path, present: Mapping[str, int], display: Display
) -> BuildResult:
    """The pipeline's build, its pages written into staged as they are rendered."""
    from .pipeline import Into, build

    try:
        built = build(
            options,
            plan.previous,
            known=plan.found.sources if plan.found is not None else None,
            progress=display,
            into=Into(staged, present),
        )
    finally:
        display.done()
    if plan.record is not None and built.reuse is not None:  # guides moved since it
        moved = url_changes.changed(plan.record.urls, built.reuse.linked.site)
        built = dataclasses.replace(built, diagnostics=tuple(ordered([*built.diagnostics, *moved])))
    # What the build lends a next one in the same process (the whole site)
    # is of no use here; nor are the pages of a failed build.
    return dataclasses.replace(built, reuse=None, files={} if built.failed else built.files)


def _commit(
    options: Options,
    plan: Plan,
    result: BuildResult,
    staged: Path,
    present: Mapping[str, int],
) -> tuple[str, ...]:
    """Index the staged tree, swap it in, and note what the output now holds; warnings."""
    from . import search

    warnings: list[str] = []
    spare = None
    # The output now is the next build's spare when that build may find most
    # of its files still in place: when this build took most from the output.
    mostly_kept = len(result.kept) > len(result.files) + len(result.written)
    if options.cache is not None and plan.previous is not None and mostly_kept:
        spare = (options.cache / SPARE, secrets.token_hex(8))  # the token names it
    index = None
    if options.search:
        # The index's postings may be taken from the cache only when the output is
        # as the record says: then its pages and index are the ones they were made with.
        index = functools.partial(
            search.index,
            files=result.names,
            jobs=options.jobs,
            cache=options.cache,
            previous=options.output.resolve() if plan.previous is not None else None,
            kept=result.kept,
        )
    token = spare[1] if spare is not None else None
    write_output(
        result.files,
        options.output,
        options.source,
        finish=index,
        keep=result.kept,
        meanwhile=lambda: _note_output(options, plan, result, token, warnings.append),
        staged=staged,
        present=present,
        written=result.written,
        spare=spare,
    )
    return tuple(warnings)


def _note_output(
    options: Options,
    plan: Plan,
    result: BuildResult,
    spare_token: str | None,
    warn: Callable[[str], None],
) -> None:
    """Record what the output now holds, for the next build to trust it."""
    cache, found, matching, output = options.cache, plan.found, plan.matching, options.output
    if cache is None or found is None:
        return
    try:
        if plan.previous is not None and matching is not None:  # most files kept as they were
            new = [*result.files, *result.written, MARKER, SEARCH_BUNDLE]
            files = fresh.manifest_after(output, matching.files, result.kept, new)
        else:
            files = fresh.manifest(output)
        made = {name: digest(content) for name, content in result.files.items()}
        made.update(result.written)
        linked_from = matching if plan.previous is not None else None
        swapped = None
        if spare_token is not None and matching is not None:
            swapped = fresh.Spare.between(spare_token, matching.files, files)
        record = fresh.Record(
            inputs=found.inputs,
            basis=found.basis,
            output=str(output.resolve()),
            files=files,
            diagnostics=result.diagnostics,
            built=result.inputs,
            known=found.known,
            digests=fresh.output_digests(output, files, made, linked_from),
            spare=swapped,
            urls=dict(result.urls),
        )
    except OSError as exc:  # another program changed the output meanwhile
        fresh.forget(cache)
        warn(
            f"{output} changed while it was written ({exc.strerror}: {exc.filename}); "
            "the next build checks all of it"
        )
        return
    fresh.save(cache, record)


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
