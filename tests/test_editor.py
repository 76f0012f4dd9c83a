"""The README's editor recipe works: remark checks front matter against `careersite schema`.

remark with remark-lint-frontmatter-schema (the linter behind the VS Code
extension unifiedjs.vscode-remark) is locked in tests/node/remark/, installed by
`make test` into .cache/remark/ and run with the system's `node`. Without them
this module skips with a loud reason, except in CI (CI=true), where it fails.
The config file, the schema command and the check command are taken from
README.md's "Editor support" section, so the README says what is tested.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO, copy_example_site, require, run_cli

REMARK = REPO / ".cache" / "remark"
REMARK_CLI = REMARK / "node_modules" / "remark-cli" / "cli.js"
GUIDE = "content/kundendienstleiter/bremen.md"


def missing_tools() -> str | None:
    if shutil.which("node") is None:
        return "`node` is not on PATH (apt-get install nodejs)"
    if not REMARK_CLI.is_file():
        return f"{REMARK_CLI} is missing (`make remark` installs the pinned packages with npm)"
    return None


@pytest.fixture(scope="module")
def remark() -> list[str]:
    require(missing_tools(), "EDITOR RECIPE")
    return ["node", str(REMARK_CLI)]


def readme_blocks() -> list[tuple[str, str]]:
    """(info string, body) of each fenced block in the README's Editor support."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Editor support\n")[1].split("\n## ")[0]
    return re.findall(r"^```(\w+)\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


def readme_command(prefix: str) -> list[str]:
    """The words of the README's one shell command that starts with prefix."""
    lines = [
        line
        for info, body in readme_blocks()
        if info == "sh"
        for line in body.splitlines()
        if line.startswith(prefix)
    ]
    assert len(lines) == 1, f"README's Editor support needs one `{prefix} …` command: {lines}"
    return shlex.split(lines[0])


def set_up(site: Path) -> Path:
    """Do in site what the README tells an author to do."""
    [config] = [body for info, body in readme_blocks() if info == "yaml"]
    name = re.fullmatch(r"# (\.remarkrc\.\w+)", config.splitlines()[0])
    assert name, f"the config block must start with its file name: {config}"
    (site / name[1]).write_text(config, encoding="utf-8")
    words = readme_command("careersite schema")
    assert words[-2] == ">", words
    result = run_cli(*words[1:-2])
    assert result.returncode == 0, result.stderr
    (site / words[-1]).write_text(result.stdout, encoding="utf-8")
    # What `npm install` in the site folder would make.
    (site / "node_modules").symlink_to(REMARK / "node_modules", target_is_directory=True)
    return site


@dataclass(frozen=True)
class Message:
    path: str
    line: int | None
    column: int | None
    reason: str


REPORTED = re.compile(
    r"(?:(\d+):(\d+)(?:-\d+:\d+)?)?\s+(?:warning|error)\s+(.+?)\s+frontmatter-schema\s+remark-lint"
)


@dataclass(frozen=True)
class Report:
    returncode: int
    output: str

    @property
    def messages(self) -> list[Message]:
        found, path = [], ""
        for line in self.output.splitlines():
            if line.endswith(".md"):
                path = line
            elif match := REPORTED.fullmatch(line):
                line_no, column, reason = match.groups()
                if line_no:
                    found.append(Message(path, int(line_no), int(column), reason))
                else:
                    found.append(Message(path, None, None, reason))
        return found


def run_check(remark: list[str], site: Path) -> Report:
    """The README's command-line check (`npx remark …`) in site."""
    words = readme_command("npx remark")
    assert "--frail" in words, "warnings must fail the check"
    result = subprocess.run(
        [*remark, "--no-color", *words[2:]],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return Report(result.returncode, result.stdout + result.stderr)


def test_readme_pins_the_tested_versions(remark: list[str]) -> None:
    words = readme_command("npm install")
    pinned = dict(word.rsplit("@", 1) for word in words[2:] if not word.startswith("-"))
    installed = json.loads((REMARK / "package.json").read_text(encoding="utf-8"))
    assert pinned == installed["dependencies"]


def test_example_site_has_no_messages(remark: list[str], tmp_path: Path) -> None:
    report = run_check(remark, set_up(copy_example_site(tmp_path)))
    assert (report.returncode, report.output) == (0, "")


@dataclass(frozen=True)
class Mistake:
    name: str
    old: str
    new: str
    reason: str
    at: str | None  # where in the broken guide the message points; None: nowhere


MISTAKES = [
    Mistake("min-as-text", "min: 2800", "min: '2.800 €'", "Must be number", "'2.800 €'"),
    Mistake(
        "period-not-in-list",
        "period: month",
        "period: week",
        "Must be equal to one of the allowed values: `month`, `year`, `hour`",
        "week",
    ),
    Mistake("level-not-numbers", "[2800, 3200]", "[2800, 'viel']", "Must be number", "'viel'"),
    Mistake(
        "level-not-a-pair", "[2800, 3200]", "[28, 30, 32]", "Must NOT have more than 2 items", "[28"
    ),
    Mistake("no-such-day", "2026-11-20", "2026-02-30", 'Must match format "date"', "2026-02-30"),
    # Unknown keys: remark does not name the key; inside salary it marks salary's first
    # key, at the top level (as for a missing key) it gives no position.
    Mistake("salary-key-misspelled", "currency:", "curency:", "Must NOT have", "min: 2800"),
    Mistake("key-misspelled", "summary:", "sumary:", "Must NOT have additional properties", None),
    Mistake("date-missing", "date: 2026-10-14\n", "", "Must have required property 'date'", None),
]


def broken_text(mistake: Mistake) -> str:
    text = (REPO / GUIDE).read_text(encoding="utf-8")
    assert text.count(mistake.old) == 1, mistake
    return text.replace(mistake.old, mistake.new)


@pytest.fixture(scope="module")
def broken(remark: list[str], tmp_path_factory: pytest.TempPathFactory) -> Report:
    """One run over the example site plus one broken copy of a guide per mistake."""
    site = set_up(copy_example_site(tmp_path_factory.mktemp("editor")))
    for mistake in MISTAKES:
        (site / f"content/{mistake.name}.md").write_text(broken_text(mistake), encoding="utf-8")
    return run_check(remark, site)


def test_broken_guides_fail_the_check(broken: Report) -> None:
    assert broken.returncode == 1, broken.output
    paths = {message.path for message in broken.messages}
    assert paths == {f"content/{mistake.name}.md" for mistake in MISTAKES}, broken.output


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda mistake: mistake.name)
def test_mistake_is_reported_where_it_is(broken: Report, mistake: Mistake) -> None:
    found = [
        (message.line, message.column)
        for message in broken.messages
        if message.path == f"content/{mistake.name}.md"
        and message.reason.startswith(mistake.reason)
    ]
    expected: tuple[int | None, int | None] = (None, None)
    if mistake.at is not None:
        text = broken_text(mistake)
        assert text.count(mistake.at) == 1, mistake
        before = text[: text.index(mistake.at)]
        expected = (before.count("\n") + 1, len(before) - before.rfind("\n"))
    assert found == [expected], broken.output
