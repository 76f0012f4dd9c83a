"""careersite against its peers: Hugo (Debian's package) and Hugo + Pagefind.

    python tests/benchmarks/peers.py [--sizes 1000,10000] [--runs 3] [--json out.json]
                                     [--cases "no search,with search"]

For each size N the corpus of corpus.py is generated once (under /dev/shm
when it is writable, else in the system temp folder) and written again as a
Hugo site with the same pages (hugo_site.py). Then two cases, each run
--runs times, careersite and its peer alternating (A B A B ...), each run a
cold build into a fresh output folder:

- no search:   `careersite build --no-search --no-cache` against `hugo --quiet`;
- with search: `careersite build --no-cache` (its Pagefind index included)
               against `hugo --quiet` followed by Pagefind over Hugo's output
               (`python -m pagefind --site <out>` with the Python that
               careersite runs Pagefind with: the same binary).

Wall time is time.perf_counter around the whole process (the peer's two
commands, one after the other, as one); peak memory is the largest sum of
resident memory (RSS) over the process and all its descendants, and the
largest sum of their PSS, which counts the pages forked workers share with
their parent once: what the tree takes of the machine. Both are sampled by
run.py's Peaks, as `make bench` measures (getrusage's ru_maxrss is only the
largest single process). The table shows
the medians and careersite's time divided by the peer's.

Both outputs' pages are counted (index.html files, redirects left out) after
the first runs; they must be within a tenth of each other.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from run import Peaks, engine_line, markdown_engine

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PAGE_COUNT_TOLERANCE = 0.10  # the outputs' page counts may differ by this share
CASES = ("no search", "with search")
NO_HUGO = (
    "Hugo not found: install Debian's package with `apt-get install hugo` (or pass --hugo PATH)."
)


# --- measuring a process tree: run.py's Peaks, as `make bench` measures ----------------------


@dataclass
class Run:
    wall_s: float
    peak_rss_kb: int
    peak_pss_kb: int  # shared pages counted once: what the tree takes (run.Peaks)
    exit_code: int
    stderr: str
    load_before: float  # 1-minute load average just before the run: other work on the machine


def measure(commands: list[list[str]]) -> Run:
    """Run the commands one after the other (stopping at a failure), as one timed run."""
    rss, pss, code, said = 0, 0, 0, []
    load = os.getloadavg()[0]
    started = time.perf_counter()
    for command in commands:
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL
            )
            peaks = Peaks(proc.pid)
            code = proc.wait()
            peaks.stop()
            rss, pss = max(rss, peaks.rss_kb), max(pss, peaks.pss_kb)
            err.seek(0)
            said.append(err.read().decode("utf-8", "replace"))
        if code != 0:
            break
    return Run(time.perf_counter() - started, rss, pss, code, "".join(said), load)


# --- the two builders -----------------------------------------------------------------------


def careersite_command() -> list[str]:
    script = Path(sys.executable).parent / "careersite"
    return [str(script)] if script.exists() else [sys.executable, "-m", "careersite"]


def find_hugo(explicit: str | None) -> str:
    found = shutil.which(explicit or "hugo")
    if not found or not tool_version([found, "version"]).startswith("hugo"):
        sys.exit(NO_HUGO)
    return found


def tool_version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    said = (result.stdout or result.stderr).strip().splitlines()
    return said[0] if result.returncode == 0 and said else ""


def fresh(*paths: Path) -> None:
    """Remove output folders (and careersite's staging folders beside them)."""
    for path in paths:
        for each in (path, *path.parent.glob(f".{path.name}.careersite-*")):
            if each.is_dir():
                shutil.rmtree(each)
            elif each.exists():
                each.unlink()


def count_pages(output: Path) -> int:
    """index.html files, leaving out redirects (Hugo's /page/1/ aliases, say)."""
    count = 0
    for page in output.rglob("index.html"):
        with page.open("rb") as handle:
            if b'http-equiv="refresh"' not in handle.read(1024):
                count += 1
    return count


@dataclass
class Case:
    n: int
    case: str
    ours: list[Run] = field(default_factory=list)
    peer: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def median(runs: list[Run]) -> float | None:
            walls = [r.wall_s for r in runs if r.exit_code == 0]
            return statistics.median(walls) if walls else None

        ours, peer = median(self.ours), median(self.peer)
        return {
            "n": self.n,
            "case": self.case,
            "careersite_median_s": ours,
            "peer_median_s": peer,
            "ratio": ours / peer if ours and peer else None,
            "careersite_peak_mb": max((r.peak_rss_kb for r in self.ours), default=0) / 1024,
            "peer_peak_mb": max((r.peak_rss_kb for r in self.peer), default=0) / 1024,
            "careersite_peak_pss_mb": max((r.peak_pss_kb for r in self.ours), default=0) / 1024,
            "peer_peak_pss_mb": max((r.peak_pss_kb for r in self.peer), default=0) / 1024,
            "careersite_wall_s": [round(r.wall_s, 3) for r in self.ours],
            "peer_wall_s": [round(r.wall_s, 3) for r in self.peer],
            "careersite_exit_codes": [r.exit_code for r in self.ours],
            "peer_exit_codes": [r.exit_code for r in self.peer],
            "careersite_load_before": [round(r.load_before, 2) for r in self.ours],
            "peer_load_before": [round(r.load_before, 2) for r in self.peer],
            "problems": sorted(
                {
                    line
                    for r in (*self.ours, *self.peer)
                    for line in r.stderr.splitlines()
                    if line.strip() and not line.startswith("built ")
                }
            )[:50],
        }


def bench_size(
    n: int, runs: int, hugo: str, base: Path, keep: bool, chosen: tuple[str, ...] = CASES
) -> tuple[list[Case], dict[str, Any]]:
    from corpus import generate
    from hugo_site import write_hugo_site

    root = Path(tempfile.mkdtemp(prefix=f"careersite-peers-{n}-", dir=base))
    site, hugo_site = root / "site", root / "hugo-site"
    ours_out, peer_out = root / "public", root / "public-hugo"
    corpus = generate(site, n)
    written = write_hugo_site(site, hugo_site)
    print(f"\nN={n}: {corpus.files} files, {corpus.bytes / 1e6:.1f} MB; Hugo site in {hugo_site}")
    engine = markdown_engine(site)
    print("  " + engine_line(engine))
    cli = careersite_command()
    ours_build = [*cli, "build", "--source", str(site), "--output", str(ours_out), "--no-cache"]
    peer_build = [hugo, "--quiet", "--source", str(hugo_site), "--destination", str(peer_out)]
    pagefind = [sys.executable, "-m", "pagefind", "--quiet", "--site", str(peer_out)]
    commands = {
        "no search": ([[*ours_build, "--no-search"]], [peer_build]),
        "with search": ([ours_build], [peer_build, pagefind]),
    }
    info: dict[str, Any] = {
        "n": n,
        "guides": len(corpus.guides),
        "roles": corpus.roles,
        "cities": written.cities,
        "mb": round(corpus.bytes / 1e6, 2),
        "markdown": engine,
    }
    cases = []
    try:
        for name in chosen:
            ours, peer = commands[name]
            case = Case(n, name)
            for number in range(runs):
                for key, command, results, out in (
                    ("careersite", ours, case.ours, ours_out),
                    ("hugo", peer, case.peer, peer_out),
                ):
                    label = "hugo + pagefind" if len(command) > 1 else key
                    fresh(ours_out, peer_out)
                    run = measure(command)
                    results.append(run)
                    print(
                        f"  {name:<12} {label:<18} {run.wall_s:8.2f} s  exit {run.exit_code}"
                        f"  peak RSS {run.peak_rss_kb / 1024:6.0f} MB"
                        f"  PSS {run.peak_pss_kb / 1024:6.0f} MB  load {run.load_before:.2f}",
                        flush=True,
                    )
                    if run.exit_code != 0:
                        print("    " + run.stderr.strip()[-600:].replace("\n", "\n    "))
                    if number == 0 and name == chosen[0]:
                        info[f"{key}_pages"] = count_pages(out)
            cases.append(case)
            if name == chosen[0]:
                check_pages(info)
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return cases, info


def check_pages(info: dict[str, Any]) -> None:
    ours, peer = info.get("careersite_pages", 0), info.get("hugo_pages", 0)
    print(f"  pages: careersite {ours:,}, Hugo {peer:,} (index.html files, redirects left out)")
    if not ours or abs(ours - peer) > PAGE_COUNT_TOLERANCE * ours:
        sys.exit(f"the outputs differ too much to compare: careersite {ours} pages, Hugo {peer}")


# --- reporting --------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| guides | case | careersite median s | peer median s | careersite / peer "
        "| careersite peak RSS / PSS MB | peer peak RSS / PSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        peer = "Hugo" if row["case"] == "no search" else "Hugo + Pagefind"
        lines.append(
            f"| {row['n']:,} | {row['case']} ({peer}) | {_num(row['careersite_median_s'])} "
            f"| {_num(row['peer_median_s'])} | {_num(row['ratio'], 1)}x "
            f"| {_num(row['careersite_peak_mb'], 0)} / {_num(row['careersite_peak_pss_mb'], 0)} "
            f"| {_num(row['peer_peak_mb'], 0)} / {_num(row['peer_peak_pss_mb'], 0)} |"
        )
    return "\n".join(lines)


def machine_info(hugo: str) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "careersite": tool_version([*careersite_command(), "--version"]),
        "hugo": tool_version([hugo, "version"]),
        "pagefind": metadata.version("pagefind"),
        "date": time.strftime("%Y-%m-%d"),
    }


def _bench_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def main(argv: list[str] | None = None) -> int:
    from run import compile_bytecode

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated guide counts")
    parser.add_argument("--runs", type=int, default=3, help="runs of each builder per case")
    parser.add_argument("--json", type=Path, help="write results and machine info here")
    parser.add_argument("--dir", help="where corpora go (default /dev/shm, else temp)")
    parser.add_argument("--hugo", help="the hugo binary (default: hugo on PATH)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and outputs")
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated, of: {', '.join(CASES)}"
    )
    args = parser.parse_args(argv)
    chosen = tuple(name.strip() for name in args.cases.split(",") if name.strip())
    if not chosen or any(name not in CASES for name in chosen):
        parser.error(f"--cases takes {' and '.join(CASES)}, comma-separated")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    hugo = find_hugo(args.hugo)
    compile_bytecode()
    machine = machine_info(hugo)
    base = _bench_dir(args.dir)
    print(
        f"{machine['careersite']}; {machine['hugo']}; Pagefind {machine['pagefind']}; "
        f"{machine['nproc']} CPUs; corpora in {base}"
    )
    rows: list[dict[str, Any]] = []
    corpora = []
    for n in sizes:
        cases, info = bench_size(n, args.runs, hugo, base, args.keep, chosen)
        corpora.append(info)
        rows += [case.summary() for case in cases]
    print("\n" + table(rows))
    for info in corpora:
        print(
            f"pages at {info['n']:,} guides: careersite {info['careersite_pages']:,}, "
            f"Hugo {info['hugo_pages']:,}"
        )
    if args.json:
        report = {"machine": machine, "runs": args.runs, "corpora": corpora, "results": rows}
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.json}")
    failed = any(
        code for row in rows for code in (*row["careersite_exit_codes"], *row["peer_exit_codes"])
    )
    return 1 if failed else 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so that the corpus folders are removed on the way out


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    sys.path.insert(0, str(HERE))
    from run import ensure_careersite_importable

    ensure_careersite_importable()
    sys.exit(main())
