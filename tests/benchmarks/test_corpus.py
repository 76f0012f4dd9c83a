"""The benchmark corpus is deterministic and builds cleanly (no timing here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from corpus import generate


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_generation_is_byte_identical(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 80)
    second = generate(tmp_path / "b", 80)
    assert first.guides == second.guides
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_corpus_builds_strictly_with_every_page(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "site", 80)
    output = tmp_path / "public"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "careersite",
            "build",
            "--strict",
            "--source",
            str(corpus.root),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("built ")] == []
    pages = sorted(p.relative_to(output) for p in output.rglob("index.html"))
    # 80 guides + 40 role hubs + 2 city hubs + home + /berufe/ + /staedte/
    assert corpus.expected_pages == 80 + 40 + 2 + 4  # + home, two lists, search
    assert len(pages) == corpus.expected_pages
