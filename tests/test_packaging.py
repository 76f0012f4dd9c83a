"""The built-in layouts ship inside the wheel, so a site without layouts/ builds anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_contains_every_layout_and_static_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("careersite-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    layouts = REPO / "layouts"
    expected = {
        f"careersite/layouts/{p.relative_to(layouts).as_posix()}"
        for p in layouts.rglob("*")
        if p.is_file()
    }
    assert expected, "the repository has layouts"
    assert expected <= names, sorted(expected - names)
