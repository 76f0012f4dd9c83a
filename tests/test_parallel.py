"""--jobs: reading and rendering in worker processes gives the same site, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from helpers import REPO, run_cli

from careersite.parallel import spread

sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from corpus import generate


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "site"
    generate(root, 160)  # 160 guides and 40 overviews: enough to start two workers
    return root


def test_one_two_and_three_jobs_build_the_same_tree(corpus: Path, tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2", "3"):
        output = tmp_path / f"out-{jobs}"
        result = run_cli(
            "build", "--source", corpus, "--output", output, "--jobs", jobs, "--strict"
        )
        assert result.returncode == 0, result.stderr
        outputs[jobs] = tree(output)
    assert outputs["1"] == outputs["2"] == outputs["3"]
    assert sum(1 for name in outputs["1"] if name.endswith("index.html")) > 200


def test_errors_from_workers_are_reported_in_file_order(corpus: Path, tmp_path: Path) -> None:
    site = tmp_path / "broken"
    shutil.copytree(corpus / "content", site / "content")
    shutil.copytree(corpus / "data", site / "data")
    guides = sorted(p for p in (site / "content").rglob("*.md") if p.name != "index.md")
    broken = [guides[3], guides[70], guides[150]]  # in different workers' chunks
    for guide in broken:
        text = guide.read_text(encoding="utf-8")
        guide.write_text(text.replace("  min: ", "  min: -", 1), encoding="utf-8")
    one = run_cli("check", "--source", ".", "--jobs", "1", "--format", "json", cwd=site)
    two = run_cli("check", "--source", ".", "--jobs", "2", "--format", "json", cwd=site)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    reported = [record["file"] for record in json.loads(two.stdout)]
    assert reported == [guide.relative_to(site).as_posix() for guide in broken]


def test_a_layout_error_in_rendering_workers_is_reported_once_and_alike(
    corpus: Path, tmp_path: Path
) -> None:
    site = tmp_path / "bad-layout"
    shutil.copytree(corpus / "content", site / "content")
    shutil.copytree(corpus / "data", site / "data")
    (site / "layouts").mkdir()
    guide = (REPO / "layouts" / "guide.html").read_text(encoding="utf-8")
    broken = guide.replace("{{ page.body }}", "{{ page.body }}{{ page.no_such_field }}", 1)
    (site / "layouts" / "guide.html").write_text(broken, encoding="utf-8")
    runs = {
        jobs: run_cli(
            "build", "--source", ".", "--output", tmp_path / jobs, "--jobs", jobs, cwd=site
        )
        for jobs in ("1", "2")
    }
    assert runs["1"].returncode == runs["2"].returncode == 1
    assert runs["1"].stderr == runs["2"].stderr
    errors = runs["2"].stderr.splitlines()
    assert len(errors) == 160  # one per guide page
    assert all("layouts/guide.html:" in line and "no_such_field" in line for line in errors)
    assert not (tmp_path / "2").exists()


def _squares_and_who(numbers: Sequence[int]) -> list[tuple[int, int]]:
    return [(n * n, os.getpid()) for n in numbers]


def test_work_spread_over_processes_comes_back_whole_and_in_order() -> None:
    reports: list[tuple[str, int, int]] = []
    results = spread(_squares_and_who, range(1001), 3, "counting", lambda *r: reports.append(r))
    assert [square for square, _ in results] == [n * n for n in range(1001)]
    # This process works too, beside its workers.
    assert os.getpid() in {pid for _, pid in results}
    assert len({pid for _, pid in results}) > 1
    done = [count for _, count, _ in reports]
    assert done == sorted(set(done)) and done[-1] == 1001
    assert {(stage, total) for stage, _, total in reports} == {("counting", 1001)}
