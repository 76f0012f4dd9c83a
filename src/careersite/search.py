"""The site's search index, built by Pagefind over the written tree.

Pagefind's PyPI package ships its binary, so nothing is downloaded at run time.
It reads each page's <html lang> and stems German words; only the parts of a
page marked data-pagefind-body (guides and hubs) are indexed.

Pagefind has no incremental mode, and its time and memory grow with the pages
it sees. So the pages are split into bundles of about PAGES_PER_BUNDLE, each a
Pagefind index of its own, which search.js merges with pagefind.mergeIndex. A
page's bundle depends only on its path and the number of bundles, and a
bundle's folder is named by what it holds, so a rebuild indexes again only the
bundles whose pages changed and links the others from the previous output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from . import children
from .errors import CareersiteError
from .output import link_or_copy
from .urls import SEARCH_BUNDLE

PAGES_PER_BUNDLE = 1000  # about 300 MB and 2 s of Pagefind here; see README
LISTING = "bundles.json"  # the bundles' folder names, read by search.js
_FARM = ".careersite-index"  # a bundle's pages, linked, while Pagefind reads them
_MARK = b"data-pagefind-body"  # on the part of a page Pagefind indexes
_BUILDING = "[Building search indexes]"  # Pagefind's log, once it has read the pages
# Pagefind's ready-made search interfaces: search.js uses its API (pagefind.js)
# alone, so these are left out of each bundle (about 420 KB, 7 files).
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
_LAYOUT = "without-ui"  # in each bundle's name: bundles made before the trim are not reused
TIMEOUT = 600  # seconds one Pagefind run may take


class SearchIndexError(CareersiteError):
    """Pagefind failed; the message carries what it said."""


def index(
    site_dir: Path,
    files: Iterable[str],
    previous: Path | None = None,
    kept: Collection[str] = (),
    per_bundle: int | None = None,
    jobs: int = 0,
) -> None:
    """Index the pages among files (what site_dir holds) into site_dir/pagefind/.

    previous is an output tree whose bundles may be reused: a bundle is taken
    from it when every page of the bundle is named in kept (taken unchanged
    from previous) or has the same bytes there. Pass it only for a tree that
    is known to be as careersite wrote it. jobs caps how many Pagefind runs
    go at once (0: the number of cores).
    """
    pages = sorted(name for name in files if name.endswith(".html"))
    count = max(1, -(-len(pages) // (per_bundle or PAGES_PER_BUNDLE)))
    bundles: list[list[str]] = [[] for _ in range(count)]
    for name in pages:
        bundles[_bundle_of(name, count)].append(name)
    version = metadata.version("pagefind")
    root = site_dir / SEARCH_BUNDLE
    named: dict[str, list[str]] = {}
    for number, members in enumerate(bundles):
        if members:
            digest = hashlib.sha256("\n".join([version, _LAYOUT, str(count), *members]).encode())
            named[f"{number}-{digest.hexdigest()[:12]}"] = members
    todo = []
    for name, members in named.items():
        if previous is not None and _reusable(previous, site_dir, name, members, kept):
            shutil.copytree(
                previous / SEARCH_BUNDLE / name, root / name, copy_function=link_or_copy
            )
        else:
            todo.append(name)
    # Two runs at a time keep two cores busy: one reads pages while one builds.
    turns = _Turns(max(1, min(jobs or os.cpu_count() or 1, 2)))

    def run(name: str) -> bool:
        return _run_pagefind(site_dir, named[name], root / name, turns)

    with ThreadPoolExecutor(turns.runs) as pool:
        try:
            made = list(pool.map(run, todo))
        except BaseException:  # a run failed, or this build is stopped: end the others now
            turns.stop()
            raise
        empty = {name for name, done in zip(todo, made, strict=True) if not done}
    listing = {"bundles": [name for name in named if name not in empty]}
    try:
        root.mkdir(exist_ok=True)
        (root / LISTING).write_text(json.dumps(listing), encoding="utf-8")
    except OSError as exc:  # a full disk, say: the build fails and the output stays
        raise SearchIndexError(f"cannot write {SEARCH_BUNDLE}/{LISTING}: {exc.strerror}") from exc


class _Turns:
    """Whose turn it is to read pages and to build an index, among Pagefind runs.

    A run first reads its pages, on every core and in little memory (about
    110 MB per 1,000 pages), then builds the index on one core, holding most
    of its memory (about 290 MB). Two runs that build at once need twice
    that. So one run builds while the next reads; a run that is done reading
    while another still builds is paused (SIGSTOP) until that one ends.
    Once stopped, the runs are killed and no other starts.
    """

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self._turn = threading.Condition()
        self._reading = 0
        self._building = 0
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def start(self) -> None:
        """Wait until this run may read its pages."""
        with self._turn:
            self._turn.wait_for(
                lambda: self._stopped or (self._reading == 0 and self._building < self.runs)
            )
            if self._stopped:
                raise SearchIndexError("the search index was stopped")
            self._reading += 1

    def started(self, process: subprocess.Popen[str]) -> None:
        with self._turn:
            self._running.add(process)
            if self._stopped:
                process.kill()

    def stop(self) -> None:
        """Kill the runs under way; start no other."""
        with self._turn:
            self._stopped = True
            for process in self._running:
                with contextlib.suppress(OSError):
                    process.kill()
            self._turn.notify_all()

    def build(self, process: subprocess.Popen[str]) -> None:
        """This run has read its pages: wait (paused) until it may build."""
        with self._turn:
            paused = self._building > 0 and os.name == "posix"
            if paused:
                process.send_signal(signal.SIGSTOP)
            try:
                self._turn.wait_for(lambda: self._building == 0 or self._stopped)
            finally:
                if paused:
                    process.send_signal(signal.SIGCONT)
            self._reading -= 1
            self._building += 1
            self._turn.notify_all()

    def end(self, built: bool, process: subprocess.Popen[str] | None = None) -> None:
        with self._turn:
            if process is not None:
                self._running.discard(process)
            if built:
                self._building -= 1
            else:
                self._reading -= 1
            self._turn.notify_all()


def _bundle_of(name: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest()) % count


def _reusable(
    previous: Path, site_dir: Path, bundle: str, members: list[str], kept: Collection[str]
) -> bool:
    """Whether previous has the bundle and its pages hold what members hold now."""
    if not (previous / SEARCH_BUNDLE / bundle).is_dir():
        return False
    for name in members:
        if name in kept:
            continue
        try:
            if (previous / name).read_bytes() != (site_dir / name).read_bytes():
                return False
        except OSError:
            return False
    return True


def _run_pagefind(site_dir: Path, members: list[str], bundle: Path, turns: _Turns) -> bool:
    """Index members into bundle; False when none of them is to be indexed.

    Pagefind reads a folder, so the members are linked into one. Only pages
    with data-pagefind-body go there: in a run without any, Pagefind would
    index every page whole. Its log says when it has read them (see _Turns).
    """
    indexed = [name for name in members if _MARK in (site_dir / name).read_bytes()]
    if not indexed:
        return False
    farm = site_dir / f"{_FARM}-{bundle.name}"
    shutil.rmtree(farm, ignore_errors=True)
    for name in indexed:
        target = farm / name
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site_dir / name, target)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(farm),
        "--output-path",
        str(bundle),
    ]
    said: list[str] = []
    built = False
    late = threading.Event()
    process: subprocess.Popen[str] | None = None
    turns.start()
    try:
        with subprocess.Popen(
            children.command(command),  # ends with this process, even when it is killed
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "RUST_BACKTRACE": "0"},  # a panic's message, not its frames
        ) as process:
            turns.started(process)

            def stop() -> None:
                late.set()
                process.kill()

            watchdog = threading.Timer(TIMEOUT, stop)
            watchdog.start()
            try:
                assert process.stdout is not None
                for line in process.stdout:  # its log, a step a line, as it goes
                    said.append(line.rstrip())
                    if line.startswith(_BUILDING) and not built:
                        turns.build(process)
                        built = True
            finally:
                watchdog.cancel()
            code = process.wait()
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc
    finally:
        turns.end(built, process)
        shutil.rmtree(farm, ignore_errors=True)
    if late.is_set():
        raise SearchIndexError(f"could not run Pagefind: it took longer than {TIMEOUT} s")
    if code != 0:
        told = [line for line in said if line.strip() and not line.startswith(("note:", " "))]
        raise SearchIndexError(f"Pagefind failed: {told[-1] if told else f'exit {code}'}")
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return True
