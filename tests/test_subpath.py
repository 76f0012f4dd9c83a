"""The example site served over real HTTP, under /karriere/ and at the domain root.

A tiny threaded http.server on 127.0.0.1 plays the static host: it maps
/karriere/... (or /...) to the output folder, answers everything else with 404,
and serves 404.html for a missing page inside the site, as the README tells a
host to. A crawler starts at the site's home and follows every link and asset
on the same host: <a href>, <link href>, src, srcset, form actions, url() in
CSS, meta refresh of redirects, and the search bundle the search page names.
"""

from __future__ import annotations

import functools
import json
import mimetypes
import posixpath
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from helpers import REPO, run_cli

SUB_PATH = "/karriere/"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
REFRESH_URL = re.compile(r"url=(.+)$", re.IGNORECASE)


# --- the static host ------------------------------------------------------------------


def handler_for(root: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    class StaticHost(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path + "/" == prefix:
                self.redirect(prefix)
                return
            relative = path[len(prefix) :]
            parts = relative.split("/")
            if not path.startswith(prefix) or {".", ".."} & set(parts) or "\\" in relative:
                self.answer(404, b"not here", "text/plain")
                return
            target = root / (relative + "index.html" if relative[-1:] in {"", "/"} else relative)
            if relative and relative[-1] != "/" and (root / relative).is_dir():
                self.redirect(path + "/")
            elif target.is_file():
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self.answer(200, target.read_bytes(), kind)
            else:
                self.answer(404, (root / "404.html").read_bytes(), "text/html")

        def redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def answer(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return StaticHost


@dataclass(frozen=True)
class Host:
    origin: str  # http://127.0.0.1:PORT
    prefix: str  # /karriere/ or /
    output: Path

    @property
    def home(self) -> str:
        return self.origin + self.prefix


def serve(output: Path, prefix: str) -> Iterator[Host]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(output, prefix))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Host(f"http://127.0.0.1:{server.server_address[1]}", prefix, output)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def build(output: Path, base_url: str) -> Path:
    result = run_cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def karriere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    output = build(tmp_path_factory.mktemp("karriere") / "public", "https://example.org/karriere/")
    yield from serve(output, SUB_PATH)


@pytest.fixture(scope="module")
def root_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    output = build(tmp_path_factory.mktemp("root") / "public", "https://example.org/")
    yield from serve(output, "/")


# --- the crawler ----------------------------------------------------------------------


class _Links(HTMLParser):
    """Every URL a browser would fetch or follow from a page, and the ids it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.bundles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src", "action", "poster"):
            if name in values and not (tag == "link" and values.get("rel") in {"canonical"}):
                self.urls.append(values[name])
        for name in ("srcset", "imagesrcset"):
            for candidate in values.get(name, "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            found = REFRESH_URL.search(values.get("content", ""))
            if found:
                self.urls.append(found.group(1).strip())
        if tag == "script" and "data-bundle" in values:
            self.bundles.append(values["data-bundle"])


@dataclass
class Crawl:
    answers: dict[str, int] = field(default_factory=dict)  # URL -> status
    found_on: dict[str, str] = field(default_factory=dict)  # URL -> first page linking it
    ids: dict[str, set[str]] = field(default_factory=dict)  # page URL -> its ids
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (page, target, id)

    @property
    def broken(self) -> list[str]:
        return [
            f"{url} ({status}) on {self.found_on.get(url)}"
            for url, status in self.answers.items()
            if status != 200
        ]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()


def links_on(url: str, kind: str, body: bytes) -> tuple[list[str], set[str]]:
    if kind == "text/html":
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        listings = [bundle + "index.json" for bundle in parser.bundles]
        return [urljoin(url, link) for link in [*parser.urls, *listings]], parser.ids
    if url.endswith("/suchindex/index.json"):  # the search index's shards, as search.js loads them
        shards = json.loads(body)["shards"]
        return [urljoin(url, f"w/{name}.json") for _, name in shards], set()
    if kind == "text/css":
        return [urljoin(url, link) for link in CSS_URL.findall(body.decode("utf-8"))], set()
    return [], set()


@functools.cache
def crawl(host: Host, start: str, limit: int = 2_000) -> Crawl:
    """Breadth first over every same-host URL reachable from start."""
    result = Crawl()
    queue = [start]
    result.found_on[start] = "(start)"
    while queue and len(result.answers) < limit:
        url = queue.pop(0)
        if url in result.answers:
            continue
        status, kind, body = fetch(url)
        result.answers[url] = status
        if status != 200:
            continue
        found, ids = links_on(url, kind, body)
        result.ids[url] = ids
        for link in found:
            parts = urlsplit(link)
            if (
                parts.scheme not in {"http", "https"}
                or f"{parts.scheme}://{parts.netloc}" != host.origin
            ):
                continue  # another host: canonical URLs, the feed's absolute links
            target = parts._replace(fragment="").geturl()
            if parts.fragment:
                result.fragments.append((url, target, unquote(parts.fragment)))
            result.found_on.setdefault(target, url)
            if target not in result.answers:
                queue.append(target)
    return result


def pages_on_disk(host: Host) -> set[str]:
    """The URL of every page of the build; redirects and 404.html have none to be linked at."""
    urls = set()
    for file in host.output.rglob("*.html"):
        relative = file.relative_to(host.output).as_posix()
        if relative == "404.html" or 'http-equiv="refresh"' in file.read_text(encoding="utf-8"):
            continue
        folder = posixpath.dirname(relative)
        urls.add(host.home + (folder + "/" if folder else ""))
    return urls


# --- the tests ------------------------------------------------------------------------


@pytest.fixture(params=["karriere", "root_host"], ids=["under-karriere", "at-the-root"])
def host(request: pytest.FixtureRequest) -> Host:
    found = request.getfixturevalue(request.param)
    assert isinstance(found, Host)
    return found


def test_every_link_and_asset_from_home_answers_200(host: Host) -> None:
    result = crawl(host, host.home)
    assert result.broken == []
    assert any(url.endswith(".css") for url in result.answers), "no stylesheet was crawled"


def test_every_page_of_the_build_is_reached_by_following_links(host: Host) -> None:
    result = crawl(host, host.home)
    reached = {url for url, status in result.answers.items() if status == 200}
    assert sorted(pages_on_disk(host) - reached) == []


def test_every_fragment_link_lands_on_an_element(host: Host) -> None:
    result = crawl(host, host.home)
    missing = [
        f"#{fragment} on {target} (linked from {page})"
        for page, target, fragment in result.fragments
        if fragment not in result.ids.get(target, set())
    ]
    assert missing == []


def test_every_link_stays_below_the_base_path(host: Host) -> None:
    result = crawl(host, host.home)
    outside = [url for url in result.answers if not urlsplit(url).path.startswith(host.prefix)]
    assert outside == []


def test_the_sitemap_lists_only_pages_that_answer(host: Host) -> None:
    status, _, body = fetch(host.home + "sitemap.xml")
    assert status == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", body.decode("utf-8"))
    assert locations
    base = "https://example.org" + host.prefix
    local = [host.home + loc.removeprefix(base) for loc in locations if loc.startswith(base)]
    assert len(local) == len(locations), "a sitemap URL outside the base URL"
    assert [url for url in local if fetch(url)[0] != 200] == []


@pytest.mark.parametrize(
    "missing", ["gibt-es-nicht/", "berufe/gibt-es-nicht/tiefer/", "a/b/c/d.html"]
)
def test_a_missing_page_gets_404_html_whose_links_work_from_that_depth(
    host: Host, missing: str
) -> None:
    url = host.home + missing
    status, kind, body = fetch(url)
    assert status == 404
    assert body == (host.output / "404.html").read_bytes()
    found, ids = links_on(url, kind, body)
    same_host = [link for link in found if link.startswith(host.origin)]
    in_page = [link for link in same_host if link.split("#")[0] == url]  # the skip link
    assert [link for link in in_page if urlsplit(link).fragment not in ids] == []
    others = [link for link in same_host if link not in in_page]
    assert len(others) >= 4  # home, roles, cities, the stylesheet
    assert [link for link in others if fetch(link)[0] != 200] == []


def test_nothing_outside_the_sub_path_is_served(karriere: Host) -> None:
    assert fetch(karriere.origin + "/")[0] == 404
    assert fetch(karriere.origin + "/berufe/")[0] == 404
    assert fetch(karriere.home + "berufe/")[0] == 200
