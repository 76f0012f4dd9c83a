"""Time whole `careersite build` processes on generated corpora.

    python tests/benchmarks/run.py [--sizes 1000,10000] [--runs 3] [--json out.json]

For each size N the corpus is generated once (under /dev/shm when it is
writable, as in BENCHMARKS.md, else in the system temp folder) and these
cases are measured, each as the median of --runs runs of the whole process:

- cold:      output, staging folders and any .careersite-cache folder in the
             site deleted before each run;
- no-change: output and caches kept from the previous build;
- edit-one:  one sentence appended to one guide's body before each run, a
             different guide each run;
- serve:     `careersite serve` on the corpus; a sentence with a unique mark
             appended to a guide, SERVE_EDITS_PER_RUN times --runs, each
             timed from the write to the first answer of the guide's page
             (its URL as DESIGN.md names it) that holds the mark, as a
             browser reloaded by livereload would get it.

Every run also records the peak RSS of the whole process tree (the build and
its children, summed, sampled every 20 ms), its peak PSS (every 200 ms: the
memory the tree takes, with pages that forked workers share counted once)
and, from wait4, the CPU time and the largest single-process max RSS. When
`careersite build --help` lists --jobs, each case is measured again with
--jobs 1; when it lists --no-search, all of that again without the search
index, which is the work the peers in BENCHMARKS.md do (pages and hubs, no
search). The harness knows nothing of careersite's internals: it measures
whatever the command line does.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SAMPLE_SECONDS = 0.02
CACHE_NAME = ".careersite-cache"
MAX_PROBLEMS = 200  # distinct stderr lines kept per case
SERVE_EDITS_PER_RUN = 3
SERVE_PAUSE_S = 3.0  # between saves, as an author types between them
SERVE_START_TIMEOUT_S = 900.0
SERVE_EDIT_TIMEOUT_S = 60.0


def ensure_careersite_importable() -> None:
    """Re-run the script under the repository's venv when this Python lacks careersite."""
    try:
        import careersite  # noqa: F401
    except ImportError:
        venv = REPO / ".venv"
        python = venv / "bin" / "python"
        # Not by the interpreter's path: the venv's python links to this very one.
        if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
            os.execv(python, [str(python), str(Path(sys.argv[0]).resolve()), *sys.argv[1:]])
        raise


@dataclass
class Run:
    wall_s: float
    cpu_s: float  # user + system of the build and its waited-for children
    peak_rss_kb: int  # sampled sum over the process tree
    peak_pss_kb: int  # the same in PSS: shared pages counted once (Peaks)
    maxrss_kb: int  # from wait4: the largest single process in the tree
    exit_code: int
    stderr: str
    load_before: float  # 1-minute load average just before the run: other work on the machine


@dataclass
class CaseResult:
    n: int
    case: str
    runs: list[Run] = field(default_factory=list)
    pages: int = 0  # index.html files in the output after the last run
    cli_pages: int | None = None  # what the CLI's "built N pages" line said

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.exit_code == 0]

    def summary(self) -> dict[str, Any]:
        walls = [r.wall_s for r in self.ok_runs]
        median = statistics.median(walls) if walls else None
        return {
            "n": self.n,
            "case": self.case,
            "runs": len(self.runs),
            "failed_runs": len(self.runs) - len(walls),
            "median_s": median,
            "min_s": min(walls) if walls else None,
            "max_s": max(walls) if walls else None,
            "cpu_median_s": statistics.median(r.cpu_s for r in self.ok_runs) if walls else None,
            "peak_rss_mb": max((r.peak_rss_kb for r in self.runs), default=0) / 1024,
            "peak_pss_mb": max((r.peak_pss_kb for r in self.runs), default=0) / 1024,
            "maxrss_mb": max((r.maxrss_kb for r in self.runs), default=0) / 1024,
            "pages": self.pages,
            "cli_pages": self.cli_pages,
            "pages_per_s": self.pages / median if median else None,
            "exit_codes": [r.exit_code for r in self.runs],
            "wall_s": [round(r.wall_s, 4) for r in self.runs],
            "cpu_s": [round(r.cpu_s, 4) for r in self.runs],
            "load_before": [round(r.load_before, 2) for r in self.runs],
            "problem_count": len(found := problems(self.runs)),
            "problems": found[:MAX_PROBLEMS],
        }


# --- measuring one process ------------------------------------------------------------


def _children_proc(pid: int) -> list[int]:
    """Child pids from /proc/<pid>/task/*/children, or by scanning every /proc/*/stat."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found += [int(c) for c in handle.read().split()]
        except FileNotFoundError:
            return _children_by_scan(pid)  # kernel without CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return found


def _children_by_scan(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _rss_kb_proc(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a zombie (no VmRSS line)


def tree_rss_kb(pid: int) -> int:
    """The summed RSS of pid and all its descendants, in KiB."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total // 1024
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kb_proc(current)
        todo += _children_proc(current)
    return total


def _pss_kb_proc(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a kernel without smaps_rollup


def tree_pss_kb(pid: int) -> int:
    """The summed PSS of pid and all its descendants, in KiB: the memory the tree uses.

    A forked worker shares its parent's pages until either writes to them:
    RSS counts a shared page once in every process that maps it, PSS shares
    it out among them, so that the sum is what the tree takes of the machine.
    """
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _pss_kb_proc(current)
        todo += _children_proc(current)
    return total


class Peaks:
    """The peak tree RSS and tree PSS of a running process, sampled in a thread.

    PSS costs the kernel a walk of every page table, so it is read every
    PSS_EVERY samples (every 200 ms), not to take a core from the build.
    """

    PSS_EVERY = 10

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss_kb = 0
        self.pss_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        count = 0
        while not self._done.is_set():
            self.rss_kb = max(self.rss_kb, tree_rss_kb(self.pid))
            if count % self.PSS_EVERY == 0:
                self.pss_kb = max(self.pss_kb, tree_pss_kb(self.pid))
            count += 1
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def measure(command: list[str]) -> Run:
    """Run command to its end; wall time, CPU time, peak tree RSS, exit code, stderr."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peaks = Peaks(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        peaks.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_kb=peaks.rss_kb,
        peak_pss_kb=peaks.pss_kb,
        maxrss_kb=usage.ru_maxrss,
        exit_code=proc.returncode,
        stderr=stderr,
        load_before=load,
    )


def problems(runs: list[Run]) -> list[str]:
    """Every distinct stderr line that is not the CLI's closing 'built N pages' line."""
    lines: dict[str, None] = {}
    for run in runs:
        for line in run.stderr.splitlines():
            if line.strip() and not line.startswith("built "):
                lines.setdefault(line.rstrip(), None)
        if run.exit_code != 0:
            lines.setdefault(f"exit status {run.exit_code}", None)
    return list(lines)


def _cli_pages(stderr: str) -> int | None:
    for line in stderr.splitlines():
        words = line.split()
        if len(words) > 2 and words[0] == "built" and words[1].isdigit():
            return int(words[1])
    return None


# --- the cases ----------------------------------------------------------------------------


def careersite_command(explicit: str | None) -> list[str]:
    if explicit:
        return explicit.split()
    script = Path(sys.executable).parent / "careersite"
    if script.exists():
        return [str(script)]
    found = shutil.which("careersite")
    return [found] if found else [sys.executable, "-m", "careersite"]


def markdown_engine(site: Path) -> dict[str, Any]:
    """Which engine renders the corpus's guides, and how many fall back to markdown-it-py.

    The same choice a build makes (careersite.fast_markdown.prepare), for
    every guide, in this process: about 0.5 ms a guide.
    """
    from careersite import fast_markdown
    from careersite.frontmatter import split

    guides = sorted((site / "content").rglob("*.md"))
    taken = 0
    for path in guides:
        parts, _ = split(path.read_text(encoding="utf-8"), path)
        if parts is not None:
            taken += fast_markdown.prepare(parts.body, path, parts.body_first_line) is not None
    return {
        "engine": fast_markdown.ENGINE,
        "guides": len(guides),
        "fallbacks": len(guides) - taken,
    }


def engine_line(engine: dict[str, Any]) -> str:
    return (
        f"Markdown: {engine['engine']}, markdown-it-py for {engine['fallbacks']:,} "
        f"of {engine['guides']:,} guides (fallbacks)"
    )


def compile_bytecode() -> None:
    """Compile careersite's byte code before timing, as pip does when it installs it.

    An editable install leaves that to the first import, which writes nothing
    where PYTHONDONTWRITEBYTECODE is set (as on this project's machines): each
    timed run would compile every module again, about 0.1 s that an installed
    careersite never spends.
    """
    compileall.compile_dir(REPO / "src" / "careersite", quiet=1)


def build_options(cli: list[str]) -> str:
    """The help text of `careersite build`, to learn which options it offers."""
    return subprocess.run([*cli, "build", "--help"], capture_output=True, text=True).stdout


def clean_build_state(site: Path, output: Path) -> None:
    """Delete the output, careersite's staging folders beside it, and caches in the site."""
    for path in (output, *output.parent.glob(f".{output.name}.careersite-*")):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for cache in site.rglob(CACHE_NAME):
        if cache.is_dir():
            shutil.rmtree(cache)


def count_pages(output: Path) -> int:
    return sum(1 for _ in output.rglob("index.html")) if output.is_dir() else 0


def append_sentence(guide: Path, number: int) -> None:
    from corpus_data import ADDENDA

    with guide.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{ADDENDA[number % len(ADDENDA)]} (Änderung {number + 1})\n")


def bench_size(  # noqa: PLR0913 - the command line's options, passed on
    n: int,
    runs: int,
    cli: list[str],
    variants: list[list[str]],
    base: Path,
    keep: bool,
    serve: bool,
) -> tuple[list[CaseResult], dict[str, Any], ServeResult | None]:
    from corpus import generate

    root = Path(tempfile.mkdtemp(prefix=f"careersite-bench-{n}-", dir=base))
    site, output = root / "site", root / "public"
    started = time.perf_counter()
    corpus = generate(site, n)
    info = {
        "n": n,
        "root": str(root),
        "guides": len(corpus.guides),
        "files": corpus.files,
        "mb": round(corpus.bytes / 1e6, 2),
        "expected_pages": corpus.expected_pages,
        "generate_s": round(time.perf_counter() - started, 2),
    }
    print(f"\nN={n}: {corpus.files} files, {info['mb']} MB in {site} ({info['generate_s']} s)")
    engine = markdown_engine(site)
    info["markdown"] = engine
    print("  " + engine_line(engine))
    results: list[CaseResult] = []
    edits = 0
    try:
        for extra in variants:
            suffix = f" {' '.join(extra)}" if extra else ""
            build = [*cli, "build", "--source", str(site), "--output", str(output), *extra]
            for case in ("cold", "no-change", "edit-one"):
                result = CaseResult(n, case + suffix)
                if case != "cold" and not (output / "index.html").exists():
                    measure(build)  # bring the output up to date first; not timed
                for _ in range(runs):
                    if case == "cold":
                        clean_build_state(site, output)
                    elif case == "edit-one":
                        # Spread the edited guides over the corpus, a new one each run.
                        index = (edits * 7919 + len(corpus.guides) // 2) % len(corpus.guides)
                        append_sentence(site / corpus.guides[index], edits)
                        edits += 1
                    run = measure(build)
                    result.runs.append(run)
                    print(
                        f"  {result.case:<22} {run.wall_s:8.2f} s  exit {run.exit_code}"
                        f"  peak RSS {run.peak_rss_kb / 1024:7.0f} MB"
                        f"  PSS {run.peak_pss_kb / 1024:7.0f} MB  cpu {run.cpu_s:7.2f} s"
                        f"  load {run.load_before:.2f}",
                        flush=True,
                    )
                result.pages = count_pages(output)
                result.cli_pages = _cli_pages(result.runs[-1].stderr)
                results.append(result)
        served = None
        if serve:
            count = runs * SERVE_EDITS_PER_RUN
            picked = [corpus.guides[(edits + i) * 7919 % len(corpus.guides)] for i in range(count)]
            served = bench_serve(n, count, cli, site, picked)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return results, info, served


@dataclass
class ServeResult:
    n: int
    latencies_s: list[float] = field(default_factory=list)  # save -> page with the change
    start_s: float | None = None  # start -> the home page answers (the first build)
    rss_mb: float = 0.0  # the server's process tree after the last edit
    problem: str = ""

    def summary(self) -> dict[str, Any]:
        ms = [x * 1000 for x in self.latencies_s]
        return {
            "n": self.n,
            "case": "serve edit-one",
            "edits": len(ms),
            "median_ms": statistics.median(ms) if ms else None,
            "min_ms": min(ms) if ms else None,
            "max_ms": max(ms) if ms else None,
            "latencies_ms": [round(x, 1) for x in ms],
            "start_s": self.start_s,
            "rss_mb": self.rss_mb,
            "problem": self.problem,
        }


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return bytes(answer.read())
    except (urllib.error.URLError, OSError):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_serve(n: int, edits: int, cli: list[str], site: Path, guides: list[Path]) -> ServeResult:
    """Save a guide, then ask the server for its page until the page shows the change."""
    result = ServeResult(n)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        server = subprocess.Popen(
            [*cli, "serve", "--source", str(site), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while _get(base + "/") is None:
                if (
                    server.poll() is not None
                    or time.perf_counter() - started > SERVE_START_TIMEOUT_S
                ):
                    err.seek(0)
                    result.problem = "the server did not start: " + err.read().decode()[-500:]
                    return result
                time.sleep(0.1)
            result.start_s = round(time.perf_counter() - started, 2)
            for number, guide in enumerate(guides[:edits]):
                # The contract's URL of a guide: /berufe/<role>/<city>/ (the corpus names
                # its files by those slugs).
                role, city = guide.parent.name, guide.stem
                url = f"{base}/berufe/{role}/{city}/"
                mark = f"Messpunkt{number}x{time.time_ns()}"
                with (site / guide).open("a", encoding="utf-8") as handle:
                    handle.write(f"\nNachtrag {mark}.\n")
                saved = time.perf_counter()
                while mark.encode() not in (_get(url) or b""):
                    if time.perf_counter() - saved > SERVE_EDIT_TIMEOUT_S:
                        result.problem = f"{url} did not show the change"
                        return result
                    time.sleep(0.005)
                result.latencies_s.append(time.perf_counter() - saved)
                print(
                    f"  serve edit-one         {result.latencies_s[-1] * 1000:8.0f} ms", flush=True
                )
                time.sleep(SERVE_PAUSE_S)
            result.rss_mb = round(tree_rss_kb(server.pid) / 1024, 1)
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    return result


# --- reporting ----------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| N | case | median s | min s | max s | CPU s | peak RSS MB | peak PSS MB | pages "
        "| pages/s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        failed = f" ({row['failed_runs']} failed)" if row["failed_runs"] else ""
        lines.append(
            f"| {row['n']:,} | {row['case']}{failed} | {_num(row['median_s'])} "
            f"| {_num(row['min_s'])} | {_num(row['max_s'])} | {_num(row['cpu_median_s'])} "
            f"| {_num(row['peak_rss_mb'], 0)} | {_num(row['peak_pss_mb'], 0)} "
            f"| {row['pages']:,} | {_num(row['pages_per_s'], 0)} |"
        )
    return "\n".join(lines)


def serve_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| N | case | edits | median ms | min ms | max ms | server RSS MB | start s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['n']:,} | {row['case']} | {row['edits']} | {_num(row['median_ms'], 0)} "
            f"| {_num(row['min_ms'], 0)} | {_num(row['max_ms'], 0)} | {_num(row['rss_mb'], 0)} "
            f"| {_num(row['start_s'])} |"
        )
    return "\n".join(lines)


def machine_info(cli: list[str]) -> dict[str, Any]:
    version = subprocess.run([*cli, "--version"], capture_output=True, text=True)
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "careersite_version": (version.stdout or version.stderr).strip(),
        "careersite_command": cli,
        "psutil": _has_psutil(),
        "git": _git_state(),
    }
    try:
        with open("/proc/meminfo") as handle:
            info["mem_total_mb"] = int(handle.readline().split()[1]) // 1024
        with open("/proc/cpuinfo") as handle:
            models = [line.split(":", 1)[1].strip() for line in handle if "model name" in line]
        info["cpu_model"] = models[0] if models else None
    except OSError:
        pass
    return info


def _git_state() -> dict[str, Any]:
    """The commit measured, and whether src/ had uncommitted changes."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return result.stdout.strip()

    return {
        "head": git("rev-parse", "HEAD"),
        "dirty_src": bool(git("status", "--porcelain", "src")),
    }


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def _bench_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - options, then one case per size
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated guide counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--json", type=Path, help="write results and machine info here")
    parser.add_argument("--dir", help="where corpora go (default /dev/shm, else temp)")
    parser.add_argument("--careersite", help="command to run (default: the venv's careersite)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and output")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    cli = careersite_command(args.careersite)
    if args.careersite is None:
        compile_bytecode()
    offered = build_options(cli)
    jobs = "--jobs" in offered
    variants = [[], ["--jobs", "1"]] if jobs else [[]]
    if "--no-search" in offered:  # the work the peers do: pages and hubs, no search index
        variants += [["--no-search", *variant] for variant in variants]
    machine = machine_info(cli)
    base = _bench_dir(args.dir)
    print(
        f"{machine['careersite_version']}; Python {machine['python']}; {machine['nproc']} CPUs; "
        f"--jobs {'found' if jobs else 'not offered'}; corpora in {base}; "
        f"RSS via {'psutil' if machine['psutil'] else '/proc'}"
    )
    serve = "serve" in subprocess.run([*cli, "--help"], capture_output=True, text=True).stdout
    rows: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    corpora = []
    for n in sizes:
        results, info, serve_result = bench_size(
            n, args.runs, cli, variants, base, args.keep, serve
        )
        corpora.append(info)
        rows += [r.summary() for r in results]
        if serve_result is not None:
            served.append(serve_result.summary())
        for result in results:
            if result.pages != info["expected_pages"] and result.ok_runs:
                print(
                    f"  note: {result.case} wrote {result.pages} pages, "
                    f"expected {info['expected_pages']}"
                )
    print("\n" + markdown_table(rows))
    if served:
        print("\n" + serve_table(served))
    found = {line for row in rows for line in row["problems"]}
    if found:
        print("\nProblems the CLI reported (stderr, exit status):")
        for row in rows:
            for line in row["problems"][:20]:
                print(f"  N={row['n']} {row['case']}: {line}")
            if row["problem_count"] > 20:
                print(f"  N={row['n']} {row['case']}: ... {row['problem_count'] - 20} more lines")
    if args.json:
        report = {
            "machine": machine,
            "jobs_option": jobs,
            "runs": args.runs,
            "corpora": corpora,
            "results": rows,
            "serve": served,
            "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    failed = any(row["failed_runs"] for row in rows) or any(row["problem"] for row in served)
    for row in served:
        if row["problem"]:
            print(f"  N={row['n']} serve: {row['problem']}")
    return 1 if failed else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the corpus folders are removed on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    ensure_careersite_importable()
    sys.path.insert(0, str(HERE))
    sys.exit(main())
