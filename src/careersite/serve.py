"""The dev server: the latest build in memory, served with livereload.

It never writes to disk (public/ stays as the last real build left it),
binds 127.0.0.1 unless told otherwise, and answers only with files of the
build. When content is broken the browser shows an error page naming file,
line and message, and the server keeps running until the author fixes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import html
import logging
import mimetypes
import os
import posixpath
import signal
import threading
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import click
import watchfiles
from livereload import Server
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from .diagnostics import Diagnostic, error, format_text
from .pipeline import Options, Reuse, build

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Preview:
    """A WSGI app over the files of the most recent successful build."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.files: Mapping[str, bytes] = {}
        self.problems: tuple[Diagnostic, ...] = ()
        self.failed = False
        self.reuse: Reuse | None = None

    def rebuild(self, changed: Collection[str] | None = None) -> None:
        """Build again; changed, when known, names every file changed since the last build."""
        started = time.perf_counter()
        try:
            result = build(self.options, self.reuse, changed=changed)
        except Exception as exc:  # a bug must not take the preview down; show it instead
            click.echo(traceback.format_exc(), err=True)
            self.reuse = None
            self.failed = True
            self.problems = (error(f"careersite failed: {type(exc).__name__}: {exc}"),)
            return
        self.reuse = result.reuse
        for diagnostic in result.diagnostics:
            click.echo(format_text(diagnostic, result.strict), err=True)
        self.problems = result.diagnostics
        self.failed = result.failed
        if not result.failed:
            self.files = result.files
            took = (time.perf_counter() - started) * 1000
            click.echo(f"rebuilt {result.rendered} pages in {took:.0f} ms", err=True)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = self.respond(str(environ.get("PATH_INFO", "/")))
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def respond(self, raw_path: str) -> tuple[str, list[tuple[str, str]], bytes]:
        name = _file_name(raw_path)
        if name is None:
            return _not_found(self.files)
        if name in self.files or name + "index.html" in self.files:
            if name.endswith("/") or name == "":
                name += "index.html"
            if self.failed and name.endswith(".html"):
                return "500 Internal Server Error", _html_type(), error_page(self.problems)
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in {"application/xml", "application/json"}:
                kind += "; charset=utf-8"
            return (
                "200 OK",
                [("Content-Type", kind), ("Cache-Control", "no-store")],
                self.files[name],
            )
        if name + "/index.html" in self.files:
            return "301 Moved Permanently", [("Location", "/" + name + "/")], b""
        if self.failed:
            return "500 Internal Server Error", _html_type(), error_page(self.problems)
        return _not_found(self.files)


def _file_name(raw_path: str) -> str | None:
    """The build file a request path names, or None when it leaves the site."""
    path = raw_path  # the WSGI server has already decoded it once; never twice
    if "\\" in path or "\x00" in path or not path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in {".", ".."} for part in parts):
        return None
    normal = posixpath.normpath(path).lstrip("/")
    if normal == ".":
        normal = ""
    return normal + "/" if path.endswith("/") and normal else normal


def _html_type() -> list[tuple[str, str]]:
    return [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]


def _not_found(files: Mapping[str, bytes]) -> tuple[str, list[tuple[str, str]], bytes]:
    body = (
        files.get("404.html")
        or b"<!doctype html><html><head><title>404</title></head><body><h1>404</h1></body></html>"
    )
    return "404 Not Found", _html_type(), body


def error_page(problems: Iterable[Diagnostic]) -> bytes:
    items = "\n".join(
        f"<li><pre>{html.escape(format_text(p))}</pre></li>"
        for p in problems
        if p.severity == "error"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Build failed · careersite</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#222}"
        "h1{color:#a00}pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a00;"
        "padding:.5rem 1rem}ul{list-style:none;padding:0}</style></head><body>"
        "<h1>The site has errors</h1><p>Fix them and save: this page reloads by itself.</p>"
        f"<ul>{items}</ul></body></html>"
    ).encode()


def serve(options: Options, host: str, port: int) -> None:
    preview_options = dataclasses.replace(options, base_url=f"http://{host}:{port}/")
    preview = Preview(preview_options)
    preview.rebuild()
    _settle()

    watcher = _Changes()

    def rebuild() -> None:
        gc.disable()  # _settle collects, once the browser has reloaded
        try:
            preview.rebuild(watcher.batch)
        finally:
            gc.enable()
        IOLoop.current().call_later(SETTLE_AFTER, _settle)

    # Ctrl-C as an event of the loop: a KeyboardInterrupt raised at a random
    # point may land in a finalizer, where Python prints it and carries on
    # (at 10,000 guides the collector runs long enough for that to happen).
    loop = IOLoop.current()
    loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)  # type: ignore[attr-defined]

    server = _QuietServer(app=preview, watcher=watcher)
    for folder in ("content", "data", "layouts"):
        path = Path(options.source) / folder
        if path.exists():
            server.watch(str(path), rebuild)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # livereload mostly catches it itself
            # debug=False: livereload's debug mode restarts on code changes and may
            # show tracebacks to the browser.
            server.serve(host=host, port=port, open_url_delay=None, debug=False)
    finally:
        watcher.stop()
    click.echo("stopped", err=True)


SETTLE_AFTER = 2.0  # seconds


def _settle() -> None:
    """Collect the garbage, then exempt what is left from future collections.

    What a build keeps for the next one (the whole site) would otherwise be
    scanned by the cycle collector during every rebuild: at 10,000 guides
    that was about 40 % of the time an edit took to show.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class _Changes(Watcher):  # type: ignore[misc]
    """livereload's watcher told of changes by watchfiles (inotify on Linux).

    livereload's own watcher walks every watched file each 0.8 s (at 10,000
    guides about 80 ms of the server's loop, and on average 0.4 s before a
    save is seen), and then holds back the browser's reload for 3 s after the
    last one, so a second quick save showed nothing. Here a save is seen when
    it lands (changes within STEP_MS are one batch), each batch rebuilds once
    and reloads the browser at once, and an idle server costs nothing.
    """

    STEP_MS = 30

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._changed: list[str] = []
        # The files of the batch being acted on; None when it may be incomplete.
        self.batch: list[str] | None = None
        self._missed = False  # changes may have gone unseen: the next batch is incomplete

    def start(self, callback: Callable[[], None]) -> bool:
        loop = IOLoop.current()

        def listen(polling: bool = False) -> None:
            try:
                for batch in watchfiles.watch(
                    *self._tasks,
                    step=self.STEP_MS,
                    stop_event=self._stop,
                    raise_interrupt=False,
                    force_polling=polling or None,
                ):
                    with self._lock:
                        self._changed.extend(sorted(path for _, path in batch))
                    loop.add_callback(callback)
            except Exception as exc:  # e.g. the OS's limit on watched folders
                if polling:
                    raise
                click.echo(f"warning: watching files failed ({exc}); polling instead", err=True)
                with self._lock:
                    self._missed = True
                listen(polling=True)

        threading.Thread(target=listen, name="careersite-watch", daemon=True).start()
        return True  # livereload need not poll

    def examine(self) -> tuple[str | None, float | None]:
        with self._lock:
            changed, self._changed = self._changed, []
            missed, self._missed = self._missed, False
        if not changed:
            return None, None
        for folder, task in self._tasks.items():
            root = os.path.abspath(folder)  # watchfiles names absolute paths
            if any(path == root or path.startswith(root + os.sep) for path in changed):
                self.batch = None if missed else changed
                task["func"]()
                self.batch = None
        self.filepath = None  # the browser reloads the whole page
        return "__livereload__", None  # the name livereload reloads for without delay

    def stop(self) -> None:
        self._stop.set()


class _QuietServer(Server):  # type: ignore[misc]
    """livereload's server without its per-request and start-up log lines."""

    def _setup_logging(self) -> None:
        handler = logging.StreamHandler()
        for name in ("livereload", "tornado"):
            logging.getLogger(name).setLevel(logging.ERROR)
            logging.getLogger(name).addHandler(handler)
