"""markdown-it-py set-up, links to .md sources, and rendering.

A body is parsed and rendered once (prepare), as soon as its file is read:
links to other sources stand in the HTML as markers, because their URLs are
only known once every source is read. resolve() puts the hrefs in (or drops
links to drafts) as the page is rendered; link_problems() reports broken
links at their line and column. So the token tree never outlives its file,
and both prepare and resolve can run in worker processes.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from . import anchors, fast_markdown
from .anchors import Anchor
from .diagnostics import Diagnostic, SourcePos, error, warning
from .incremental.cache import shared_path
from .spill import Spilled, bytes_of
from .urls import slug

SUMMARY_LENGTH = 160
_CODE_SPAN = re.compile(r"(`+).+?\1")
# Where a link's destination starts in the text: `](` then `<path>` or a path.
_DESTINATION = re.compile(r"\]\((?:<([^>\n]*)>|([^\s)]*))")


def make_parser(unsafe_html: bool = False) -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML only when the site allows it."""
    # store_labels marks reference links, whose destination stands elsewhere.
    options = {"html": unsafe_html, "store_labels": True}
    md = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    # Headings get ids (German slugs) so links such as dortmund.md#gehalt land.
    md.core.ruler.push("anchor", _heading_ids)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


@dataclass(frozen=True, kw_only=True, slots=True)  # slots: a guide has several
class SourceLink:
    """A link in a body to another source file, e.g. ../customer-service/dortmund.md#gehalt."""

    written: str  # the path as the author wrote it, decoded
    target: Path | None  # the file it names; None for an absolute path (an error)
    fragment: str
    attrs: tuple[tuple[str, str], ...]  # the <a> attributes besides href (a title)
    pos: SourcePos


@dataclass(frozen=True, slots=True)  # slots: one a guide
class Body:
    """A rendered body whose links to sources are still markers."""

    # UTF-8: as a str, nearly every German body takes two bytes a character, and
    # pickling it (to the cache, or from a worker) adds a UTF-8 copy as well.
    # a Spilled while the build keeps it in its spill file (spill.py); None while
    # it waits in the build cache (cache.load_bodies)
    html: bytes | Spilled | None
    links: tuple[SourceLink, ...] = ()  # () too while the HTML waits: kept with it
    summary: str = ""
    # Kept while the HTML waits, so that links into this body are checked on every build:
    ids: tuple[str, ...] = ()  # the ids written into the HTML (headings; raw HTML's)
    anchors: tuple[Anchor, ...] = ()  # its links to an id: #gehalt, bremen.md#gehalt

    @property
    def targets(self) -> frozenset[Path]:
        return frozenset(link.target for link in self.links if link.target is not None)


def source_key(path: Path) -> Path:
    """A source file's path as links find it: in NFC.

    'lübeck.md' in a link finds a file whose name is written u + U+0308 (as
    some macOS tools write it), and the other way round: two names that differ
    only in Unicode normalisation are one name. The file keeps its own path
    for reading and in messages.
    """
    name = os.fspath(path)
    return (
        path if unicodedata.is_normalized("NFC", name) else Path(unicodedata.normalize("NFC", name))
    )


# Markers never found in a page: NUL and SOH are refused in sources.
OPEN, CLOSE = "\x00{}\x01", "\x00/{}\x01"
_MARKER = re.compile(b"\x00(/?)(\\d+)\x01")


def heading_id(text: str) -> str:
    """A heading's id; never one of the layouts' own ids, which all start with 'cs-'."""
    anchor = slug(text) or "abschnitt"
    return f"abschnitt-{anchor}" if anchor.startswith("cs-") else anchor


def _heading_ids(state: StateCore) -> None:
    """An id for each heading of levels 2 to 4, unique in the body (unique_ids)."""
    headings = [
        (token, state.tokens[index + 1])
        for index, token in enumerate(state.tokens)
        if token.type == "heading_open" and token.tag in {"h2", "h3", "h4"}
    ]
    titles = [
        "".join(
            child.content
            for child in inline.children or ()
            if child.type in {"text", "code_inline"}
        )
        for _, inline in headings
    ]
    for (token, _), unique in zip(headings, unique_ids(titles), strict=True):
        token.attrSet("id", unique)


def unique_ids(titles: Sequence[str]) -> list[str]:
    """Each heading's id, unique in the body: gehalt, gehalt-1, ...

    The ids are those of mdit-py-plugins' anchors plugin, which tries every
    suffix from 1 again for each repeated heading: 16,000 equal headings took
    15 s. Here each id remembers the next suffix to try, so a body's ids take
    time in proportion to its headings.
    """
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    ids = []
    for title in titles:
        wanted = heading_id(title)
        unique = wanted
        if unique in taken:
            suffix = next_suffix.get(wanted, 1)
            while f"{wanted}-{suffix}" in taken:
                suffix += 1
            unique = f"{wanted}-{suffix}"
            next_suffix[wanted] = suffix + 1
        taken.add(unique)
        ids.append(unique)
    return ids


def parse(md: MarkdownIt, body: str) -> tuple[Token, ...]:
    return tuple(md.parse(body))


def summary(tokens: Sequence[Token]) -> str:
    """The plain text of the first paragraph, cut at a word near SUMMARY_LENGTH."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            return cut_summary(_plain_text(tokens[index + 1]))
    return ""


def cut_summary(plain: str) -> str:
    """A paragraph's plain text as a summary: spaces folded, cut at a word near SUMMARY_LENGTH."""
    text = " ".join(plain.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.–-")
    return cut + " …"


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


def _links(tokens: Sequence[Token]) -> Iterator[tuple[Token, Token]]:
    """Every link_open with the inline block it stands in."""
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                yield child, token


def prepare(md: MarkdownIt, text: str, source: Path, first_line: int) -> Body:
    """Parse and render a body once; first_line is the file line its text starts on.

    The compiled engine (fast_markdown) does it where it renders the body as
    markdown-it-py does; markdown-it-py, the reference, does the rest.
    """
    if not md.options["html"]:
        body = fast_markdown.prepare(text, source, first_line)
        if body is not None:
            return body
    return prepare_reference(md, text, source, first_line)


def prepare_reference(md: MarkdownIt, text: str, source: Path, first_line: int) -> Body:
    """prepare() by markdown-it-py alone."""
    tokens = parse(md, text)
    lines = LineSearch(text, source, first_line)
    links: list[SourceLink] = []
    to_ids: list[Anchor] = []
    markers: dict[int, int] = {}  # id(link_open token) -> index in links
    for link, block in _links(tokens):
        href = str(link.attrGet("href") or "")
        attrs = tuple((k, str(v)) for k, v in link.attrs.items() if k != "href")
        start, end = block.map or (0, len(lines.lines))
        # a reference link: its own line, the block's first
        reference = "label" in link.meta
        found = source_link(href, attrs, lines, (start, end), reference=reference)
        if found is not None:
            markers[id(link)] = len(links)
            links.append(found)
        place = link_anchor(href, found, lines, (start, end), reference=reference)
        if place is not None:
            to_ids.append(place)
    html = str(md.renderer.render(list(tokens), md.options, {"markers": markers, "open": []}))
    return Body(html.encode(), tuple(links), summary(tokens), _ids(tokens), tuple(to_ids))


_EMPTY_ALT = re.compile(r"!\[\s*\]")


def images_without_alt(
    md: MarkdownIt, text: str, source: Path, first_line: int
) -> list[Diagnostic]:
    """A warning at each image whose alt text is empty: a screen reader has nothing to say.

    Only a body that has '![' is parsed again; the place is the first '![]' in
    the image's block after the previous one's (its block's first line if not found).
    """
    if "![" not in text:
        return []
    lines = text.split("\n")
    found: list[Diagnostic] = []
    after: tuple[int, int] = (0, 0)
    for token in parse(md, text):
        for child in token.children or ():
            if child.type != "image" or _plain_text(child).strip():
                continue
            start, end = token.map or (0, len(lines))
            pos = SourcePos(source, first_line + start)
            for number in range(max(start, after[0]), min(end, len(lines))):
                line = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), lines[number])
                column = after[1] if number == after[0] else 0
                empty = _EMPTY_ALT.search(line, column)
                if empty is not None:
                    pos = SourcePos(source, first_line + number, empty.start() + 1)
                    after = (number, empty.end())
                    break
            src = str(child.attrGet("src") or "")
            found.append(
                warning(
                    f"image '{src}' has no alt text",
                    pos,
                    "describe in a few words what the image shows: ![Alt text](file.png)",
                )
            )
    return found


def _ids(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The ids a body's HTML has: its headings' (_heading_ids), and those in raw HTML."""
    ids = []
    for token in tokens:
        if token.type == "heading_open" and token.attrGet("id") is not None:
            ids.append(str(token.attrGet("id")))
        elif token.type == "html_block":
            ids += anchors.raw_ids(token.content)
        for child in token.children or ():
            if child.type == "html_inline":
                ids += anchors.raw_ids(child.content)
    return tuple(ids)


def link_anchor(
    href: str,
    found: SourceLink | None,
    lines: LineSearch,
    block: tuple[int, int],
    *,
    reference: bool = False,
) -> Anchor | None:
    """The link to an id that href is: into a source (found), or into this body (#gehalt)."""
    if found is not None:
        return anchors.anchor(href, found.target, found.pos) if found.target else None
    if not anchors.is_same_page(href) or not anchors.worth_checking(href):
        return None
    if reference:
        pos = SourcePos(lines.source, lines.first_line + block[0])
    else:
        pos = lines.position(block, href, "")
    return anchors.anchor(href, lines.source, pos)


def source_link(
    href: str,
    attrs: tuple[tuple[str, str], ...],
    lines: LineSearch,
    block: tuple[int, int],
    *,
    reference: bool = False,
) -> SourceLink | None:
    """The link to a source file that href names, found in the block's lines; None for others.

    block is the first and past-the-last line of the block the link stands
    in, in the body's text; a reference link is placed on the block's first.
    """
    if not names_source(href):
        return None
    parts = urlsplit(href)
    written = unquote(parts.path)
    source = lines.source
    if reference:
        pos = SourcePos(source, lines.first_line + block[0])
    else:
        pos = lines.position(block, href, written)
    target = None if written.startswith("/") else lines.target(written)
    return SourceLink(written=written, target=target, fragment=parts.fragment, attrs=attrs, pos=pos)


@dataclass(frozen=True, slots=True)
class Page:
    """A link target that is built: the site path its links go to."""

    path: str


class Unbuilt(enum.Enum):
    """A link target that is not built (a source file that is no page)."""

    DRAFT = "a draft"  # it exists and is not built: the link is left out, with a warning
    SCHEDULED = "scheduled"  # dated after the build's day: as a draft
    FAILED = "failed"  # it did not load: its own error fails the build
    MISSING = "missing"  # no such source file: an error at the link


# What a link to a source file finds; a file not in a Targets mapping is Unbuilt.MISSING.
Target = Page | Unbuilt
Targets = Mapping[Path, Target]


def finish(
    body: Body, pages: Targets, href_for: Callable[[str], str]
) -> tuple[str, list[Diagnostic]]:
    """The body's HTML with its source links in place, and its broken links (see below)."""
    return resolve(body, pages, href_for), link_problems(body, pages)


def link_problems(body: Body, pages: Targets) -> list[Diagnostic]:
    """The body's broken source links, at their line and column; its HTML is not needed.

    pages maps every source file's normalised path (source_key) to what links to it find.
    """
    diagnostics: list[Diagnostic] = []
    for link in body.links:
        if link.target is None:
            diagnostics.append(
                error(
                    f"link to '{link.written}' must be relative to this file",
                    link.pos,
                    "write the path from this file, e.g. ../rolle/stadt.md",
                )
            )
        elif link.target not in pages:
            diagnostics.append(
                error(f"link to missing file '{link.written}'", link.pos, _near(link.target, pages))
            )
        elif pages[link.target] is Unbuilt.DRAFT:
            diagnostics.append(
                warning(
                    f"link to '{link.written}', a draft that is not built; the link is left out",
                    link.pos,
                    "publish the draft or build with --drafts",
                )
            )
        elif pages[link.target] is Unbuilt.SCHEDULED:
            diagnostics.append(
                warning(
                    f"link to '{link.written}', dated after today and not built yet; "
                    "the link is left out",
                    link.pos,
                    "build with --future to build guides before their date",
                )
            )
    return diagnostics


def resolve(body: Body, pages: Targets, href_for: Callable[[str], str]) -> str:
    """The body's HTML with each source link's href in place; a broken link keeps its text.

    href_for turns a site path into an href. This is the part of finishing a
    body that only the page showing it needs: it runs as that page is rendered.
    """
    assert body.html is not None, "a body from the build cache needs its HTML first"
    html = bytes_of(body.html)
    if not body.links:
        return html.decode()
    opening: list[bytes] = []
    for link in body.links:
        found = pages.get(link.target) if link.target is not None else None
        if not isinstance(found, Page):  # broken, or a draft: link_problems tells
            opening.append(b"")
        else:
            href = href_for(found.path) + (f"#{link.fragment}" if link.fragment else "")
            attrs = (("href", href), *link.attrs)
            tag = "<a" + "".join(f' {k}="{escape(v)}"' for k, v in attrs) + ">"
            opening.append(tag.encode())

    def replace(found: re.Match[bytes]) -> bytes:
        tag = opening[int(found.group(2))]
        if not tag:
            return b""
        return b"</a>" if found.group(1) else tag

    return _MARKER.sub(replace, html).decode()


def _near(target: Path, pages: Targets) -> str | None:
    """A did-you-mean among the files in the folder the link points into."""
    siblings = [p.name for p in pages if p.parent == target.parent]
    close = difflib.get_close_matches(target.name, siblings, n=1, cutoff=0.7)
    return f"did you mean '{close[0]}'?" if close else None


class _Destinations:
    """The link destinations written in one block, in the order they stand.

    Each is keyed by its path (without fragment or query) and located by the
    file line index and column of its `](`. The block's lines are read once,
    however many links it has: searching each line again for each link took
    26 s for 16,000 links on one line.
    """

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.places: dict[str, deque[tuple[int, int]]] = {}
        self.after = (start, 0)  # links are found in order: the next one is not before this
        for number in range(start, min(end, len(lines))):
            line = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), lines[number])
            for found in _DESTINATION.finditer(line):
                written = found.group(1) if found.group(1) is not None else found.group(2)
                path = written.split("#", 1)[0].split("?", 1)[0]
                self.places.setdefault(path, deque()).append((number, found.start()))

    def take(self, paths: tuple[str, ...]) -> tuple[int, int] | None:
        """The first place after the previous link's where one of paths is written."""
        best: tuple[int, int] | None = None
        for path in paths:
            places = self.places.get(path)
            while places and places[0] < self.after:
                places.popleft()
            if places and (best is None or places[0] < best):
                best = places[0]
        if best is not None:
            self.after = (best[0], best[1] + 1)
        return best


def names_source(href: str) -> bool:
    """Whether a link's href names a source file of the site (a relative path to a .md file)."""
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and parts.path.endswith(".md")


class LineSearch:
    """A body's lines, searched for where each of its links to sources is written.

    Per block's lines it keeps their destinations and where the previous
    link was found, so two links to the same file in one paragraph get their
    own positions.
    """

    def __init__(self, text: str, source: Path, first_line: int) -> None:
        self.lines = text.split("\n")
        self.source = source
        self.first_line = first_line  # the file line the body starts on
        self.searched: dict[tuple[int, int], _Destinations] = {}
        self.folder = os.fspath(source.parent)

    def target(self, written: str) -> Path:
        """The source file a relative link names, normalised: one Path per file (see source_key)."""
        return source_key(shared_path(os.path.normpath(os.path.join(self.folder, written))))

    def position(self, block: tuple[int, int], href: str, target_file: str) -> SourcePos:
        """The file line and column of a link's target, searched in its block's lines."""
        # By lines, not by block: the cells of a table row are blocks of one line.
        if block not in self.searched:
            self.searched[block] = _Destinations(self.lines, *block)
        place = self.searched[block].take((urlsplit(href).path, target_file))
        if place is None:
            return SourcePos(self.source, self.first_line + block[0])
        number, found = place
        return SourcePos(self.source, self.first_line + number, found + 3)


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    marker = env.get("markers", {}).get(id(tokens[idx]))
    env.setdefault("open", []).append(marker)
    if marker is not None:
        return OPEN.format(marker)
    return str(self.renderToken(tokens, idx, options, env))


def _render_link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    opened = env.get("open") or [None]
    marker = opened.pop()
    return "</a>" if marker is None else CLOSE.format(marker)


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # A wrapper that scrolls wide tables instead of the page on a phone.
    return '<div class="table-scroll">\n' + str(self.renderToken(tokens, idx, options, env))


def _render_table_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>\n"


def escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
