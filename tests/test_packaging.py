"""The package as users get it: the layouts in the wheel, the lock the tests run with.

The built-in layouts ship inside the wheel, so a site without layouts/ builds
anywhere. requirements.lock pins what `make build` and `make test` install: it
must cover every dependency that pyproject.toml names, within its ranges.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from helpers import REPO
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def test_wheel_contains_every_layout_and_static_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",  # the locked setuptools of this venv
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


LOCK = REPO / "requirements.lock"


def locked() -> dict[str, tuple[str, Marker | None]]:
    """requirements.lock as name -> (version, marker); the hashes are pip's to check."""
    pins: dict[str, tuple[str, Marker | None]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #":
            continue
        requirement = Requirement(line.rstrip(" \\"))
        (pin,) = requirement.specifier
        assert pin.operator == "==", line
        pins[canonicalize_name(requirement.name)] = (pin.version, requirement.marker)
    return pins


def declared() -> list[Requirement]:
    """What pyproject.toml asks for: the package, its dev extra and its build backend."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    return [Requirement(name) for name in names]


def test_lock_pins_every_declared_dependency_within_its_range() -> None:
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        pinned, _ = pins[name]
        assert requirement.specifier.contains(pinned, prereleases=True), (
            f"requirements.lock has {name}=={pinned}, pyproject.toml asks for "
            f"{requirement.specifier}: run `make lock`"
        )


def test_lock_has_a_hash_for_every_pin() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pins = [number for number, line in enumerate(lines) if line and line[0] not in " #"]
    assert len(pins) == len(locked())
    for number in pins:
        assert lines[number].endswith(" \\"), lines[number]
        assert lines[number + 1].startswith("    --hash=sha256:"), lines[number]


def test_this_environment_runs_the_locked_versions() -> None:
    if Path(sys.prefix).name == ".venv-newest":
        pytest.skip("DEPS=newest: the newest versions pyproject.toml allows, not the lock")
    stale = {}
    for name, (pinned, marker) in locked().items():
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            stale[name] = (installed, pinned)
    assert not stale, f"installed vs. requirements.lock: {stale} (run `make build` again)"
