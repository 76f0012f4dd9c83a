"""Bodies wait in a temporary file while a build runs (spill.py), and leave nothing behind.

At 100,000 guides the bodies' HTML is over 600 MB: a build keeps it in an
unnamed file in TMPDIR and the pages read what they show. The tests: what
comes back is what went in, in any process; pickled (to the build cache) it
is the bytes; a build's pages are the same as before; and TMPDIR is empty
after a build, whether it ended or was killed.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import SiteFactory, many_guides

from careersite.config import load_config
from careersite.sources import load_sources
from careersite.spill import Spill, Spilled, bytes_of


def test_what_comes_back_is_what_went_in() -> None:
    spill = Spill()
    first = spill.put("<p>Gehalt: 2.800 €</p>".encode())
    empty = spill.put(b"")
    second = spill.put(b"\x00{0}\x01Link\x00/{0}\x01")
    assert bytes_of(first) == "<p>Gehalt: 2.800 €</p>".encode()
    assert bytes_of(empty) == b""
    assert second.read() == b"\x00{0}\x01Link\x00/{0}\x01"
    assert first == "<p>Gehalt: 2.800 €</p>".encode()
    assert first != second


def test_pickled_it_is_the_bytes_themselves() -> None:
    """So the build cache stores the HTML, and a later build reads it without the spill."""
    spill = Spill()
    value = pickle.loads(pickle.dumps((spill.put(b"<h2>Aufgaben</h2>"), "x")))
    assert value == (b"<h2>Aufgaben</h2>", "x")
    assert type(value[0]) is bytes


@pytest.mark.skipif(not hasattr(os, "fork"), reason="rendering workers are forked on POSIX only")
def test_a_forked_worker_reads_what_the_parent_put() -> None:
    spill = Spill()
    spilled = [spill.put(f"<p>Seite {n}</p>".encode()) for n in range(100)]
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: read back the last and the first, as a page render would
        os.close(reader)
        os.write(writer, spilled[99].read() + spilled[0].read())
        os._exit(0)
    os.close(writer)
    got = b""
    while chunk := os.read(reader, 1024):
        got += chunk
    os.waitpid(pid, 0)
    assert got == b"<p>Seite 99</p><p>Seite 0</p>"


def test_read_bodies_wait_in_the_spill(site_factory: SiteFactory) -> None:
    """No process holds every body: each read one lies in the spill file."""
    site = site_factory(many_guides(40, body="## Aufgaben\n\nBeraten und planen.\n"))
    config, problems = load_config(site)
    assert config is not None, problems
    sources = sorted((site / "content").rglob("*.md"))
    loaded, _ = load_sources(
        sources,
        config,
        jobs=2,
        cache_folder=None,
        cache_key="",
        earlier={},
        known={},
        progress=lambda stage, done, total: None,
    )
    htmls = [entry.article.body.html for entry in loaded.values() if entry.article]
    assert len(htmls) == 40
    assert all(isinstance(html, Spilled) for html in htmls)
    assert b"<h2" in bytes_of(htmls[0])  # type: ignore[arg-type]


def _tmpdir_env(tmpdir: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUTF8": "1"}


def test_a_build_leaves_nothing_in_tmpdir(site_factory: SiteFactory, tmp_path: Path) -> None:
    site = site_factory(many_guides(60, body="## Aufgaben\n\nBeraten und planen.\n"))
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "careersite", "build", "--no-search"],
        cwd=site,
        env=_tmpdir_env(tmpdir),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    page = site / "public/berufe/kundendienstleiter/stadt-007/index.html"
    assert "Beraten und planen." in page.read_text(encoding="utf-8")
    assert list(tmpdir.iterdir()) == []


@pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc to see open files"
)
def test_a_killed_build_leaves_nothing_in_tmpdir(site_factory: SiteFactory, tmp_path: Path) -> None:
    """The spill file has no name: it goes with the processes that hold it, however they end."""
    site = site_factory(many_guides(400, body="## Aufgaben\n\n" + "Beraten und planen. " * 200))
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    build = subprocess.Popen(
        [sys.executable, "-m", "careersite", "build", "--no-search", "--jobs", "2"],
        cwd=site,
        env=_tmpdir_env(tmpdir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    # Kill the whole build (workers too) once it is reading: the spill file is open then.
    deadline = time.monotonic() + 60
    seen = False
    while time.monotonic() < deadline and build.poll() is None and not seen:
        seen = _holds_spill(build.pid)
        time.sleep(0.01)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert seen, "the build never had its spill file open"
    assert list(tmpdir.iterdir()) == []


def _holds_spill(pid: int) -> bool:
    """Whether pid or a process of its group has the (unnamed) spill file open."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != pid:
                continue
            targets = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
        except OSError:
            continue
        if any("careersite-bodies" in target or "(deleted)" in target for target in targets):
            return True
    return False
