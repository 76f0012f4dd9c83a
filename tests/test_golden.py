"""The golden site built now matches tests/golden/ file by file.

After an intended change of the output, `make golden` (python tests/golden.py)
regenerates tests/golden/; the diff then shows exactly what readers will see
change.
"""

from __future__ import annotations

import difflib
import re

import pytest
from golden import GOLDEN, build, read_tree

REGENERATE = "if the change is intended, run `make golden` and review `git diff tests/golden`"
GOLDEN_FILES = sorted(read_tree(GOLDEN)) if GOLDEN.is_dir() else []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build(tmp_path_factory.mktemp("golden") / "public")


def test_golden_tree_exists() -> None:
    assert GOLDEN_FILES, f"tests/golden/ is missing or empty: {REGENERATE}"


def test_the_same_files_are_built(built: dict[str, bytes]) -> None:
    missing = sorted(set(GOLDEN_FILES) - set(built))
    unexpected = sorted(set(built) - set(GOLDEN_FILES))
    assert not missing and not unexpected, (
        f"no longer built: {missing}\nnewly built: {unexpected}\n{REGENERATE}"
    )


@pytest.mark.parametrize("relative", GOLDEN_FILES)
def test_file_matches_golden(built: dict[str, bytes], relative: str) -> None:
    expected = (GOLDEN / relative).read_bytes()
    actual = built.get(relative)
    if actual is None:
        pytest.fail(f"{relative} is no longer built; {REGENERATE}", pytrace=False)
    if actual != expected:
        pytest.fail(
            f"{relative} differs from tests/golden/:\n{_diff(relative, expected, actual)}",
            pytrace=False,
        )


def _diff(relative: str, expected: bytes, actual: bytes) -> str:
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary file: {len(expected)} bytes expected, {len(actual)} built\n{REGENERATE}"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"tests/golden/{relative}",
        tofile=f"built/{relative}",
    )
    return "".join(lines) + f"\n{REGENERATE}"


# What the golden site exercises, so that a regenerated tree cannot silently lose it.


def test_slug_override_names_the_guide_url(built: dict[str, bytes]) -> None:
    # content/elektroniker/luebeck.md has `slug: hansestadt-luebeck`.
    assert "berufe/elektroniker/hansestadt-luebeck/index.html" in built
    assert "berufe/elektroniker/luebeck/index.html" not in built


def test_role_alias_in_front_matter_joins_the_role(built: dict[str, bytes]) -> None:
    # luebeck.md says `role: Elektriker`, an alias of Elektroniker.
    hub = built["berufe/elektroniker/index.html"].decode()
    assert 'href="/ratgeber/berufe/elektroniker/hansestadt-luebeck/">Lübeck</a>' in hub
    assert not any(path.startswith("berufe/elektriker/") for path in built)


def test_old_url_redirects_to_the_guide(built: dict[str, bytes]) -> None:
    redirect = built["alt/elektro-koeln/index.html"].decode()
    assert 'content="0; url=/ratgeber/berufe/elektroniker/koeln/"' in redirect
    assert (
        '<link rel="canonical" href="https://example.org/ratgeber/berufe/elektroniker/koeln/">'
        in redirect
    )


def test_in_text_link_fragments_land_on_an_element(built: dict[str, bytes]) -> None:
    pages = {path: content.decode() for path, content in built.items() if path.endswith(".html")}
    fragment_links = [
        (page, target, fragment)
        for page, html in pages.items()
        for target, fragment in re.findall(r'href="/ratgeber/([^"#]*)#([^"]+)"', html)
    ]
    assert fragment_links, "the golden site links to koeln.md#alltag"
    for page, target, fragment in fragment_links:
        assert f'id="{fragment}"' in pages[f"{target}index.html"], (page, target, fragment)
