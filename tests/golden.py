"""The golden output tree: tests/fixtures/golden-site/ built into tests/golden/.

`python tests/golden.py` (or `make golden`) rebuilds tests/golden/ after an
intended change of the output; review the change with `git diff tests/golden`
before committing it. tests/test_golden.py builds the same site the same way
and compares the result with tests/golden/ file by file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SITE = TESTS / "fixtures" / "golden-site"
GOLDEN = TESTS / "golden"
# The file `careersite build` leaves in every output folder it owns; not content.
MARKER = ".careersite-output"


def build(output: Path) -> dict[str, bytes]:
    """Build the golden site with the command line, as CI does: output path -> bytes."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "careersite",
            "build",
            "--strict",
            "--no-cache",
            "--source",
            str(SITE),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"careersite build of {SITE} failed:\n{result.stderr}")
    return read_tree(output)


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below root by its POSIX path relative to root, without the marker.

    The search index (suchindex/) is left out: tests/test_search.py checks it, not
    ours, and tests/test_search.py checks it.
    """
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != MARKER and path.relative_to(root).parts[0] != "suchindex"
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        files = build(Path(scratch) / "public")
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for relative, content in files.items():
        target = GOLDEN / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    print(f"wrote {len(files)} files to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
