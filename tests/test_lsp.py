"""`careersite lsp` as an editor sees it: a real server process spoken to over stdio.

The server is started with the command and arguments of the README's VS Code
settings, and driven by pygls's LanguageClient the way an editor drives it:
open, type, save, ask for completion and hover. What it reports about a
buffer is compared with what `careersite check` prints for the same text on
disk, so the editor and the build cannot drift apart.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO, copy_example_site, run_cli
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

GUIDE = "content/kundendienstleiter/bremen.md"
TIMEOUT = 60


def readme_settings() -> dict[str, Any]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Editor support\n")[1].split("\n## ")[0]
    [settings] = re.findall(r"^```json\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    parsed: dict[str, Any] = json.loads(settings)
    return parsed


def server_command() -> list[str]:
    """The README's command; `careersite` is the one installed beside this Python."""
    settings = readme_settings()
    command = settings["glspc.server.command"]
    installed = Path(sys.executable).parent / command
    found = str(installed) if installed.exists() else shutil.which(command)
    assert found, f"{command} is not installed"
    return [found, *settings["glspc.server.commandArguments"]]


def uri(path: Path) -> str:
    found: str | None = from_fs_path(str(path))  # pygls leaves the result unannotated
    assert found is not None
    return found


class Editor:
    """A minimal LSP client with blocking calls, as a test wants them."""

    def __init__(self, site: Path) -> None:
        self.site = site
        # The client's loop runs in a thread of its own: a browser test's
        # Playwright may have a loop running in this one.
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("careersite-tests", "1")
        self.published: dict[str, list[list[types.Diagnostic]]] = defaultdict(list)
        self.versions: dict[str, int] = {}

        self.watching: list[types.Registration] = []

        # pygls's LanguageClient.feature has no annotations: an untyped decorator.
        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri].append(list(params.diagnostics))

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)  # type: ignore[untyped-decorator]
        def on_register(params: types.RegistrationParams) -> None:
            self.watching.extend(params.registrations)

        self.run(self.client.start_io(*server_command(), cwd=str(site)))
        folder = types.WorkspaceFolder(uri=uri(site), name="site")
        self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(
                        workspace=types.WorkspaceClientCapabilities(
                            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                                dynamic_registration=True
                            )
                        )
                    ),
                    root_uri=uri(site),
                    workspace_folders=[folder],
                )
            )
        )
        self.call(self.client.initialized, types.InitializedParams())

    def run(self, job: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(job, self.loop).result(TIMEOUT)

    def call(self, notify: Callable[..., None], *args: Any) -> None:
        """Send a notification from the client's own thread."""

        async def send() -> None:
            notify(*args)

        self.run(send())

    def close(self) -> None:
        self.run(self.client.shutdown_async(None))
        self.call(self.client.exit, None)
        self.run(self.client.stop())  # type: ignore[no-untyped-call]  # not annotated in pygls
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()

    def diagnostics(self, path: Path, after: int) -> list[types.Diagnostic]:
        """The first diagnostics published for path after the first `after` ones."""

        async def wait() -> list[types.Diagnostic]:
            while len(self.published[uri(path)]) <= after:
                await asyncio.sleep(0.01)
            return self.published[uri(path)][after]

        return list(self.run(wait()))

    def count(self, path: Path) -> int:
        return len(self.published[uri(path)])

    def open(self, path: Path, text: str | None = None) -> list[types.Diagnostic]:
        before = self.count(path)
        self.versions[uri(path)] = 1
        self.call(
            self.client.text_document_did_open,
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri(path),
                    language_id="markdown",
                    version=1,
                    text=path.read_text(encoding="utf-8") if text is None else text,
                )
            ),
        )
        return self.diagnostics(path, before)

    def type(self, path: Path, text: str) -> list[types.Diagnostic]:
        """Replace the buffer's whole text, as an editor may send it, unsaved."""
        before = self.count(path)
        self.versions[uri(path)] += 1
        self.call(
            self.client.text_document_did_change,
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    version=self.versions[uri(path)], uri=uri(path)
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            ),
        )
        return self.diagnostics(path, before)

    def save(self, path: Path) -> None:
        self.call(
            self.client.text_document_did_save,
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri(path))
            ),
        )

    def complete(self, path: Path, line: int, character: int) -> list[types.CompletionItem]:
        answer = self.run(
            self.client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri(path)),
                    position=types.Position(line=line, character=character),
                )
            )
        )
        if answer is None:
            return []
        return list(answer.items if isinstance(answer, types.CompletionList) else answer)

    def hover(self, path: Path, line: int, character: int) -> types.Hover | None:
        answer: types.Hover | None = self.run(
            self.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri(path)),
                    position=types.Position(line=line, character=character),
                )
            )
        )
        return answer


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


@pytest.fixture
def editor(site: Path) -> Iterator[Editor]:
    running = Editor(site)
    yield running
    running.close()


def shown(diagnostic: types.Diagnostic, lines: list[str]) -> tuple[int, int, str, str]:
    """(line, column, severity, message) counted as the command line counts."""
    line = diagnostic.range.start.line
    units = diagnostic.range.start.character  # UTF-16 code units
    text, column = lines[line], 0
    while units > 0:
        units -= len(text[column].encode("utf-16-le")) // 2
        column += 1
    severity = "error" if diagnostic.severity == types.DiagnosticSeverity.Error else "warning"
    return line + 1, column + 1, severity, diagnostic.message


def checked(site: Path, relative: str, text: str, tmp_path: Path) -> list[tuple[Any, ...]]:
    """What `careersite check` says about relative when it holds text, as (line, col, ...)."""
    copy = tmp_path / "on-disk"
    shutil.copytree(site, copy)
    (copy / relative).write_text(text, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--source", copy)
    found = json.loads(result.stdout)
    return [
        (
            item["line"],
            item["col"],
            item["severity"],
            item["message"] + (f"\n{item['hint']}" if item.get("hint") else ""),
        )
        for item in found
        if item.get("file") and Path(item["file"]).name == Path(relative).name
    ]


MISTAKES = {
    "unknown key": ("summary: ", "sumary: "),
    "thousands separator": ("  max: 3800", "  max: 3.800"),
    "salary looks yearly": ("  max: 3800", "  max: 38000"),
    # reviewed 18 months before the tests' day (conftest): stale, in check and the editor only
    "stale figures": (
        "date: 2026-10-14\nupdated: 2026-11-20",
        "date: 2024-10-14\nupdated: 2025-05-20",
    ),
    "unknown city": ("city: Bremen", "city: Bremn"),
    "missing key": ("title: Kundendienstleiter in Bremen\n", ""),
    "date": ("date: 2026-10-14", "date: 2026-02-30"),
    "link": (
        "## Aufgaben",
        "Siehe [Hamburg](hamburg.md) 🙂 und [Dortmund](dortmund.md).\n\n## Aufgaben",
    ),
    "anchor": (
        "## Aufgaben",
        "Zum [Gehalt](#gehlt) und [nach Potsdam](potsdam.md#gehalt-x).\n\n## Aufgaben",
    ),
}


def test_the_example_guide_has_nothing_to_report(editor: Editor, site: Path) -> None:
    assert editor.open(site / GUIDE) == []


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_typed_mistake_is_marked_as_the_build_reports_it(
    editor: Editor, site: Path, tmp_path: Path, mistake: str
) -> None:
    path = site / GUIDE
    original = path.read_text(encoding="utf-8")
    old, new = MISTAKES[mistake]
    assert old in original
    text = original.replace(old, new, 1)
    editor.open(path)
    marked = editor.type(path, text)
    expected = checked(site, GUIDE, text, tmp_path)
    assert expected, f"the build finds nothing wrong with {mistake}"
    assert [shown(d, text.split("\n")) for d in marked] == expected
    assert all(d.source == "careersite" for d in marked)
    # Unsaved: the file on disk is untouched, and fixing the text clears the marks.
    assert path.read_text(encoding="utf-8") == original
    assert editor.type(path, original) == []


def test_a_mark_spans_the_word_it_points_at(editor: Editor, site: Path) -> None:
    path = site / GUIDE
    text = path.read_text(encoding="utf-8").replace("summary: ", "sumary: ", 1)
    editor.open(path)
    [marked] = editor.type(path, text)
    line = text.split("\n")[marked.range.start.line]
    assert line[marked.range.start.character : marked.range.end.character] == "sumary"
    assert marked.message == "unknown key 'sumary'\ndid you mean 'summary'?"
    assert marked.severity == types.DiagnosticSeverity.Warning


def test_positions_count_utf16_units_after_an_emoji(editor: Editor, site: Path) -> None:
    path = site / GUIDE
    text = path.read_text(encoding="utf-8").replace(
        "## Aufgaben", "🙂 [Hamburg](hamburg.md)\n\n## Aufgaben", 1
    )
    editor.open(path)
    [marked] = editor.type(path, text)
    line = text.split("\n")[marked.range.start.line]
    # The emoji is two UTF-16 units: the mark starts at "hamburg.md" in the client's count.
    start = len(line[: line.index("hamburg.md")].encode("utf-16-le")) // 2
    assert marked.range.start.character == start
    assert marked.range.end.character == start + len("hamburg.md)")


def test_problems_of_files_not_open_are_published_and_cleared_on_save(
    editor: Editor, site: Path
) -> None:
    broken = site / "content" / "customer-service" / "bremen.md"
    broken.write_text(
        "---\ntitle: Kundenservice in Bremen\nrole: Customer Service\ncity: Bremen\n"
        "salary:\n  min: 2500\n  max: 3000\n---\n\nText.\n",
        encoding="utf-8",
    )
    editor.open(site / GUIDE)
    [missing] = editor.diagnostics(broken, 0)
    assert missing.message == "missing required key 'date'"
    assert missing.severity == types.DiagnosticSeverity.Error
    # The author fixes it elsewhere; the next save anywhere in the site re-checks the disk.
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("---\n\n", "date: 2026-11-01\n---\n\n"),
        encoding="utf-8",
    )
    editor.save(site / GUIDE)
    assert editor.diagnostics(broken, 1) == []


def test_files_changed_outside_the_editor_are_checked_again(editor: Editor, site: Path) -> None:
    editor.open(site / GUIDE)
    [registration] = editor.watching
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    other = site / "content" / "customer-service" / "dortmund.md"
    other.write_text(other.read_text(encoding="utf-8").replace("city: Dortmund", "city: Dortmnd"))
    editor.call(
        editor.client.workspace_did_change_watched_files,
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(other), type=types.FileChangeType.Changed)]
        ),
    )
    [marked] = editor.diagnostics(other, 0)
    assert marked.message == "unknown city 'Dortmnd'\ndid you mean 'Dortmund'?"


def test_a_data_file_problem_is_published_on_the_data_file(editor: Editor, site: Path) -> None:
    cities = site / "data" / "cities.yaml"
    cities.write_text(
        cities.read_text(encoding="utf-8") + "- name: Bremen\n  state: Bremen\n", encoding="utf-8"
    )
    editor.open(site / GUIDE)
    marks = editor.diagnostics(cities, 0)
    assert marks and all(d.severity == types.DiagnosticSeverity.Error for d in marks)
    assert any("Bremen" in d.message for d in marks)


def test_markdown_outside_content_is_left_alone(editor: Editor, site: Path) -> None:
    notes = site / "NOTES.md"
    notes.write_text("---\nnot: a guide\n---\n\n[x](missing.md)\n", encoding="utf-8")
    editor.open(site / GUIDE)  # a published list for the guide proves the server answered
    editor.call(
        editor.client.text_document_did_open,
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri(notes), language_id="markdown", version=1, text=notes.read_text()
            )
        ),
    )
    assert editor.complete(notes, 1, 0) == []
    assert editor.count(notes) == 0


def labels(items: list[types.CompletionItem]) -> list[str]:
    return [item.label for item in items]


def test_completion_offers_the_keys_not_yet_written(editor: Editor, site: Path) -> None:
    path = site / GUIDE
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("summary: " + lines[lines.index("---", 1) - 1].split(": ", 1)[1])
    text = "\n".join([*lines[: at + 1], "", *lines[at + 1 :]])
    editor.open(path, text)
    offered = editor.complete(path, at + 1, 0)
    expected = ["aliases", "draft", "similar_to", "slug", "stale_after_months"]
    assert sorted(labels(offered)) == expected
    draft = next(item for item in offered if item.label == "draft")
    assert draft.documentation is not None
    assert "--drafts" in str(draft.documentation)


def test_completion_of_a_new_guide_puts_required_keys_first(editor: Editor, site: Path) -> None:
    path = site / "content" / "kundendienstleiter" / "hamburg.md"
    editor.open(path, "---\n\n---\n")
    offered = editor.complete(path, 1, 0)
    ordered = sorted(offered, key=lambda item: item.sort_text or item.label)
    assert labels(ordered)[:3] == ["date", "role", "title"]
    salary = next(item for item in offered if item.label == "salary")
    assert isinstance(salary.text_edit, types.TextEdit)
    assert salary.text_edit.new_text.startswith("salary:\n  min: $1\n  max: $2\n  period:")


def test_completion_of_role_and_city_values_comes_from_data(editor: Editor, site: Path) -> None:
    roles = [entry["name"] for entry in yaml.safe_load((site / "data/roles.yaml").read_text())]
    cities = [entry["name"] for entry in yaml.safe_load((site / "data/cities.yaml").read_text())]
    path = site / "content" / "kundendienstleiter" / "hamburg.md"
    editor.open(path, "---\ntitle: X\nrole: Kun\ncity:\n---\n")
    offered = editor.complete(path, 2, len("role: Kun"))
    assert labels(offered) == roles
    first = offered[0]
    assert isinstance(first.text_edit, types.TextEdit)
    assert first.text_edit.range.start.character == len("role: ")
    assert first.text_edit.new_text == roles[0]
    city = editor.complete(path, 3, len("city:"))
    assert labels(city) == cities
    assert isinstance(city[0].text_edit, types.TextEdit)
    assert city[0].text_edit.new_text == " " + cities[0]


def test_completion_inside_salary(editor: Editor, site: Path) -> None:
    path = site / "content" / "kundendienstleiter" / "hamburg.md"
    text = "---\nsalary:\n  min: 1\n  period: \n  \n  levels:\n    \n---\n"
    editor.open(path, text)
    assert labels(editor.complete(path, 3, len("  period: "))) == ["month", "year", "hour"]
    assert sorted(labels(editor.complete(path, 4, 2))) == ["confirmed", "currency", "max"]
    assert labels(editor.complete(path, 6, 4)) == ["entry", "experienced"]


def test_completion_of_stale_after_months(editor: Editor, site: Path) -> None:
    path = site / "content" / "kundendienstleiter" / "hamburg.md"
    editor.open(path, "---\nstale_after_months: \n---\n")
    offered = editor.complete(path, 1, len("stale_after_months: "))
    assert labels(offered) == ["36", "false"]
    assert offered[0].detail == "months; the site's: 18"


def test_no_completion_in_the_body(editor: Editor, site: Path) -> None:
    path = site / GUIDE
    lines = path.read_text(encoding="utf-8").split("\n")
    editor.open(path)
    assert editor.complete(path, len(lines) - 2, 0) == []


def test_hover_explains_keys_and_names_roles(editor: Editor, site: Path) -> None:
    path = site / GUIDE
    lines = path.read_text(encoding="utf-8").split("\n")
    editor.open(path)
    salary = editor.hover(path, lines.index("salary:"), 2)
    assert salary is not None and isinstance(salary.contents, types.MarkupContent)
    assert "**salary**" in salary.contents.value
    assert "Required when city is set" in salary.contents.value
    role = editor.hover(path, lines.index("role: Kundendienstleiter"), len("role: K"))
    assert role is not None and isinstance(role.contents, types.MarkupContent)
    summary = yaml.safe_load((site / "data/roles.yaml").read_text())[0]["summary"]
    assert summary in role.contents.value
    assert editor.hover(path, len(lines) - 2, 0) is None


def test_broken_site_data_is_marked_and_the_server_keeps_answering(
    editor: Editor, site: Path
) -> None:
    (site / "data" / "site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    editor.open(site / GUIDE)
    marks = editor.diagnostics(site / "data" / "site.yaml", 0)
    assert marks and marks[0].severity == types.DiagnosticSeverity.Error
    # Keys still complete from the schema, though no roles can be offered.
    path = site / "content" / "kundendienstleiter" / "hamburg.md"
    editor.open(path, "---\n\n---\n")
    assert "title" in labels(editor.complete(path, 1, 0))


# --- the wire: hostile or broken messages, and answers while a check runs -----------------

LIMIT = 64 * 2**20  # the largest message the server reads, in bytes


class Wire:
    """The server spoken to byte for byte, as a broken or hostile client would."""

    def __init__(self, site: Path, command: list[str] | None = None) -> None:
        self.log = (site.parent / "lsp.log").open("wb")
        self.process = subprocess.Popen(
            command or server_command(),
            cwd=site,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0
        self.request("initialize", {"processId": None, "rootUri": uri(site), "capabilities": {}})
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while (line := stream.readline()) not in {b"\r\n", b""}:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if not line or length is None:
                self.messages.put(None)
                return
            self.messages.put(json.loads(stream.read(length)))

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any] | list[Any] | bytes) -> None:
        body = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params: Any, msg_id: Any = None) -> dict[str, Any]:
        if msg_id is None:
            self.next_id += 1
            msg_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.answer(msg_id)

    def receive(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        message = self.messages.get(timeout=timeout)
        assert message is not None, "the server closed its output"
        return message

    def answer(self, msg_id: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The answer to msg_id; what the server sends before it is kept in self.before."""
        self.before: list[dict[str, Any]] = []
        while True:
            message = self.receive(timeout)
            if "method" not in message and message.get("id") == msg_id:
                return message
            self.before.append(message)

    def published(self, path: Path) -> list[Any]:
        """The next diagnostics published for path."""
        while True:
            message = self.receive()
            published = message.get("method") == "textDocument/publishDiagnostics"
            if published and message["params"]["uri"] == uri(path):
                return list(message["params"]["diagnostics"])

    def open(self, path: Path) -> list[Any]:
        self.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri(path),
                        "languageId": "markdown",
                        "version": 1,
                        "text": path.read_text(encoding="utf-8"),
                    }
                },
            }
        )
        return self.published(path)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(TIMEOUT)
        self.log.close()


@pytest.fixture
def wire(site: Path) -> Iterator[Wire]:
    running = Wire(site)
    yield running
    running.close()


def hover_params(path: Path, line: Any = 1, character: Any = 2) -> dict[str, Any]:
    return {
        "textDocument": {"uri": uri(path)},
        "position": {"line": line, "character": character},
    }


def test_an_over_large_message_is_skipped_with_an_error_and_the_next_is_answered(
    wire: Wire, site: Path
) -> None:
    wire.open(site / GUIDE)
    body = b'{"jsonrpc": "2.0", "id": 99, "method": "x", "params": "' + b"a" * LIMIT + b'"}'
    wire.send(body)
    refused = wire.answer(None)
    assert refused["error"]["code"] == -32600
    assert f"over the limit of {LIMIT}" in refused["error"]["message"]
    hover = wire.request("textDocument/hover", hover_params(site / GUIDE))
    assert "**title**" in hover["result"]["contents"]["value"]


def test_a_huge_content_length_is_refused_and_the_server_lives_on(wire: Wire) -> None:
    """Content-Length: 99999999999 made the server read it whole: MemoryError, and it died."""
    wire.send_bytes(b"Content-Length: 99999999999\r\n\r\n{}")
    refused = wire.answer(None)
    assert refused["error"]["code"] == -32600
    assert "99999999999 bytes, over the limit" in refused["error"]["message"]
    assert wire.process.poll() is None


@pytest.mark.parametrize(
    ("line", "character", "why"),
    [
        (-1, 0, "Position.line should be in range"),
        (0, -5, "Position.character should be in range"),
        ("abc", 0, "invalid literal for int()"),
        (None, 0, "Position.line: int() argument must be"),
        (2**40, 0, "Position.line should be in range"),
    ],
)
@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/completion"])
def test_a_request_with_a_bad_position_is_answered_with_invalid_params(
    wire: Wire, site: Path, method: str, line: Any, character: Any, why: str
) -> None:
    wire.open(site / GUIDE)
    answer = wire.request(method, hover_params(site / GUIDE, line, character))
    assert answer["error"]["code"] == -32602
    assert why in answer["error"]["message"]
    # The server still answers what is well formed.
    assert wire.request("textDocument/hover", hover_params(site / GUIDE))["result"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", -32700),
        (b"\xff\xfe", -32700),
        (b"[1, 2]", -32600),
        (b'{"id": 7, "method": "textDocument/hover"}', -32600),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover"}', -32600),
    ],
)
def test_a_message_that_cannot_be_read_is_answered_with_an_error(
    wire: Wire, site: Path, body: bytes, code: int
) -> None:
    wire.send(body)
    assert wire.answer(None)["error"]["code"] == code
    assert wire.request("textDocument/hover", hover_params(site / GUIDE))["result"]


def test_params_that_are_not_an_object_get_invalid_params(wire: Wire, site: Path) -> None:
    answer = wire.request("textDocument/hover", "nonsense")
    assert answer["error"]["code"] == -32602


# The language server, with checks that wait, once told to, until the test lets
# them go on: a check as slow as the test needs, whatever the machine's speed.
HELD_LSP = """
import pathlib, sys, time
from careersite import lsp

gate = pathlib.Path(sys.argv[1])
real_build = lsp.build


def build(*args, **kwargs):
    if (gate / "hold").exists():
        (gate / "held").touch()
        deadline = time.monotonic() + 120
        while not (gate / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    return real_build(*args, **kwargs)


lsp.build = build
lsp.run()
"""


def test_hover_and_completion_answer_while_a_check_runs(site: Path, tmp_path: Path) -> None:
    """A guide that took 27 s to check kept every hover and completion waiting."""
    gate = tmp_path / "gate"
    gate.mkdir()
    wire = Wire(site, [sys.executable, "-c", HELD_LSP, str(gate)])
    try:
        path = site / GUIDE
        assert wire.open(path) == []
        (gate / "hold").touch()
        wire.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didSave",
                "params": {"textDocument": {"uri": uri(path)}},
            }
        )
        for _ in range(int(TIMEOUT / 0.05)):
            if (gate / "held").exists():
                break
            threading.Event().wait(0.05)
        assert (gate / "held").exists(), "the save started no check"
        # The check cannot end before "release" exists: these answers came while it ran.
        hover = wire.request("textDocument/hover", hover_params(path), msg_id=1001)
        assert "**title**" in hover["result"]["contents"]["value"]
        completion = wire.request("textDocument/completion", hover_params(path, 0, 0), msg_id=1002)
        assert "error" not in completion
        (gate / "release").touch()
        assert wire.published(path) == []
    finally:
        (gate / "release").touch()
        wire.close()


def test_a_site_outside_the_workspace_is_neither_checked_nor_rendered(
    editor: Editor, site: Path, tmp_path: Path
) -> None:
    """An editor may open any file; only its workspace's sites are the author's own."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(site, elsewhere)
    layout = elsewhere / "layouts" / "guide.html"  # what a check there would render
    layout.write_text("{{ cycler.__init__.__globals__.os.system('touch MARKER') }}\n")
    guide = elsewhere / GUIDE
    text = guide.read_text(encoding="utf-8").replace("city: Bremen", "city: Bremn")
    guide.write_text(text, encoding="utf-8")
    editor.open(site / GUIDE)  # a published list for the guide proves the server answered
    editor.call(
        editor.client.text_document_did_open,
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri(guide), language_id="markdown", version=1, text=text
            )
        ),
    )
    assert editor.complete(guide, 1, 0) == []  # answered: every notice before it was handled
    assert editor.hover(guide, 1, 1) is None
    assert editor.count(guide) == 0
    assert not any(
        shown for name, shown in editor.published.items() if name.startswith(uri(elsewhere))
    )
    assert not (elsewhere / "MARKER").exists() and not (site / "MARKER").exists()


def test_a_folder_added_to_the_workspace_is_served_and_one_removed_is_left(
    editor: Editor, site: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(site, elsewhere)
    guide = elsewhere / GUIDE
    text = guide.read_text(encoding="utf-8").replace("city: Bremen", "city: Bremn")
    folder = types.WorkspaceFolder(uri=uri(elsewhere), name="elsewhere")

    def change(added: list[types.WorkspaceFolder], removed: list[types.WorkspaceFolder]) -> None:
        editor.call(
            editor.client.workspace_did_change_workspace_folders,
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=added, removed=removed)
            ),
        )

    change([folder], [])
    marks = editor.open(guide, text)
    assert [d.message.splitlines()[0] for d in marks] == ["unknown city 'Bremn'"]
    change([], [folder])
    assert editor.diagnostics(guide, 1) == []  # its marks are taken away
    assert editor.complete(guide, 1, 0) == []
