"""Time the search index at several bundle sizes: rebuilds against readers' searches.

    python tests/benchmarks/search_bundles.py [--guides 10000] [--bundles 250,500,1000,2500]
                                              [--runs 3] [--json out.json]

careersite splits the search index into Pagefind bundles of about
PAGES_PER_BUNDLE pages (src/careersite/search.py); the search page's
search.js loads the first bundle's pagefind.js and merges the others with
pagefind.mergeIndex. The size is a trade-off. Smaller bundles make a rebuild
after an edit cheaper: Pagefind indexes again only the edited page's bundle,
about 2 ms a page. Larger bundles make readers' searches faster: the browser
fetches every merged index and searches each on its own.

The corpus (corpus.py; under /dev/shm when it is writable, as run.py does,
else in the system temp folder) is built once with `careersite build
--no-search`. Then, for each bundle size S, on copies of that output made
with hard links:

- index all:  search.index over the whole output with S pages a bundle, once;
- edit-one:   a copy of the indexed output in which one guide's page has a
              new paragraph with a unique word, indexed again the way a
              rebuild after editing that guide does it: the indexed output as
              previous, every other file as kept; a different guide each run;
- changes:    the same edit indexed as `build --index-changes` does it: the
              bundles linked, the edited page alone in a changes index;
- readers:    the indexed output served on 127.0.0.1 to Debian's Chromium
              through Playwright, a new browser context (cold cache) each run,
              as "desktop" (no emulation) and as "slow-net" (a phone's network:
              150 ms latency, 1.6 Mbit/s down, 0.75 Mbit/s up):
              first results: /suche/?q=Gehalt opened, until the status line
              names the query, in ms since navigation start, read in the page;
              next search:   then a city and a role typed into the search
              field, until the status line names them, in ms since the
              field's input event.

slow-net also slows the page's main thread down 4x, as on a phone, but
that reaches no further: Pagefind searches in a Web Worker, and Chromium
throttles no workers ("Operation is only supported for pages, not
workers"). So the slow-net columns show the network: each bundle costs its
own round trips. The test server speaks HTTP/1.1 (6 connections at a time);
a host with HTTP/2 would send a bundle's requests side by side.

Edit-one and the readers report the median of --runs runs. Without
/usr/bin/chromium or Playwright the reader columns stay empty. Unlike run.py,
this script calls careersite's search.index itself: what it measures is the
search part of a build, not the whole process.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
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
from importlib import metadata
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
SEARCH_MARK = b"data-pagefind-body"  # on the element of a page that Pagefind indexes
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
    seconds: float
    reindexed: int  # bundles Pagefind indexed again; the rest were linked from previous
    load_before: float  # 1-minute load average just before the run


@dataclass
class ReaderRun:
    profile: str
    load_before: float
    first_ms: float | None = None  # navigation start -> status line names FIRST_QUERY
    first_hits: int | None = None
    first_requests: int | None = None  # responses until then, the page's and its worker's
    first_bytes: int | None = None  # their Content-Length, summed
    next_ms: float | None = None  # input event -> status line names the second query
    next_hits: int | None = None
    next_requests: int | None = None
    next_bytes: int | None = None
    problem: str = ""


@dataclass
class SizeResult:
    per_bundle: int
    bundles: int = 0
    index_all_s: float = 0.0
    index_all_load_before: float = 0.0
    pagefind_bytes: int = 0
    edits: list[EditRun] = field(default_factory=list)
    changes: list[EditRun] = field(default_factory=list)  # with a changes index
    readers: list[ReaderRun] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        edit = [run.seconds for run in self.edits]
        row: dict[str, Any] = {
            "per_bundle": self.per_bundle,
            "bundles": self.bundles,
            "index_all_s": round(self.index_all_s, 3),
            "index_all_load_before": round(self.index_all_load_before, 2),
            "pagefind_bytes": self.pagefind_bytes,
            "edit_one_median_s": _median(edit),
            "edit_one_min_s": min(edit, default=None),
            "edit_one_max_s": max(edit, default=None),
            "edit_one_runs": [asdict(run) for run in self.edits],
            "changes_median_s": _median([run.seconds for run in self.changes]),
            "changes_runs": [asdict(run) for run in self.changes],
        }
        for profile in PROFILES:
            runs = [run for run in self.readers if run.profile == profile]
            row[f"{profile}_first_ms"] = _median([r.first_ms for r in runs if r.first_ms])
            row[f"{profile}_next_ms"] = _median([r.next_ms for r in runs if r.next_ms])
            row[f"{profile}_runs"] = [asdict(run) for run in runs]
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
    """page with a paragraph holding word at the end of the part Pagefind indexes."""
    opening = re.search(rb"<(\w+)[^>]*\s" + SEARCH_MARK, page)
    if opening is None:
        raise ValueError("the page has no element with data-pagefind-body")
    end = page.index(b"</" + opening[1] + b">", opening.end())
    return page[:end] + f"<p>{word}</p>\n".encode() + page[end:]


def replace_file(path: Path, content: bytes) -> None:
    """Write a new file at path; the old one may be a hard link that others share."""
    path.unlink()
    path.write_bytes(content)


def reindexed_bundles(previous: Path, tree: Path) -> int:
    """Bundles in tree/pagefind that are not hard links of previous/pagefind's."""
    listing = json.loads((tree / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    count = 0
    for name in listing["bundles"]:
        old, new = previous / "pagefind" / name, tree / "pagefind" / name
        files = [path.relative_to(new) for path in new.rglob("*") if path.is_file()]
        if not all((old / file).exists() and (old / file).samefile(new / file) for file in files):
            count += 1
    return count


# --- the two cases of the index ------------------------------------------------------------


def index_all(output: Path, copy: Path, files: list[str], result: SizeResult) -> None:
    from careersite import search

    linked_copy(output, copy)
    result.index_all_load_before = os.getloadavg()[0]
    started = time.perf_counter()
    search.index(copy, files, per_bundle=result.per_bundle)
    result.index_all_s = time.perf_counter() - started
    listing = json.loads((copy / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    result.bundles = len(listing["bundles"])
    result.pagefind_bytes = folder_bytes(copy / "pagefind")
    print(
        f"  S={result.per_bundle:<6} index all  {result.index_all_s:8.2f} s  "
        f"{result.bundles} bundles  {result.pagefind_bytes / 1e6:.1f} MB",
        flush=True,
    )


def edit_one(  # noqa: PLR0913 - the case, as bench() lays it out
    indexed: Path,
    copy: Path,
    files: list[str],
    per_bundle: int,
    page: str,
    number: int,
    changes: bool = False,
) -> EditRun:
    """Index a copy of indexed with one page changed, as a rebuild after that edit does.

    With changes, as build --index-changes does it: into a changes index.
    """
    from careersite import search

    linked_copy(indexed, copy)
    shutil.rmtree(copy / "pagefind", ignore_errors=True)
    edited = copy / page
    replace_file(edited, with_word(edited.read_bytes(), f"Messnachtrag{number}x{time.time_ns()}"))
    kept = [name for name in files if name != page]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    search.index(
        copy,
        files,
        previous=indexed,
        kept=kept,
        per_bundle=per_bundle,
        before=files if changes else None,
        changes=search.CHANGES_LIMIT if changes else 0,
    )
    seconds = time.perf_counter() - started
    return EditRun(page, seconds, reindexed_bundles(indexed, copy), load)


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
    sizes: list[int] = []  # of every response so far, the worker's too
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
                            f"  S={result.per_bundle:<6} {profile:<8}  first results "
                            f"{_num(run.first_ms, 0):>7} ms ({run.first_requests} requests, "
                            f"{(run.first_bytes or 0) / 1e6:.2f} MB)  next search "
                            f"{_num(run.next_ms, 0):>7} ms ({run.next_requests} requests)  "
                            f"load {run.load_before:.2f}  {run.problem}",
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
        "| pages a bundle | bundles | index all s | edit-one s, median (min–max) "
        "| edit-one with a changes index s | desktop first results ms | desktop next search ms "
        "| slow-net first results ms | slow-net next search ms | pagefind/ MB |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        edit = (
            f"{_num(row['edit_one_median_s'])} "
            f"({_num(row['edit_one_min_s'])}–{_num(row['edit_one_max_s'])})"
        )
        lines.append(
            f"| {row['per_bundle']:,} | {row['bundles']} | {_num(row['index_all_s'])} | {edit} "
            f"| {_num(row['changes_median_s'])} "
            f"| {_num(row['desktop_first_ms'], 0)} | {_num(row['desktop_next_ms'], 0)} "
            f"| {_num(row['slow-net_first_ms'], 0)} | {_num(row['slow-net_next_ms'], 0)} "
            f"| {row['pagefind_bytes'] / 1e6:,.1f} |"
        )
    return "\n".join(lines)


def problems(rows: list[dict[str, Any]]) -> list[str]:
    """Reader runs that failed, and edits that made more than their own bundle stale."""
    found = []
    for row in rows:
        for profile in PROFILES:
            found += [
                f"S={row['per_bundle']} {profile}: {run['problem']}"
                for run in row[f"{profile}_runs"]
                if run["problem"]
            ]
        found += [
            f"S={row['per_bundle']} edit-one: {edit['reindexed']} bundles indexed again"
            for edit in row["edit_one_runs"]
            if edit["reindexed"] != 1
        ]
        found += [
            f"S={row['per_bundle']} changes: {edit['reindexed']} bundles indexed again"
            for edit in row["changes_runs"]
            if edit["reindexed"] != 0
        ]
    return found


# --- the whole measurement -----------------------------------------------------------------


def bench(args: argparse.Namespace, root: Path, sizes: list[int], cli: list[str]) -> dict[str, Any]:
    from corpus import generate

    site, copies = root / "site", root / "copies"
    started = time.perf_counter()
    corpus = generate(site, args.guides)
    print(f"{corpus.files} source files, {corpus.bytes / 1e6:.1f} MB in {site}", flush=True)
    built_s = build_site(cli, site)
    output = site / "public"
    if not (output / SEARCH_PAGE.strip("/") / "index.html").is_file():
        raise SystemExit(f"the output has no search page at {SEARCH_PAGE}")
    files = tree_files(output)
    pages = [name for name in files if name.endswith(".html")]
    indexed = sum(1 for name in pages if SEARCH_MARK in (output / name).read_bytes())
    edited = [
        guide_page(corpus.guides[(k * 7919 + len(corpus.guides) // 2) % len(corpus.guides)])
        for k in range(args.runs)
    ]
    second = second_query(args.guides)
    problem = reader_problem()
    if problem is not None:
        print(f"note: readers not measured: {problem}", file=sys.stderr)
    print(
        f"built {len(pages)} pages ({indexed} to index) in {built_s:.1f} s; "
        f"queries {FIRST_QUERY!r} and {second!r}",
        flush=True,
    )
    results: list[SizeResult] = []
    chromium = None
    for size in sizes:
        result = SizeResult(size)
        results.append(result)
        whole = copies / f"indexed-{size}"
        index_all(output, whole, files, result)
        for number, page in enumerate(edited):
            run = edit_one(whole, copies / "edited", files, size, page, number)
            result.edits.append(run)
            print(
                f"  S={size:<6} edit-one   {run.seconds:8.2f} s  {run.reindexed} bundle(s) "
                f"indexed again  load {run.load_before:.2f}  ({run.page})",
                flush=True,
            )
            shutil.rmtree(copies / "edited", ignore_errors=True)
            run = edit_one(whole, copies / "edited", files, size, page, number, changes=True)
            result.changes.append(run)
            print(
                f"  S={size:<6} changes    {run.seconds:8.2f} s  {run.reindexed} bundle(s) "
                f"indexed again  load {run.load_before:.2f}",
                flush=True,
            )
        shutil.rmtree(copies / "edited", ignore_errors=True)
        if problem is None:
            chromium = readers(whole, args.runs, second, result)
        shutil.rmtree(whole)
    return {
        "guides": args.guides,
        "root": str(root),
        "source_files": corpus.files,
        "source_mb": round(corpus.bytes / 1e6, 2),
        "pages": len(pages),
        "pages_indexed": indexed,
        "build_s": round(built_s, 2),
        "total_s": round(time.perf_counter() - started, 1),
        "queries": [FIRST_QUERY, second],
        "edited_pages": edited,
        "chromium": chromium,
        "readers_problem": problem,
        "results": [result.summary() for result in results],
    }


def main(argv: list[str] | None = None) -> int:
    from run import _bench_dir, careersite_command, compile_bytecode, machine_info

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=10_000, help="guides in the corpus")
    parser.add_argument(
        "--bundles", default="250,500,1000,2500", help="pages a bundle, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--json", type=Path, help="write results and machine info here")
    parser.add_argument("--dir", help="where the corpus goes (default /dev/shm, else temp)")
    parser.add_argument("--careersite", help="command that builds (default: the venv's careersite)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and its output")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.bundles.split(",") if s.strip()]
    cli = careersite_command(args.careersite)
    compile_bytecode()
    machine = machine_info(cli)
    machine["pagefind"] = metadata.version("pagefind")
    machine["load_at_start"] = os.getloadavg()
    root = Path(
        tempfile.mkdtemp(prefix=f"careersite-search-{args.guides}-", dir=_bench_dir(args.dir))
    )
    print(
        f"{machine['careersite_version']}; Pagefind {machine['pagefind']}; "
        f"{machine['nproc']} CPUs; corpus of {args.guides} guides in {root}",
        flush=True,
    )
    try:
        report = bench(args, root, sizes, cli)
    finally:
        shutil.rmtree(root / "copies", ignore_errors=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("\n" + markdown_table(report["results"]))
    found = problems(report["results"])
    for line in found:
        print(f"  {line}")
    if args.json:
        report = {"machine": machine, "runs": args.runs, **report}
        report["generated"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    return 1 if found else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the corpus and the copies are removed on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    sys.path.insert(0, str(HERE))
    from run import ensure_careersite_importable

    ensure_careersite_importable()
    sys.exit(main())
