"""kill -9 in the middle of `careersite build`: the output is never half old, half new.

A generated site (tests/benchmarks/corpus.py) is built over and over, in two
versions A and B that differ in one guide, and each build is killed with
SIGKILL at a moment drawn from a seeded random generator: either anywhere in
the run, or after the staging folder appeared (writing, indexing, swapping).
After every kill the output folder is absent (before any build finished), or
byte for byte the tree that was there before, or the complete new tree. Every
few rounds a build runs to its end: it must succeed, give the exact tree and
leave no `.public.careersite-new`/`-old` behind.

Outcomes depend on timing, the claims never do: no assertion is about time.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

GUIDES = 150  # about two seconds per build on a quiet machine, index included
ROUNDS = 25
COMPLETE_EVERY = 5  # every fifth round runs to the end
SEED = 20261101
LOOP_BUDGET = 240.0  # seconds for the rounds; a slow machine runs fewer, never longer
POLL = 0.002

Tree = dict[str, bytes]


def snapshot(folder: Path) -> Tree | None:
    """Every file below folder with its bytes, or None when folder does not exist."""
    if not folder.exists():
        return None
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def differences(found: Tree | None, expected: Tree | None) -> str:
    if found is None or expected is None:
        shown = {True: "nothing", False: "a tree"}
        return f"found {shown[found is None]}, expected {shown[expected is None]}"
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    changed = sorted(name for name in set(found) & set(expected) if found[name] != expected[name])
    return f"missing {missing[:5]}, extra {extra[:5]}, changed {changed[:5]}"


def command(site: Path, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "careersite",
        "build",
        "--source",
        str(site),
        "--output",
        str(output),
    ]


def start(site: Path, output: Path) -> subprocess.Popen[bytes]:
    # Its own process group, so the kill also reaches the search indexer it runs.
    return subprocess.Popen(
        command(site, output),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def staging_of(output: Path) -> Path:
    return output.with_name(f".{output.name}.careersite-new")


def wait_for_staging(process: subprocess.Popen[bytes], output: Path, limit: float = 300) -> None:
    """Until the build has begun writing (its staging folder exists) or has ended."""
    deadline = time.monotonic() + limit
    staging = staging_of(output)
    while process.poll() is None and not staging.exists() and time.monotonic() < deadline:
        time.sleep(POLL)


@pytest.fixture(scope="module")
def corpus_module(tmp_path_factory: pytest.TempPathFactory) -> Any:
    benchmarks = str(Path(__file__).parent / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    return importlib.import_module("corpus")


@pytest.fixture(scope="module")
def versions(
    corpus_module: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, str], dict[str, Tree], dict[str, float]]:
    """The site, the guide that changes, its two texts, their complete trees, and pacing.

    Pacing (how long a whole build and its part after staging take here) only
    chooses when to kill; nothing is asserted about it.
    """
    root = tmp_path_factory.mktemp("interrupted")
    corpus = corpus_module.generate(root / "site", GUIDES)
    edited = corpus.root / corpus.guides[0]
    text_a = edited.read_text(encoding="utf-8")
    text_b = text_a + "\nVersion B: ein Absatz, den nur die zweite Fassung hat.\n"
    texts = {"A": text_a, "B": text_b}
    trees: dict[str, Tree] = {}
    pacing = {"whole": 0.0, "tail": 0.0}
    for name, text in texts.items():
        edited.write_text(text, encoding="utf-8")
        output = root / f"expected-{name}" / "public"
        began = time.monotonic()
        process = start(corpus.root, output)
        wait_for_staging(process, output)
        staged = time.monotonic()
        assert process.wait(timeout=600) == 0, f"the clean build of version {name} failed"
        ended = time.monotonic()
        pacing["whole"] = max(pacing["whole"], ended - began)
        pacing["tail"] = max(pacing["tail"], ended - staged)
        tree = snapshot(output)
        assert tree is not None
        trees[name] = tree
    assert trees["A"] != trees["B"]
    return corpus.root, edited, texts, trees, pacing


def test_a_killed_build_leaves_the_old_tree_or_the_new_one_never_a_mix(
    versions: tuple[Path, Path, dict[str, str], dict[str, Tree], dict[str, float]],
    tmp_path: Path,
) -> None:
    site, edited, texts, trees, pacing = versions
    output = tmp_path / "deploy" / "public"
    rng = random.Random(SEED)
    previous: Tree | None = None
    outcomes: list[str] = []
    began = time.monotonic()

    for round_number in range(ROUNDS):
        if round_number and time.monotonic() - began > LOOP_BUDGET:
            break
        version = rng.choice("AB")
        edited.write_text(texts[version], encoding="utf-8")

        if round_number % COMPLETE_EVERY == COMPLETE_EVERY - 1:
            result = subprocess.run(
                command(site, output), capture_output=True, text=True, timeout=600, check=False
            )
            assert result.returncode == 0, f"round {round_number}: {result.stderr}"
            assert snapshot(output) == trees[version], differences(snapshot(output), trees[version])
            assert sorted(p.name for p in output.parent.iterdir()) == ["public"]
            previous = trees[version]
            outcomes.append("complete")
            continue

        process = start(site, output)
        if rng.random() < 0.5:
            delay = rng.uniform(0, pacing["whole"] * 1.05)
        else:
            wait_for_staging(process, output)
            delay = rng.uniform(0, pacing["tail"] * 1.1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=delay)
        finished = process.poll() == 0
        kill(process)

        found = snapshot(output)
        if found == trees[version]:
            outcomes.append("new")
        elif found == previous:
            assert not finished, f"round {round_number}: the build ended, its tree is missing"
            outcomes.append("absent" if found is None else "old")
        else:
            pytest.fail(
                f"round {round_number} (version {version}): the output is neither the "
                f"previous tree ({differences(found, previous)}) nor the new one "
                f"({differences(found, trees[version])})"
            )
        previous = found

    # Whatever the last kill left behind, the next build succeeds and tidies up.
    edited.write_text(texts["B"], encoding="utf-8")
    result = subprocess.run(
        command(site, output), capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr
    assert snapshot(output) == trees["B"]
    assert sorted(p.name for p in output.parent.iterdir()) == ["public"]
    assert outcomes  # round 0 always runs, however slow the machine


# Only the main process is signalled: `kill PID`, a CI step's timeout, the
# out-of-memory killer. Its workers (the build child, the read and render
# pools, the search index's readers, rm) must end with it, and the next build must not wait for
# a lock that a leftover worker inherited.

ORPHAN_GUIDES = 1000  # a build of a few seconds: reading, rendering and indexing can be hit
ORPHAN_SEED = 20261204
GONE_WITHIN = 30.0  # seconds the workers of a killed build may take to end
NEXT_BUILD_TIMEOUT = 120  # a next build that waits forever fails here instead


@pytest.fixture(scope="module")
def large_site(corpus_module: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("orphans")
    return Path(corpus_module.generate(root / "site", ORPHAN_GUIDES).root)


def in_group(group: int) -> list[int]:
    """The processes still in the process group (the session) a build started."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(process.pid) == group and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process.pid)
    return found


def wait_until(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 300
    while process.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(POLL)


def started_workers(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The build's child processes, once it has any (or [] once it ended)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(psutil.Error):
            found: list[psutil.Process] = psutil.Process(process.pid).children(recursive=True)
            if found:
                return found
        time.sleep(POLL)
    return []


def pages_in(tree: Path) -> bool:
    return (tree / "berufe").is_dir()


def indexing(tree: Path) -> bool:
    return (tree / "suchindex").is_dir()


POINTS: dict[str, tuple[bool, Callable[[Path], bool]]] = {
    # where: (with the search index, what shows the build got there)
    "reading": (True, lambda tree: tree.is_dir() and not pages_in(tree)),
    "rendering": (False, pages_in),
    "indexing": (True, indexing),
}


@pytest.mark.parametrize("point", sorted(POINTS))
@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_killing_only_the_main_process_leaves_no_worker_and_the_next_build_runs(
    large_site: Path, tmp_path: Path, point: str, sent: signal.Signals
) -> None:
    with_search, reached = POINTS[point]
    output = tmp_path / "deploy" / "public"
    options = ["--cache", str(tmp_path / "cache"), *([] if with_search else ["--no-search"])]
    rng = random.Random(f"{ORPHAN_SEED}-{point}-{sent.name}")
    said = tmp_path / "stderr"  # a file: a pipe would stay open as long as any worker lives
    with said.open("wb") as stderr:
        process = subprocess.Popen(
            [*command(large_site, output), *options],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        wait_until(process, lambda: reached(staging_of(output)))
        time.sleep(rng.uniform(0, 0.3))
        # A stage may be between two of its child processes: the kill waits for the next one.
        workers = started_workers(process)
        assert process.poll() is None, "the build ended before it could be killed"
        assert workers, "the build had started no worker yet"
        os.kill(process.pid, sent)  # the main process only, as `kill PID` does
        process.wait(timeout=GONE_WITHIN)
        _, alive = psutil.wait_procs(workers, timeout=GONE_WITHIN)
        assert not alive, f"workers outlived the build: {[w.cmdline() for w in alive]}"
        deadline = time.monotonic() + GONE_WITHIN
        while in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not in_group(process.pid), "a process of the killed build remains"
        if sent == signal.SIGTERM:  # ended as after Ctrl-C: tidy, and said so by its status
            assert process.returncode == 128 + signal.SIGTERM
            assert "Traceback" not in said.read_text(encoding="utf-8")
            assert not staging_of(output).exists()
    finally:
        with contextlib.suppress(ProcessLookupError):  # what a failure left: not for the next test
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    # The next build neither waits for the killed one nor fails.
    try:
        result = subprocess.run(
            [*command(large_site, output), *options],
            capture_output=True,
            text=True,
            timeout=NEXT_BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the next build hung: {exc.stderr!r}")
    assert result.returncode == 0, result.stderr
    assert "waiting for another careersite build" not in result.stderr
    assert (output / "index.html").is_file()
    assert sorted(p.name for p in output.parent.iterdir()) == ["public"]


def test_killing_check_while_it_reads_leaves_no_worker(large_site: Path) -> None:
    """check (and serve, lsp) read and render with the same pools as build."""
    process = subprocess.Popen(
        [sys.executable, "-m", "careersite", "check", "--source", str(large_site), "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        main = psutil.Process(process.pid)
        wait_until(process, lambda: bool(main.children()))
        workers = main.children(recursive=True)
        assert workers, "check ended before it started its workers"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=GONE_WITHIN)
        _, alive = psutil.wait_procs(workers, timeout=GONE_WITHIN)
        assert not alive, f"workers outlived check: {[w.cmdline() for w in alive]}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
