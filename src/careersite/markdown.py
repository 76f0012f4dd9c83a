"""markdown-it-py set-up, links to .md sources, and rendering.

A body is parsed once (parse), its links resolved against the site's source
map (resolve_links, which reports broken links at their line and column),
and the same tokens are rendered with the resolved hrefs (render).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from .diagnostics import Diagnostic, SourcePos, error, warning
from .urls import slug

SUMMARY_LENGTH = 160
_CODE_SPAN = re.compile(r"(`+).+?\1")


def make_parser(unsafe_html: bool = False) -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML only when the site allows it."""
    md = MarkdownIt("commonmark", {"html": unsafe_html}).enable(["table", "strikethrough"])
    # Headings get ids (German slugs) so links such as dortmund.md#gehalt land.
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_id)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


@dataclass(frozen=True)
class ResolvedLinks:
    """Per link token (by position in the body), the href to write or None to drop it."""

    hrefs: Mapping[tuple[int, int], str | None] = field(default_factory=dict)


def heading_id(text: str) -> str:
    """A heading's id; never one of the layouts' own ids, which all start with 'cs-'."""
    anchor = slug(text) or "abschnitt"
    return f"abschnitt-{anchor}" if anchor.startswith("cs-") else anchor


def parse(md: MarkdownIt, body: str) -> tuple[Token, ...]:
    return tuple(md.parse(body))


def summary(tokens: Sequence[Token]) -> str:
    """The plain text of the first paragraph, cut at a word near SUMMARY_LENGTH."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            text = " ".join(_plain_text(tokens[index + 1]).split())
            if len(text) <= SUMMARY_LENGTH:
                return text
            cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.–-")
            return cut + " …"
    return ""


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


def _links(tokens: Sequence[Token]) -> Iterator[tuple[tuple[int, int], Token, Token]]:
    """Every link_open with a stable key and the inline block it stands in."""
    for block_index, token in enumerate(tokens):
        for child_index, child in enumerate(token.children or ()):
            if child.type == "link_open":
                yield (block_index, child_index), child, token


def link_targets(tokens: Sequence[Token], source: Path) -> frozenset[Path]:
    """The source files this body links to (for the dev server's reverse links)."""
    found = set()
    for _, link, _ in _links(tokens):
        parts = urlsplit(str(link.attrGet("href") or ""))
        if not parts.scheme and not parts.netloc and parts.path.endswith(".md"):
            found.add(Path(os.path.normpath(source.parent / unquote(parts.path))))
    return frozenset(found)


def resolve_links(
    tokens: Sequence[Token],
    source: Path,
    body: str,
    body_first_line: int,
    pages: Mapping[Path, str | None],
    href_for: Any,
) -> tuple[ResolvedLinks, list[Diagnostic]]:
    """Map links to .md sources to page hrefs.

    pages maps every source file's normalised path to its site path, or to
    None when it exists but is not built (a draft). href_for turns a site path
    into an href.
    """
    hrefs: dict[tuple[int, int], str | None] = {}
    diagnostics: list[Diagnostic] = []
    lines = body.split("\n")
    searched: dict[int, tuple[int, int]] = {}
    for key, link, block in _links(tokens):
        href = str(link.attrGet("href") or "")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
            continue
        target_file = unquote(parts.path)
        pos = _position(lines, block, href, target_file, searched, source, body_first_line)
        if target_file.startswith("/"):
            diagnostics.append(
                error(
                    f"link to '{target_file}' must be relative to this file",
                    pos,
                    "write the path from this file, e.g. ../rolle/stadt.md",
                )
            )
            continue
        target = Path(os.path.normpath(source.parent / target_file))
        if target not in pages:
            diagnostics.append(
                error(f"link to missing file '{target_file}'", pos, _near(target, pages))
            )
            continue
        site_path = pages[target]
        if site_path is None:
            diagnostics.append(
                warning(
                    f"link to '{target_file}', a draft that is not built; the link is left out",
                    pos,
                    "publish the draft or build with --drafts",
                )
            )
            hrefs[key] = None
            continue
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        hrefs[key] = href_for(site_path) + fragment
    return ResolvedLinks(hrefs), diagnostics


def _near(target: Path, pages: Mapping[Path, str | None]) -> str | None:
    """A did-you-mean among the files in the folder the link points into."""
    siblings = [p.name for p in pages if p.parent == target.parent]
    close = difflib.get_close_matches(target.name, siblings, n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else None


def _position(
    lines: list[str],
    block: Token,
    href: str,
    target_file: str,
    searched: dict[int, tuple[int, int]],
    source: Path,
    body_first_line: int,
) -> SourcePos:
    """The file line and column of a link's target, searched in its block's lines.

    searched remembers, per block, where the previous link was found, so two
    links to the same file in one paragraph get their own positions.
    """
    start, end = block.map or (0, len(lines))
    line_from, col_from = searched.get(id(block), (start, 0))
    for number in range(line_from, min(end, len(lines))):
        offset = col_from if number == line_from else 0
        line = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), lines[number])
        for needle in (f"]({href}", f"]({target_file}", f"](<{target_file}>"):
            found = line.find(needle, offset)
            if found >= 0:
                searched[id(block)] = (number, found + 1)
                return SourcePos(source, body_first_line + number, found + 3)
    return SourcePos(source, body_first_line + start)


def render(md: MarkdownIt, tokens: Sequence[Token], links: ResolvedLinks) -> str:
    env: dict[str, Any] = {"links": links.hrefs, "dropped": []}
    # Keys are positions in this token list; the rules below find them by identity.
    env["keys"] = {id(child): key for key, child, _ in _links(tokens)}
    return str(md.renderer.render(list(tokens), md.options, env))


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    key = env.get("keys", {}).get(id(token))
    hrefs = env.get("links", {})
    if key in hrefs:
        href = hrefs[key]
        if href is None:
            env["dropped"].append(True)
            return ""
        attrs = dict(token.attrs)
        attrs["href"] = href
        return "<a" + "".join(f' {name}="{_escape(str(v))}"' for name, v in attrs.items()) + ">"
    env.setdefault("dropped", []).append(False)
    return str(self.renderToken(tokens, idx, options, env))


def _render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    dropped = env.get("dropped") or [False]
    if dropped.pop():
        return ""
    return "</a>"


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # A wrapper that scrolls wide tables instead of the page on a phone.
    return '<div class="table-scroll">\n' + str(self.renderToken(tokens, idx, options, env))


def _render_table_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>\n"


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
