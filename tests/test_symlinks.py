"""Symbolic links out of the site folder: a site may come from a pull request, and a link
from layouts/ or data/ to the build machine's files (~/.ssh, /etc) must not carry them
into the output or into a message. Such a link is skipped with a warning at its name; a
link that stays inside the site folder works as before.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import Cli, SiteFactory

GUIDE = """---
title: Kundendienstleiter in Bremen
role: Kundendienstleiter
city: Bremen
salary:
  min: 2800
  max: 3800
date: 2026-11-01
---
Ein kurzer Text.
"""
SECRET = "GEHEIMNIS-DER-BAUMASCHINE"
WARNING = "warning: symbolic link out of the site folder is not followed"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder beside the site, standing for the build machine's own files."""
    folder = tmp_path / "machine"
    folder.mkdir()
    (folder / "id_ed25519").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "guide.html").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    (folder / "roles.yaml").write_text(f"- name: {SECRET}\n", encoding="utf-8")
    return folder


def _leaks(output: Path) -> list[str]:
    return [
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.is_file() and SECRET.encode() in path.read_bytes()
    ]


def _build(cli: Cli, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli("build", "--no-search", "--no-cache", *args, cwd=site)


def test_a_static_file_linked_out_of_the_site_is_not_copied(
    site_factory: SiteFactory, secret: Path, cli: Cli
) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": GUIDE})
    static = site / "layouts" / "static"
    static.mkdir(parents=True)
    (static / "key.txt").symlink_to(secret / "id_ed25519")
    (static / "machine").symlink_to(secret, target_is_directory=True)
    result = _build(cli, site)
    assert result.returncode == 0, result.stderr
    assert f"{Path('layouts/static/key.txt')}: {WARNING}" in result.stderr
    assert f"{Path('layouts/static/machine')}: {WARNING}" in result.stderr
    assert _leaks(site / "public") == []
    assert not list((site / "public" / "static").glob("key*"))
    assert SECRET not in result.stderr

    strict = _build(cli, site, "--strict")
    assert strict.returncode == 1
    assert f"{Path('layouts/static/key.txt')}: error: symbolic link out of" in strict.stderr


def test_a_layout_linked_out_of_the_site_is_not_rendered(
    site_factory: SiteFactory, secret: Path, cli: Cli
) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": GUIDE})
    (site / "layouts").mkdir()
    (site / "layouts" / "guide.html").symlink_to(secret / "guide.html")
    result = _build(cli, site)
    assert result.returncode == 0, result.stderr
    assert f"{Path('layouts/guide.html')}: {WARNING}" in result.stderr
    page = site / "public" / "berufe" / "kundendienstleiter" / "bremen" / "index.html"
    assert "Kundendienstleiter in Bremen" in page.read_text(encoding="utf-8")  # the built-in
    assert _leaks(site / "public") == []


def test_a_layouts_folder_linked_out_of_the_site_is_not_read(
    site_factory: SiteFactory, secret: Path, cli: Cli
) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": GUIDE})
    (secret / "static").mkdir()
    (secret / "static" / "key.txt").write_text(SECRET, encoding="utf-8")
    (site / "layouts").symlink_to(secret, target_is_directory=True)
    result = _build(cli, site)
    assert result.returncode == 0, result.stderr
    assert f"{Path('layouts/static/key.txt')}: {WARNING}" in result.stderr
    assert f"{Path('layouts/guide.html')}: {WARNING}" in result.stderr
    assert _leaks(site / "public") == []


def test_a_data_file_linked_out_of_the_site_is_not_read(
    site_factory: SiteFactory, secret: Path, cli: Cli
) -> None:
    site = site_factory({"content/kundendienstleiter/bremen.md": GUIDE})
    (site / "data" / "roles.yaml").unlink()
    (site / "data" / "roles.yaml").symlink_to(secret / "roles.yaml")
    result = cli("check", cwd=site)
    assert f"{Path('data/roles.yaml')}: {WARNING}" in result.stderr
    assert SECRET not in result.stdout + result.stderr

    (site / "data" / "site.yaml").rename(secret / "site.yaml")
    (site / "data" / "site.yaml").symlink_to(secret / "site.yaml")
    before = _build(cli, site)
    assert before.returncode == 1
    assert (
        f"{Path('data/site.yaml')}: error: symbolic link out of the site folder is not followed"
        in before.stderr
    )


def test_links_inside_the_site_folder_still_work(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory(
        {
            "content/kundendienstleiter/bremen.md": GUIDE,
            "theme/extra.css": "body { margin: 0 }\n",
        }
    )
    static = site / "layouts" / "static"
    static.mkdir(parents=True)
    (static / "extra.css").symlink_to(Path("..", "..", "theme", "extra.css"))
    result = _build(cli, site, "--strict")
    assert result.returncode == 0, result.stderr
    assert "symbolic link" not in result.stderr
    copied = list((site / "public" / "static").glob("extra.*.css"))
    assert [p.read_text(encoding="utf-8") for p in copied] == ["body { margin: 0 }\n"]
