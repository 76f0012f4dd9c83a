"""The site's search index, built by Pagefind over the written tree.

Pagefind's PyPI package ships its binary, so nothing is downloaded at run time.
It reads each page's <html lang> and stems German words; only the parts of a
page marked data-pagefind-body (guides and hubs) are indexed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .urls import SEARCH_BUNDLE


class SearchIndexError(Exception):
    """Pagefind failed; the message carries what it said."""


def index(site_dir: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        SEARCH_BUNDLE,
        "--silent",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise SearchIndexError(
            f"Pagefind failed: {said[-1] if said else 'exit ' + str(result.returncode)}"
        )
