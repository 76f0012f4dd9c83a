"""The command line as users and CI call it: exit codes, streams, options."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, guide


def test_build_writes_the_example_site(tmp_path: Path, cli) -> None:
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output)
    assert result.returncode == 0, result.stderr
    assert (output / "index.html").is_file()
    assert (output / "berufe/kundendienstleiter/bremen/index.html").is_file()
    assert "built 14 pages" in result.stderr


def test_usage_error_exits_2(cli) -> None:
    result = cli("build", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr


@pytest.mark.parametrize(
    "base_url",
    ["/karriere/", "/", "karriere", "example.org/karriere/", "ftp://example.org/", "https://"],
)
def test_base_url_must_be_an_absolute_http_url(tmp_path: Path, cli, base_url: str) -> None:
    """Canonical links, the sitemap and the feed need scheme and host."""
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 2
    assert "Error: Invalid value for '--base-url': " in result.stderr
    assert result.stdout == ""
    assert not output.exists()


def test_base_url_error_suggests_only_what_is_accepted(cli) -> None:
    result = cli("build", "--source", REPO, "--base-url", "/karriere/")
    assert result.returncode == 2
    assert "https://example.org/karriere/" in result.stderr
    assert "/karriere/" not in result.stderr.replace("https://example.org/karriere/", "")


@pytest.mark.parametrize(
    ("base_url", "canonical"),
    [
        ("https://example.org/karriere/", "https://example.org/karriere/"),
        ("https://example.org/karriere", "https://example.org/karriere/"),
        ("http://localhost:8000", "http://localhost:8000/"),
    ],
)
def test_absolute_base_url_is_accepted(tmp_path: Path, cli, base_url: str, canonical: str) -> None:
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 0, result.stderr
    home = (output / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{canonical}">' in home


def test_errors_exit_1_and_write_nothing(site_factory, cli) -> None:
    site = site_factory(
        {"content/kundendienstleiter/bremen.md": guide(salary="salary:\n  min: 0\n  max: 3\n")}
    )
    result = cli("build", "--source", site)
    assert result.returncode == 1
    assert "'salary.min' must be greater than 0, not 0" in result.stderr
    assert not (site / "public").exists()


def test_build_py_takes_the_same_options(tmp_path: Path) -> None:
    import subprocess
    import sys

    output = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "--source",
            str(REPO),
            "--output",
            str(output),
            "--strict",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (output / "staedte/potsdam/index.html").is_file()
