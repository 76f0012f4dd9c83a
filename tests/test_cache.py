"""The persistent build cache: same output with it and without, and only changed files re-read."""

from __future__ import annotations

import dataclasses
import os
import pickle
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import SiteFactory, copy_example_site, many_guides, run_cli
from markdown_it import MarkdownIt

import careersite.article as article
import careersite.incremental.cache as cache
import careersite.incremental.fresh as fresh
import careersite.sources as sources
from careersite.article import Article
from careersite.config import Config
from careersite.diagnostics import Diagnostic
from careersite.pipeline import Options, build
from careersite.site import SAME_ROLE_SHOWN


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_example_site(tmp_path)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def built(site: Path, output: Path, *args: str) -> dict[str, bytes]:
    result = run_cli("build", "--source", site, "--output", output, "--strict", *args)
    assert result.returncode == 0, result.stderr
    return tree(output)


def test_output_is_the_same_with_and_without_the_cache(site: Path, tmp_path: Path) -> None:
    without = built(site, tmp_path / "plain", "--no-cache")
    assert not (site / ".careersite-cache").exists()
    first = built(site, tmp_path / "first")
    assert list((site / ".careersite-cache").glob("articles-*.pickle"))
    assert (site / ".careersite-cache/.gitignore").read_text() == "*\n"
    second = built(site, tmp_path / "second")
    assert first == second == without


def test_an_edit_after_a_cached_build_shows_and_matches_a_clean_build(
    site: Path, tmp_path: Path
) -> None:
    built(site, tmp_path / "warm")
    guide = site / "content/customer-service/dortmund.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\nNach dem Cache geändert.\n", encoding="utf-8"
    )
    cached = built(site, tmp_path / "cached")
    clean = built(site, tmp_path / "clean", "--no-cache")
    assert cached == clean
    assert (
        "Nach dem Cache geändert." in cached["berufe/customer-service/dortmund/index.html"].decode()
    )


def test_a_data_change_invalidates_the_cache(site: Path, tmp_path: Path) -> None:
    built(site, tmp_path / "warm")
    cities = site / "data/cities.yaml"
    text = cities.read_text(encoding="utf-8")
    cities.write_text(text.replace("state: Nordrhein-Westfalen", "state: NRW"), encoding="utf-8")
    cached = built(site, tmp_path / "cached")
    clean = built(site, tmp_path / "clean", "--no-cache")
    assert cached == clean
    assert "(NRW)" in cached["berufe/customer-service/dortmund/index.html"].decode()


def test_a_broken_or_foreign_cache_is_ignored(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    buckets = [folder / f"articles-{n:02d}.pickle" for n in range(32)]
    for bucket in buckets:
        bucket.write_bytes(b"not a pickle at all")
    result = built(site, tmp_path / "out", "--cache", str(folder))
    assert result == built(site, tmp_path / "plain", "--no-cache")
    assert not (site / ".careersite-cache").exists()
    # Not sealed by this user's careersite: each deleted, or written anew.
    assert not any(b.exists() and b.read_bytes() == b"not a pickle at all" for b in buckets)
    assert any(bucket.exists() for bucket in buckets)


def test_unchanged_sources_are_not_read_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(site, cache=tmp_path / "cache")
    first = build(options)
    assert not first.failed
    calls: list[Path] = []
    real = article.load_article

    def counting(
        path: Path, config: Config, md: MarkdownIt
    ) -> tuple[Article | None, list[Diagnostic]]:
        calls.append(path)
        return real(path, config, md)

    monkeypatch.setattr(sources, "load_article", counting)
    assert dict(build(options).files) == dict(first.files)
    assert calls == []
    guide = site / "content/kundendienstleiter/bremen.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nMehr.\n", encoding="utf-8")
    build(options)
    assert calls == [guide]


def test_an_edit_rewrites_only_the_cache_file_holding_that_source(
    site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    built(site, tmp_path / "first", "--cache", str(folder))
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("articles-*.pickle")}
    assert len(before) > 1  # five sources spread over several files
    guide = site / "content/customer-service/dortmund.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    built(site, tmp_path / "second", "--cache", str(folder))
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("articles-*.pickle")}
    assert set(after) == set(before)
    assert sum(after[name] != before[name] for name in before) == 1


def test_bodies_are_kept_apart_and_read_only_for_pages_rendered(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The articles load without their HTML; a rebuild reads the bodies it renders."""
    folder = tmp_path / "cache"
    options = Options(site, cache=folder)
    first = build(options)
    assert list(folder.glob("bodies-*.pickle"))
    reads: list[str] = []
    real = cache.read

    def counting(path: Path) -> Any:
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(cache, "read", counting)
    # Every page rendered again (no previous output): every body comes from the cache.
    again = build(options)
    assert dict(again.files) == dict(first.files)
    assert any(name.startswith("bodies-") for name in reads)
    # Nothing to render: the bodies are not read at all.
    reads.clear()
    previous = fresh.Previous(again.inputs, frozenset(again.files))  # type: ignore[arg-type]
    build(options, previous)
    assert reads and not any(name.startswith("bodies-") for name in reads)


def test_a_lost_body_is_read_from_its_source_again(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    built(site, tmp_path / "warm", "--cache", str(folder))
    for stored in folder.glob("bodies-*.pickle"):
        stored.unlink()
    layout = site / "layouts" / "guide.html"  # every guide's page is rendered again
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    clean = built(site, tmp_path / "clean-again", "--no-cache")
    assert built(site, tmp_path / "after", "--cache", str(folder)) == clean


def test_a_cached_body_keeps_its_links_and_their_positions(site: Path, tmp_path: Path) -> None:
    """A body's links are stored with its HTML, apart from the article, and come back with it."""
    folder = tmp_path / "cache"
    built(site, tmp_path / "warm", "--cache", str(folder))
    bremen = site / "content/kundendienstleiter/bremen.md"
    text = bremen.read_text(encoding="utf-8")
    # Dortmund's text links to Bremen: with Bremen at a new URL, Dortmund's
    # page is rendered again from its cached body, its link resolved anew. The
    # alias keeps the old URL, as the build's URL-change warning asks.
    moved = "\nslug: bremen-neu\naliases:\n  - /berufe/kundendienstleiter/bremen/\ndate:"
    bremen.write_text(text.replace("\ndate:", moved, 1), encoding="utf-8")
    cached = built(site, tmp_path / "warm", "--cache", str(folder))
    assert cached == built(site, tmp_path / "clean", "--no-cache")
    dortmund = cached["berufe/customer-service/dortmund/index.html"].decode()
    assert 'href="/berufe/kundendienstleiter/bremen-neu/"' in dortmund
    # Bremen gone: the link is reported where it stands, as a clean build reports it.
    bremen.unlink()
    args = ("build", "--source", site, "--output")
    failed = run_cli(*args, tmp_path / "warm", "--cache", str(folder))
    clean = run_cli(*args, tmp_path / "clean", "--no-cache")
    assert failed.returncode == clean.returncode == 1
    assert "customer-service/dortmund.md:73:" in clean.stderr
    assert failed.stderr == clean.stderr


def test_a_salary_edit_renders_only_the_pages_that_show_it(
    site_factory: SiteFactory, tmp_path: Path
) -> None:
    """From the command line, as in the dev server: the guide, the guides listing it, its lists."""
    site = site_factory(many_guides(40))
    args = ("build", "--source", site, "--output")
    assert run_cli(*args, tmp_path / "public").returncode == 0
    edited = site / "content/kundendienstleiter/stadt-010.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("max: 3800", "max: 3950"), encoding="utf-8"
    )
    again = run_cli(*args, tmp_path / "public")
    assert again.returncode == 0, again.stderr
    # itself, the SAME_ROLE_SHOWN guides listing it, two hubs, home, two lists, sitemap, feed
    assert f"({SAME_ROLE_SHOWN + 1 + 2 + 3 + 2} files rendered, the rest unchanged)" in again.stderr
    assert run_cli(*args, tmp_path / "clean", "--no-cache").returncode == 0
    assert tree(tmp_path / "public") == tree(tmp_path / "clean")
    assert (
        "3.950" in (tmp_path / "public/berufe/kundendienstleiter/stadt-009/index.html").read_text()
    )


# --- a cache from elsewhere ------------------------------------------------------------------


class Planted:
    """What a hostile pull request may add to the cache: unpickled, it creates marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


BUILD = (sys.executable, "-m", "careersite", "build")
IGNORED = (
    ": warning: ignored: not written by this user's careersite "
    "(nor is any other cache file that is ignored)"
)


@pytest.mark.parametrize("kind", ["articles", "bodies", "layout"])
def test_a_planted_cache_file_is_not_loaded(site: Path, tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "cache"
    built(site, tmp_path / "warm", "--cache", str(folder))
    marker = tmp_path / "MARKER"
    planted = sorted(folder.glob(f"{kind}-*.pickle"))
    assert planted, f"the build keeps {kind} files in the cache"
    for path in planted:
        path.write_bytes(pickle.dumps(("anything", Planted(marker))))
    layout = site / "layouts" / "guide.html"  # pages rendered again, from cached bodies
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    result = run_cli(
        "build", "--source", site, "--output", tmp_path / "again", "--cache", str(folder)
    )

    assert not marker.exists()
    assert result.returncode == 0, result.stderr
    [warning, hint, summary] = result.stderr.splitlines()
    assert warning in {str(path) + IGNORED for path in planted}  # the first one read
    assert hint == (
        "  hint: a cache written elsewhere (CI), by an older careersite or with another"
        " CAREERSITE_CACHE_KEY is built anew"
    )
    assert summary.startswith("built ")
    assert tree(tmp_path / "again") == built(site, tmp_path / "clean", "--no-cache")
    assert not marker.exists()
    # Written again with this user's key: the next build uses it without a word.
    again = run_cli("build", "--source", site, "--output", tmp_path / "third", "--cache", folder)
    assert again.returncode == 0 and again.stderr.startswith("built "), again.stderr


def test_the_key_is_kept_outside_the_site_for_this_user_alone(site: Path, tmp_path: Path) -> None:
    home = tmp_path / "xdg"
    result = subprocess.run(
        [sys.executable, "-m", "careersite", "build", "--source", site, "--quiet"],
        env={**os.environ, "XDG_CACHE_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    key = home / "careersite" / "cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 64
    assert not any(key.read_bytes() in p.read_bytes() for p in site.rglob("*") if p.is_file())


def test_a_cache_written_with_another_key_is_ignored_and_one_from_ci_with_the_same_is_not(
    site: Path, tmp_path: Path
) -> None:
    def build_with(key: str, output: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*BUILD, "--source", site, "--quiet", "--output", tmp_path / output],
            env={**os.environ, "CAREERSITE_CACHE_KEY": key},
            capture_output=True,
            text=True,
            check=False,
        )

    assert build_with("ci-secret-1", "first").stderr == ""
    assert build_with("ci-secret-1", "second").stderr == ""
    other = build_with("ci-secret-2", "third")
    assert other.returncode == 0
    assert other.stderr.count("warning: ignored: not written by this user's careersite") == 1


def test_without_a_place_for_the_key_the_build_goes_without_cache(
    site: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "careersite", "build", "--source", site, "--quiet"],
        env={**os.environ, "XDG_CACHE_HOME": str(blocked)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stderr == (
        f"note: building without the build cache: cannot keep its key in {blocked}/careersite "
        "(Not a directory); set CAREERSITE_CACHE_KEY\n"
    )
    assert not (site / ".careersite-cache").exists()


# --- a cache of the wrong shape, as an older careersite or a bug may leave ----------------


def reshaped(folder: Path, kind: str, change: Callable[[Any], Any]) -> None:
    """Every bucket of kind rewritten, authentic, with change applied to each entry's value."""
    for path in folder.glob(f"{kind}-*.pickle"):
        key, entries = cache.read(path)
        cache.write(folder, path.name, (key, {p: change(v) for p, v in entries.items()}))


WRONG_SHAPES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "article not a Loaded": ("articles", lambda v: (v[0], "not an article")),
    "article without its digest": ("articles", lambda v: v[1]),
    "article of the wrong type": (
        "articles",
        lambda v: (v[0], dataclasses.replace(v[1], article=["a", "list"])),
    ),
    "diagnostics not a tuple": (
        "articles",
        lambda v: (v[0], dataclasses.replace(v[1], diagnostics=None)),
    ),
    "body a text": ("bodies", lambda v: (v[0], "<p>text</p>")),
    "body of three parts": ("bodies", lambda v: (v[0], (b"<p>", (), ()))),
    "body's links not links": ("bodies", lambda v: (v[0], (v[1][0], ("x",)))),
    "body's html a text": ("bodies", lambda v: (v[0], (v[1][0].decode(), v[1][1]))),
}


@pytest.mark.parametrize("shape", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_an_entry_of_the_wrong_shape_is_ignored(
    site: Path, tmp_path: Path, shape: tuple[str, Callable[[Any], Any]]
) -> None:
    folder = tmp_path / "cache"
    built(site, tmp_path / "warm", "--cache", str(folder))
    reshaped(folder, *shape)
    layout = site / "layouts" / "guide.html"  # pages rendered again, from cached bodies
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    result = run_cli(
        "build", "--source", site, "--output", tmp_path / "again", "--cache", str(folder)
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path / "again") == built(site, tmp_path / "clean", "--no-cache")
