"""Images in a guide's body: an image without alt text is a warning at its place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import SiteFactory, guide

from careersite.diagnostics import SourcePos
from careersite.markdown import images_without_alt, make_parser
from careersite.pipeline import Options, build, check_text

SOURCE = Path("content/kundendienstleiter/bremen.md")


def _places(text: str, first_line: int = 10) -> list[tuple[SourcePos | None, str]]:
    found = images_without_alt(make_parser(), text, SOURCE, first_line)
    assert all(d.severity == "warning" for d in found)
    return [(d.pos, d.message) for d in found]


def test_image_with_alt_text_is_quiet() -> None:
    assert _places("![Das Team](team.png) und ![Büro *hell*](buero.png)\n") == []


def test_body_without_images_is_quiet() -> None:
    assert _places("Nur Text, [ein Link](bremen.md) und ! [kein Bild].\n") == []


def test_empty_alt_at_its_line_and_column() -> None:
    text = "Absatz.\n\nZwei: ![](a.png) und ![](b.png)\nund ![ ](c.png)\n"
    assert _places(text) == [
        (SourcePos(SOURCE, 12, 7), "image 'a.png' has no alt text"),
        (SourcePos(SOURCE, 12, 22), "image 'b.png' has no alt text"),
        (SourcePos(SOURCE, 13, 5), "image 'c.png' has no alt text"),
    ]


def test_images_in_code_are_not_images() -> None:
    text = "`![](code.png)` aber ![](echt.png)\n\n```\n![](block.png)\n```\n\n    ![](indent.png)\n"
    assert _places(text, first_line=1) == [
        (SourcePos(SOURCE, 1, 22), "image 'echt.png' has no alt text"),
    ]


def test_reference_image_and_image_in_table() -> None:
    text = "| a | b |\n|---|---|\n| x | ![](zelle.png) |\n\n![][logo]\n\n[logo]: logo.png\n"
    assert _places(text, first_line=1) == [
        (SourcePos(SOURCE, 3, 7), "image 'zelle.png' has no alt text"),
        (SourcePos(SOURCE, 5, 1), "image 'logo.png' has no alt text"),
    ]


def test_image_inside_link_text_counts() -> None:
    text = "[![](logo.png)](bremen.md)\n"
    assert _places(text, first_line=1) == [
        (SourcePos(SOURCE, 1, 2), "image 'logo.png' has no alt text")
    ]


FIXTURE = Path(__file__).parent / "fixtures" / "invalid" / "image_without_alt"


def _check(site: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "careersite", "check", "--cache", str(cache), *args],
        cwd=site,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


def test_warning_survives_the_cache_and_fails_with_strict(tmp_path: Path) -> None:
    """The warning comes from the cache as from a fresh read; --strict makes it fail."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    cache = tmp_path / "cache"
    first = _check(site, cache)
    assert any(cache.rglob("*")), "the first check wrote no cache"
    again = _check(site, cache)
    assert first.returncode == again.returncode == 0
    assert first.stderr.count("has no alt text") == 3
    assert again.stderr == first.stderr
    strict = _check(site, cache, "--strict")
    assert strict.returncode == 1
    assert "bremen.md:11:33: error: image 'team.png' has no alt text" in strict.stderr


def test_the_editor_hears_of_it_as_you_type(site_factory: SiteFactory) -> None:
    """The language server's check of an unsaved buffer reports the image too."""
    site = site_factory({"content/kundendienstleiter/bremen.md": guide()})
    result = build(Options(site, jobs=1, search=False))
    assert result.reuse is not None and not result.diagnostics
    text = guide(body="Ein kurzer Text.\n\n![](team.png)\n")
    [problem] = check_text(result.reuse, site / "content/kundendienstleiter/bremen.md", text)
    assert problem.severity == "warning"
    assert problem.message == "image 'team.png' has no alt text"
    assert problem.pos is not None and (problem.pos.line, problem.pos.col) == (12, 1)
