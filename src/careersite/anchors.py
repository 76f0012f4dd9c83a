"""Links to a place in a guide: #gehalt in the same guide, bremen.md#gehalt in another.

A guide's ids are those its body's renderer wrote into the HTML (Body.ids,
from the very tokens or HTML the page gets: heading ids by
markdown.unique_ids, and with raw HTML allowed the id and name attributes in
it) and those the guide layout writes around the body
(views.GUIDE_LAYOUT_IDS). A link whose fragment names none of them is a
warning at the link, with a did-you-mean among the target's ids.

Only links into guides are checked: a link to a draft, a missing or a failed
file has its own diagnostic (markdown.link_problems) and gets none here; a
role overview's page is its role hub, whose ids come from its own layout.
The check runs on every build over every built guide's anchors, which each
body keeps beside its summary (not in the build cache's HTML): what another
guide's headings say now is never taken from an earlier build.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic, SourcePos, warning

# What the HTML standard scrolls to without an element of that id: the top of the page.
_TOP = "top"
# A text fragment (#:~:text=...) is found by the browser in the page's text, not by id.
_TEXT_FRAGMENT = ":~:"
# id and name attributes in raw HTML (allowed by site.yaml's unsafe_html).
_RAW_ID = re.compile(r"""<[A-Za-z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SHOWN = 6  # ids a hint lists when none is close


@dataclass(frozen=True, slots=True)
class Anchor:
    """A link in a body to a place in a source: #gehalt, or bremen.md#gehalt."""

    written: str  # the href as the author wrote it
    target: Path  # the source it points into: the body's own for #gehalt
    fragment: str  # decoded
    pos: SourcePos


def worth_checking(href: str) -> bool:
    """Whether an href has a fragment that names an id (not #top, not a text fragment)."""
    fragment = unquote(urlsplit(href).fragment)
    return bool(fragment) and fragment.lower() != _TOP and not fragment.startswith(_TEXT_FRAGMENT)


def anchor(href: str, target: Path, pos: SourcePos) -> Anchor | None:
    """The anchor an href into target is, or None when its fragment is not worth checking."""
    if not worth_checking(href):
        return None
    return Anchor(written=href, target=target, fragment=unquote(urlsplit(href).fragment), pos=pos)


def is_same_page(href: str) -> bool:
    """Whether an href is a link to a place in the page it stands in (#gehalt)."""
    return href.startswith("#")


def raw_ids(html: str) -> list[str]:
    """The id and name attributes in a piece of raw HTML, as a browser finds them."""
    return [next(v for v in found.groups() if v is not None) for found in _RAW_ID.finditer(html)]


def problems(
    anchors: Iterable[Anchor], ids_of: Mapping[Path, Collection[str]], fixed: Collection[str]
) -> list[Diagnostic]:
    """Anchors whose fragment names no id of their target, at their line and column.

    ids_of maps each built guide to its body's ids; fixed are the ids its
    layout writes. An anchor into any other file is not checked.
    """
    found = []
    for link in anchors:
        ids = ids_of.get(link.target)
        if ids is None or link.fragment in ids or link.fragment in fixed:
            continue
        own = link.written.startswith("#")
        where = "this guide" if own else f"'{link.written.partition('#')[0]}'"
        found.append(
            warning(
                f"link to '{link.written}': {where} has no heading with the id '{link.fragment}'",
                link.pos,
                _hint(link.fragment, ids, fixed),
            )
        )
    return found


def _hint(fragment: str, ids: Collection[str], fixed: Collection[str]) -> str:
    """A did-you-mean among the page's ids; else the ids it has, or how to give it one."""
    close = difflib.get_close_matches(fragment, [*ids, *sorted(fixed)], n=1, cutoff=0.6)
    if close:
        return f"did you mean '#{close[0]}'?"
    if not ids:
        return "the page has no headings (## ...) to link to: link to the page, or add one"
    listed = ", ".join(f"#{name}" for name in list(ids)[:_SHOWN])
    more = ", ..." if len(ids) > _SHOWN else ""
    return f"link to one of its headings ({listed}{more}), or to the page without '#'"
