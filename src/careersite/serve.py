"""The dev server: the latest build in memory, served with livereload.

It never writes to disk (public/ stays as the last real build left it),
binds 127.0.0.1 unless told otherwise, and answers only with files of the
build. When content is broken the browser shows an error page naming file,
line and message, and the server keeps running until the author fixes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import html
import ipaddress
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
from urllib.parse import urlsplit

import click
import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import escape, web
from tornado.ioloop import IOLoop

from . import url_changes
from .diagnostics import Diagnostic, error, format_text, ordered
from .pipeline import BuildResult, Options, Reuse, build


class Preview:
    """A WSGI app over the files of the most recent successful build."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.files: Mapping[str, bytes] = {}
        self.problems: tuple[Diagnostic, ...] = ()
        self.failed = False
        self.reuse: Reuse | None = None
        self.urls: Mapping[Path, str] = {}  # each guide's URL in the last build (url_changes)

    def rebuild(self, changed: Collection[str] | None = None) -> None:
        """Build again; changed, when known, names every file changed since the last build."""
        self.build(changed)()

    def build(self, changed: Collection[str] | None = None) -> Callable[[], None]:
        """Build again and return what shows the result, to run in the server's loop.

        The build runs beside the loop, so pages are served meanwhile (a body
        that takes seconds to render blocked every request); what the loop
        reads changes only when the returned step runs in it.
        """
        started = time.perf_counter()
        try:
            result = build(self.options, self.reuse, changed=changed)
            if result.reuse is not None:  # guides whose URL this rebuild changed
                moved = url_changes.changed(self.urls, result.reuse.linked.site)
                diagnostics = tuple(ordered([*result.diagnostics, *moved]))
                result = dataclasses.replace(result, diagnostics=diagnostics)
                self.urls = result.urls
        except Exception as exc:  # a bug must not take the preview down; show it instead
            click.echo(traceback.format_exc(), err=True)
            problem = error(f"careersite failed: {type(exc).__name__}: {exc}")
            return lambda: self._failed(problem)
        return lambda: self._show(result, started)

    def _failed(self, problem: Diagnostic) -> None:
        self.reuse = None
        self.failed = True
        self.problems = (problem,)

    def _show(self, result: BuildResult, started: float) -> None:
        self.reuse = result.reuse
        for diagnostic in result.diagnostics:
            click.echo(format_text(diagnostic, result.strict), err=True)
        self.problems = result.diagnostics
        self.failed = result.failed
        if not result.failed:
            self.files = result.files
            took = (time.perf_counter() - started) * 1000
            click.echo(f"rebuilt {result.rendered} pages in {took:.0f} ms", err=True)

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

    def rebuild(batch: list[str] | None) -> Callable[[], None]:
        """Beside the loop: build; the step returned shows the result, in the loop."""
        gc.disable()  # _settle collects, once the browser has reloaded
        try:
            show = preview.build(batch)
        finally:
            gc.enable()

        def shown() -> None:
            show()
            IOLoop.current().call_later(SETTLE_AFTER, _settle)

        return shown

    watcher = _Changes(rebuild)

    # Ctrl-C as an event of the loop: a KeyboardInterrupt raised at a random
    # point may land in a finalizer, where Python prints it and carries on
    # (at 10,000 guides the collector runs long enough for that to happen).
    loop = IOLoop.current()
    loop.asyncio_loop.add_signal_handler(signal.SIGINT, loop.stop)  # type: ignore[attr-defined]

    server = _Server(preview, watcher)
    for folder in ("content", "data", "layouts"):
        path = Path(options.source) / folder
        if path.exists():
            server.watch(str(path))
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
    and reloads the browser as soon as its result shows, and an idle server
    costs nothing.

    rebuild(batch) runs in a thread beside the loop, one at a time, with the
    files changed (None when some may have gone unseen); the step it returns
    runs in the loop. Changes seen meanwhile wait for the next rebuild.
    """

    STEP_MS = 30

    def __init__(self, rebuild: Callable[[list[str] | None], Callable[[], None]]) -> None:
        super().__init__()
        self._rebuild = rebuild
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._changed: list[str] = []
        self._missed = False  # changes may have gone unseen: the next batch is incomplete
        self._running = False  # a rebuild runs beside the loop (read and set in the loop)
        self._shown = False  # a rebuild's result shows: the browser is to reload
        self._poll: Callable[[], None] = lambda: None

    def start(self, callback: Callable[[], None]) -> bool:
        loop = IOLoop.current()
        self._poll = callback

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
        """Called in the loop: start a rebuild, or say that one has shown its result."""
        if self._running:
            return None, None
        with self._lock:
            changed, self._changed = self._changed, []
            missed, self._missed = self._missed, False
        roots = [os.path.abspath(folder) for folder in self._tasks]  # as watchfiles names them
        if any(path == r or path.startswith(r + os.sep) for path in changed for r in roots):
            self._running = True
            loop = IOLoop.current()
            running = loop.run_in_executor(None, self._rebuild, None if missed else changed)
            loop.add_future(running, self._finished)
            return None, None
        if not self._shown:
            return None, None
        self._shown = False
        self.filepath = None  # the browser reloads the whole page
        return "__livereload__", None  # the name livereload reloads for without delay

    def _finished(self, running: asyncio.Future[Callable[[], None]]) -> None:
        self._running = False
        try:
            running.result()()
        finally:
            self._shown = True
            self._poll()  # reload the browser, or rebuild for what changed meanwhile

    def stop(self) -> None:
        self._stop.set()


def _allowed_host(host: str, port: int) -> Callable[[str], bool]:
    """Whether a request's Host (or a socket's Origin) names this server.

    A page of another site can point its own name at 127.0.0.1 (DNS
    rebinding) and then read the preview, drafts and error pages with their
    absolute paths, as its own origin. Its requests carry its name in Host,
    so only names that no other site can own pass: localhost, the name
    given with --host, and IP addresses (a page's origin is never one it
    could rebind), each with the server's port.
    """
    own = {"localhost", host.lower().strip("[]")}

    def allowed(value: str) -> bool:
        name, _, given_port = value.lower().rpartition(":")
        if not name or given_port != str(port):
            return False
        name = name.strip("[]") if name.startswith("[") and name.endswith("]") else name
        if name in own:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    return allowed


class _Guarded(web.RequestHandler):
    """A handler that answers only requests naming this server in Host: others get 403."""

    def initialize(self, allowed: Callable[[str], bool]) -> None:
        self.allowed = allowed

    def prepare(self) -> None:
        if not self.allowed(self.request.host):
            raise web.HTTPError(403, "Host %r is not this server", self.request.host)


class _Socket(LiveReloadHandler, _Guarded):  # type: ignore[misc]
    """livereload's socket, opened only by pages of this server.

    Browsers always send Origin when they open a socket, so a socket without
    one is not from a page (a script of the author's, a test): the Host
    check suffices for it.
    """

    def check_origin(self, origin: str) -> bool:
        return self.allowed(urlsplit(origin).netloc)


class _Script(LiveReloadJSHandler, _Guarded):  # type: ignore[misc]
    pass


class _Page(_Guarded):
    """A file of the latest build; HEAD gets the same headers without the body."""

    def initialize(self, allowed: Callable[[str], bool], preview: Preview) -> None:  # type: ignore[override]
        super().initialize(allowed)
        self.preview = preview

    def compute_etag(self) -> None:
        return None  # Cache-Control: no-store says it all

    def get(self) -> None:
        # Decoded once, as bytes read as Latin-1, as livereload's WSGI container did.
        path = escape.url_unescape(self.request.path, encoding=None, plus=False)
        status, headers, body = self.preview.respond(path.decode("latin-1"))
        code, _, reason = status.partition(" ")
        self.set_status(int(code), reason)
        for name, value in headers:
            self.set_header(name, value)
        self.write(body)

    def head(self) -> None:
        self.get()  # tornado sends the headers, with the body's length, and no body


# livereload's own, which loads livereload.js from the page's host and port.
_LIVE_SCRIPT = (
    b'<script type="text/javascript">(function(){'
    b'var s=document.createElement("script");'
    b"var port=(window.location.port || "
    b"(window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port'
    b'+ "/livereload.js?port=" + port;'
    b"document.head.appendChild(s);"
    b"})();</script>"
)


class _Server(Server):  # type: ignore[misc]
    """livereload's server for the preview: quiet, and only for pages of its own.

    livereload answers any Host, accepts sockets from any page, reloads every
    browser on a GET of /forcereload and fails on HEAD with a traceback; its
    script injection and reload protocol are kept.
    """

    def __init__(self, preview: Preview, watcher: _Changes) -> None:
        super().__init__(watcher=watcher)
        self.preview = preview

    def application(
        self,
        port: int,
        host: str,
        liveport: int | None = None,
        debug: bool | None = None,
        live_css: bool = True,
    ) -> None:
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        allowed = {"allowed": _allowed_host(host, port)}

        class Injector(LiveScriptInjector):  # type: ignore[misc]
            script = _LIVE_SCRIPT

        app = web.Application(
            handlers=[
                (r"/livereload", _Socket, allowed),
                (r"/livereload.js", _Script, allowed),
                (r".*", _Page, {**allowed, "preview": self.preview}),
            ],
            debug=False,
            transforms=[Injector],
        )
        app.listen(port, address=host)

    def _setup_logging(self) -> None:
        handler = logging.StreamHandler()
        for name in ("livereload", "tornado"):
            logging.getLogger(name).setLevel(logging.ERROR)
            logging.getLogger(name).addHandler(handler)
