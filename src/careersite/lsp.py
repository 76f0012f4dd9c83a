"""`careersite lsp`: the check, completion and hover in any editor that speaks LSP.

A language server over stdin and stdout (pygls). For each site it finds (a
folder with data/site.yaml above an open guide) it keeps the last check of
the files on disk, run like `careersite check`, and publishes its diagnostics
for every file. A guide open in the editor is checked as typed, against the
rest of the site as on disk (pipeline.check_text), so a problem shows while
the author writes, with the same message the build prints. Completion and
hover inside front matter come from editor.py.

Checking a site renders its layouts and reads its data: the server serves
only sites inside the editor's workspace folders (or its root, when it names
no folders), as the author chose them; a file opened from elsewhere gets no
diagnostics, completion or hover.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition, ServerTextRange

from . import editor
from .cache import release
from .config import Config, load_config
from .diagnostics import Diagnostic, SourcePos
from .pipeline import Options, Reuse, build, check_text

_TOKEN = re.compile(r"[^\s:,\[\]{}]+")


@dataclass
class SiteState:
    """One site the editor has files of open."""

    root: Path
    reuse: Reuse | None = None
    config: Config | None = None
    on_disk: dict[Path, list[Diagnostic]] = field(default_factory=dict)
    published: set[str] = field(default_factory=set)  # URIs with disk diagnostics shown


class CareersiteServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("careersite", release())
        self.sites: dict[Path, SiteState] = {}

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
                    self.check_disk(self.sites[folder])
                return self.sites[folder], path
        return None

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
        result = build(options, site.reuse)
        site.reuse = result.reuse
        site.config = result.reuse.config if result.reuse else load_config(site.root)[0]
        site.on_disk = {}
        for diagnostic in result.diagnostics:
            if diagnostic.pos is not None:
                path = diagnostic.pos.path
                path = path if path.is_absolute() else site.root / path
                site.on_disk.setdefault(path, []).append(diagnostic)
        shown = set()
        for path, found in site.on_disk.items():
            uri = from_fs_path(str(path))
            if uri is not None and uri not in self.workspace.text_documents:
                self.publish(uri, found, _file_lines(path))
                shown.add(uri)
        for uri in site.published - shown:
            if uri not in self.workspace.text_documents:
                self.publish(uri, [], [])
        site.published = shown
        for uri in list(self.workspace.text_documents):
            open_in = self.site_of(uri)
            if open_in is not None and open_in[0] is site:
                self.check_open(uri)

    def check_open(self, uri: str) -> None:
        """Check a guide as the editor holds it."""
        seen = len(self.sites)
        found = self.site_of(uri)
        if found is None or len(self.sites) > seen:
            return  # a site met just now: check_disk has checked its open guides
        site, path = found
        document = self.workspace.get_text_document(uri)
        if site.reuse is None:  # the data is broken: the disk check says where
            problems = site.on_disk.get(path, [])
        else:
            problems = check_text(site.reuse, path, document.source)
        self.publish(uri, problems, _lines(document))

    def publish(self, uri: str, problems: list[Diagnostic], lines: list[str]) -> None:
        codec = self.workspace.position_codec
        diagnostics = [_lsp_diagnostic(problem, lines, codec) for problem in problems]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )


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


def make_server() -> CareersiteServer:
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

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CareersiteServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.check_open(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CareersiteServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.check_open(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CareersiteServer, params: types.DidSaveTextDocumentParams) -> None:
        found = ls.site_of(params.text_document.uri)
        if found is not None:
            ls.check_disk(found[0])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CareersiteServer, params: types.DidCloseTextDocumentParams) -> None:
        found = ls.site_of(params.text_document.uri)
        if found is not None:  # what is on disk counts again
            site, path = found
            ls.publish(params.text_document.uri, site.on_disk.get(path, []), _file_lines(path))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: CareersiteServer, params: types.DidChangeWatchedFilesParams) -> None:
        for site in list(ls.sites.values()):
            ls.check_disk(site)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(
        ls: CareersiteServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        ls.leave_outside()
        for uri in list(ls.workspace.text_documents):  # guides in a folder added: checked now
            ls.check_open(uri)

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
