"""Near-duplicate guides: a warning at both, found without comparing every pair."""

from __future__ import annotations

import random
from array import array
from pathlib import Path

from helpers import copy_example_site, run_cli

from careersite import similar
from careersite.diagnostics import SourcePos
from careersite.pipeline import Options, build, check_text

DORTMUND = "content/customer-service/dortmund.md"
COPY = "content/customer-service/bremen.md"


def near_copy(site: Path, extra: str = "") -> Path:
    """Dortmund's customer service guide written again for Bremen, a few words changed."""
    text = (site / DORTMUND).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    head = head.replace("city: Dortmund", "city: Bremen").replace(
        "Customer Service in Dortmund", "Customer Service in Bremen"
    )
    copy = site / COPY
    copy.write_text(f"{head}\n{extra}---\n{body.replace('Dortmund', 'Bremen')}", encoding="utf-8")
    return copy


def checking(tmp_path: Path, percent: str = "90") -> Path:
    """A copy of the example site that checks for near-duplicates (off by default)."""
    site = copy_example_site(tmp_path)
    config = site / "data/site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"near_duplicate: {percent}\n")
    return site


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "nearly the same" in line]


def test_two_guides_nearly_alike_are_a_warning_at_each_naming_the_other(tmp_path: Path) -> None:
    site = checking(tmp_path)
    assert warnings_of(run_cli("check", "--source", site).stderr) == []
    near_copy(site)
    result = run_cli("check", "--source", site)
    assert result.returncode == 0, result.stderr  # a warning, not an error
    found = warnings_of(result.stderr)
    assert len(found) == 2
    bremen = next(line for line in found if line.startswith(f"{site / COPY}:1:1: warning: "))
    assert f"nearly the same as {site / DORTMUND}'s (" in bremen
    share = int(bremen.split("(")[1].split(" %")[0])
    assert 90 <= share <= 100
    assert "add 'similar_to: [dortmund.md]' to the front matter" in result.stderr
    assert "add 'similar_to: [bremen.md]' to the front matter" in result.stderr
    assert run_cli("check", "--source", site, "--strict").returncode == 1


def test_similar_to_confirms_the_pair_from_either_side(tmp_path: Path) -> None:
    site = checking(tmp_path)
    near_copy(site, "similar_to: [dortmund.md]\n")
    assert warnings_of(run_cli("check", "--source", site, "--strict").stderr) == []
    near_copy(site)  # unconfirmed again; now Dortmund's guide names Bremen's
    dortmund = site / DORTMUND
    text = dortmund.read_text(encoding="utf-8")
    dortmund.write_text(text.replace("\ndate:", "\nsimilar_to: [./bremen.md]\ndate:", 1))
    result = run_cli("check", "--source", site, "--strict")
    assert result.returncode == 0, result.stderr


def test_the_site_turns_the_check_on_and_sets_how_alike(tmp_path: Path) -> None:
    site = copy_example_site(tmp_path)
    near_copy(site)
    assert warnings_of(run_cli("check", "--source", site).stderr) == []  # off by default
    config = site / "data/site.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "near_duplicate: 90\n", encoding="utf-8")
    assert len(warnings_of(run_cli("check", "--source", site).stderr)) == 2
    config.write_text(original + "near_duplicate: 100\n", encoding="utf-8")
    assert warnings_of(run_cli("check", "--source", site).stderr) == []  # 100 %: only copies
    config.write_text(original + "near_duplicate: false\n", encoding="utf-8")
    assert warnings_of(run_cli("check", "--source", site).stderr) == []
    config.write_text(original + "near_duplicate: 150\n", encoding="utf-8")
    result = run_cli("check", "--source", site)
    assert result.returncode == 1
    line = len(original.splitlines()) + 1
    assert f"data/site.yaml:{line}:" in result.stderr
    assert "Input should be a percentage (1 to 100) or false" in result.stderr


def test_drafts_and_short_bodies_are_not_compared(tmp_path: Path) -> None:
    site = checking(tmp_path)
    near_copy(site, "draft: true\n")
    assert warnings_of(run_cli("check", "--source", site).stderr) == []
    short = "---\ntitle: Kurz\nrole: Customer Service\ncity: {city}\nsalary:\n  min: 2800\n  max: 3800\ndate: 2026-11-01\n---\n\nNur ein paar Worte zu diesem Beruf.\n"  # noqa: E501
    (site / COPY).write_text(short.format(city="Bremen"), encoding="utf-8")
    other = site / "content/kundendienstleiter/dortmund.md"
    other.write_text(
        short.format(city="Dortmund").replace("Customer Service", "Kundendienstleiter")
    )
    result = run_cli("check", "--source", site)
    assert warnings_of(result.stderr) == [], result.stderr


def test_a_rebuild_reports_the_pair_as_a_clean_build_does(tmp_path: Path) -> None:
    site = checking(tmp_path)
    assert run_cli("build", "--source", site, "-q").returncode == 0
    near_copy(site)  # Dortmund's page is not rendered again, yet it is half of the pair
    rebuilt = run_cli("build", "--source", site, "-q")
    clean = run_cli("build", "--source", site, "--no-cache", "--output", tmp_path / "clean", "-q")
    assert len(warnings_of(rebuilt.stderr)) == 2
    assert warnings_of(rebuilt.stderr) == warnings_of(clean.stderr)


def test_pairs_are_found_among_many_without_false_ones() -> None:
    """A planted pair among 2,000 unrelated signatures; buckets make few comparisons."""
    chance = random.Random(7)
    words = [f"wort{n}" for n in range(5_000)]
    texts = [" ".join(chance.choices(words, k=120)) for _ in range(2_000)]
    texts.append(texts[5].replace(texts[5].split()[3], "anders", 1))  # one word changed
    signed = [(Path(f"{n}.md"), similar.signature(text)) for n, text in enumerate(texts)]
    pairs = similar.near_pairs([(p, s) for p, s in signed if s], 0.9)
    assert [(one.name, two.name) for one, two, _ in pairs] == [("2000.md", "5.md")]
    assert pairs[0][2] >= 0.9
    assert similar.signature("zu kurz " * 10) is None
    assert len(array("I", signed[0][1] or b"")) == similar.PERMUTATIONS


def test_the_editor_hears_of_it_as_you_type(tmp_path: Path) -> None:
    """The language server's check of an unsaved buffer reports the pair at that guide."""
    site = checking(tmp_path)
    result = build(Options(site, jobs=1, search=False))
    assert result.reuse is not None
    copy = near_copy(site)
    text = copy.read_text(encoding="utf-8")
    copy.unlink()  # the buffer is not saved yet
    found = [d for d in check_text(result.reuse, copy, text) if "nearly the same" in d.message]
    assert [(d.severity, d.pos) for d in found] == [("warning", SourcePos(copy, 1, 1))]
