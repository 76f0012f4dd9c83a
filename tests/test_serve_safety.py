"""careersite serve against hostile requests: raw bytes over a socket, bursts, binding.

tests/test_serve.py checks what an author does (edits, errors, Ctrl-C) and four
traversal paths through urllib. Here requests go out as raw bytes, so nothing
on the client side cleans them up first: dot segments in every encoding,
backslashes, NUL bytes, absolute-form targets, over-long paths. Whatever the
answer, it never carries a byte from outside the build (data/site.yaml, the
Markdown sources, a file beside the site, /etc/passwd) nor a traceback, and the
server keeps answering.
"""

from __future__ import annotations

import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO, Server, start_server, stop_server

WAIT = 30.0
SECRET = b"Geheimnis-5d21 neben der Website"
# Bytes that only the files outside the build hold.
LEAKS = [SECRET, b"url_words:", b"level_labels:", b"root:x:0:0", b"\ntitle: ", b"from __future__"]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def copy_site(folder: Path) -> Path:
    for part in ("content", "data", "layouts"):
        shutil.copytree(REPO / part, folder / part)
    (folder / "geheim.txt").write_bytes(SECRET)  # in the site folder, not in the build
    (folder.parent / "geheim.txt").write_bytes(SECRET)  # beside the site folder
    return folder


def still_answers(server: Server) -> bool:
    """The server is alive and answers / (waiting out a restart of tornado's autoreload,
    which re-executes serve when careersite's own source files change)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            if fetch(server.base + "/")[0] == 200:
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve-safety")
    running = start_server(copy_site(root / "site"), root / "serve.log")
    try:
        yield running
    finally:
        stop_server(running)


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: the server closed the connection without an answer
    head: bytes
    body: bytes


def raw_request(
    port: int, target: bytes, host: bytes | None = None, method: bytes = b"GET"
) -> Answer:
    """One request with target sent byte for byte; the whole answer, read until close.

    Host names the server as a browser does (127.0.0.1 and the port) unless given.
    """
    host = host if host is not None else b"127.0.0.1:%d" % port
    request = method + b" " + target + b" HTTP/1.1\r\nHost: " + host
    request += b"\r\nConnection: close\r\n\r\n"
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        try:
            connection.sendall(request)
            for _ in range(10_000):  # bounded: 10,000 reads of up to 64 KiB
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        return Answer(None, head, body)
    return Answer(int(head.split(b" ", 2)[1]), head, body)


def header(answer: Answer, wanted: bytes) -> bytes | None:
    for line in answer.head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip()
    return None


def location(answer: Answer) -> bytes | None:
    return header(answer, b"location")


HOSTILE_TARGETS = [
    b"/../",
    b"/../data/site.yaml",
    b"/%2e%2e/",
    b"/%2e%2e/data/site.yaml",
    b"/%2e%2e%2f",
    b"/%2e%2e%2fdata%2fsite.yaml",
    b"/%2E%2E/%2E%2E/etc/passwd",
    b"/.%2e/.%2e/etc/passwd",
    b"/%252e%252e/data/site.yaml",
    b"/..%5c",
    b"/..%5cdata%5csite.yaml",
    b"/..\\data\\site.yaml",
    b"/%c0%ae%c0%ae/data/site.yaml",
    b"/..;/data/site.yaml",
    b"//etc/passwd",
    b"///etc/passwd",
    b"/../../../../../../../../etc/passwd",
    b"/static/../../data/site.yaml",
    b"/static/..%2f..%2fdata/site.yaml",
    b"/data/site.yaml",
    b"/./data/site.yaml",
    b"/content/kundendienstleiter/bremen.md",
    b"/geheim.txt",
    b"/../geheim.txt",
    b"/%2e%2e/%2e%2e/geheim.txt",
    b"/%00",
    b"/index.html%00.txt",
    b"/\x00",
    b"/berufe/\x00/../../data/site.yaml",
    b"*",
    b"http://evil.example/",
    b"http://evil.example/../../etc/passwd",
    b"http://127.0.0.1/../data/site.yaml",
    b"file:///etc/passwd",
    b"/" + b"a" * 100_000,
    b"/" + b"../" * 5_000 + b"etc/passwd",
    b"/" + b"%2e%2e/" * 5_000 + b"etc/passwd",
]


def target_id(target: bytes) -> str:
    shown = target.decode("latin-1").encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 40 else f"{shown[:30]}...({len(target)} bytes)"


@pytest.mark.parametrize("target", HOSTILE_TARGETS, ids=[target_id(t) for t in HOSTILE_TARGETS])
def test_no_request_reaches_outside_the_build(server: Server, target: bytes) -> None:
    answer = raw_request(server.port, target)
    assert answer.status in {None, 301, 400, 404, 414, 431}, answer.head[:200]
    for leak in LEAKS:
        assert leak not in answer.body, f"{leak!r} served for {target_id(target)}"
    assert b"Traceback" not in answer.body
    if answer.status == 301:
        moved = location(answer) or b""
        assert moved.startswith(b"/") and not moved.startswith((b"//", b"/\\")), moved
    assert still_answers(server), "the server stopped answering"


@pytest.mark.parametrize(
    "target", [b"//evil.example/", b"//evil.example/berufe", b"/\\evil.example/"]
)
def test_no_redirect_leads_off_the_site(server: Server, target: bytes) -> None:
    answer = raw_request(server.port, target)
    moved = location(answer)
    assert moved is None or (moved.startswith(b"/") and not moved.startswith((b"//", b"/\\")))


FOREIGN_HOSTS = [
    b"evil.example",
    b"evil.example:{port}",
    b"127.0.0.1.evil.example:{port}",
    b"localhost.evil.example:{port}",
    b"127.0.0.1:1{port}",
    b"",
]


@pytest.mark.parametrize("host", FOREIGN_HOSTS, ids=[h.decode() or "empty" for h in FOREIGN_HOSTS])
@pytest.mark.parametrize("target", [b"/", b"/berufe/kundendienstleiter/bremen/", b"/livereload.js"])
def test_a_foreign_host_header_is_refused(server: Server, host: bytes, target: bytes) -> None:
    """A page of another site whose name points at 127.0.0.1 (DNS rebinding) reads nothing."""
    answer = raw_request(server.port, target, host=host.replace(b"{port}", b"%d" % server.port))
    assert answer.status == 403, answer.head[:200]
    assert b"<h1>Kundendienst" not in answer.body and b"livereload" not in answer.body
    for leak in LEAKS:
        assert leak not in answer.body


@pytest.mark.parametrize("name", [b"127.0.0.1", b"localhost", b"LOCALHOST", b"[::1]"])
def test_the_server_answers_to_its_own_names(server: Server, name: bytes) -> None:
    answer = raw_request(server.port, b"/berufe/", host=name + b":%d" % server.port)
    assert answer.status == 200
    assert b"<h1>Berufe</h1>" in answer.body


def socket_handshake(port: int, origin: bytes | None, host: bytes | None = None) -> int:
    """The status with which the server answers a request to open the livereload socket."""
    request = (
        b"GET /livereload HTTP/1.1\r\nHost: "
        + (host or b"127.0.0.1:%d" % port)
        + b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (b"Origin: " + origin + b"\r\n" if origin is not None else b"")
        + b"\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        connection.sendall(request)
        head = b""
        while b"\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


def test_only_pages_of_the_server_open_its_reload_socket(server: Server) -> None:
    port = server.port
    assert socket_handshake(port, b"http://127.0.0.1:%d" % port) == 101
    assert socket_handshake(port, b"http://localhost:%d" % port) == 101
    # Browsers always send Origin for a socket: without one it is not a page.
    assert socket_handshake(port, None) == 101
    assert socket_handshake(port, b"http://evil.example:%d" % port) == 403
    assert socket_handshake(port, b"http://evil.example") == 403
    assert socket_handshake(port, b"null") == 403
    evil = b"evil.example:%d" % port
    assert socket_handshake(port, b"http://" + evil, host=evil) == 403


def test_no_request_reloads_every_browser(server: Server) -> None:
    """livereload's /forcereload reloaded every open preview on a GET from anywhere."""
    answer = raw_request(server.port, b"/forcereload?path=*")
    assert answer.status == 404
    assert answer.body != b"ok"


@pytest.mark.parametrize("target", [b"/", b"/berufe/kundendienstleiter/bremen/", b"/feed.xml"])
def test_head_gets_the_headers_of_get_without_the_body(server: Server, target: bytes) -> None:
    got = raw_request(server.port, target)
    head = raw_request(server.port, target, method=b"HEAD")
    assert (head.status, got.status) == (200, 200)
    assert head.body == b""
    assert header(head, b"content-length") == b"%d" % len(got.body)
    assert header(head, b"content-type") == header(got, b"content-type")


def test_head_of_a_missing_page_is_404_without_a_body(server: Server) -> None:
    answer = raw_request(server.port, b"/gibt-es-nicht/", method=b"HEAD")
    assert answer.status == 404
    assert answer.body == b""


# --- many readers at once --------------------------------------------------------------

PAGES = {
    "/": b"<h1>",
    "/berufe/": b"<h1>Berufe</h1>",
    "/staedte/": b"<h1>St",
    "/berufe/kundendienstleiter/": b"<h1>",
    "/berufe/kundendienstleiter/bremen/": b"<h1>Kundendienstleiter in Bremen</h1>",
    "/berufe/kundendienstleiter/potsdam/": b"<h1>Kundendienstleiter in Potsdam</h1>",
    "/berufe/customer-service/dortmund/": b"Dortmund</h1>",
    "/staedte/potsdam/": b"<h1>Potsdam</h1>",
    "/feed.xml": b"<feed",
    "/sitemap.xml": b"<urlset",
}
MISSING = ["/gibt-es-nicht/", "/berufe/niemand/", "/%2e%2e/data/site.yaml", "/staedte/x.css"]


def test_a_burst_of_concurrent_requests_gets_the_right_answers(server: Server) -> None:
    plan = [(path, 200, PAGES[path]) for path in PAGES] + [(path, 404, b"") for path in MISSING]
    requests = [plan[n % len(plan)] for n in range(200)]

    def one(request: tuple[str, int, bytes]) -> str | None:
        path, status, snippet = request
        got, body = fetch(server.base + path)
        if got != status or snippet not in body:
            return f"{path}: {got}, {body[:120]!r}"
        return None

    with ThreadPoolExecutor(max_workers=32) as pool:
        wrong = [problem for problem in pool.map(one, requests) if problem]

    assert wrong == []
    assert server.process.poll() is None
    assert fetch(server.base + "/berufe/kundendienstleiter/bremen/")[0] == 200


def test_half_sent_requests_do_not_block_others(server: Server) -> None:
    idle = []
    try:
        for _ in range(20):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=15)
            connection.sendall(b"GET /berufe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
            idle.append(connection)
        assert fetch(server.base + "/staedte/")[0] == 200
    finally:
        for connection in idle:
            connection.close()


# --- who can connect ------------------------------------------------------------------


def non_loopback_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the route
            address = str(probe.getsockname()[0])
    except OSError:
        address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        try:
            candidates = socket.gethostbyname_ex(socket.gethostname())[2]
        except OSError:
            candidates = []
        address = next((a for a in candidates if not a.startswith("127.")), "")
    if not address:
        return None
    try:  # only an address of this machine can be bound
        with socket.socket() as check:
            check.bind((address, 0))
    except OSError:
        return None
    return address


def test_serve_binds_only_the_loopback_address_by_default(server: Server) -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with pytest.raises(OSError):
        socket.create_connection((address, server.port), timeout=5).close()
    assert still_answers(server)


# --- an error page made of hostile content ---------------------------------------------


def test_the_error_page_escapes_what_the_content_says(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    guide = site / "content/kundendienstleiter/bremen.md"
    running = start_server(site, tmp_path / "serve.log")
    try:
        text = guide.read_text(encoding="utf-8")
        guide.write_text(
            text.replace("min: 2800", 'min: "<script>alert(1)</script>"', 1), encoding="utf-8"
        )
        deadline = time.monotonic() + WAIT
        status, body = 0, b""
        while time.monotonic() < deadline and status != 500:
            status, body = fetch(running.base + "/berufe/kundendienstleiter/bremen/")
            time.sleep(0.2)
        assert status == 500, body[:300]
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert b"<script>alert(1)" not in body
    finally:
        stop_server(running)


def test_content_that_crashes_the_loader_still_shows_the_error_page(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    guide = site / "content/kundendienstleiter/bremen.md"
    running = start_server(site, tmp_path / "serve.log")
    try:
        nested = "[" * 3000 + "]" * 3000
        guide.write_text(
            guide.read_text(encoding="utf-8").replace("title:", f"x: {nested}\ntitle:", 1),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 15
        status, body = 0, b""
        while time.monotonic() < deadline and status != 500:
            status, body = fetch(running.base + "/berufe/kundendienstleiter/bremen/")
            time.sleep(0.2)
        assert running.process.poll() is None
        assert status == 500, "the stale page is still served"
        assert b"content/kundendienstleiter/bremen.md" in body
    finally:
        stop_server(running)


# --- last: the server said nothing alarming --------------------------------------------


def test_the_server_survived_and_logged_no_traceback(server: Server) -> None:
    assert still_answers(server)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[-3000:]
