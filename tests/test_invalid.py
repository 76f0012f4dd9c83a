"""Invalid sites in tests/fixtures/invalid/<case>/, built as a user builds them.

Each case folder is a small complete site with one kind of mistake and holds:

- `expected.txt`: the exact stderr of `careersite build`, run in the case folder
  (so paths print as `content/...`);
- `status`: the exit status (1);
- `args` (optional): more options, e.g. `--strict`;
- `command` (optional): `check` for what only `careersite check` reports (its
  day is conftest.py's, SOURCE_DATE_EPOCH); else `build`;
- `xfail` (optional): the text is the reason; the case shows a known bug and
  its expected.txt holds the correct output.

After an intended change of a message, regenerate with
`CAREERSITE_REGENERATE=1 .venv/bin/python -m pytest tests/test_invalid.py`
and review the diff of every expected.txt (xfail cases are never overwritten).

`valid_quirks/` is the opposite: a site with a byte-order mark, CRLF line ends
and a file name with a space and an umlaut, which must build.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "fixtures" / "invalid"
VALID = "valid_quirks"
REGENERATE = os.environ.get("CAREERSITE_REGENERATE") == "1"


def _cases() -> list[Any]:
    params = []
    for folder in sorted(p for p in CASES_DIR.iterdir() if p.is_dir() and p.name != VALID):
        marks = []
        reason = folder / "xfail"
        if reason.is_file():
            marks.append(pytest.mark.xfail(strict=True, reason=reason.read_text().strip()))
        params.append(pytest.param(folder, marks=marks, id=folder.name))
    return params


def build_in(folder: Path, output: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`careersite build --output OUTPUT ARGS` in folder, with no build cache in it."""
    return subprocess.run(
        [sys.executable, "-m", "careersite", "build", "--no-cache", "--output", str(output), *args],
        cwd=folder,
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def check_in(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`careersite check ARGS` in folder, with no build cache."""
    return subprocess.run(
        [sys.executable, "-m", "careersite", "check", "--no-cache", *args],
        cwd=folder,
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def files_in(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.name != "expected.txt")


def case_args(folder: Path) -> list[str]:
    args = folder / "args"
    return shlex.split(args.read_text(encoding="utf-8")) if args.is_file() else []


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 20


@pytest.mark.parametrize("folder", _cases())
def test_invalid_site_prints_exact_diagnostics(folder: Path, tmp_path: Path) -> None:
    before = files_in(folder)
    output = tmp_path / "out"

    command = folder / "command"
    if command.is_file() and command.read_text(encoding="utf-8").strip() == "check":
        result = check_in(folder, *case_args(folder))
    else:
        result = build_in(folder, output, *case_args(folder))
    stderr = result.stderr.decode("utf-8")

    expected_file = folder / "expected.txt"
    if REGENERATE and not (folder / "xfail").is_file():
        expected_file.write_text(stderr, encoding="utf-8")
    assert "Traceback" not in stderr
    assert result.stdout == b""
    assert result.returncode == int((folder / "status").read_text())
    assert stderr == expected_file.read_text(encoding="utf-8")
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder either
    assert files_in(folder) == before  # nothing written into the site


def test_every_case_expects_failure_and_names_files() -> None:
    """expected.txt files are not accidentally empty or successful."""
    for param in _cases():
        folder = param.values[0]
        assert (folder / "status").read_text().strip() == "1", folder.name
        lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert any(": error: " in line for line in lines), folder.name
        for line in lines:
            assert line.startswith("  hint: ") or re.match(
                r"^(content|data|layouts)/[^:]+:\d+(:\d+)?: (error|warning): ", line
            ), line


# valid_quirks ----------------------------------------------------------------


@pytest.fixture(scope="module")
def quirks_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("quirks") / "out"
    result = build_in(CASES_DIR / VALID, output)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert re.fullmatch(rf"built \d+ pages into {re.escape(str(output))} in \d+\.\d\d s\n", stderr)
    return output


def test_file_name_with_space_and_umlaut_gets_the_city_slug(quirks_output: Path) -> None:
    page = quirks_output / "berufe/kundendienstleiter/moenchengladbach/index.html"
    html = page.read_text(encoding="utf-8")
    assert "<title>Kundendienstleiter in Mönchengladbach" in html
    assert not list(quirks_output.rglob("*neu*"))


def test_bom_and_crlf_do_not_reach_the_page(quirks_output: Path) -> None:
    html = (quirks_output / "berufe/kundendienstleiter/bremen/index.html").read_text("utf-8")
    assert "<title>Kundendienstleiter in Bremen" in html
    assert "<p>Ein kurzer Text mit Zeilenenden wie unter Windows.</p>" in html


def test_links_to_a_file_name_with_space_and_umlaut_resolve(quirks_output: Path) -> None:
    html = (quirks_output / "berufe/kundendienstleiter/bremen/index.html").read_text("utf-8")
    href = '<a href="/berufe/kundendienstleiter/moenchengladbach/">'
    assert f"{href}Mönchengladbach</a>" in html  # [..](<mönchengladbach neu.md>)
    assert f"{href}MG</a>" in html  # [..](m%C3%B6nchengladbach%20neu.md)


def test_no_output_file_holds_a_bom_or_carriage_return(quirks_output: Path) -> None:
    for path in quirks_output.rglob("*"):
        if path.is_file() and "suchindex" not in path.relative_to(quirks_output).parts:
            content = path.read_bytes()
            assert b"\r" not in content, path
            assert "\ufeff".encode() not in content, path
