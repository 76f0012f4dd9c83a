"""Time the search index at one or more corpus sizes: indexing, re-indexing, readers' searches.

    python tests/benchmarks/search_index.py [--guides 10000,100000] [--runs 3] [--json out.json]

careersite writes its own search index (src/careersite/search.py):
suchindex/index.json lists the shards, suchindex/w/<digest>.json are the
shards of words and their postings, suchindex/p/<id>.json one file for each
page's result. A reader's search loads index.json, the shard of each query
word and the files of the ten results shown, so what a reader waits for
should not grow with the site; what a build spends on the index does.

For each size, the corpus (corpus.py; under /dev/shm when it is writable, as
run.py does, else in the system temp folder) is built once with `careersite
build --no-search`. Then, on copies of that output made with hard links:

- index all:  search.index over the whole output with a new cache folder,
              once: the time, the size of suchindex/, its shards, index.json
              and the largest shard;
- edit-one:   a copy of the indexed output in which one guide's page has a
              new paragraph with a unique word, indexed again the way a
              rebuild after editing that guide does it: a copy of the cache
              folder that index all saved, the indexed output as previous,
              every other file as kept; a different guide each run, each from
              the same cache. Afterwards the word must be in one of the
              copy's shards, listing that page, and no page but the edited
              one may have been read again;
- readers:    the indexed output served on 127.0.0.1 to Debian's Chromium
              through Playwright, a new browser context (cold cache) each run,
              as "desktop" (no emulation) and as "slow-net" (a phone's network:
              150 ms latency, 1.6 Mbit/s down, 0.75 Mbit/s up, and the page's
              main thread slowed down 4x):
              first results: /suche/?q=Gehalt opened, until the status line
              names the query, in ms since navigation start, read in the page;
              next search:   then a city and a role typed into the search
              field, until the status line names them, in ms since the
              field's input event.

search.js searches on the page's main thread (it uses no Web Worker), so
slow-net's 4x CPU slowdown applies to the search itself, not only to
loading the page: the slow-net columns show the network and a phone's
slower processor together. The test server speaks HTTP/1.1 (6 connections
at a time); a host with HTTP/2 would send a query's requests side by side.

Edit-one and the readers report the median of --runs runs. Without
/usr/bin/chromium or Playwright the reader columns stay empty. Unlike run.py,
this script calls careersite's search.index itself: what it measures is the
search part of a build, not the whole process.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import importlib.util
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keep it from calling Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEARCH_PAGE = "/suche/"  # the search page's URL, as DESIGN.md names it
INDEX_DIR = "suchindex"  # the search index in the output (careersite.urls.SEARCH_BUNDLE)
SEARCH_MARK = b"data-pagefind-body"  # on the element of a page that the index reads
FIRST_QUERY = "Gehalt"  # in every guide
SLOW_NET_CPU_SLOWDOWN = 4
SLOW_NETWORK = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1.6e6 / 8,  # bytes a second
    "uploadThroughput": 0.75e6 / 8,
}
PROFILES = ("desktop", "slow-net")
WAIT_MS = 300_000  # for one search to show its results
POLL_MS = 200  # how often Playwright looks; the times themselves are taken in the page

# Notes, in the page, when the status line changes and when the search field
# gets input. The observer is attached once the document is parsed, before
# the page's module scripts run (readyState "interactive").
PROBE = """
(() => {
  const probe = { statuses: [], inputs: [] };
  window.__csBench = probe;
  document.addEventListener("input", () => probe.inputs.push(performance.now()), true);
  document.addEventListener("readystatechange", () => {
    const status = document.getElementById("cs-suchstatus");
    if (document.readyState !== "interactive" || !status) return;
    new MutationObserver(() => probe.statuses.push([performance.now(), status.textContent]))
      .observe(status, { childList: true, characterData: true, subtree: true });
  });
})();
"""

# The first status line after `after` that names the query: when it appeared,
# what it says, and when the input that started that search came.
SHOWN = """
([query, after]) => {
  const probe = window.__csBench;
  const hit = probe && probe.statuses.find(([at, text]) => at > after && text.includes(query));
  if (!hit) return null;
  const [at, text] = hit;
  const typed = probe.inputs.filter((t) => t > after && t <= at);
  return { at, text, start: typed.length ? typed[typed.length - 1] : 0 };
}
"""


@dataclass
class EditRun:
    page: str  # the edited page, relative to the output
    word: str  # the unique word its new paragraph holds
    seconds: float
    pages_read: int  # pages' result files written anew; the rest were linked from previous
    load_before: float  # 1-minute load average just before the run
    problem: str = ""  # why the edit did not reach the index as it should


@dataclass
class ReaderRun:
    profile: str
    load_before: float
    first_ms: float | None = None  # navigation start -> status line names FIRST_QUERY
    first_hits: int | None = None
    first_requests: int | None = None  # responses until then
    first_bytes: int | None = None  # their Content-Length, summed
    next_ms: float | None = None  # input event -> status line names the second query
    next_hits: int | None = None
    next_requests: int | None = None
    next_bytes: int | None = None
    problem: str = ""


@dataclass
class SizeResult:
    guides: int
    root: str = ""
    source_files: int = 0
    source_mb: float = 0.0
    pages: int = 0  # HTML pages in the output
    pages_marked: int = 0  # of them, those with SEARCH_MARK
    pages_indexed: int = 0  # as index.json counts them
    build_s: float = 0.0
    queries: list[str] = field(default_factory=list)
    edited_pages: list[str] = field(default_factory=list)
    index_all_s: float = 0.0
    index_all_load_before: float = 0.0
    index_bytes: int = 0  # all of suchindex/
    shards: int = 0
    index_json_bytes: int = 0
    largest_shard_bytes: int = 0
    cache_bytes: int = 0  # the postings index all saved in its cache folder
    edits: list[EditRun] = field(default_factory=list)
    readers: list[ReaderRun] = field(default_factory=list)
    chromium: str | None = None
    readers_problem: str | None = None
    total_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        edit = [run.seconds for run in self.edits]
        row: dict[str, Any] = {
            "guides": self.guides,
            "root": self.root,
            "source_files": self.source_files,
            "source_mb": self.source_mb,
            "pages": self.pages,
            "pages_marked": self.pages_marked,
            "pages_indexed": self.pages_indexed,
            "build_s": round(self.build_s, 2),
            "queries": self.queries,
            "edited_pages": self.edited_pages,
            "index_all_s": round(self.index_all_s, 3),
            "index_all_load_before": round(self.index_all_load_before, 2),
            "index_bytes": self.index_bytes,
            "shards": self.shards,
            "index_json_bytes": self.index_json_bytes,
            "largest_shard_bytes": self.largest_shard_bytes,
            "cache_bytes": self.cache_bytes,
            "edit_one_median_s": _median(edit),
            "edit_one_min_s": min(edit, default=None),
            "edit_one_max_s": max(edit, default=None),
            "edit_one_runs": [asdict(run) for run in self.edits],
            "chromium": self.chromium,
            "readers_problem": self.readers_problem,
        }
        for profile in PROFILES:
            runs = [run for run in self.readers if run.profile == profile]
            row[f"{profile}_first_ms"] = _median([r.first_ms for r in runs if r.first_ms])
            row[f"{profile}_next_ms"] = _median([r.next_ms for r in runs if r.next_ms])
            row[f"{profile}_runs"] = [asdict(run) for run in runs]
        shown = [run for run in self.readers if run.first_ms]
        row["first_requests_median"] = _median([r.first_requests or 0 for r in shown])
        row["first_bytes_median"] = _median([r.first_bytes or 0 for r in shown])
        row["total_s"] = round(self.total_s, 1)
        return row


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- the output and its copies ------------------------------------------------------------


def build_site(cli: list[str], site: Path) -> float:
    """`careersite build --no-search` into site/public; seconds it took."""
    started = time.perf_counter()
    done = subprocess.run(
        [*cli, "build", "--source", str(site), "--no-search", "--quiet"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"careersite build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def linked_copy(tree: Path, to: Path) -> Path:
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(tree, to, copy_function=os.link)
    return to


def tree_files(root: Path) -> list[str]:
    """Every file below root, as a relative POSIX path."""
    found = []
    for folder, _, names in os.walk(root):
        base = Path(folder).relative_to(root)
        found += [(base / name).as_posix() for name in names]
    return sorted(found)


def folder_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def guide_page(source: Path) -> str:
    """The output page of a guide's source content/<role>/<city>.md (DESIGN.md's URL)."""
    return f"berufe/{source.parent.name}/{source.stem}/index.html"


def with_word(page: bytes, word: str) -> bytes:
    """page with a paragraph holding word at the end of the part the index reads."""
    opening = re.search(rb"<(\w+)[^>]*\s" + SEARCH_MARK, page)
    if opening is None:
        raise ValueError("the page has no element with data-pagefind-body")
    end = page.index(b"</" + opening[1] + b">", opening.end())
    return page[:end] + f"<p>{word}</p>\n".encode() + page[end:]


def replace_file(path: Path, content: bytes) -> None:
    """Write a new file at path; the old one may be a hard link that others share."""
    path.unlink()
    path.write_bytes(content)


def pages_read(previous: Path, tree: Path) -> int:
    """Result files in tree's suchindex/p/ that are not hard links of previous's: pages read."""
    before, now = previous / INDEX_DIR / "p", tree / INDEX_DIR / "p"
    count = 0
    with os.scandir(now) as entries:
        for entry in entries:
            try:
                linked = os.path.samefile(entry.path, before / entry.name)
            except OSError:
                linked = False
            count += not linked
    return count


def edit_problem(tree: Path, word: str, page: str, files: list[str]) -> str:
    """Why word, added to page, is not in tree's index as it should be; "" when it is.

    The shard it sorts into is found as search.js finds it (index.json lists
    where each shard starts); the word's entry there must list exactly that
    page, whose result file names the page's URL.
    """
    from careersite.search import fold

    folded = fold(word)
    root = tree / INDEX_DIR
    listing = json.loads((root / "index.json").read_text(encoding="utf-8"))
    starts = [start for start, _ in listing["shards"]]
    if not starts:
        return f"edit-one: {word!r} not indexed (the index has no shards)"
    name = listing["shards"][max(0, bisect.bisect_right(starts, folded) - 1)][1]
    shard = json.loads((root / "w" / f"{name}.json").read_text(encoding="utf-8"))
    entry = next((entry for entry in shard["w"] if entry[0] == folded), None)
    if entry is None:
        holding = [p.name for p in (root / "w").glob("*.json") if f'["{folded}",' in p.read_text()]
        where = f"; it is in {', '.join(holding)} instead" if holding else ""
        return f"edit-one: {word!r} ({page}) is not in shard {name}{where}"
    _, count, flat = entry
    number = sorted(name for name in files if name.endswith(".html")).index(page)
    listed = list(itertools.accumulate(flat[0::2]))  # ids are written as steps from the last
    if count != 1 or listed != [number]:
        return f"edit-one: {word!r} lists pages {listed} (of {count}), not {number} ({page})"
    result = json.loads((root / "p" / f"{number}.json").read_text(encoding="utf-8"))
    url = page.removesuffix("index.html")
    if result["u"] != url:
        return f"edit-one: page {number}'s result is {result['u']!r}, not {url!r}"
    return ""


# --- the two cases of the index ------------------------------------------------------------


def index_all(output: Path, copy: Path, cache: Path, files: list[str], result: SizeResult) -> None:
    """Index a copy of output, with a new cache folder, as a clean build does."""
    from careersite import search

    linked_copy(output, copy)
    shutil.rmtree(cache, ignore_errors=True)
    result.index_all_load_before = os.getloadavg()[0]
    started = time.perf_counter()
    search.index(copy, files, cache=cache)
    result.index_all_s = time.perf_counter() - started
    root = copy / INDEX_DIR
    listing = json.loads((root / "index.json").read_text(encoding="utf-8"))
    result.pages_indexed = listing["pages"]
    result.shards = len(listing["shards"])
    result.index_json_bytes = (root / "index.json").stat().st_size
    result.largest_shard_bytes = max(
        (path.stat().st_size for path in (root / "w").glob("*.json")), default=0
    )
    result.index_bytes = folder_bytes(root)
    result.cache_bytes = folder_bytes(cache)
    print(
        f"  N={result.guides:<7} index all  {result.index_all_s:8.2f} s  "
        f"{result.pages_indexed} pages  {result.shards} shards  "
        f"{result.index_bytes / 1e6:.1f} MB  load {result.index_all_load_before:.2f}",
        flush=True,
    )


def edit_one(
    indexed: Path,
    copy: Path,
    cache: Path,
    files: list[str],
    page: str,
    number: int,
) -> EditRun:
    """Index a copy of indexed with one page changed, as a rebuild after that edit does.

    The postings come from a copy of cache (as index all saved them), so
    that every run starts from the same cache.
    """
    from careersite import search

    linked_copy(indexed, copy)
    shutil.rmtree(copy / INDEX_DIR, ignore_errors=True)
    edited = copy / page
    word = f"Messnachtrag{number}x{time.time_ns()}"
    replace_file(edited, with_word(edited.read_bytes(), word))
    saved = copy.parent / f"{copy.name}-cache"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(cache, saved)
    kept = frozenset(name for name in files if name != page)  # a set, as a build passes it
    load = os.getloadavg()[0]
    started = time.perf_counter()
    search.index(copy, files, cache=saved, previous=indexed, kept=kept)
    seconds = time.perf_counter() - started
    run = EditRun(page, word, seconds, pages_read(indexed, copy), load)
    try:
        run.problem = edit_problem(copy, word, page, files)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:  # no or a broken index
        run.problem = f"edit-one: the index of {page} cannot be read: {exc!r}"
    shutil.rmtree(saved, ignore_errors=True)
    return run


# --- readers ---------------------------------------------------------------------------------


def reader_problem() -> str | None:
    """Why the reader columns stay empty, or None when they can be measured."""
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (make installs it)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; never `playwright install`)"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server would offer

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(root: Path) -> ThreadingHTTPServer:
    """A static file server for root on a free port of 127.0.0.1, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def second_query(guides: int) -> str:
    """A city and a role of the corpus, one word each, from the middle of the candidates."""
    from corpus import plan

    _, planned = plan(guides)
    simple = [g for g in planned if " " not in g.city.name and " " not in g.role.name]
    guide = (simple or planned)[len(simple or planned) // 2]
    return f"{guide.city.name} {guide.role.name}"


def read_once(browser: Browser, url: str, profile: str, second: str) -> ReaderRun:
    """One reader with a cold cache: the search page with FIRST_QUERY, then second typed."""
    from playwright.sync_api import Error as PlaywrightError

    run = ReaderRun(profile, os.getloadavg()[0])
    context = browser.new_context()
    sizes: list[int] = []  # of every response so far
    context.on("response", lambda response: sizes.append(_length(response.headers)))
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        if profile == "slow-net":
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_NET_CPU_SLOWDOWN})
        page.goto(f"{url}?q={quote(FIRST_QUERY)}", wait_until="commit")
        first = page.wait_for_function(
            SHOWN, arg=[FIRST_QUERY, 0], polling=POLL_MS, timeout=WAIT_MS
        ).json_value()
        run.first_ms, run.first_hits = first["at"], _hits(first["text"])
        run.first_requests, run.first_bytes = len(sizes), sum(sizes)
        page.fill("#cs-suche", second)
        then = page.wait_for_function(
            SHOWN, arg=[second, first["at"]], polling=POLL_MS, timeout=WAIT_MS
        ).json_value()
        run.next_ms, run.next_hits = then["at"] - then["start"], _hits(then["text"])
        run.next_requests = len(sizes) - run.first_requests
        run.next_bytes = sum(sizes) - run.first_bytes
        if not run.first_hits or not run.next_hits:
            run.problem = f"no results: {first['text']!r}, {then['text']!r}"
    except PlaywrightError as exc:
        run.problem = str(exc).strip().splitlines()[0]
    finally:
        context.close()
    return run


def _length(headers: dict[str, str]) -> int:
    return int(headers.get("content-length", "0"))


def _hits(status: str) -> int | None:
    """The count in search.js's status line, "20 Treffer für „Gehalt“"."""
    found = re.match(r"(\d+) Treffer", status)
    return int(found[1]) if found else None


def readers(root: Path, runs: int, second: str, result: SizeResult) -> str:
    """Every profile --runs times against root served; Chromium's version."""
    from playwright.sync_api import sync_playwright

    server = serve(root)
    url = f"http://127.0.0.1:{server.server_port}{SEARCH_PAGE}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for profile in PROFILES:
                    for _ in range(runs):
                        run = read_once(browser, url, profile, second)
                        result.readers.append(run)
                        print(
                            f"  N={result.guides:<7} {profile:<8}  first results "
                            f"{_num(run.first_ms, 0):>7} ms ({run.first_requests} requests, "
                            f"{(run.first_bytes or 0) / 1e3:.1f} KB, {run.first_hits} hits)  "
                            f"next search {_num(run.next_ms, 0):>7} ms ({run.next_requests} "
                            f"requests, {run.next_hits} hits)  load {run.load_before:.2f}  "
                            f"{run.problem}",
                            flush=True,
                        )
                return browser.version
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


# --- reporting ------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| guides | pages indexed | index all s | index MB | shards | index.json bytes "
        "| largest shard KB | edit-one s, median (min–max) | desktop first / next ms "
        "| slow-net first / next ms | first results: requests, KB |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        edit = (
            f"{_num(row['edit_one_median_s'])} "
            f"({_num(row['edit_one_min_s'])}–{_num(row['edit_one_max_s'])})"
        )
        first_kb = None if row["first_bytes_median"] is None else row["first_bytes_median"] / 1e3
        lines.append(
            f"| {row['guides']:,} | {row['pages_indexed']:,} | {_num(row['index_all_s'])} "
            f"| {row['index_bytes'] / 1e6:,.1f} | {row['shards']:,} "
            f"| {row['index_json_bytes']:,} | {row['largest_shard_bytes'] / 1e3:,.1f} | {edit} "
            f"| {_num(row['desktop_first_ms'], 0)} / {_num(row['desktop_next_ms'], 0)} "
            f"| {_num(row['slow-net_first_ms'], 0)} / {_num(row['slow-net_next_ms'], 0)} "
            f"| {_num(row['first_requests_median'], 0)}, {_num(first_kb, 1)} |"
        )
    return "\n".join(lines)


def problems(rows: list[dict[str, Any]]) -> list[str]:
    """Reader runs that failed, edits that did not reach the index or read more than their page."""
    found = []
    for row in rows:
        for profile in PROFILES:
            found += [
                f"N={row['guides']} {profile}: {run['problem']}"
                for run in row[f"{profile}_runs"]
                if run["problem"]
            ]
        for edit in row["edit_one_runs"]:
            if edit["problem"]:
                found.append(f"N={row['guides']} {edit['problem']}")
            if edit["pages_read"] != 1:
                found.append(
                    f"N={row['guides']} edit-one: {edit['pages_read']} pages read again, not 1 "
                    f"(the saved postings were not used?)"
                )
    return found


# --- the whole measurement -----------------------------------------------------------------


def bench_size(args: argparse.Namespace, root: Path, guides: int, cli: list[str]) -> SizeResult:
    """Every case at one corpus size, in root."""
    from corpus import generate

    result = SizeResult(guides, root=str(root))
    site, copies = root / "site", root / "copies"
    started = time.perf_counter()
    corpus = generate(site, guides)
    result.source_files, result.source_mb = corpus.files, round(corpus.bytes / 1e6, 2)
    print(f"{corpus.files} source files, {corpus.bytes / 1e6:.1f} MB in {site}", flush=True)
    result.build_s = build_site(cli, site)
    output = site / "public"
    if not (output / SEARCH_PAGE.strip("/") / "index.html").is_file():
        raise SystemExit(f"the output has no search page at {SEARCH_PAGE}")
    files = tree_files(output)
    pages = [name for name in files if name.endswith(".html")]
    result.pages = len(pages)
    result.pages_marked = sum(1 for name in pages if SEARCH_MARK in (output / name).read_bytes())
    result.edited_pages = [
        guide_page(corpus.guides[(k * 7919 + len(corpus.guides) // 2) % len(corpus.guides)])
        for k in range(args.runs)
    ]
    second = second_query(guides)
    result.queries = [FIRST_QUERY, second]
    result.readers_problem = reader_problem()
    if result.readers_problem is not None:
        print(f"note: readers not measured: {result.readers_problem}", file=sys.stderr)
    print(
        f"built {len(pages)} pages ({result.pages_marked} to index) in {result.build_s:.1f} s; "
        f"queries {FIRST_QUERY!r} and {second!r}",
        flush=True,
    )
    whole, cache = copies / "indexed", copies / "cache"
    index_all(output, whole, cache, files, result)
    if result.pages_indexed != result.pages_marked:
        print(
            f"  note: index.json counts {result.pages_indexed} pages, "
            f"{result.pages_marked} are marked {SEARCH_MARK.decode()}",
            flush=True,
        )
    for number, page in enumerate(result.edited_pages):
        run = edit_one(whole, copies / "edited", cache, files, page, number)
        result.edits.append(run)
        print(
            f"  N={guides:<7} edit-one   {run.seconds:8.2f} s  {run.pages_read} page(s) "
            f"read again  load {run.load_before:.2f}  ({run.page})  {run.problem}",
            flush=True,
        )
        shutil.rmtree(copies / "edited", ignore_errors=True)
    if result.readers_problem is None:
        result.chromium = readers(whole, args.runs, second, result)
    shutil.rmtree(copies, ignore_errors=True)
    result.total_s = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    from run import _bench_dir, careersite_command, compile_bytecode, machine_info

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--guides", default="10000", help="guides in the corpus, comma-separated for several"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--json", type=Path, help="write results and machine info here")
    parser.add_argument("--dir", help="where the corpora go (default /dev/shm, else temp)")
    parser.add_argument("--careersite", help="command that builds (default: the venv's careersite)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and their output")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.guides.split(",") if s.strip()]
    cli = careersite_command(args.careersite)
    compile_bytecode()
    machine = machine_info(cli)
    machine["load_at_start"] = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="careersite-search-", dir=_bench_dir(args.dir)))
    print(
        f"{machine['careersite_version']}; {machine['nproc']} CPUs; "
        f"corpora of {', '.join(f'{n:,}' for n in sizes)} guides in {root}",
        flush=True,
    )
    started = time.perf_counter()
    results: list[SizeResult] = []
    try:
        for guides in sizes:
            folder = root / str(guides)
            try:
                results.append(bench_size(args, folder, guides, cli))
            finally:
                shutil.rmtree(folder / "copies", ignore_errors=True)
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    rows = [result.summary() for result in results]
    print("\n" + markdown_table(rows))
    print(
        f"\nslow-net: {SLOW_NETWORK['latency']} ms latency, "
        f"{SLOW_NETWORK['downloadThroughput'] * 8 / 1e6:g} Mbit/s down, "
        f"{SLOW_NETWORK['uploadThroughput'] * 8 / 1e6:g} Mbit/s up, and the main thread, "
        f"where search.js searches, slowed down {SLOW_NET_CPU_SLOWDOWN}x"
    )
    found = problems(rows)
    if found:
        print("\nProblems:")
    for line in found:
        print(f"  {line}")
    if args.json:
        report = {
            "machine": machine,
            "runs": args.runs,
            "guides": sizes,
            "root": str(root),
            "total_s": round(time.perf_counter() - started, 1),
            "results": rows,
            "problems": found,
            "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    return 1 if found else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the corpora and the copies are removed on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    sys.path.insert(0, str(HERE))
    from run import ensure_careersite_importable

    ensure_careersite_importable()
    sys.exit(main())
