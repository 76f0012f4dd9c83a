"""Atomic, contained and deterministic output (careersite.output and `careersite build`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, Cli, SiteFactory, guide, many_guides

from careersite.output import (
    MARKER,
    MARKER_TEXT,
    OutputError,
    recover,
    refusal,
    write,
    write_output,
)

BREMEN = "content/kundendienstleiter/bremen.md"
POTSDAM = "content/kundendienstleiter/potsdam.md"
FILES = {"index.html": b"<p>neu</p>\n", "berufe/index.html": b"<p>Berufe</p>\n"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below folder (hidden ones too) with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def build_cli(*args: str | Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "careersite", "build", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )


def previous_output(folder: Path) -> dict[str, bytes]:
    """An output folder as an earlier build left it."""
    write_output({"index.html": b"<p>alt</p>\n", "alt/index.html": b"alt\n"}, folder, folder.parent)
    return snapshot(folder)


# deterministic ------------------------------------------------------------------


def test_two_builds_of_the_example_site_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "public", tmp_path / "b" / "public"

    for output, seed in ((first, "1"), (second, "2")):
        result = build_cli("--source", REPO, "--output", output, seed=seed)
        assert result.returncode == 0, result.stderr

    files = snapshot(first)
    assert len(files) > 10
    assert files == snapshot(second)


def test_rebuilding_into_the_same_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    output = tmp_path / "public"
    assert build_cli("--source", REPO, "--output", output, seed="3").returncode == 0
    first = snapshot(output)
    assert build_cli("--source", REPO, "--output", output, seed="4").returncode == 0
    assert snapshot(output) == first


# atomic ---------------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_output_untouched(
    site_factory: SiteFactory, cli: Cli
) -> None:
    site = site_factory({BREMEN: guide()})
    output = site.parent / "out"
    assert cli("build", "--source", site, "--output", output).returncode == 0
    before = snapshot(output)
    assert "berufe/kundendienstleiter/bremen/index.html" in before

    (site / POTSDAM).write_text(guide(city="Potsdam", date="2026-02-30"), encoding="utf-8")
    result = cli("build", "--source", site, "--output", output)

    assert result.returncode == 1
    assert "potsdam.md:8:7: error: 'date': '2026-02-30' is not a day in the calendar" in (
        result.stderr
    )
    assert snapshot(output) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["out", "site"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_layout_error_after_pages_were_written_leaves_the_previous_output_untouched(
    site_factory: SiteFactory, cli: Cli, jobs: str
) -> None:
    # Pages are written into the new tree as they are rendered; guides come
    # before the city hubs, so they are on disk when the city layout fails.
    site = site_factory(many_guides(140))
    output = site.parent / "out"
    assert cli("build", "--source", site, "--output", output, "--no-search").returncode == 0
    before = snapshot(output)
    (site / "layouts").mkdir()
    (site / "layouts" / "city.html").write_text("{{ page.no_such_thing }}\n", encoding="utf-8")

    result = cli("build", "--source", site, "--output", output, "--no-search", "--jobs", jobs)

    assert result.returncode == 1
    assert "city.html:1: error: template error in /staedte/stadt-000/" in result.stderr
    assert snapshot(output) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["out", "site"]


def test_a_page_that_cannot_be_written_is_an_error_and_the_output_stays(
    site_factory: SiteFactory, cli: Cli
) -> None:
    # With the search index to build, the pages are rendered in a child
    # process: its error comes back to be reported as one, not a traceback.
    site = site_factory({BREMEN: guide()})
    # An output folder deep down: 1,200 bytes of path before its own files.
    output = site.parent.joinpath(*["tief" * 50] * 6, "out")
    assert cli("build", "--source", site, "--output", output).returncode == 0
    before = snapshot(output)
    # Each folder's name is short enough, and the alias is within careersite's bound
    # (3,072 bytes); below this output folder the whole path is not (PATH_MAX, 4,096).
    deep = "/".join(["sehr-lang" * 27] * 12)
    (site / POTSDAM).write_text(guide(city="Potsdam", extra=f"aliases: [/{deep}/]\n"), "utf-8")

    result = cli("build", "--source", site, "--output", output)

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot write {deep}/index.html: File name too long"), (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert snapshot(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]
    assert sorted(p.name for p in site.parent.iterdir()) == ["site", "tief" * 50]


def test_an_output_folder_that_cannot_be_made_is_an_error_not_a_traceback(
    site_factory: SiteFactory, cli: Cli, tmp_path: Path
) -> None:
    site = site_factory({BREMEN: guide()})
    (tmp_path / "eine-datei").write_text("kein Ordner", encoding="utf-8")

    result = cli("build", "--source", site, "--output", tmp_path / "eine-datei" / "out")

    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write the output next to "), result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_build_replaces_the_old_tree_instead_of_merging(tmp_path: Path) -> None:
    output = tmp_path / "out"
    previous_output(output)

    write_output(FILES, output, tmp_path / "site")

    assert snapshot(output) == {**FILES, MARKER: MARKER_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_two_rename_fallback_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    output = tmp_path / "out"
    previous_output(output)

    write_output(FILES, output, tmp_path / "site")

    assert snapshot(output) == {**FILES, MARKER: MARKER_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two renames"])
def test_the_old_tree_is_gone_once_what_runs_meanwhile_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    output = tmp_path / "out"
    previous_output(output)
    seen: list[dict[str, bytes]] = []

    write_output(FILES, output, tmp_path / "site", meanwhile=lambda: seen.append(snapshot(output)))

    assert seen == [{**FILES, MARKER: MARKER_TEXT}]  # the new tree is in place by then
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_put_makes_each_file_anew_and_clears_what_is_in_its_way(tmp_path: Path) -> None:
    # A spare tree (the output before the last build) holds hard links to files
    # of the output, and old files and folders where the new tree wants others.
    output, tree = tmp_path / "public", tmp_path / "spare"
    output.mkdir()
    (output / "seite.html").write_bytes(b"<p>live</p>")
    (tree / "ordner").mkdir(parents=True)
    os.link(output / "seite.html", tree / "seite.html")
    (tree / "ordner" / "index.html").write_bytes(b"alt")
    (tree / "datei").write_bytes(b"alt")
    (output / "behalten.html").write_bytes(b"<p>bleibt</p>")
    (tree / "behalten.html").write_bytes(b"alt")

    made: set[str] = set()
    root = os.fspath(tree)
    old = inodes(tree)
    write.put(root, "seite.html", b"<p>neu</p>", made, replaceable=old)
    write.put(root, "ordner", b"jetzt eine Datei", made, replaceable=old)
    write.put(root, "datei/index.html", b"jetzt ein Ordner", made, replaceable=old)
    write.put(root, "behalten.html", None, made, os.fspath(output), old)

    assert (output / "seite.html").read_bytes() == b"<p>live</p>"
    assert snapshot(tree) == {
        "behalten.html": b"<p>bleibt</p>",
        "datei/index.html": b"jetzt ein Ordner",
        "ordner": b"jetzt eine Datei",
        "seite.html": b"<p>neu</p>",
    }
    assert (tree / "behalten.html").stat().st_ino == (output / "behalten.html").stat().st_ino


def inodes(tree: Path) -> dict[str, int]:
    """Every file of a tree by name, with its inode: what a spare tree holds of the output."""
    return {
        path.relative_to(tree).as_posix(): path.lstat().st_ino
        for path in tree.rglob("*")
        if not path.is_dir()
    }


@pytest.mark.parametrize(
    ("first", "second", "taken"),
    [
        ("index.html", "index.html/index.html", "index.html"),  # an alias /index.html
        ("a/index.html/index.html", "a/index.html", "a/index.html/index.html"),
        ("seite.html", "seite.html", "seite.html"),
    ],
)
def test_put_never_clears_a_file_this_build_wrote(
    tmp_path: Path, first: str, second: str, taken: str
) -> None:
    # put cleared whatever was in the way: /index.html as an alias turned the
    # home page into a folder that held the redirect.
    tree = tmp_path / "tree"
    tree.mkdir()
    made: set[str] = set()
    write.put(os.fspath(tree), first, b"zuerst", made)

    with pytest.raises(OutputError) as raised:
        write.put(os.fspath(tree), second, b"danach", made)

    assert str(raised.value) == f"cannot write {second}: {taken} is already a file of this build"
    assert snapshot(tree) == {first: b"zuerst"}


def test_in_a_spare_tree_put_clears_only_the_old_files(tmp_path: Path) -> None:
    output, tree = tmp_path / "public", tmp_path / "spare"
    output.mkdir()
    tree.mkdir()
    (output / "seite.html").write_bytes(b"alt")
    os.link(output / "seite.html", tree / "seite.html")
    old = inodes(tree)
    made: set[str] = set()
    write.put(os.fspath(tree), "seite.html", b"neu", made, replaceable=old)

    with pytest.raises(OutputError) as raised:
        write.put(os.fspath(tree), "seite.html/index.html", b"Umleitung", made, replaceable=old)

    assert str(raised.value) == (
        "cannot write seite.html/index.html: seite.html is already a file of this build"
    )
    assert snapshot(tree) == {"seite.html": b"neu"}
    assert (output / "seite.html").read_bytes() == b"alt"


def test_write_output_never_replaces_a_page_by_a_folder(tmp_path: Path) -> None:
    # The marker is written last: it dropped an alias /.careersite-output.
    output = tmp_path / "out"
    before = previous_output(output)
    for files in (
        {"index.html": b"Start", "index.html/index.html": b"Umleitung"},
        {"index.html": b"Start", f"{MARKER}/index.html": b"Umleitung"},
    ):
        with pytest.raises(OutputError, match="is already a file of this build"):
            write_output(files, output, tmp_path / "site")

        assert snapshot(output) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_marker_file_is_written(tmp_path: Path) -> None:
    output = tmp_path / "deep" / "er" / "out"
    write_output(FILES, output, tmp_path / "site")
    assert (output / MARKER).read_bytes() == MARKER_TEXT


def test_an_empty_existing_folder_may_be_used(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    write_output(FILES, output, tmp_path / "site")
    assert snapshot(output) == {**FILES, MARKER: MARKER_TEXT}


# contained --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x", "../../x", "a/../../x", "ABSOLUTE"])
def test_write_output_refuses_a_path_outside_the_folder(tmp_path: Path, name: str) -> None:
    output = tmp_path / "work" / "out"
    before = previous_output(output)
    if name == "ABSOLUTE":
        name = str(tmp_path / "x")
    files = {"a/index.html": b"a", name: b"escaped", "z/index.html": b"z"}

    with pytest.raises(OutputError, match="outside the output folder"):
        write_output(files, output, tmp_path / "site")

    assert snapshot(output) == before
    assert not (tmp_path / "work" / "x").exists()
    assert not (tmp_path / "x").exists()


def test_a_failed_write_leaves_no_staging_folder(tmp_path: Path) -> None:
    output = tmp_path / "out"
    before = previous_output(output)

    with pytest.raises(OutputError):
        write_output({"../x": b"escaped"}, output, tmp_path / "site")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert snapshot(output) == before


def test_a_file_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    output = tmp_path / "out"
    before = previous_output(output)
    too_long = "x" * 300 + ".html"  # longer than any file system allows for one name

    with pytest.raises(OutputError, match=r"^cannot write x+\.html: File name too long$"):
        write_output({"index.html": b"ok", too_long: b"nie"}, output, tmp_path / "site")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert snapshot(output) == before


def test_refuses_the_root_folder(tmp_path: Path) -> None:
    # Only refusal() is called here: write_output must never get near "/".
    assert refusal(Path("/"), tmp_path) == "refusing to use the root folder / as output"


def test_refuses_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("meins")
    (home / MARKER).write_text("even with a marker")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    before = snapshot(home)

    with pytest.raises(OutputError, match="refusing to use the home folder"):
        write_output(FILES, home, tmp_path / "site")

    assert snapshot(home) == before


def test_refusal_names_the_real_home_folder(tmp_path: Path) -> None:
    home = Path.home().resolve()
    assert refusal(Path.home(), tmp_path) == f"refusing to use the home folder {home} as output"


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (".", "it holds the site's sources"),
        ("..", "it holds the site's sources"),
        ("content", "into the site's content/ folder"),
        ("content/public", "into the site's content/ folder"),
        ("data/out", "into the site's data/ folder"),
        ("layouts/out", "into the site's layouts/ folder"),
    ],
)
def test_refuses_the_source_its_parents_and_its_folders(
    site_factory: SiteFactory, output: str, reason: str
) -> None:
    site = site_factory({BREMEN: guide(), f"{MARKER}": "", "content/public/" + MARKER: ""})
    before = snapshot(site.parent)

    with pytest.raises(OutputError, match=reason.replace("'", ".")):
        write_output(FILES, site / output, site)

    assert snapshot(site.parent) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_refuses_a_symbolic_link_to_the_source(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide()})
    link = site.parent / "public"
    link.symlink_to(site, target_is_directory=True)
    before = snapshot(site)

    with pytest.raises(OutputError, match="holds the site's sources"):
        write_output(FILES, link, site)

    assert snapshot(site) == before
    assert link.is_symlink()


def test_refuses_a_full_folder_it_did_not_create(tmp_path: Path) -> None:
    output = tmp_path / "docs"
    (output / "sub").mkdir(parents=True)
    (output / "sub" / "wichtig.txt").write_text("nicht löschen")
    before = snapshot(output)

    with pytest.raises(OutputError, match="not empty and careersite did not create it"):
        write_output(FILES, output, tmp_path / "site")

    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_refuses_a_file_as_output(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.write_text("eine Datei")

    with pytest.raises(OutputError, match="is not a folder"):
        write_output(FILES, output, tmp_path / "site")

    assert output.read_text() == "eine Datei"


def test_the_command_line_refuses_the_source_and_keeps_it(
    site_factory: SiteFactory, cli: Cli
) -> None:
    site = site_factory({BREMEN: guide()})
    before = snapshot(site)

    result = cli("build", "--source", site, "--output", site)

    assert result.returncode == 1
    refused = f"error: refusing to use {site} as output: it holds the site's sources\n"
    assert result.stderr == refused
    assert snapshot(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_the_command_line_refuses_a_full_folder(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({BREMEN: guide()})
    output = site.parent / "docs"
    output.mkdir()
    (output / "index.html").write_text("von Hand")

    result = cli("build", "--source", site, "--output", output)

    assert result.returncode == 1
    assert "not empty and careersite did not create it" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(output) == {"index.html": b"von Hand"}


# recover ------------------------------------------------------------------------------


def test_recover_restores_the_retired_tree_after_an_interrupted_swap(tmp_path: Path) -> None:
    output = tmp_path / "out"
    retired = tmp_path / ".out.careersite-old"
    retired.mkdir()
    (retired / "index.html").write_bytes(b"alt")
    (retired / MARKER).write_bytes(MARKER_TEXT)
    staging = tmp_path / ".out.careersite-new"
    (staging / "halb").mkdir(parents=True)

    recover(output)

    assert snapshot(output) == {"index.html": b"alt", MARKER: MARKER_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recover_keeps_a_finished_swap_and_drops_the_retired_tree(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "index.html").write_bytes(b"neu")
    retired = tmp_path / ".out.careersite-old"
    retired.mkdir()
    (retired / "index.html").write_bytes(b"alt")

    recover(output)

    assert snapshot(output) == {"index.html": b"neu"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recover_removes_a_stale_staging_folder(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "index.html").write_bytes(b"neu")
    staging = tmp_path / ".out.careersite-new"
    staging.mkdir()
    (staging / "index.html").write_bytes(b"halb")

    recover(output)

    assert snapshot(output) == {"index.html": b"neu"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recover_removes_trees_a_killed_build_was_deleting(tmp_path: Path) -> None:
    output = tmp_path / "out"
    before = previous_output(output)
    for name in [
        ".out.careersite-new.41.careersite-trash",
        ".out.careersite-old.7.careersite-trash",
    ]:
        (tmp_path / name / "berufe").mkdir(parents=True)
        (tmp_path / name / "berufe" / "index.html").write_bytes(b"alt")
    (tmp_path / "other.careersite-trash").mkdir()  # not this output's

    recover(output)

    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.careersite-trash", "out"]


def test_recover_leaves_a_clean_folder_alone(tmp_path: Path) -> None:
    output = tmp_path / "out"
    before = previous_output(output)
    recover(output)
    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_build_after_an_interruption_cleans_up(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory({BREMEN: guide()})
    output = site.parent / "out"
    retired = site.parent / ".out.careersite-old"
    retired.mkdir()
    (retired / "index.html").write_bytes(b"alt")
    (retired / MARKER).write_bytes(MARKER_TEXT)
    (site.parent / ".out.careersite-new").mkdir()

    result = cli("build", "--source", site, "--output", output)

    assert result.returncode == 0, result.stderr
    assert (output / "berufe/kundendienstleiter/bremen/index.html").is_file()
    assert (output / "index.html").read_bytes() != b"alt"
    assert sorted(p.name for p in site.parent.iterdir()) == ["out", "site"]


def test_a_staging_tree_left_by_an_error_is_discarded_and_the_output_stays(tmp_path: Path) -> None:
    site, out = tmp_path / "site", tmp_path / "public"
    site.mkdir()
    write_output(FILES, out, site)
    before = snapshot(out)
    with pytest.raises(RuntimeError), write.staging(out, site) as staged:
        (staged / "index.html").write_bytes(b"<p>halb</p>\n")
        raise RuntimeError("the build failed halfway")
    assert not staged.exists()
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_a_staging_tree_swapped_in_is_the_output(tmp_path: Path) -> None:
    site, out = tmp_path / "site", tmp_path / "public"
    site.mkdir()
    write_output(FILES, out, site)
    with write.staging(out, site) as staged:
        write_output({"index.html": b"<p>neuer</p>\n"}, out, site, staged=staged)
    assert snapshot(out) == {"index.html": b"<p>neuer</p>\n", MARKER: MARKER_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]
