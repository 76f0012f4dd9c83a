"""`careersite lsp`: the check, completion and hover in any editor that speaks LSP.

A language server over stdin and stdout (pygls). For each site it finds (a
folder with data/site.yaml above an open guide) it keeps the last check of
the files on disk, run like `careersite check`, and publishes its diagnostics
for every file. A guide open in the editor is checked as typed, against the
rest of the site as on disk (pipeline.check_text), so a problem shows while
the author writes, with the same message the build prints. Completion and
hover inside front matter come from editor.py.

Checks run in a thread of their own, one at a time, so completion and hover
answer while a big site or a long guide is checked; a check of a buffer
that has changed again since is skipped. Messages are read by a loop of
our own (pygls's reads any Content-Length whole, and answers no malformed
request): a message over MAX_MESSAGE is skipped, and every request that
cannot be read gets a JSON-RPC error.

Checking a site renders its layouts and reads its data: the server serves
only sites inside the editor's workspace folders (or its root, when it names
no folders), as the author chose them; a file opened from elsewhere gets no
diagnostics, completion or hover.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange

from . import editor
from .config import Config, load_config
from .diagnostics import Diagnostic, SourcePos
from .incremental.cache import release
from .pipeline import Options, Reuse, build, check_text, with_stale_figures

_TOKEN = re.compile(r"[^\s:,\[\]{}]+")
MAX_MESSAGE = 64 * 2**20  # bytes; a guide is rarely over 100 KiB
MAX_HEADER = 4096  # bytes of one header line
PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
logger = logging.getLogger(__name__)


@dataclass
class SiteState:
    """One site the editor has files of open."""

    root: Path
    reuse: Reuse | None = None
    config: Config | None = None
    on_disk: dict[Path, list[Diagnostic]] = field(default_factory=dict)
    published: set[str] = field(default_factory=set)  # URIs with disk diagnostics shown
    checked: bool = False  # the files on disk have been checked once


class CareersiteServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("careersite", release())
        self.sites: dict[Path, SiteState] = {}  # read and written in the loop only
        # One thread for checks: they share each site's Reuse, and a build
        # forks no worker from it (jobs=1 below).
        self.checks = ThreadPoolExecutor(1, thread_name_prefix="careersite-check")
        self.loop: asyncio.AbstractEventLoop | None = None

    def site_of(self, uri: str) -> tuple[SiteState, Path] | None:
        """The site a document belongs to and its path, when it is a source in content/."""
        fs_path = to_fs_path(uri)
        if fs_path is None or not fs_path.endswith(".md"):
            return None
        path = Path(fs_path).absolute()
        if not self.in_workspace(path):
            return None
        for folder in path.parents:
            if (folder / "data" / "site.yaml").is_file():
                if not path.is_relative_to(folder / "content") or not self.in_workspace(folder):
                    return None
                if folder not in self.sites:
                    self.sites[folder] = SiteState(folder)
                return self.sites[folder], path
        return None

    def check(self, job: Callable[[], None]) -> None:
        """Run a check beside the loop, after those asked for before it."""

        def report(done: Future[None]) -> None:
            problem = done.exception()
            if problem is not None:
                logger.error("check failed", exc_info=problem)

        self.checks.submit(job).add_done_callback(report)

    def check_site(self, site: SiteState, uri: str, version: int | None) -> None:
        """Check a guide open in the editor as held, and the files on disk the first time."""
        if site.checked:
            self.check_open(site, uri, version)
        else:
            self.check_disk(site)

    def in_workspace(self, path: Path) -> bool:
        """Whether path, its links followed, lies in a workspace folder of the editor."""
        roots = [folder.uri for folder in self.workspace.folders.values()]
        if not roots and self.workspace.root_uri:
            roots = [self.workspace.root_uri]
        real = Path(os.path.realpath(path))
        for root in roots:
            fs_root = to_fs_path(root)
            if fs_root is not None and real.is_relative_to(os.path.realpath(fs_root)):
                return True
        return False

    def leave_outside(self) -> None:
        """Forget the sites no longer in the workspace, and take their marks away."""
        for root, site in list(self.sites.items()):
            if self.in_workspace(root):
                continue
            del self.sites[root]
            for uri in site.published:
                self.publish(uri, [], [])
            for uri in self.workspace.text_documents:
                fs_path = to_fs_path(uri)
                if fs_path is not None and Path(fs_path).absolute().is_relative_to(root):
                    self.publish(uri, [], [])

    def check_disk(self, site: SiteState) -> None:
        """Check the files as saved, like `careersite check`, and publish what it finds."""
        # One process: a worker forked while pygls's thread reads stdin would
        # inherit that stream's lock held, and hang closing it.
        options = Options(site.root, output=site.root / "public", jobs=1)
        result = with_stale_figures(build(options, site.reuse))
        site.reuse = result.reuse
        site.config = result.reuse.config if result.reuse else load_config(site.root)[0]
        on_disk: dict[Path, list[Diagnostic]] = {}
        for diagnostic in result.diagnostics:
            if diagnostic.pos is not None:
                path = diagnostic.pos.path
                path = path if path.is_absolute() else site.root / path
                on_disk.setdefault(path, []).append(diagnostic)
        site.on_disk = on_disk
        site.checked = True
        open_documents = dict(self.workspace.text_documents)
        shown = set()
        for path, found in site.on_disk.items():
            uri = from_fs_path(str(path))
            if uri is not None and uri not in open_documents:
                self.publish(uri, found, _file_lines(path))
                shown.add(uri)
        for uri in site.published - shown:
            if uri not in open_documents:
                self.publish(uri, [], [])
        site.published = shown
        for uri, document in open_documents.items():
            path = Path(document.path).absolute()
            if path.is_relative_to(site.root / "content") and path.suffix == ".md":
                self.check_open(site, uri, document.version)

    def check_open(self, site: SiteState, uri: str, version: int | None) -> None:
        """Check a guide as the editor holds it, unless it changed since (version)."""
        document = self.workspace.text_documents.get(uri)
        if document is None or document.version != version:
            return  # closed, or changed again: that change has its own check
        text = document.source
        path = Path(document.path).absolute()
        if site.reuse is None:  # the data is broken: the disk check says where
            problems = site.on_disk.get(path, [])
        else:
            problems = check_text(site.reuse, path, text)
        self.publish(uri, problems, _text_lines(text))

    def publish(self, uri: str, problems: list[Diagnostic], lines: list[str]) -> None:
        """Send a file's diagnostics, from the loop (checks run beside it)."""
        codec = self.workspace.position_codec
        diagnostics = [_lsp_diagnostic(problem, lines, codec) for problem in problems]
        params = types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        if self.loop is None:
            self.text_document_publish_diagnostics(params)
        else:
            self.loop.call_soon_threadsafe(self.text_document_publish_diagnostics, params)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over stdin and stdout, reading messages with read_messages."""
        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self.read_messages(stdin or sys.stdin.buffer, stop))
        except BrokenPipeError:
            logger.error("the editor closed the connection")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]
            self.checks.shutdown(wait=False, cancel_futures=True)

    async def read_messages(self, stdin: BinaryIO, stop: threading.Event) -> None:
        """Read one message after another: headers, then a body of Content-Length bytes."""
        self.loop = asyncio.get_running_loop()
        # A thread of its own: the stream is read while checks run.
        with ThreadPoolExecutor(1, thread_name_prefix="careersite-read") as reading:

            async def read(size: int, line: bool = False) -> bytes:
                call = stdin.readline if line else stdin.read
                return await self.loop.run_in_executor(reading, call, size)  # type: ignore[union-attr]

            while not stop.is_set():
                length: int | None = None
                while True:
                    header = await read(MAX_HEADER, line=True)
                    if not header:
                        return
                    if not header.strip():
                        break
                    name, _, value = header.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value) if value.strip().isdigit() else None
                if length is None:
                    self.refuse(None, INVALID_REQUEST, "a message without a valid Content-Length")
                    continue
                if length > MAX_MESSAGE:
                    self.refuse(
                        None,
                        INVALID_REQUEST,
                        f"a message of {length} bytes, over the limit of {MAX_MESSAGE}: skipped",
                    )
                    while length > 0:  # skipped as it comes, never held whole
                        chunk = await read(min(length, 2**20))
                        if not chunk:
                            return
                        length -= len(chunk)
                    continue
                body = await read(length)
                if len(body) < length:
                    return
                self.receive(body)

    def receive(self, body: bytes) -> None:
        """Hand a message to pygls, or answer with the JSON-RPC error that says what is wrong."""
        try:
            data = json.loads(body)
        except ValueError:  # not UTF-8 either
            self.refuse(None, PARSE_ERROR, "a message that is not JSON")
            return
        if not isinstance(data, dict) or data.get("jsonrpc") != "2.0":
            self.refuse(None, INVALID_REQUEST, "a message that is not a JSON-RPC 2.0 object")
            return
        msg_id = data.get("id")
        if "id" in data and (isinstance(msg_id, bool) or not isinstance(msg_id, (int, str))):
            self.refuse(None, INVALID_REQUEST, "a request id must be a number or a string")
            return
        if "method" in data and not isinstance(data["method"], str):
            self.refuse(msg_id, INVALID_REQUEST, "a method must be a string")
            return
        try:
            message = self.protocol.structure_message(data)
        except JsonRpcException as exc:
            if "method" in data and "id" in data:  # a notification is never answered
                self.refuse(msg_id, INVALID_PARAMS, f"invalid params: {_why(exc)}")
            return
        self.protocol.handle_message(message)

    def refuse(self, msg_id: int | str | None, code: int, message: str) -> None:
        """Answer a message with a JSON-RPC error (id null when it has none that can be read)."""
        logger.warning("refused %s: %s", msg_id, message)
        error = {"code": code, "message": message}
        self.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})


def _why(exc: BaseException) -> str:
    """The first reason at the bottom of a cattrs validation error, e.g. the negative line."""
    cause = exc.__cause__
    while isinstance(cause, ClassValidationError) and cause.exceptions:
        cause = cause.exceptions[0]
    if cause is None:
        return str(exc)
    # cattrs notes where: "Structuring class Position @ attribute line".
    where = [note for note in getattr(cause, "__notes__", ()) if " @ attribute " in note]
    if where and not str(cause).startswith(f"{where[-1].split()[2]}."):
        kind, _, name = where[-1].removeprefix("Structuring class ").partition(" @ attribute ")
        return f"{kind}.{name}: {cause}"
    return str(cause)


def _text_lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n")]


def _lines(document: TextDocument) -> list[str]:
    return [line.rstrip("\r\n") for line in document.lines]


def _client_range(document: TextDocument, where: types.Range) -> types.Range:
    start, end = where.start, where.end
    return document.range_to_client_units(
        ServerTextRange(
            ServerTextPosition(start.line, start.character),
            ServerTextPosition(end.line, end.character),
        )
    )


def _file_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []


def _lsp_diagnostic(
    problem: Diagnostic, lines: list[str], codec: PositionCodec
) -> types.Diagnostic:
    """A diagnostic over the word it points at (the whole line when it names no column)."""
    pos = problem.pos or SourcePos(Path())
    line = max((pos.line or 1) - 1, 0)
    text = lines[line] if line < len(lines) else ""
    if pos.col:
        start = min(pos.col - 1, len(text))
        token = _TOKEN.match(text, start)
        end = token.end() if token else min(start + 1, len(text))
    else:
        start, end = 0, len(text)
    where = codec.range_to_client_units(
        lines, ServerTextRange(ServerTextPosition(line, start), ServerTextPosition(line, end))
    )
    message = problem.message + (f"\n{problem.hint}" if problem.hint else "")
    severity = (
        types.DiagnosticSeverity.Error
        if problem.severity == "error"
        else types.DiagnosticSeverity.Warning
    )
    return types.Diagnostic(range=where, message=message, severity=severity, source="careersite")


def make_server() -> CareersiteServer:  # noqa: C901 - one short handler per LSP method
    server = CareersiteServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CareersiteServer, params: types.InitializedParams) -> None:
        # Files changed outside the editor (a git pull, another tool) are
        # checked again when the client watches them for us.
        workspace = ls.client_capabilities.workspace
        watching = workspace and workspace.did_change_watched_files
        if watching and watching.dynamic_registration:
            watcher = types.FileSystemWatcher(glob_pattern="**/{content,data,layouts}/**")
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="careersite-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[watcher]
                            ),
                        )
                    ]
                )
            )

    def check_typed(ls: CareersiteServer, uri: str) -> None:
        found = ls.site_of(uri)
        if found is not None:
            site, version = found[0], ls.workspace.get_text_document(uri).version
            ls.check(lambda: ls.check_site(site, uri, version))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CareersiteServer, params: types.DidOpenTextDocumentParams) -> None:
        check_typed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CareersiteServer, params: types.DidChangeTextDocumentParams) -> None:
        check_typed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CareersiteServer, params: types.DidSaveTextDocumentParams) -> None:
        found = ls.site_of(params.text_document.uri)
        if found is not None:
            site = found[0]
            ls.check(lambda: ls.check_disk(site))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CareersiteServer, params: types.DidCloseTextDocumentParams) -> None:
        found = ls.site_of(params.text_document.uri)
        if found is not None:  # what is on disk counts again
            site, path = found
            ls.publish(params.text_document.uri, site.on_disk.get(path, []), _file_lines(path))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: CareersiteServer, params: types.DidChangeWatchedFilesParams) -> None:
        for site in list(ls.sites.values()):
            ls.check(lambda site=site: ls.check_disk(site))  # type: ignore[misc]

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(
        ls: CareersiteServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        ls.leave_outside()
        for uri in list(ls.workspace.text_documents):  # guides in a folder added: checked now
            check_typed(ls, uri)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " "])
    )
    def completion(ls: CareersiteServer, params: types.CompletionParams) -> types.CompletionList:
        found = ls.site_of(params.text_document.uri)
        if found is None:
            return types.CompletionList(is_incomplete=False, items=[])
        document = ls.workspace.get_text_document(params.text_document.uri)
        at = document.position_from_client_units(params.position)
        items = editor.completions(
            _lines(document), at.line, at.character, found[0].config, dt.date.today()
        )
        for item in items:  # editor.py counts in characters; the client may count UTF-16
            if isinstance(item.text_edit, types.TextEdit):
                item.text_edit.range = _client_range(document, item.text_edit.range)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CareersiteServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.site_of(params.text_document.uri)
        if found is None:
            return None
        document = ls.workspace.get_text_document(params.text_document.uri)
        at = document.position_from_client_units(params.position)
        found_hover = editor.hover(_lines(document), at.line, at.character, found[0].config)
        if found_hover is not None and found_hover.range is not None:
            found_hover.range = _client_range(document, found_hover.range)
        return found_hover

    return server


def run() -> None:
    make_server().start_io()
