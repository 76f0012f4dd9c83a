"""Every HTML page of the example site is valid HTML for the Nu Html Checker.

Also in pages of one entry, and with a role in more cities than a chart has bars for.

The checker is the pinned `vnu.jar` from npm's `vnu-jar` (installed by `make test`
into .cache/vnu/, see the Makefile), run with the system's `java`. Without them
this module skips with a loud reason, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, require, run_cli

VNU_JAR = Path(
    os.environ.get("CAREERSITE_VNU_JAR")
    or REPO / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def missing_tools() -> str | None:
    if shutil.which("java") is None:
        return "`java` is not on PATH (apt-get install default-jre-headless)"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR} is missing (`make vnu` installs the pinned vnu-jar with npm)"
    return None


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    require(missing_tools(), "HTML validity")
    return ["java", "-jar", str(VNU_JAR)]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site as it is (public/), and in pages of one entry (paged/)."""
    output = tmp_path_factory.mktemp("valid")
    result = run_cli("build", "--source", REPO, "--output", output / "public")
    assert result.returncode == 0, result.stderr
    paged = output / "site"
    for part in ("content", "data", "layouts"):
        shutil.copytree(REPO / part, paged / part)
    with (paged / "data" / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("per_page: 1\n")
    result = run_cli("build", "--source", paged, "--output", output / "paged", "--no-search")
    assert result.returncode == 0, result.stderr
    assert (output / "paged" / "staedte" / "seite" / "2" / "index.html").is_file()
    # A role in more cities than a chart has bars for: the overview chart and its table.
    with (paged / "data" / "cities.yaml").open("a", encoding="utf-8") as cities:
        cities.write("".join(f"- name: Stadt {n}\n  state: Bayern\n" for n in range(14)))
    for n in range(14):
        (paged / "content" / "kundendienstleiter" / f"stadt-{n}.md").write_text(
            f"---\ntitle: Kundendienstleiter in Stadt {n}\nrole: Kundendienstleiter\n"
            f"city: Stadt {n}\nsalary:\n  min: {2500 + 50 * n}\n  max: {3500 + 50 * n}\n"
            "date: 2026-11-01\n---\n\nEin kurzer Text.\n",
            encoding="utf-8",
        )
    result = run_cli("build", "--source", paged, "--output", output / "many", "--no-search")
    assert result.returncode == 0, result.stderr
    hub = (output / "many" / "berufe" / "kundendienstleiter" / "index.html").read_text("utf-8")
    assert 'aria-describedby="cs-tabelle-staedte-ueberblick"' in hub
    assert '<table class="ranges" id="cs-tabelle-staedte-ueberblick">' in hub
    return output


def describe(message: dict[str, Any], output: Path) -> str:
    url = str(message.get("url", ""))
    path = url.removeprefix("file:")
    shown = Path(path).relative_to(output).as_posix() if path.startswith(str(output)) else url
    line = message.get("firstLine", message.get("lastLine", "?"))
    column = message.get("firstColumn", message.get("lastColumn", "?"))
    kind = message.get("subType") or message.get("type")
    extract = str(message.get("extract", "")).replace("\n", "⏎")
    return f"{shown}:{line}:{column}: {kind}: {message.get('message')}\n    near: {extract}"


def test_every_page_is_valid_html(vnu: list[str], output: Path) -> None:
    pages = [
        page
        for tree in ("public", "paged", "many")
        for page in sorted((output / tree).rglob("*.html"))
    ]
    assert len(pages) >= 10, f"the example site built too few pages: {pages}"
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # vnu exits 0 when every document is valid and 1 when any has an error.
    assert result.returncode in (0, 1), f"vnu failed to run:\n{result.stderr}"
    report = json.loads(result.stdout)
    errors = [m for m in report["messages"] if m.get("type") != "info"]
    listing = "\n".join(describe(message, output) for message in errors)
    if errors:
        print(f"Nu Html Checker {report.get('version')}: {len(errors)} error(s)\n{listing}")
    assert errors == [], f"{len(errors)} HTML error(s) in {len(pages)} pages:\n{listing}"
    assert result.returncode == 0, result.stderr
