"""The command line as users and CI call it: exit codes, streams, options."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, Cli, SiteFactory, guide

from careersite.cli import main


def test_build_writes_the_example_site(tmp_path: Path, cli: Cli) -> None:
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output)
    assert result.returncode == 0, result.stderr
    assert (output / "index.html").is_file()
    assert (output / "berufe/kundendienstleiter/bremen/index.html").is_file()
    assert "built 14 pages" in result.stderr


def test_usage_error_exits_2(cli: Cli) -> None:
    result = cli("build", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr


@pytest.mark.parametrize(
    "base_url",
    ["/karriere/", "/", "karriere", "example.org/karriere/", "ftp://example.org/", "https://"],
)
def test_base_url_must_be_an_absolute_http_url(tmp_path: Path, cli: Cli, base_url: str) -> None:
    """Canonical links, the sitemap and the feed need scheme and host."""
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 2
    assert "Error: Invalid value for '--base-url': " in result.stderr
    assert result.stdout == ""
    assert not output.exists()


def test_base_url_error_suggests_only_what_is_accepted(cli: Cli) -> None:
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
def test_absolute_base_url_is_accepted(
    tmp_path: Path, cli: Cli, base_url: str, canonical: str
) -> None:
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 0, result.stderr
    home = (output / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{canonical}">' in home


def test_errors_exit_1_and_write_nothing(site_factory: SiteFactory, cli: Cli) -> None:
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


def test_quiet_prints_nothing_on_success(tmp_path: Path, cli: Cli) -> None:
    result = cli("build", "--source", REPO, "--output", tmp_path / "out", "--quiet")
    assert result.returncode == 0
    assert result.stderr == ""


def test_no_progress_display_when_stderr_is_not_a_terminal(tmp_path: Path, cli: Cli) -> None:
    result = cli("build", "--source", REPO, "--output", tmp_path / "out")
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert result.stderr.startswith("built 14 pages")


def test_progress_display_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [
                sys.executable,
                "-m",
                "careersite",
                "build",
                "--no-cache",  # so that every source is read
                "--source",
                str(REPO),
                "--output",
                str(tmp_path / "out"),
            ],
            stderr=follower,
            stdout=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0
    text = shown.decode()
    # 5 sources read; 14 HTML pages plus sitemap, feed, robots and two redirect maps rendered
    assert "reading 5/5" in text
    assert "rendering 19/19" in text
    assert "writing and indexing" in text
    assert "\r\x1b[K" in text  # the status line is cleared before the summary
    assert "built 14 pages" in text


@pytest.mark.parametrize("source", [REPO, Path("/nonexistent")])
def test_build_in_the_same_process_leaves_garbage_collection_on(
    tmp_path: Path, source: Path
) -> None:
    # build turns the cycle collector off while it runs; a caller's process keeps it.
    result = CliRunner().invoke(
        main, ["build", "--source", str(source), "--output", str(tmp_path / "out"), "--no-search"]
    )
    assert result.exit_code == (0 if source == REPO else 1), result.output
    assert gc.isenabled()


# --cache: a folder of its own ------------------------------------------------------


def every_path(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("cache", "why"),
    [
        ("site/content", "it is inside the site's content/ folder"),
        ("site/content/kundendienstleiter", "it is inside the site's content/ folder"),
        ("site/data", "it is inside the site's data/ folder"),
        ("site/layouts", "it is inside the site's layouts/ folder"),
        ("site/layouts/static/cache", "it is inside the site's layouts/ folder"),
        ("site", "it holds the site's sources"),
        (".", "it holds the site's sources"),
        ("site/public", "it is inside the output {output}"),
        ("site/public/cache", "it is inside the output {output}"),
    ],
)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_cache_among_the_sources_or_in_the_output_is_refused(
    site_factory: SiteFactory, cli: Cli, tmp_path: Path, cache: str, why: str, command: str
) -> None:
    # --cache content wrote a .gitignore of * into content/, and git saw no new guide.
    site = site_factory({"content/kundendienstleiter/bremen.md": guide()})
    before = every_path(tmp_path)

    result = cli(command, "--source", "site", "--cache", cache, cwd=tmp_path)

    message = why.format(output=Path("site/public"))
    assert result.stderr == f"error: refusing to use {cache} as the build cache: {message}\n"
    assert result.returncode == 1
    assert every_path(tmp_path) == before
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    ("output", "cache", "why"),
    [
        ("site/.careersite-cache/spare", None, "it holds the output"),
        ("site/.careersite-cache", None, "it is inside the output"),
        ("out/x", "out", "it holds the output"),
        ("out", "out", "it is inside the output"),
    ],
)
def test_an_output_inside_the_cache_is_refused(
    site_factory: SiteFactory, cli: Cli, tmp_path: Path, output: str, cache: str | None, why: str
) -> None:
    # --output .careersite-cache/spare was built, and deleted by the next build.
    site_factory({"content/kundendienstleiter/bremen.md": guide()})
    before = every_path(tmp_path)
    more = ["--cache", cache] if cache else []

    result = cli("build", "--source", "site", "--output", output, *more, cwd=tmp_path)

    shown = cache or "site/.careersite-cache"
    assert result.stderr == (f"error: refusing to use {shown} as the build cache: {why} {output}\n")
    assert result.returncode == 1
    assert every_path(tmp_path) == before


def test_a_static_file_whose_name_grows_too_long_is_an_error_at_the_file(
    site_factory: SiteFactory, cli: Cli, tmp_path: Path
) -> None:
    # 250 bytes on disk; with its fingerprint 261 in the output: "File name too long".
    name = "a" * 246 + ".css"
    site_factory(
        {
            "content/kundendienstleiter/bremen.md": guide(),
            f"layouts/static/{name}": "body { color: black; }\n",
        }
    )

    result = cli("build", "--source", "site", "--no-cache", cwd=tmp_path)

    assert result.stderr == (
        f"site/layouts/static/{name}: error: its name in the output, with a fingerprint, "
        "is 261 bytes long: a file name can have at most 255\n"
        "  hint: the fingerprint adds 11 bytes: shorten the name\n"
    )
    assert result.returncode == 1
    assert not (tmp_path / "site" / "public").exists()


@pytest.mark.parametrize(
    "alias", ["/index.html", "/berufe/kundendienstleiter/potsdam/index.html", "/.careersite-output"]
)
def test_an_alias_onto_a_file_of_the_output_fails_and_leaves_the_output_whole(
    site_factory: SiteFactory, cli: Cli, alias: str
) -> None:
    # With --no-search the home page became a folder holding the redirect, the
    # guide in Potsdam was replaced, the redirect lost to the marker: all with exit 0.
    potsdam = guide(title="Kundendienstleiter in Potsdam", city="Potsdam")
    site = site_factory({"content/kundendienstleiter/potsdam.md": potsdam})
    assert cli("build", "--source", site, "--no-search").returncode == 0
    before = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    (site / "content/kundendienstleiter/bremen.md").write_text(
        guide(extra=f"aliases: ['{alias}']\n"), encoding="utf-8"
    )

    result = cli("build", "--source", site, "--no-search")

    assert result.returncode == 1
    assert result.stderr.startswith(
        f"{site}/content/kundendienstleiter/bremen.md:9:11: error: alias '{alias}' "
    ), result.stderr
    assert {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "base_url",
    [
        "https://example.org/?a=1",
        "https://example.org/#top",
        "https://user:pw@example.org/",
        'https://example.org/"x',
        "https://example.org/a\nDisallow: /",
    ],
)
def test_base_url_option_must_be_a_plain_url(tmp_path: Path, cli: Cli, base_url: str) -> None:
    output = tmp_path / "out"
    result = cli("build", "--source", REPO, "--output", output, "--base-url", base_url)
    assert result.returncode == 2
    assert "Error: Invalid value for '--base-url': " in result.stderr
    assert "use an absolute URL such as https://example.org/karriere/" in result.stderr
    assert not output.exists()


def test_text_outputs_are_not_html_escaped(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": guide()})
    result = cli("build", "--source", site, "--no-search", "--base-url", "https://ex.org/a&b/")
    assert result.returncode == 0, result.stderr
    robots = (site / "public/robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("\nSitemap: https://ex.org/a&b/sitemap.xml\n")
    sitemap = (site / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://ex.org/a&amp;b/</loc>" in sitemap  # XML escapes its own way
    feed = (site / "public/feed.xml").read_text(encoding="utf-8")
    assert 'href="https://ex.org/a&amp;b/feed.xml"' in feed
