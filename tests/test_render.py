"""Layouts as a site's author writes them: rendered in Jinja's sandbox, never running Python;
what a layout gets wrong is an error naming it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from helpers import SiteFactory, guide, run_cli

BREMEN = "content/kundendienstleiter/bremen.md"
BREMEN_PAGE = "public/berufe/kundendienstleiter/bremen/index.html"

# Ways out of a template into Python that an unsandboxed Jinja allows; each
# would create the file MARKER in the working directory.
ESCAPES = {
    "self": "self.__init__.__globals__.__builtins__.__import__('os').system('touch MARKER')",
    "lipsum": "lipsum.__globals__['os'].system('touch MARKER')",
    "class of a view": (
        "page.__class__.__init__.__globals__['__builtins__']['__import__']('os')"
        ".system('touch MARKER')"
    ),
    "str.format": "'{0.__class__.__base__.__subclasses__}'.format(page) ~ ''.join",
}


@pytest.mark.parametrize("escape", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_layout_that_reaches_for_python_is_an_error_and_runs_nothing(
    site_factory: SiteFactory, escape: str
) -> None:
    site = site_factory({BREMEN: guide()})
    assert run_cli("build", "--no-cache", "--no-search", cwd=site).returncode == 0
    before = (site / BREMEN_PAGE).read_bytes()
    (site / "layouts").mkdir()
    (site / "layouts/guide.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n<p>\n{{ " + escape + " }}\n</p>\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )

    result = run_cli("build", "--no-cache", "--no-search", cwd=site)

    assert not (site / "MARKER").exists()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line, hint] = result.stderr.splitlines()
    assert line.startswith("layouts/guide.html:4: error: template error in ")
    assert "unsafe" in line
    assert hint == "  hint: a layout may use the views it is given, not Python's internals"
    assert (site / BREMEN_PAGE).read_bytes() == before


def test_layouts_that_keep_to_their_views_build_as_before(site_factory: SiteFactory) -> None:
    """What the sandbox allows: loops, filters, formatting, namespaces, the views."""
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/guide.html": (
                "{% extends 'base.html' %}\n{% block content %}\n"
                "{% set seen = namespace(numbers=[]) %}"
                "{% for n in range(3) %}{% set seen.numbers = seen.numbers + [n] %}{% endfor %}"
                "<p class='own'>{{ page.title | upper }} {{ '%s-%d' % ('x', 2) }} "
                "{{ '{}!'.format(page.title) }} {{ {'a': 1}.items() | list }} "
                "{{ seen.numbers | join(',') }}</p>\n"
                "{% endblock %}\n"
            ),
        }
    )

    result = run_cli("build", "--no-cache", "--no-search", cwd=site)

    assert result.returncode == 0, result.stderr
    html = (site / BREMEN_PAGE).read_text(encoding="utf-8")
    assert (
        "<p class='own'>KUNDENDIENSTLEITER IN BREMEN x-2 Kundendienstleiter in Bremen! "
        "[(&#39;a&#39;, 1)] 0,1,2</p>"
    ) in html


def test_check_does_not_run_a_layout_escape_either(site_factory: SiteFactory) -> None:
    site = site_factory(
        {
            BREMEN: guide(),
            "layouts/guide.html": "{{ " + ESCAPES["self"] + " }}\n",
        }
    )

    result = run_cli("check", cwd=site)

    assert not (site / "MARKER").exists()
    assert result.returncode == 1
    assert result.stderr.startswith("layouts/guide.html:1: error: template error in ")
    assert "Traceback" not in result.stderr


GUIDE = "content/kundendienstleiter/bremen.md"
MEMORY = 2 * 1024**3  # the build's address space: far more than it needs, far less than 10 GB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def test_a_layout_that_runs_out_of_memory_is_an_error_naming_it(site_factory: SiteFactory) -> None:
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
