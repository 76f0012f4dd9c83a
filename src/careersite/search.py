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

That still costs a whole bundle (about 2 s) for one edited guide. So a
rebuild may instead index only the pages changed since the bundles were made
into a small index of their own, the changes index, which search.js merges
too: results from it replace the bundles' results for the same pages, whose
Pagefind ids the listing names as stale. Once the changes pass
CHANGES_LIMIT pages, the bundles that hold them are indexed again and the
changes index goes. The index then depends on the builds before, not only on
the pages, so this is asked for (build --index-changes), not done by default.
"""

from __future__ import annotations

import contextlib
import gzip
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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import children
from .errors import CareersiteError
from .output import link_or_copy
from .urls import SEARCH_BUNDLE

PAGES_PER_BUNDLE = 1000  # about 300 MB and 2 s of Pagefind here; see README
CHANGES_LIMIT = 250  # pages in a changes index: Pagefind takes about 0.6 s for them
LISTING = "bundles.json"  # the bundles' folder names, read by search.js
_CHANGED = "changes.json"  # the pages a changes index stands for, for the next build
_CHANGES = "changes"  # the changes index's folder name starts with it
_FRAGMENT_SIGN = b"pagefind_dcd"  # before the JSON of each decompressed fragment
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


def index(  # noqa: PLR0913 - what the build knows of the tree before, each optional
    site_dir: Path,
    files: Iterable[str],
    previous: Path | None = None,
    kept: Collection[str] = (),
    per_bundle: int | None = None,
    jobs: int = 0,
    before: Collection[str] | None = None,
    changes: int = 0,
) -> None:
    """Index the pages among files (what site_dir holds) into site_dir/pagefind/.

    previous is an output tree whose bundles may be reused: a bundle is taken
    from it when every page of the bundle is named in kept (taken unchanged
    from previous) or has the same bytes there. Pass it only for a tree that
    is known to be as careersite wrote it. jobs caps how many Pagefind runs
    go at once (0: the number of cores).

    With changes (a page count, at most CHANGES_LIMIT being the usual) and
    before (the files previous holds), the pages changed since previous's
    bundles were made go into a changes index while they are at most that
    many, and every bundle is taken from previous.
    """
    pages = sorted(name for name in files if name.endswith(".html"))
    was = None
    if previous is not None:
        try:
            was = _Listing.read(previous)
        except _UnknownChanges:  # its bundles are not what its pages are: take none of them
            previous = None
    if changes and was is not None and before is not None:
        assert previous is not None
        if _index_changes(site_dir, pages, previous, was, kept, before, changes):
            return
    since = was.changed if was is not None else {}
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
        if previous is not None and _reusable(previous, site_dir, name, members, kept, since):
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
    _Listing([name for name in named if name not in empty], count).write(root)


class _UnknownChanges(Exception):
    """An index with a changes index whose pages are not known (changes.json is gone)."""


@dataclass(frozen=True)
class _Listing:
    """bundles.json: what search.js merges, and what a next build needs to know of it."""

    bundles: list[str]  # folder names, in order; the first one's pagefind.js is loaded
    count: int  # bundles the pages were spread over (empty ones are not listed)
    changes: str | None = None  # the changes index's folder name
    stale: tuple[str, ...] = ()  # Pagefind ids of the bundles' pages the changes replace
    changed: dict[str, str | None] = field(default_factory=dict)  # page -> id in the bundles

    @classmethod
    def read(cls, tree: Path) -> _Listing | None:
        """The listing of an output tree's index; None when there is none or it is older.

        Raises _UnknownChanges when it has a changes index whose pages cannot be read.
        """
        root = tree / SEARCH_BUNDLE
        try:
            data = json.loads((root / LISTING).read_text(encoding="utf-8"))
            bundles, count = [str(name) for name in data["bundles"]], int(data["count"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none, or from before changes indexes: bundles are compared page by page
        if not (data.get("changes") or data.get("stale")):
            return cls(bundles, count)
        try:
            changed = json.loads((root / _CHANGED).read_text(encoding="utf-8"))["pages"]
            return cls(
                bundles,
                count,
                data.get("changes"),
                tuple(str(key) for key in data.get("stale", ())),
                {str(page): None if key is None else str(key) for page, key in changed.items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _UnknownChanges from exc

    def write(self, root: Path) -> None:
        listing: dict[str, object] = {"bundles": self.bundles, "count": self.count}
        if self.changes is not None:
            listing["changes"] = self.changes
        if self.stale:
            listing["stale"] = list(self.stale)
        try:
            root.mkdir(exist_ok=True)
            (root / LISTING).write_text(json.dumps(listing), encoding="utf-8")
            if self.changed:
                book = {"pages": dict(sorted(self.changed.items()))}
                (root / _CHANGED).write_text(json.dumps(book, indent=0), encoding="utf-8")
        except OSError as exc:  # a full disk, say: the build fails and the output stays
            raise SearchIndexError(
                f"cannot write {SEARCH_BUNDLE}/{LISTING}: {exc.strerror}"
            ) from exc


def _index_changes(  # noqa: PLR0913 - index()'s arguments, as it passes them on
    site_dir: Path,
    pages: list[str],
    previous: Path,
    was: _Listing,
    kept: Collection[str],
    before: Collection[str],
    limit: int,
) -> bool:
    """Index the pages changed since previous's bundles into a changes index.

    Returns False, having written nothing, when they are more than limit:
    then the bundles that hold them are to be indexed again.
    """
    changed = dict(was.changed)
    fresh = [name for name in pages if name not in changed and name not in kept]
    new = [name for name in fresh if not _same(previous / name, site_dir / name)]
    now = set(pages)
    gone = [name for name in before if name.endswith(".html") and name not in now]
    gone = [name for name in gone if name not in changed]
    if len(changed) + len(new) + len(gone) > limit:
        return False
    # A page previous held and that was not changed then is in the bundles as it was.
    ids = _BundleIds(previous, was)
    held = set(before)
    for name in [*new, *gone]:
        changed[name] = ids.of(name) if name in held else None
    root = site_dir / SEARCH_BUNDLE
    for name in was.bundles:
        shutil.copytree(previous / SEARCH_BUNDLE / name, root / name, copy_function=link_or_copy)
    members = sorted(name for name in changed if name in now)
    digest = hashlib.sha256("\n".join([metadata.version("pagefind"), _LAYOUT]).encode())
    for name in members:
        digest.update(b"\0" + name.encode() + b"\0" + (site_dir / name).read_bytes())
    folder: str | None = f"{_CHANGES}-{digest.hexdigest()[:12]}"
    assert folder is not None
    if not _run_pagefind(site_dir, members, root / folder, _Turns(1)):
        folder = None
    # A page whose indexed text did not change has the same id in both: keep it.
    replaced = set(_fragment_ids(root / folder).values()) if folder is not None else set()
    stale = sorted({key for key in changed.values() if key is not None} - replaced)
    _Listing(was.bundles, was.count, folder, tuple(stale), changed).write(root)
    return True


class _BundleIds:
    """The Pagefind id of a page in previous's bundles, read from their fragments."""

    def __init__(self, previous: Path, was: _Listing) -> None:
        self._root = previous / SEARCH_BUNDLE
        self._count = was.count
        self._bundles = {name.split("-", 1)[0]: name for name in was.bundles}
        self._read: dict[str, dict[str, str]] = {}

    def of(self, page: str) -> str | None:
        bundle = self._bundles.get(str(_bundle_of(page, self._count)))
        if bundle is None:
            return None
        if bundle not in self._read:
            self._read[bundle] = _fragment_ids(self._root / bundle)
        return self._read[bundle].get(_page_url(page))


def _fragment_ids(bundle: Path) -> dict[str, str]:
    """A Pagefind index's pages: URL (as Pagefind saw it) -> the page's id."""
    ids = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_FRAGMENT_SIGN):
            ids[json.loads(data[len(_FRAGMENT_SIGN) :])["url"]] = path.stem
    return ids


def _page_url(name: str) -> str:
    """The URL Pagefind gives a page of the tree it reads, as in its fragments."""
    if name == "index.html" or name.endswith("/index.html"):
        return "/" + name[: -len("index.html")]
    return "/" + name


def _same(old: Path, new: Path) -> bool:
    try:
        return old.read_bytes() == new.read_bytes()
    except OSError:
        return False


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
    previous: Path,
    site_dir: Path,
    bundle: str,
    members: list[str],
    kept: Collection[str],
    since: Collection[str],
) -> bool:
    """Whether previous has the bundle and its pages hold what members hold now.

    since names the pages previous's changes index stands for: the bundle
    holds them as they were before.
    """
    if not (previous / SEARCH_BUNDLE / bundle).is_dir():
        return False
    return all(
        name not in since and (name in kept or _same(previous / name, site_dir / name))
        for name in members
    )


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
