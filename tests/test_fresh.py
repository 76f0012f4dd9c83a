"""The no-change rebuild: when nothing the output depends on changed, the output is left alone."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import copy_example_site, run_cli

from careersite import search
from careersite.assets import layout_dirs
from careersite.cli import main
from careersite.incremental import cache, fresh
from careersite.incremental import stamps as file_stamps
from careersite.output import one_build_at_a_time

GUIDE = "content/customer-service/dortmund.md"
PAGE = "berufe/customer-service/dortmund/index.html"
CACHE = ".careersite-cache"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


def build(site: Path, *args: str) -> tuple[int, str]:
    result = run_cli("build", "--source", site, *args)
    return result.returncode, result.stderr


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Each output file's inode and modification time: changed by any rewrite."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def up_to_date(stderr: str) -> bool:
    return "is up to date" in stderr and "nothing changed" in stderr


def test_a_second_build_with_nothing_changed_touches_nothing(site: Path) -> None:
    code, first = build(site)
    assert code == 0 and first.startswith("built "), first
    before = stamps(site / "public")
    code, second = build(site)
    assert code == 0 and up_to_date(second), second
    assert stamps(site / "public") == before
    pages = sum(1 for name in before if name.endswith(".html"))
    assert f"{pages} pages" in second


@pytest.mark.parametrize(
    "change",
    [
        "edit a guide",
        "touch a layout",
        "edit data",
        "add a file to content",
        "remove a guide",
    ],
)
def test_any_change_to_the_inputs_builds_again(site: Path, change: str) -> None:
    assert build(site)[0] == 0
    if change == "edit a guide":
        with (site / GUIDE).open("a", encoding="utf-8") as handle:
            handle.write("\nEin neuer Satz nach dem Build.\n")
    elif change == "touch a layout":
        layout = site / "layouts/base.html"
        layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "edit data":
        data = site / "data/site.yaml"
        data.write_text(data.read_text(encoding="utf-8") + "\n# ein Kommentar\n", encoding="utf-8")
    elif change == "add a file to content":
        (site / "content/customer-service/notiz.txt").write_text("x", encoding="utf-8")
    elif change == "remove a guide":
        (site / GUIDE).unlink()
    code, stderr = build(site)
    if change == "remove a guide":  # built again: other guides link to it
        assert code == 1 and "error: link to missing file" in stderr, stderr
        return
    assert code == 0 and stderr.startswith("built "), stderr
    if change == "edit a guide":
        assert "Ein neuer Satz nach dem Build." in (site / "public" / PAGE).read_text()


@pytest.mark.parametrize("damage", ["edit", "remove", "add"])
def test_output_changed_by_hand_is_built_again(site: Path, damage: str) -> None:
    assert build(site)[0] == 0
    clean = {p: (site / "public" / p).read_bytes() for p in stamps(site / "public")}
    page = site / "public" / PAGE
    if damage == "edit":
        page.write_bytes(page.read_bytes().replace(b"Dortmund", b"Dortmunt"))
    elif damage == "remove":
        page.unlink()
    else:
        (site / "public" / "fremd.html").write_text("nicht von careersite", encoding="utf-8")
    code, stderr = build(site)
    assert code == 0 and stderr.startswith("built "), stderr
    assert {p: (site / "public" / p).read_bytes() for p in stamps(site / "public")} == clean


def test_options_that_shape_the_output_build_again(site: Path, tmp_path: Path) -> None:
    assert build(site)[0] == 0
    code, stderr = build(site, "--base-url", "https://example.org/karriere/")
    assert code == 0 and stderr.startswith("built "), stderr
    assert 'href="/karriere/' in (site / "public" / PAGE).read_text()
    code, stderr = build(site, "--drafts")
    assert code == 0 and stderr.startswith("built "), stderr
    code, stderr = build(site, "--drafts")
    assert code == 0 and up_to_date(stderr), stderr
    # Another output folder is built, not copied.
    code, stderr = build(site, "--drafts", "--output", str(tmp_path / "elsewhere"))
    assert code == 0 and stderr.startswith("built "), stderr


def test_without_the_cache_every_build_builds(site: Path) -> None:
    assert build(site, "--no-cache")[0] == 0
    assert build(site)[0] == 0
    code, stderr = build(site, "--no-cache")
    assert code == 0 and stderr.startswith("built "), stderr


def test_warnings_are_reported_again_and_strict_still_fails(site: Path) -> None:
    guide = site / GUIDE
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("---\n", "---\nfarbe: blau\n", 1),
        encoding="utf-8",
    )
    code, first = build(site)
    assert code == 0 and "warning: unknown key 'farbe'" in first, first
    before = stamps(site / "public")
    code, second = build(site)
    assert code == 0 and up_to_date(second)
    assert first.splitlines()[0] == second.splitlines()[0]
    code, strict = build(site, "--strict")
    assert code == 1, strict
    assert "error: unknown key 'farbe'" in strict and not up_to_date(strict)
    assert stamps(site / "public") == before


def test_a_partial_rebuild_reports_the_link_problems_of_pages_it_takes_as_they_are(
    site: Path,
) -> None:
    draft = site / "content/customer-service/potsdam.md"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1),
        encoding="utf-8",
    )
    with (site / GUIDE).open("a", encoding="utf-8") as handle:
        handle.write("\nMehr dazu in [Potsdam](potsdam.md).\n")
    code, first = build(site)
    warned = [line for line in first.splitlines() if "a draft that is not built" in line]
    assert code == 0 and any(GUIDE + ":75:24: warning" in line for line in warned), first
    other = site / "content/kundendienstleiter/bremen.md"
    with other.open("a", encoding="utf-8") as handle:
        handle.write("\nEin Satz am Ende.\n")
    code, second = build(site)
    assert code == 0 and rendered(second) == 1, second  # Dortmund's page is taken as it is
    assert [line for line in second.splitlines() if "a draft that is not built" in line] == warned
    with other.open("a", encoding="utf-8") as handle:
        handle.write("\nNoch ein Satz.\n")
    code, strict = build(site, "--strict")
    assert code == 1 and "error: link to 'potsdam.md', a draft" in strict, strict


def test_a_failed_build_after_a_good_one_is_not_mistaken_for_up_to_date(site: Path) -> None:
    assert build(site)[0] == 0
    guide = site / GUIDE
    good = guide.read_text(encoding="utf-8")
    guide.write_text(good.replace("role:", "role: [", 1), encoding="utf-8")
    assert build(site)[0] == 1
    guide.write_text(good, encoding="utf-8")
    os.utime(guide)  # same bytes as the last good build: that output is still right
    code, stderr = build(site)
    assert code == 0 and up_to_date(stderr), stderr


# --- rebuilding part of the output -----------------------------------------------------------


def clean_tree(site: Path, tmp_path: Path) -> dict[str, bytes | None]:
    """What a build from scratch writes, its search index too."""
    output = tmp_path / "clean"
    result = run_cli("build", "--source", site, "--output", output, "--no-cache")
    assert result.returncode == 0, result.stderr
    return contents(output)


def contents(root: Path) -> dict[str, bytes | None]:
    """Every file below root with its bytes, and every folder (None)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


def rendered(stderr: str) -> int | None:
    """How many files the build says it rendered, when it took the rest from the output."""
    words = stderr.split("(", 1)[1].split() if " rendered, the rest unchanged" in stderr else []
    return int(words[0]) if words else None


def test_an_edited_body_renders_its_page_and_takes_the_rest_from_the_output(
    site: Path, tmp_path: Path
) -> None:
    assert build(site)[0] == 0
    before = stamps(site / "public")
    with (site / GUIDE).open("a", encoding="utf-8") as handle:
        handle.write("\nEin Satz, der nur im Text steht.\n")
    code, stderr = build(site)
    assert code == 0, stderr
    assert rendered(stderr) == 1, stderr  # the page: sitemap and feed show no body
    assert "(1 file rendered, the rest unchanged)" in stderr
    after = stamps(site / "public")
    assert after[PAGE] != before[PAGE]
    assert after["index.html"] == before["index.html"]  # the same file, not a copy
    assert after["staedte/dortmund/index.html"] == before["staedte/dortmund/index.html"]
    assert contents(site / "public") == clean_tree(site, tmp_path)
    assert "Ein Satz, der nur im Text steht." in (site / "public" / PAGE).read_text()
    # The search index is made again over the new page, as a build from scratch makes it.
    assert any(
        b"Ein Satz, der nur im Text steht." in p.read_bytes()
        for p in (site / "public/suchindex/p").iterdir()
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("title", None),  # shown on hubs, lists and neighbours: every page again
        # itself, its hubs, the Potsdam guide beside it, home, two lists, sitemap, feed
        ("salary", 9),
        ("guide layout", 4),  # the four guide pages
        ("stylesheet", None),  # its fingerprinted name is on every page
        ("new guide", None),
    ],
)
def test_other_changes_render_what_they_must_and_match_a_clean_build(
    site: Path, tmp_path: Path, change: str, expected: int | None
) -> None:
    assert build(site)[0] == 0
    guide = site / GUIDE
    text = guide.read_text(encoding="utf-8")
    if change == "title":
        guide.write_text(text.replace("title: ", "title: Neu ", 1), encoding="utf-8")
    elif change == "salary":
        guide.write_text(text.replace("  max: 3400", "  max: 3500", 1), encoding="utf-8")
    elif change == "guide layout":
        layout = site / "layouts/guide.html"
        layout.write_text(
            layout.read_text(encoding="utf-8").replace(
                "</article>", "<p>Neu im Layout</p></article>", 1
            ),
            encoding="utf-8",
        )
    elif change == "stylesheet":
        style = site / "layouts/static/style.css"
        style.write_text(style.read_text(encoding="utf-8") + "\n/* neu */\n", encoding="utf-8")
    elif change == "new guide":
        (site / "content/customer-service/bremen.md").write_text(
            text.replace("Dortmund", "Bremen"), encoding="utf-8"
        )
    code, stderr = build(site)
    assert code == 0, stderr
    assert rendered(stderr) == expected, stderr
    assert contents(site / "public") == clean_tree(site, tmp_path)


SPARE = ".careersite-cache/spare"


def edit(site: Path, guide: str, sentence: str) -> None:
    with (site / guide).open("a", encoding="utf-8") as handle:
        handle.write(f"\n{sentence}\n")


def build_twice(site: Path) -> None:
    """A build, an edit and a rebuild: the cache then keeps the first output as the spare."""
    assert build(site)[0] == 0
    edit(site, GUIDE, "Erste Änderung.")
    assert build(site)[0] == 0
    assert (site / SPARE / PAGE).is_file()


def test_rebuilds_write_into_the_tree_swapped_out_before_and_never_into_an_old_file(
    site: Path, tmp_path: Path
) -> None:
    build_twice(site)
    # The output before the last build is kept in the cache, not deleted.
    assert "Erste Änderung." not in (site / SPARE / PAGE).read_text(encoding="utf-8")
    new = site / "content/customer-service/bremen.md"
    changes: list[Callable[[], object]] = [
        lambda: edit(site, GUIDE, "Zweite Änderung."),
        lambda: edit(site, "content/kundendienstleiter/bremen.md", "Dritte Änderung."),
        lambda: new.write_text(
            (site / GUIDE).read_text(encoding="utf-8").replace("Dortmund", "Bremen"),
            encoding="utf-8",
        ),
        new.unlink,  # its page and its folder go
        lambda: edit(site, GUIDE, "Vierte Änderung."),
    ]
    for number, change in enumerate(changes):
        # Hard links to every file of the output: a file of it written into shows.
        held = tmp_path / f"held-{number}"
        shutil.copytree(site / "public", held, copy_function=os.link)
        before, stamped = contents(held), stamps(site / "public")
        change()

        code, stderr = build(site)

        assert code == 0, stderr
        record = fresh.load(site / ".careersite-cache")
        assert record is not None and record.files == fresh.manifest(site / "public")
        assert contents(held) == before
        assert contents(site / "public") == clean_tree(site, tmp_path / f"clean-{number}")
        after = stamps(site / "public")
        if number in (0, 1, 4):  # a guide that comes or goes is on every page's menus
            assert after["index.html"] == stamped["index.html"]  # taken as it is
        if number in (0, 4):
            assert after[PAGE] != stamped[PAGE]
        if number == 2:
            assert (site / "public/berufe/customer-service/bremen/index.html").is_file()
    assert not (site / "public/berufe/customer-service/bremen").exists()
    assert "Vierte Änderung." in (site / "public" / PAGE).read_text(encoding="utf-8")


def test_a_build_that_writes_every_page_deletes_the_output_it_replaced(
    site: Path, tmp_path: Path
) -> None:
    build_twice(site)
    style = site / "layouts/static/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\n/* neu */\n", encoding="utf-8")

    code, stderr = build(site)  # its fingerprinted name is on every page

    assert code == 0 and rendered(stderr) is None, stderr
    assert not (site / SPARE).exists()  # none of its pages would be of use
    edit(site, GUIDE, "Zweite Änderung.")
    code, stderr = build(site)
    assert code == 0 and rendered(stderr) == 1, stderr
    assert (site / SPARE).is_dir()
    assert contents(site / "public") == clean_tree(site, tmp_path)


def test_a_spare_that_is_not_the_one_on_record_is_deleted_unused(
    site: Path, tmp_path: Path
) -> None:
    build_twice(site)
    (site / SPARE / ".careersite-spare").write_text("fremd", encoding="utf-8")
    (site / SPARE / "untergeschoben.html").write_text("<p>nicht von uns</p>", encoding="utf-8")
    edit(site, GUIDE, "Zweite Änderung.")

    code, stderr = build(site)

    assert code == 0, stderr
    assert contents(site / "public") == clean_tree(site, tmp_path)
    assert not (site / "public/untergeschoben.html").exists()
    assert not (site / SPARE / "untergeschoben.html").exists()  # the next spare is the last output
    assert "Erste Änderung." in (site / SPARE / PAGE).read_text(encoding="utf-8")


def restore(output: Path) -> None:
    """The output as CI restores it from a cache: the same files, new inodes and times."""
    saved = output.with_name("gesichert")
    output.rename(saved)
    shutil.copytree(saved, output, copy_function=shutil.copyfile)
    shutil.rmtree(saved)


def test_an_output_restored_from_a_ci_cache_is_known_by_its_content(
    site: Path, tmp_path: Path
) -> None:
    assert build(site)[0] == 0
    restore(site / "public")
    code, stderr = build(site)
    assert code == 0 and up_to_date(stderr), stderr
    with (site / GUIDE).open("a", encoding="utf-8") as handle:
        handle.write("\nEin Satz nach der Wiederherstellung.\n")
    restore(site / "public")
    before = stamps(site / "public")

    code, stderr = build(site)

    assert code == 0 and rendered(stderr) == 1, stderr
    after = stamps(site / "public")
    assert after["index.html"] == before["index.html"]  # taken as it is, not written
    assert contents(site / "public") == clean_tree(site, tmp_path)
    code, stderr = build(site)  # the record now knows the restored files by their stamps
    assert code == 0 and up_to_date(stderr), stderr


def test_a_restored_output_changed_by_hand_is_built_again(site: Path) -> None:
    assert build(site)[0] == 0
    clean = {p: (site / "public" / p).read_bytes() for p in stamps(site / "public")}
    restore(site / "public")
    page = site / "public" / PAGE
    page.write_bytes(page.read_bytes().replace(b"Dortmund", b"Dortmunt"))  # the same size

    code, stderr = build(site)

    assert code == 0 and stderr.startswith("built ") and rendered(stderr) is None, stderr
    assert {p: (site / "public" / p).read_bytes() for p in stamps(site / "public")} == clean


def test_no_search_leaves_out_the_index_and_is_not_mistaken_for_a_full_build(site: Path) -> None:
    code, stderr = build(site, "--no-search")
    assert code == 0, stderr
    assert (site / "public" / PAGE).is_file() and (site / "public/suche/index.html").is_file()
    assert not (site / "public/suchindex").exists()
    code, stderr = build(site)
    assert code == 0 and stderr.startswith("built "), stderr
    assert (site / "public/suchindex/index.json").is_file()


def test_an_edit_reads_again_only_the_pages_written_for_the_index(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    reading = search.read_page

    def read_page(name: str, content: bytes) -> search.Page | None:
        read.append(name)
        return reading(name, content)

    monkeypatch.setattr(search, "read_page", read_page)

    def build_here() -> None:
        result = CliRunner().invoke(main, ["build", "--source", str(site), "--jobs", "1"])
        assert result.exit_code == 0, result.output

    build_here()
    assert PAGE in read and len(read) > 9
    read.clear()
    with (site / GUIDE).open("a", encoding="utf-8") as handle:
        handle.write("\nEin Satz, der nur im Text steht.\n")
    build_here()
    assert read == [PAGE, PAGE]  # as it was (in the output before) and as it is


# fingerprints: files not written since the last build are not read again ------------------


def test_a_file_with_its_last_stamp_is_not_read_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)  # files written by the test count as settled
    dirs = layout_dirs(site)
    first = fresh.fingerprints(site, dirs, ())
    guide = os.fspath(site / "content" / "kundendienstleiter" / "bremen.md")
    # The digest on record is what counts while the stamp is the same.
    planted = {**first.known, guide: first.known[guide]._replace(digest="0" * 64)}
    second = fresh.fingerprints(site, dirs, (), planted)
    assert second.sources[guide] == "0" * 64
    assert second.inputs != first.inputs
    # Written again, even with the same bytes, the file is read again. (Its new
    # mtime is set apart by hand: a rewrite within one tick of the kernel's
    # coarse clock keeps the old one, which is why RACY_NS exists.)
    Path(guide).write_bytes(Path(guide).read_bytes())
    info = os.stat(guide)
    os.utime(guide, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    third = fresh.fingerprints(site, dirs, (), planted)
    assert third.sources[guide] == first.sources[guide]
    assert third.inputs == first.inputs


def test_a_file_written_just_now_is_not_trusted_next_time(site: Path) -> None:
    guide = site / "content" / "kundendienstleiter" / "bremen.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    found = fresh.fingerprints(site, layout_dirs(site), ())
    assert os.fspath(guide) in found.sources
    assert os.fspath(guide) not in found.known  # within RACY_NS: its next write may look alike


def test_a_build_with_nothing_to_do_notes_sources_that_have_settled_since(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = os.fspath(site / "content" / "kundendienstleiter" / "bremen.md")
    Path(guide).write_text(Path(guide).read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")

    def build_here() -> str:
        result = CliRunner().invoke(main, ["build", "--source", str(site), "--no-search"])
        assert result.exit_code == 0, result.output
        return result.output

    build_here()  # right after the edit, as after a git pull
    record = fresh.load(site / ".careersite-cache")
    assert record is not None and guide not in record.known
    monkeypatch.setattr(file_stamps, "RACY_NS", 0)  # the edit is long past now

    assert "is up to date" in build_here()

    record = fresh.load(site / ".careersite-cache")
    assert record is not None and guide in record.known  # the next build trusts its stamp


def test_a_record_of_an_older_format_is_ignored(site: Path) -> None:
    assert run_cli("build", "--source", site).returncode == 0
    folder = site / ".careersite-cache"
    record = fresh.load(folder)
    assert record is not None
    del record.__dict__["known"]  # as a record pickled before the field existed
    cache.write(folder, fresh.FILE, record)
    assert fresh.load(folder) is None
    assert run_cli("build", "--source", site).returncode == 0


class Planted:
    """What a hostile pull request may add to the cache: unpickled, it creates marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def test_a_planted_record_is_not_loaded(site: Path, tmp_path: Path) -> None:
    assert run_cli("build", "--source", site).returncode == 0
    marker = tmp_path / "MARKER"
    (site / CACHE / fresh.FILE).write_bytes(pickle.dumps(Planted(marker)))

    result = run_cli("build", "--source", site)

    assert not marker.exists()
    assert result.returncode == 0, result.stderr
    [warning, hint, summary] = result.stderr.splitlines()
    assert warning == (
        f"{site / CACHE / fresh.FILE}: warning: ignored: not written by this user's careersite "
        "(nor is any other cache file that is ignored)"
    )
    assert hint.startswith("  hint: a cache written elsewhere (CI)")
    assert summary.startswith("built ")
    assert contents(site / "public") == clean_tree(site, tmp_path)
    again = run_cli("build", "--source", site)  # the record written again: trusted
    assert again.returncode == 0 and up_to_date(again.stderr), again.stderr


def _wrong(record: fresh.Record, wrong: str) -> fresh.Record:
    """record with one field of the wrong type, each a crash before it was checked."""
    # Any arguments: each field is given a value of the wrong type on purpose.
    replace: Callable[..., fresh.Record] = dataclasses.replace
    if wrong == "known a list":
        return replace(record, known=["a", "list"])
    if wrong == "known sizes texts":
        sizes = {name: stamp._replace(size=str(stamp.size)) for name, stamp in record.known.items()}  # type: ignore[arg-type]
        return replace(record, known=sizes)
    if wrong == "digests none":
        return replace(record, digests=None)
    if wrong == "spare a text":
        return replace(record, spare="spare")
    assert wrong == "diagnostics texts"
    return replace(record, diagnostics=("warning",))


@pytest.mark.parametrize(
    ("wrong", "edited"),
    [
        ("known a list", True),
        ("known sizes texts", True),
        ("digests none", True),
        ("spare a text", True),
        ("diagnostics texts", False),  # reported again by a build with nothing to do
    ],
)
def test_a_record_of_the_wrong_shape_is_ignored(
    site: Path, tmp_path: Path, wrong: str, edited: bool
) -> None:
    """Authentic (an older careersite of the same format, or a bug) but not what it should hold."""
    assert run_cli("build", "--source", site, "--no-search").returncode == 0
    if edited:
        edit(site, GUIDE, "Nach dem Record geändert.")
    folder = site / CACHE
    record = fresh.load(folder)
    assert record is not None
    cache.write(folder, fresh.FILE, _wrong(record, wrong))

    result = run_cli("build", "--source", site, "--no-search")

    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("built "), result.stderr
    clean = tmp_path / "clean"
    args = ("--output", clean, "--no-cache", "--no-search")
    assert run_cli("build", "--source", site, *args).returncode == 0
    assert contents(site / "public") == contents(clean)


# --- builds at once ------------------------------------------------------------------------


def start_build(site: Path, log: Path) -> subprocess.Popen[bytes]:
    """`careersite build` of site in a process of its own, its stderr into log."""
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "careersite", "build", "--source", str(site)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def test_a_build_waits_while_another_build_holds_the_site(site: Path, tmp_path: Path) -> None:
    assert build(site)[0] == 0
    before = (site / "public" / PAGE).read_bytes()
    edit(site, GUIDE, "Geschrieben, während eine andere Erstellung lief.")
    log = tmp_path / "stderr.txt"
    others: list[str] = []
    with one_build_at_a_time(site / "public", site / CACHE, lambda: others.append("busy")):
        assert others == []  # nothing held the site
        waiting = start_build(site, log)
        deadline = time.monotonic() + 60
        while "waiting for another" not in log.read_text() and time.monotonic() < deadline:
            assert waiting.poll() is None, log.read_text()
            time.sleep(0.05)
        assert log.read_text().startswith(
            f"waiting for another careersite build of {site / 'public'} to finish"
        )
        time.sleep(0.5)
        assert waiting.poll() is None
        assert (site / "public" / PAGE).read_bytes() == before  # untouched meanwhile
    assert waiting.wait(timeout=120) == 0, log.read_text()
    assert "während eine andere Erstellung" in (site / "public" / PAGE).read_text()


def test_builds_started_at_once_leave_the_output_a_clean_build_writes(
    site: Path, tmp_path: Path
) -> None:
    assert build(site)[0] == 0
    for number in range(3):
        edit(site, GUIDE, f"Zwei Erstellungen zugleich, Runde {number}.")
        logs = [tmp_path / f"stderr-{number}-{n}.txt" for n in range(2)]
        builds = [start_build(site, log) for log in logs]
        assert [b.wait(timeout=120) for b in builds] == [0, 0], [log.read_text() for log in logs]
        assert contents(site / "public") == clean_tree(site, tmp_path)


def test_an_output_changed_by_another_program_while_written_is_checked_whole_next_time(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build(site)[0] == 0
    walk = fresh.manifest

    def deleted_during_the_walk(root: Path) -> dict[str, file_stamps.Stamp]:
        # Another program (a sync to a server, a hand) deletes a page just as
        # careersite notes what the output holds.
        (root / PAGE).unlink()
        raise FileNotFoundError(2, "No such file or directory", str(root / PAGE))

    monkeypatch.setattr(fresh, "manifest", deleted_during_the_walk)
    result = CliRunner().invoke(
        main, ["build", "--source", str(site), "--base-url", "https://example.org/neu/"]
    )
    assert result.exit_code == 0, result.output
    assert f"warning: {site / 'public'} changed while it was written" in result.output
    assert "the next build checks all of it" in result.output
    assert not (site / CACHE / fresh.FILE).exists()
    monkeypatch.setattr(fresh, "manifest", walk)
    code, stderr = build(site, "--base-url", "https://example.org/neu/")
    assert code == 0 and not up_to_date(stderr), stderr
    assert contents(site / "public") == contents(
        clean_build_with(site, tmp_path, "--base-url", "https://example.org/neu/")
    )


def clean_build_with(site: Path, tmp_path: Path, *args: str) -> Path:
    output = tmp_path / "clean"
    result = run_cli("build", "--source", site, "--output", output, "--no-cache", *args)
    assert result.returncode == 0, result.stderr
    return output


def explained(site: Path, *args: str) -> list[str]:
    result = run_cli("build", "--source", site, "--no-search", "--explain", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_explain_tells_the_kind_of_build_and_why_each_page_was_rendered(site: Path) -> None:
    first = explained(site)
    assert first[0] == "full build: the build cache holds no record of an earlier build"
    why = "no earlier build to start from"
    assert first[1:] == [f"rendered /{path}: {why}" for path in sorted(pages_of(site))]

    guide = site / GUIDE
    guide.write_text(guide.read_text(encoding="utf-8") + "\nEin neuer Absatz.\n", encoding="utf-8")
    assert explained(site) == [
        "incremental build: the output is the last build's, from the same data and options",
        f"rendered /{PAGE.removesuffix('index.html')}: {site / GUIDE} changed",
    ]
    assert explained(site) == [
        "up-to-date build: nothing the output depends on changed since the last build"
    ]


def test_explain_names_the_layout_or_the_guide_that_made_pages_stale(site: Path) -> None:
    explained(site)
    layout = site / "layouts/city.html"
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert explained(site) == [
        "incremental build: the output is the last build's, from the same data and options",
        "rendered /staedte/bremen/: its layout city.html changed",
        "rendered /staedte/dortmund/: its layout city.html changed",
        "rendered /staedte/potsdam/: its layout city.html changed",
    ]
    base = site / "layouts/base.html"
    base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    lines = explained(site)
    assert "rendered /staedte/bremen/: its layout city.html uses base.html, which changed" in lines

    guide = site / GUIDE
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("\ntitle: ", "\ntitle: Neu – ", 1), encoding="utf-8")
    lines = explained(site)
    why = f"{site / GUIDE} is linked otherwise (title, role, city, slug or alias)"
    assert lines[0].startswith("incremental build:")
    assert lines[1:] == [f"rendered /{path}: {why}" for path in sorted(pages_of(site))]


def pages_of(site: Path) -> list[str]:
    """The site path of every page in the output (a folder's index.html by its folder).

    That is every file but the static ones, the search index and the output's marker.
    """
    found = []
    for file in (site / "public").rglob("*"):
        name = file.relative_to(site / "public").as_posix()
        own = name.startswith(("static/", "pagefind/")) or name == ".careersite-output"
        if file.is_file() and not own:
            found.append(name.removesuffix("index.html"))
    return found
