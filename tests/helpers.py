"""Plain helpers the tests import: small guides and sites, the CLI and `serve` in real processes.

Fixtures live in conftest.py; pytest finds this module through
`pythonpath = ["tests"]` in pyproject.toml, so `from helpers import ...`
works in `make test` and when one test file runs alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"


def require(problem: str | None, what: str) -> None:
    """Skip loudly when a tool a test needs is missing; in CI (CI=true), fail instead."""
    if problem is None:
        return
    message = f"{what} NOT CHECKED: {problem}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: it must be installed)")
    pytest.skip(message)


SITE_YAML = """\
title: Testseite
base_url: https://example.org/
language: de
locale: de_DE
currency: EUR
"""
ROLES_YAML = """\
- name: Kundendienstleiter
  aliases: [Leiter Customer Service]
  related: [Customer Service]
- name: Customer Service
  related: [Kundendienstleiter]
"""
CITIES_YAML = """\
- name: Bremen
  state: Bremen
- name: Potsdam
  state: Brandenburg
- name: Mönchengladbach
  state: Nordrhein-Westfalen
"""


def guide(  # noqa: PLR0913 - one keyword per part of a guide
    title: str = "Kundendienstleiter in Bremen",
    role: str = "Kundendienstleiter",
    city: str | None = "Bremen",
    body: str = "Ein kurzer Text.\n",
    extra: str = "",
    salary: str = "salary:\n  min: 2800\n  max: 3800\n",
    date: str = "2026-11-01",
) -> str:
    """The text of a valid guide; override any part to make it invalid."""
    lines = ["---", f"title: {title}", f"role: {role}"]
    if city is not None:
        lines.append(f"city: {city}")
    head = "\n".join(lines) + "\n"
    if city is not None and salary:
        head += salary
    head += f"date: {date}\n{extra}---\n"
    return head + body


def many_guides(count: int, body: str = "Ein kurzer Text.\n") -> dict[str, str]:
    """Enough guides (one per city) that reading and rendering are spread over workers."""
    return {
        f"content/kundendienstleiter/stadt-{n:03d}.md": guide(
            title=f"Kundendienstleiter in Stadt {n:03d}", city=f"Stadt {n:03d}", body=body
        )
        for n in range(count)
    }


SiteFactory = Callable[..., Path]


Cli = Callable[..., subprocess.CompletedProcess[str]]
"""What the `cli` fixture gives: run_cli."""


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `careersite ARGS` in a real process, as a user or CI would."""
    return subprocess.run(
        [sys.executable, "-m", "careersite", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def copy_example_site(tmp_path: Path) -> Path:
    """A copy of the example site's content, data and layouts, to change freely."""
    copy = tmp_path / "site"
    for part in ("content", "data", "layouts"):
        shutil.copytree(REPO / part, copy / part)
    return copy


# --- careersite serve in a real process ------------------------------------------------


@dataclass(frozen=True)
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path  # what the server printed

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(site: Path, log: Path, wait: float = 30.0) -> Server:
    """`careersite serve` on a free port, once it answers / with 200."""
    port = free_port()
    command = ["serve", "--source", str(site), "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "careersite", *command],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(server.base + "/", timeout=15) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    stop_server(server)
    raise AssertionError(f"serve did not start: {log.read_text(errors='replace')[-2000:]}")


def stop_server(server: Server) -> None:
    """Ctrl-C, as an author stops it; killed when it does not stop in 10 s."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGINT)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
