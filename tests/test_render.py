"""Rendering pages with the site's layouts: what a layout gets wrong is an error naming it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

from conftest import guide

GUIDE = "content/kundendienstleiter/bremen.md"
MEMORY = 2 * 1024**3  # the build's address space: far more than it needs, far less than 10 GB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def test_a_layout_that_runs_out_of_memory_is_an_error_naming_it(site_factory) -> None:
    site = site_factory(
        {
            GUIDE: guide(),
            "layouts/guide.html": "<!doctype html>\n<p>{{ page.title * 10**10 }}</p>\n",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "careersite", "build", "--no-search", "--jobs", "1"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert (result.returncode, result.stderr) == (
        1,
        "layouts/guide.html:2: error: ran out of memory rendering /berufe/kundendienstleiter/"
        "bremen/\n  hint: look in the layout for a value it makes too large: a text or list "
        "multiplied, a long range\n",
    )
    assert not (site / "public").exists()
