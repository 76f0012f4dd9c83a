"""The Jinja environment and turning a page's view into bytes.

Autoescape is on and undefined variables are errors. Layouts are looked up by
name in the site's layouts/ first, then in careersite's built-in layouts.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import jinja2

from .diagnostics import Diagnostic, SourcePos, error
from .views import Page, SiteView


def make_environment(dirs: list[Path]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(
    env: jinja2.Environment, page: Page, site: SiteView
) -> tuple[bytes | None, Diagnostic | None]:
    try:
        template = env.get_template(page.template)
        html = template.render(site=site, page=page.view)
    except jinja2.TemplateSyntaxError as exc:
        pos = SourcePos(Path(exc.filename or exc.name or page.template), exc.lineno)
        return None, error(f"template error: {exc.message}", pos)
    except jinja2.TemplateNotFound as exc:
        return None, error(
            f"layout '{exc.name}' not found", _template_frame(exc), "add it to layouts/"
        )
    except Exception as exc:  # a template's own error: point at its line
        return None, error(f"template error in /{page.path}: {exc}", _template_frame(exc))
    return html.encode("utf-8"), None


def _template_frame(exc: BaseException) -> SourcePos | None:
    """The innermost template line of a rendering error (Jinja rewrites tracebacks)."""
    found = None
    for frame in traceback.extract_tb(sys.exc_info()[2] or exc.__traceback__):
        if frame.filename.endswith(".html"):
            found = SourcePos(Path(frame.filename), frame.lineno)
    return found
