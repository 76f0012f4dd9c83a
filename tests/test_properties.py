"""Properties that hold for every input, checked with Hypothesis on generated ones.

- slug() is idempotent and gives only `[a-z0-9]` words joined by single hyphens;
- any front matter, and any small perturbation of a valid guide, loads into an
  Article or into diagnostics that point inside the file, never an exception;
- any Markdown body builds (diagnostics allowed) and never smuggles a script in.

Example counts stay modest so that the suite stays fast; `database=None` keeps
Hypothesis from writing a .hypothesis/ folder into the repository.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import CITIES_YAML, ROLES_YAML, SITE_YAML, guide

pytest.importorskip("hypothesis", reason="hypothesis is not installed (add it to the dev extras)")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careersite.article import load_article
from careersite.config import Config, load_config
from careersite.diagnostics import Diagnostic
from careersite.markdown import make_parser
from careersite.pipeline import Options, build
from careersite.urls import SLUG_PATTERN, slug

FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BREMEN = "content/kundendienstleiter/bremen.md"
POTSDAM = "content/kundendienstleiter/potsdam.md"
OVERVIEW = "content/kundendienstleiter/index.md"
BREMEN_PAGE = "berufe/kundendienstleiter/bremen/index.html"


def write_site(root: Path, files: dict[str, str]) -> Path:
    for relative, text in {
        "data/site.yaml": SITE_YAML,
        "data/roles.yaml": ROLES_YAML,
        "data/cities.yaml": CITIES_YAML,
        **files,
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def file_lines(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def assert_inside(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], path: Path) -> None:
    """Every diagnostic about path names a line that exists (or no line at all)."""
    last = file_lines(path)
    for diagnostic in diagnostics:
        pos = diagnostic.pos
        if pos is None or pos.path.resolve() != path.resolve() or pos.line is None:
            continue
        assert 1 <= pos.line <= last, f"line {pos.line} of a {last}-line file: {diagnostic}"
        assert pos.col is None or pos.col >= 1, diagnostic


# --- slug --------------------------------------------------------------------------


@FAST
@given(st.text(max_size=60))
def test_slug_is_idempotent_and_only_lower_case_words_and_single_hyphens(text: str) -> None:
    made = slug(text)
    assert made == "" or SLUG_PATTERN.fullmatch(made), repr(made)
    assert slug(made) == made


@FAST
@given(st.text(alphabet="aäoöuüßAÄOÖUÜẞ -_.", min_size=1, max_size=30))
def test_slug_of_german_letters_is_plain_ascii(text: str) -> None:
    made = slug(text)
    assert made.isascii()
    assert made == "" or SLUG_PATTERN.fullmatch(made), repr(made)


# --- front matter --------------------------------------------------------------------

KEYS = ["title", "role", "city", "salary", "date", "updated", "summary", "draft", "slug"]
KEYS += ["aliases", "min", "max", "currency", "period", "levels", "entry", "experienced"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["2026-11-01", "2026-02-30", "Bremen", "Kundendienstleiter", "EUR", "/alt/"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
front_matters = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), values, max_size=9)

VALID: dict[str, Any] = {
    "title": "Kundendienstleiter in Bremen",
    "role": "Kundendienstleiter",
    "city": "Bremen",
    "salary": {
        "min": 2800,
        "max": 3800,
        "currency": "EUR",
        "period": "month",
        "levels": {"entry": [2800, 3200], "experienced": [3400, 3800]},
    },
    "date": "2026-11-01",
    "updated": "2026-11-20",
    "summary": "Kurz.",
    "draft": False,
    "slug": "bremen",
    "aliases": ["/alt/kundendienst-bremen/"],
}


@st.composite
def perturbed(draw: st.DrawFn) -> dict[str, Any]:
    """The valid front matter with a few keys dropped, replaced or added, at any depth."""
    front: dict[str, Any] = yaml.safe_load(yaml.safe_dump(VALID))  # a deep copy
    for _ in range(draw(st.integers(1, 4))):
        target = front
        path = draw(st.sampled_from([(), ("salary",), ("salary", "levels")]))
        for key in path:
            if not isinstance(target.get(key), dict):
                break
            target = target[key]
        key = draw(st.sampled_from(sorted(target) or KEYS) | st.sampled_from(KEYS))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(values)
    return front


def dumped(front: dict[str, Any], body: str = "Ein Absatz.\n") -> str:
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body


@pytest.fixture(scope="module")
def loader(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """load(text) -> (article, diagnostics), each text written to the same guide file."""
    root = write_site(tmp_path_factory.mktemp("properties") / "site", {})
    config, problems = load_config(root)
    assert problems == [] and isinstance(config, Config)
    md = make_parser()
    path = root / BREMEN
    path.parent.mkdir(parents=True)

    def load(text: str) -> tuple[Any, list[Diagnostic]]:
        path.write_text(text, encoding="utf-8")
        article, diagnostics = load_article(path, config, md)
        assert article is not None or any(d.severity == "error" for d in diagnostics), (
            "no article and no error"
        )
        assert_inside(diagnostics, path)
        return article, diagnostics

    return load


@FAST
@given(front_matters)
def test_any_front_matter_mapping_loads_or_is_diagnosed(loader: Any, front: dict[str, Any]) -> None:
    loader(dumped(front))


@FAST
@given(perturbed())
def test_any_perturbed_valid_guide_loads_or_is_diagnosed(
    loader: Any, front: dict[str, Any]
) -> None:
    article, _ = loader(dumped(front))
    if article is not None:
        assert article.title.strip() and article.role.name


def test_the_unperturbed_guide_loads_cleanly(loader: Any) -> None:
    article, diagnostics = loader(dumped(VALID))
    assert diagnostics == []
    assert article is not None and article.slug == "bremen"


YAML_NOISE = [
    ":",
    " ",
    "-",
    "- ",
    "\n",
    "  ",
    "\t",
    "'",
    '"',
    "#",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a",
    "*a",
]
YAML_NOISE += ["!!", "!!python/name:os.system", "|", ">", "?", "%", "@", "`", "---", "...", "\\"]


@FAST
@given(st.data())
def test_any_edit_of_a_valid_guide_text_loads_or_is_diagnosed(loader: Any, data: Any) -> None:
    text = guide(extra="summary: Kurz.\naliases: [/alt/a/]\n")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            inserted = data.draw(st.sampled_from(YAML_NOISE) | st.text(max_size=3))
            text = text[:at] + inserted + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 6)) :]
    loader(text)


# --- Markdown bodies through the whole pipeline ----------------------------------------

PIECES = ["[", "]", "](", ")", "#", "## ", "|", "|---|", "`", "```\n", "<", ">", "*", "**"]
PIECES += ["_", "\n", "\n\n", "- ", "1. ", "> ", "    ", "\\", "!", "&", "&amp;", "&#0;", ":"]
PIECES += ["javascript:", "<script>", "</script>", "---", "~~~", "%", "..", "/", "ä", "\t", "\r"]
MD_NAMES = ["potsdam.md", "index.md", "fehlt.md", "../kundendienstleiter/potsdam.md"]
MD_NAMES += ["../x/y.md", "/abs.md", "potsdam.md#gehalt", "pots%20dam.md", "<potsdam.md>"]
MD_NAMES += ["bremen.md", "", ".md", "%.md", "a b.md", "potsdam.md?x=1", "javascript:a.md"]

links = st.builds(
    lambda text, name, image: f"{'!' if image else ''}[{text}]({name})",
    st.text(max_size=6),
    st.sampled_from(MD_NAMES),
    st.booleans(),
)
bodies = st.lists(st.sampled_from(PIECES) | links | st.text(max_size=10), max_size=40).map("".join)


@pytest.fixture(scope="module")
def body_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(
        tmp_path_factory.mktemp("bodies") / "site",
        {
            BREMEN: guide(),
            POTSDAM: guide(title="Kundendienstleiter in Potsdam", city="Potsdam"),
            OVERVIEW: guide(title="Kundendienstleiter", city=None),
        },
    )


@settings(FAST, max_examples=100)
@given(bodies)
def test_any_markdown_body_builds_or_is_diagnosed(body_site: Path, body: str) -> None:
    source = body_site / BREMEN
    source.write_text(guide(body=body), encoding="utf-8")
    result = build(Options(source=body_site))
    assert_inside(result.diagnostics, source)
    if result.failed:
        assert any(d.severity == "error" for d in result.diagnostics)
        return
    page = result.files[BREMEN_PAGE].decode("utf-8")
    for tag in re.findall(r"<script\b[^>]*>", page):  # the layouts' own scripts only
        assert 'type="application/ld+json"' in tag or ' src="/' in tag, tag
    assert 'href="javascript:' not in page.lower()


def test_a_body_with_every_piece_builds(body_site: Path) -> None:
    body = textwrap.dedent("".join(PIECES) + "".join(f"[x]({name})\n" for name in MD_NAMES))
    (body_site / BREMEN).write_text(guide(body=body), encoding="utf-8")
    result = build(Options(source=body_site))
    assert_inside(result.diagnostics, body_site / BREMEN)
