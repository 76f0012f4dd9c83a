"""careersite serve as authors use it: a real server process, real HTTP, real edits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import watchfiles
from helpers import Server, copy_example_site, free_port, start_server, stop_server
from tornado.websocket import websocket_connect

WAIT = 20.0  # seconds a change may take to show before the test gives up


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def wait_for(
    url: str, predicate: Callable[[int, str], bool], timeout: float = WAIT
) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if predicate(*last):
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"{url} did not reach the expected state; last answer: {last[0]} {last[1][:300]}"
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


@pytest.fixture
def server(site: Path, tmp_path: Path) -> Iterator[Server]:
    running = start_server(site, tmp_path / "serve.log")
    try:
        yield running
    finally:
        stop_server(running)


def test_pages_are_served_with_the_livereload_script(server: Server, site: Path) -> None:
    base = server.base
    status, page = fetch(base + "/berufe/kundendienstleiter/bremen/")
    assert status == 200
    assert "<h1>Kundendienstleiter in Bremen</h1>" in page
    assert "livereload.js" in page
    assert 'href="/berufe/kundendienstleiter/"' in page  # links work at the server's root
    assert not (site / "public").exists(), "serve must not write the output folder"


def test_a_folder_without_slash_redirects_and_unknown_paths_are_404(server: Server) -> None:
    base = server.base
    request = urllib.request.Request(base + "/berufe")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=10)
    assert answer.value.code == 301
    assert answer.value.headers["Location"] == "/berufe/"
    status, page = fetch(base + "/gibt-es-nicht/")
    assert status == 404
    assert "Seite nicht gefunden" in page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.parametrize(
    "path",
    [
        "/../data/site.yaml",
        "/%2e%2e/data/site.yaml",
        "/static/..%2f..%2fdata/site.yaml",
        "//etc/passwd",
    ],
)
def test_nothing_outside_the_build_is_served(server: Server, path: str) -> None:
    base = server.base
    status, page = fetch(base + path)
    assert status == 404
    assert "title:" not in page


def test_an_edit_shows_after_a_rebuild(server: Server, site: Path) -> None:
    base = server.base
    guide = site / "content/kundendienstleiter/bremen.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\nEin frisch ergänzter Absatz.\n", encoding="utf-8"
    )
    wait_for(
        base + "/berufe/kundendienstleiter/bremen/",
        lambda s, page: "frisch ergänzter Absatz" in page,
    )


def test_guides_added_in_a_folder_moved_in_and_out_come_and_go(
    server: Server, site: Path, tmp_path: Path
) -> None:
    # The watcher reports a moved folder, not the files in it: the server must
    # look for sources again rather than trust the list it has.
    base = server.base
    outside = tmp_path / "draussen"
    outside.mkdir()
    (outside / "kiel.md").write_text(
        "---\ntitle: Kundendienstleiter in Kiel\nrole: Kundendienstleiter\ncity: Kiel\n"
        "salary:\n  min: 2700\n  max: 3600\ndate: 2026-11-01\n---\nNeu in Kiel.\n",
        encoding="utf-8",
    )
    moved = site / "content/kiel"
    outside.rename(moved)
    wait_for(base + "/berufe/kundendienstleiter/kiel/", lambda s, page: "Neu in Kiel." in page)
    moved.rename(outside)
    wait_for(base + "/berufe/kundendienstleiter/kiel/", lambda s, _: s == 404)


def test_broken_content_shows_an_error_page_and_the_server_recovers(
    server: Server, site: Path
) -> None:
    base, process = server.base, server.process
    guide = site / "content/kundendienstleiter/bremen.md"
    good = guide.read_text(encoding="utf-8")
    guide.write_text(good.replace("min: 2800", "min: viel", 1), encoding="utf-8")
    _, page = wait_for(base + "/berufe/kundendienstleiter/bremen/", lambda s, _: s == 500)
    assert (
        "content/kundendienstleiter/bremen.md:6:8: error: &#x27;salary.min&#x27; must be a number"
        in page
    )
    assert "livereload.js" in page, "the error page must reload by itself"
    guide.write_text(good, encoding="utf-8")
    wait_for(
        base + "/berufe/kundendienstleiter/bremen/", lambda s, page: s == 200 and "<h1>" in page
    )
    assert process.poll() is None


def test_ctrl_c_stops_the_server_cleanly(site: Path, tmp_path: Path) -> None:
    running = start_server(site, tmp_path / "serve.log")
    os.killpg(running.process.pid, signal.SIGINT)
    assert running.process.wait(timeout=15) == 0
    output = running.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in output
    assert "stopped" in output


class Browser:
    """The livereload.js side of the websocket: says hello and which page it shows,
    then hears reloads."""

    def __init__(self, base: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        url = base.replace("http://", "ws://") + "/livereload"
        self.socket = self.run(lambda: websocket_connect(url))
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        self.run(lambda: self.socket.write_message(json.dumps(hello)))
        assert json.loads(self.next())["command"] == "hello"
        info = {"command": "info", "url": base + "/berufe/kundendienstleiter/bremen/"}
        self.run(lambda: self.socket.write_message(json.dumps(info)))

    def run(self, start: Callable[[], Awaitable[Any]], timeout: float = WAIT) -> Any:
        """Await what start begins, in the loop's own thread (tornado's futures live there)."""

        async def wait() -> Any:
            return await start()

        return asyncio.run_coroutine_threadsafe(wait(), self.loop).result(timeout)

    def next(self, timeout: float = WAIT) -> str:
        message = self.run(self.socket.read_message, timeout)
        assert message is not None, "the server closed the livereload socket"
        return str(message)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.socket.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)


def test_every_save_reloads_the_browser_even_in_quick_succession(
    server: Server, site: Path
) -> None:
    """livereload alone ignores a change within 3 s of the last reload: the page went stale."""
    browser = Browser(server.base)
    try:
        guide = site / "content/kundendienstleiter/bremen.md"
        text = guide.read_text(encoding="utf-8")
        for number in range(3):
            text += f"\nAbsatz Nummer {number}.\n"
            guide.write_text(text, encoding="utf-8")
            reload = json.loads(browser.next())
            assert reload["command"] == "reload"
            # By the time the browser is told, the page holds the change.
            _, page = fetch(server.base + "/berufe/kundendienstleiter/bremen/")
            assert f"Absatz Nummer {number}." in page
    finally:
        browser.close()


def test_when_the_os_cannot_watch_serve_polls_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tornado.ioloop import IOLoop

    from careersite import serve

    real = watchfiles.watch

    def limited(*paths: Any, **options: Any) -> Any:
        if not options.get("force_polling"):
            raise OSError("OS file watch limit reached")
        return real(*paths, **{**options, "poll_delay_ms": 50})

    monkeypatch.setattr(watchfiles, "watch", limited)
    folder = tmp_path / "content"
    folder.mkdir()
    rebuilt = threading.Event()
    watcher = serve._Changes(lambda batch: rebuilt.set)
    watcher.watch(str(folder))

    def run_loop() -> None:
        # A loop of its own, in a thread of its own: a browser test's
        # Playwright may have a loop running in this one.
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()
        loop.add_callback(watcher.start, watcher.examine)
        loop.call_later(WAIT, loop.stop)

        def stop_once_rebuilt() -> None:
            rebuilt.wait(WAIT)
            loop.add_callback(loop.stop)

        stopper = threading.Thread(target=stop_once_rebuilt)
        stopper.start()
        loop.start()
        loop.close()

    thread = threading.Thread(target=run_loop, daemon=True)
    thread.start()
    time.sleep(0.5)
    (folder / "neu.md").write_text("x", encoding="utf-8")
    try:
        assert rebuilt.wait(WAIT), "a change was not seen by polling"
    finally:
        watcher.stop()
        thread.join(WAIT)
    assert "polling instead" in capsys.readouterr().err


# A serve whose rebuilds wait, once told to, until the test lets them go on: a
# rebuild as slow as the test needs, whatever the machine's speed.
HELD_SERVE = """
import pathlib, sys, time
from careersite import serve
from careersite.cli import main

gate = pathlib.Path(sys.argv[1])
real_build = serve.build


def build(*args, **kwargs):
    if (gate / "hold").exists():
        (gate / "held").touch()
        deadline = time.monotonic() + 120
        while not (gate / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    return real_build(*args, **kwargs)


serve.build = build
main(sys.argv[2:])
"""


def test_pages_are_served_while_a_rebuild_runs(site: Path, tmp_path: Path) -> None:
    """A body that took 26 s to render kept the server from answering anything meanwhile."""
    gate = tmp_path / "gate"
    gate.mkdir()
    port = free_port()
    log = tmp_path / "serve.log"
    held = [sys.executable, "-c", HELD_SERVE, str(gate), "serve"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*held, "--source", str(site), "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(port, process, log)
    page = running.base + "/berufe/kundendienstleiter/bremen/"
    try:
        wait_for(page, lambda status, _: status == 200)
        (gate / "hold").touch()
        guide = site / "content/kundendienstleiter/bremen.md"
        guide.write_text(
            guide.read_text(encoding="utf-8") + "\nEin frisch ergänzter Absatz.\n",
            encoding="utf-8",
        )
        deadline = time.monotonic() + WAIT
        while not (gate / "held").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (gate / "held").exists(), "the edit started no rebuild"
        # The rebuild cannot end before "release" exists: this answer came while it ran.
        status, text = fetch(page)
        assert status == 200
        assert "<h1>Kundendienstleiter in Bremen</h1>" in text
        assert "frisch ergänzter Absatz" not in text
        (gate / "release").touch()
        wait_for(page, lambda status, text: "frisch ergänzter Absatz" in text)
    finally:
        (gate / "release").touch()
        stop_server(running)
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")
