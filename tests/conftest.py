"""Shared fixtures: small sites written inline, and the CLI run as a user runs it.

The plain helpers the fixtures use, and the tests import, are in helpers.py.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CITIES_YAML, ROLES_YAML, SITE_YAML, Cli, SiteFactory, run_cli


@pytest.fixture
def site_factory(tmp_path: Path) -> SiteFactory:
    """Write a site: site_factory({"content/x/y.md": "..."}) -> its folder.

    data/site.yaml, roles.yaml and cities.yaml get small defaults unless given.
    """

    def make(files: dict[str, str | bytes] | None = None, name: str = "site") -> Path:
        root = tmp_path / name
        defaults: dict[str, str | bytes] = {
            "data/site.yaml": SITE_YAML,
            "data/roles.yaml": ROLES_YAML,
            "data/cities.yaml": CITIES_YAML,
        }
        for relative, content in {**defaults, **(files or {})}.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(
                    textwrap.dedent(content) if content.startswith("\n") else content,
                    encoding="utf-8",
                )
        (root / "content").mkdir(exist_ok=True)
        return root

    return make


@pytest.fixture
def cli() -> Cli:
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """careersite's build cache key in a folder of the tests' own, not the user's ~/.cache.

    Set for the whole session, so that builds in the tests' process and in
    the processes they start sign and check the cache with the same key.
    """
    home = tmp_path_factory.mktemp("xdg-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(home))
    patch.delenv("CAREERSITE_CACHE_KEY", raising=False)
    yield home
    patch.undo()


# The build's "today" for every test, whatever day they run: what is scheduled, and
# which figures `check` finds stale (18 months after a guide's date), stays the same.
TEST_DAY = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def fixed_today() -> Iterator[dt.date]:
    patch = pytest.MonkeyPatch()
    patch.setenv("SOURCE_DATE_EPOCH", str(int(TEST_DAY.timestamp())))
    yield TEST_DAY.date()
    patch.undo()
