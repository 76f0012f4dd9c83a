"""Site files careersite cannot read, or must not: an error or a warning at the file, never a
traceback or a hang, and the previous output stays whole.

Root reads any file whatever its mode, so as root the builds here run with the
capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) dropped.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SiteFactory, guide

GUIDE = "content/kundendienstleiter/bremen.md"


@functools.cache
def _unprivileged() -> tuple[list[str] | None, str]:
    """A command prefix under which file modes hold, or None and why there is none."""
    if os.geteuid() != 0:
        return [], ""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "running as root and setpriv (util-linux) is missing"
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        return None, f"running as root and setpriv cannot drop capabilities: {probe.stderr!r}"
    return prefix, ""


def careersite(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """careersite ARGS in the site folder, as a user whom file modes bind."""
    prefix, why = _unprivileged()
    if prefix is None:
        pytest.skip(f"UNREADABLE FILES NOT CHECKED: {why}")
    return subprocess.run(
        [*prefix, sys.executable, "-m", "careersite", *args],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def built_site(site_factory: SiteFactory, files: dict[str, str] | None = None) -> Path:
    site = site_factory({GUIDE: guide(), **(files or {})})
    result = careersite(site, "build", "--no-search")
    assert result.returncode == 0, result.stderr
    return site


UNREADABLE = [
    pytest.param(name, f"{name}: error: cannot read {kind}: Permission denied\n", id=name)
    for name, kind in [
        (GUIDE, "file"),
        ("content/kundendienstleiter", "folder"),
        ("data/cities.yaml", "file"),
        ("layouts/guide.html", "file"),
        ("layouts/static/extra.css", "file"),
    ]
]


@pytest.mark.parametrize("options", [[], ["--no-cache"]], ids=["cache", "no-cache"])
@pytest.mark.parametrize(("unreadable", "expected"), UNREADABLE)
def test_an_unreadable_file_or_folder_is_an_error_and_the_output_stays(
    site_factory: SiteFactory, unreadable: str, expected: str, options: list[str]
) -> None:
    site = built_site(
        site_factory,
        {"layouts/guide.html": "{% extends 'base.html' %}\n", "layouts/static/extra.css": "a{}\n"},
    )
    before = tree(site / "public")
    (site / unreadable).chmod(0)
    try:
        result = careersite(site, "build", "--no-search", *options)
        checked = careersite(site, "check")
    finally:
        (site / unreadable).chmod(0o755)
    assert (result.returncode, result.stderr) == (1, expected)
    assert (checked.returncode, checked.stderr) == (1, expected)
    assert tree(site / "public") == before
    assert sorted(p.name for p in site.iterdir() if "careersite" in p.name) == [".careersite-cache"]
    again = careersite(site, "build", "--no-search", *options)  # readable again: it builds
    assert again.returncode == 0, again.stderr
    assert tree(site / "public") == before


def test_a_data_file_that_is_a_folder_is_an_error(site_factory: SiteFactory) -> None:
    site = built_site(site_factory)
    before = tree(site / "public")
    (site / "data/cities.yaml").unlink()
    (site / "data/cities.yaml").mkdir()
    for args in (["build", "--no-search"], ["build", "--no-search", "--no-cache"], ["check"]):
        result = careersite(site, *args)
        assert (result.returncode, result.stderr) == (
            1,
            "data/cities.yaml: error: this is a folder; a data file must be a file\n"
            "  hint: move the folder away and write the cities into data/cities.yaml\n",
        ), args
    assert tree(site / "public") == before


def test_a_layout_that_is_not_utf8_is_an_error_at_its_line(site_factory: SiteFactory) -> None:
    site = built_site(site_factory)
    before = tree(site / "public")
    (site / "layouts").mkdir()
    (site / "layouts/guide.html").write_bytes(b"{% extends 'base.html' %}\n{# K\xf6ln #}\n")
    result = careersite(site, "build", "--no-search")
    assert (result.returncode, result.stderr) == (
        1,
        "layouts/guide.html:2:5: error: file is not valid UTF-8 (byte 0xf6)\n"
        "  hint: save the file with UTF-8 encoding\n",
    )
    assert tree(site / "public") == before


def test_a_static_file_whose_name_is_not_utf8_is_an_error(site_factory: SiteFactory) -> None:
    site = built_site(site_factory)
    before = tree(site / "public")
    (site / "layouts/static").mkdir(parents=True)
    (site / os.fsdecode(b"layouts/static/k\xf6ln.css")).write_text("a{}\n")
    for options in ([], ["--no-cache"]):
        result = careersite(site, "build", "--no-search", *options)
        assert (result.returncode, result.stderr) == (
            1,
            "layouts/static: error: the file name 'k\\xf6ln.css' is not valid UTF-8\n"
            "  hint: rename the file\n",
        )
    assert tree(site / "public") == before


@pytest.mark.parametrize("options", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_a_fifo_among_the_layouts_is_skipped_with_a_warning(
    site_factory: SiteFactory, options: list[str]
) -> None:
    site = site_factory({GUIDE: guide()})
    (site / "layouts/static").mkdir(parents=True)
    os.mkfifo(site / "layouts/guide.html")
    os.mkfifo(site / "layouts/static/pipe.css")
    result = careersite(site, "build", "--no-search", *options)
    assert (result.returncode, result.stderr.splitlines()[:2]) == (
        0,
        [
            "layouts/guide.html: warning: not a regular file; skipped",
            "layouts/static/pipe.css: warning: not a regular file; skipped",
        ],
    )
    page = site / "public/berufe/kundendienstleiter/bremen/index.html"
    assert "Kundendienstleiter in Bremen" in page.read_text(encoding="utf-8")  # built-in guide


@pytest.mark.parametrize("options", [[], ["--no-cache"]], ids=["cache", "no-cache"])
def test_a_fifo_among_the_data_files_is_skipped_with_a_warning(
    site_factory: SiteFactory, options: list[str]
) -> None:
    site = site_factory({GUIDE: guide()})
    (site / "data/cities.yaml").unlink()
    os.mkfifo(site / "data/cities.yaml")
    os.mkfifo(site / "data/notes.yaml")
    result = careersite(site, "build", "--no-search", *options)
    assert (result.returncode, result.stderr.splitlines()[:3]) == (
        0,
        [
            "content/kundendienstleiter/bremen.md:4:7: warning: unknown city 'Bremen'",
            "  hint: add it to data/cities.yaml",
            "data/cities.yaml: warning: not a regular file; skipped",
        ],
    )
