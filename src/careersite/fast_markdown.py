"""The compiled Markdown engine, for the bodies it renders as markdown-it-py does.

markdown-it-pyrs is markdown-it ported to Rust (the JavaScript parser that
markdown-it-py ports to Python), with Python bindings from markdown-it-py's
maintainers. It parses and renders a guide about 14 times faster
(0.1 ms against 1.45 ms; with careersite's additions 0.45 ms against 1.7 ms). markdown-it-py
stays the reference: prepare() gives a body only where every construct in it
is one this module renders as markdown-it-py does, with the same heading ids,
source links (and their positions) and summary; for any other body it gives
None and markdown.prepare takes markdown-it-py. tests/test_fast_markdown.py
renders the CommonMark spec's examples, the example site, the benchmark's
guides and generated ones both ways and requires the same Body.

Where markdown-it-pyrs is not installed (it has wheels for CPython 3.11 and
3.12), every body takes markdown-it-py: ENGINE says which is in use.
"""

from __future__ import annotations

import bisect
import os
import re
import sys
import unicodedata
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import anchors, markdown

if TYPE_CHECKING:
    from .anchors import Anchor
    from .markdown import Body, SourceLink

try:
    import markdown_it_pyrs
except ImportError:  # no wheel for this Python: markdown-it-py renders every body
    markdown_it_pyrs = None  # type: ignore[assignment]

REFERENCE = "markdown-it-py"
ENGINE = "markdown-it-pyrs" if markdown_it_pyrs is not None else REFERENCE


def note() -> str | None:
    """What a build says once where the compiled engine is not installed."""
    if markdown_it_pyrs is not None:
        return None
    version = ".".join(map(str, sys.version_info[:2]))
    return (
        f"Markdown is rendered by markdown-it-py alone: markdown-it-pyrs has no wheel "
        f"for this Python ({sys.implementation.name} {version}); the output is the same"
    )


_PLUGINS: Any = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph"),
    *("reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link"),
    *("newline", "table", "strikethrough", "sourcepos"),
]
_parser: Any = None


def _engine() -> Any:
    global _parser  # one parser per process, made on first use
    if _parser is None:
        # CommonMark without raw HTML (as markdown.make_parser), tables, strikethrough;
        # sourcepos: each element's place in the source, as data-sourcepos="l:c-l:c"
        _parser = markdown_it_pyrs.MarkdownIt("zero").enable_many(_PLUGINS)
    return _parser


class _Unsupported(Exception):
    """A body this module does not render as markdown-it-py does."""


def prepare(text: str, source: Path, first_line: int) -> Body | None:
    """markdown.prepare() for a body without raw HTML; None where markdown-it-py must do it."""
    if markdown_it_pyrs is None or _differs(text):
        return None
    try:
        return _finish(_render(text), markdown.LineSearch(text, source, first_line))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # _Unsupported, or the engine failed (a Rust panic is no Exception)
        return None


def _render(text: str) -> str:
    """markdown-it-pyrs's HTML, with € counted as punctuation as markdown-it-py counts it."""
    if "€" not in text or not _EURO_BY_RUN.search(text):
        return _quiet(text)
    if _EURO_STAND_IN in text:
        raise _Unsupported("the stand-in for € is in the text")
    html = _quiet(text.replace("€", _EURO_STAND_IN))
    if "%E2%B8%BB" in html:  # in a URL, percent-encoded
        raise _Unsupported("€ in a URL beside emphasis")
    return html.replace(_EURO_STAND_IN, "€")


def _quiet(text: str) -> str:
    """The engine's HTML; a panic (caught by prepare) prints nothing.

    markdown-it-pyrs may panic on a code span inside a link's text (the
    differential test finds about one in 100,000 random texts), and Rust
    prints a panic to the process's standard error, past Python. Such texts
    have a bracket and a backtick: only for those is standard error closed
    while the engine runs, a few microseconds.
    """
    if "`" not in text or "[" not in text:
        return str(_engine().render(text))
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        silent = os.open(os.devnull, os.O_WRONLY)
        os.dup2(silent, 2)
        os.close(silent)
        return str(_engine().render(text))
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _differs(text: str) -> bool:
    """Whether text may hold what markdown-it-pyrs renders otherwise than markdown-it-py.

    Each found by the differential test (tests/test_fast_markdown.py), most
    with the CommonMark spec's example that shows it. Each pattern starts
    with a character to look for, or is looked for only where its characters
    are: a guide is checked in a few microseconds.
    """
    lines = "\n" + text
    return bool(
        # A reference definition: markdown-it-py places its links by their label.
        ("]:" in text and _DEFINITION.search(lines))
        # An autolink with a percent escape: markdown-it-py decodes it in its text (766).
        or ("%" in text and "<" in text and _ESCAPED_AUTOLINK.search(text))
        # A table's delimiter row of one cell or without a pipe, or dashes under a
        # line with a pipe: markdown-it-py makes no table of them.
        or ("-" in text and (_ONE_CELL_ROW.search(lines) or _DASHES_UNDER_PIPE.search(text)))
        # A block quote's lazy continuation: markdown-it-pyrs may join a list marker to it.
        or (">" in text and _LAZY_QUOTE.search(lines))
        # A tilde or a backslash among emphasis: markdown-it-pyrs may pair the
        # delimiters otherwise ("*~._*_|_<", "*\\m(_*_|_>").
        or (("~" in text or "\\" in text) and ("*" in text or "_" in text))
        # A fence open at the end of a text without a final line break: markdown-it-pyrs
        # adds one to its code.
        or (not text.endswith("\n") and ("```" in text or "~~~" in text))
        or _symbol_beside_run(text)
        # A backtick run left open after a bracket: markdown-it-pyrs panics.
        or ("`" in text and "[" in text and _open_code_span(text))
    )


def _symbol_beside_run(text: str) -> bool:
    """Whether a run of * or _ has a symbol such as © on one side and no space on the other.

    CommonMark 0.31 counts symbols as punctuation, which decides whether the
    run opens or closes emphasis; markdown-it-pyrs does not (353). € is
    stood in for (_render).
    """
    for mark in "*_":
        at = text.find(mark)
        while at != -1:
            end = at
            while end < len(text) and text[end] in "*_":
                end += 1
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            for symbol, other in ((before, after), (after, before)):
                if (
                    symbol > "\x7f"
                    and symbol != "€"
                    and not other.isspace()
                    and unicodedata.category(symbol)[0] == "S"
                ):
                    return True
            at = text.find(mark, end)
    return False


def _open_code_span(text: str) -> bool:
    """Whether a line of text has a backtick run that no run of the same length closes.

    By line, not by paragraph: stricter (a code span across lines falls back
    too), and blocks need not be told apart.
    """
    lines = [line for line in text.splitlines() if not _FENCE.match(line)]
    # A backslash may escape a backtick, or be code: both readings are tried.
    for line in [*lines, *(_ESCAPED.sub("", line) for line in lines)]:
        runs = [len(run) for run in _BACKTICKS.findall(line)]
        while runs:
            length = runs.pop(0)
            if length not in runs:
                return True
            del runs[: runs.index(length) + 1]
    return False


# Each starts with a line break: text is looked at with one put before it.
_DEFINITION = re.compile(r"\n[ >]*\[[^\]]*\]:")
_ESCAPED_AUTOLINK = re.compile(r"<[^\s<>]*%[^\s<>]*>")
_ONE_CELL_ROW = re.compile(
    r"\n {0,3}(?:\|[ \t]*:?-+:?[ \t]*\|?|:?-+:?[ \t]*\||:-+:?|-+:)[ \t]*(?=\n|$)"
)
_DASHES_UNDER_PIPE = re.compile(r"\|[^\n]*\n {0,3}-+[ \t]*(?=\n|$)")
_LAZY_QUOTE = re.compile(r"\n {0,3}>[^\n]*\n(?! {0,3}>|[ \t]*(?:\n|$))")
_BACKTICKS = re.compile(r"`+")
_ESCAPED = re.compile(r"\\.")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")  # a code fence's line: no inline content
# markdown-it-pyrs counts this dash (Pd) as punctuation, as markdown-it-py counts €:
# it stands in for € where € meets emphasis, and the HTML gets € back.
_EURO_STAND_IN = "\u2e3b"
_EURO_BY_RUN = re.compile(r"€[*_~]|[*_~]€")
_SOURCEPOS = re.compile(r' data-sourcepos="[^"]*"')
_PLACE = r' data-sourcepos="(\d+):\d+-(\d+):(\d+)"'
_HEADING = re.compile(rf"<h([234]){_PLACE}>(.*?)</h\1>", re.DOTALL)
_LINK = re.compile(rf'<a{_PLACE} href="([^"]*)"(?: title="([^"]*)")?>')
# Where markdown-it-py's block maps would give a link its lines: the block it stands in.
_BLOCK = re.compile(rf"<(p|h[1-6]|td|th|li){_PLACE}[^>]*>")
# What ends a list item's own text (markdown-it-py's hidden paragraph): a block in it, or its end.
_ITEM_TEXT_END = re.compile(r"</li>|\n<(?:ul|ol|p|pre|blockquote|table|hr|h[1-6])[ >]")
_BLOCK_CLOSE = re.compile(r"</(?:ul|ol|p|pre|blockquote|table|h[1-6])>|<hr ")
_FIRST_PLACE = re.compile(_PLACE)
_EMPTY_QUOTE = re.compile(r"<blockquote[^>]*>\n</blockquote>")
_BLOCK_TAG = r"</?(?:ul|ol|li|p|pre|blockquote|table|h[1-6]|hr)[ >/]"
_TEXT_AFTER_BLOCK = re.compile(
    rf"(?:</(?:ul|ol|pre|blockquote|table|h[1-6])>|<hr[^>]*>)\n(?!{_BLOCK_TAG}|$)"
)
_ANY_TAG = re.compile(r"<[^>]*>")


def _finish(html: str, lines: markdown.LineSearch) -> Body:
    """markdown-it-pyrs's HTML made markdown-it-py's, with careersite's additions.

    Raw HTML is off, so every tag in the HTML is one the engine wrote. The
    sourcepos attributes go (markdown-it-py writes none); from them come the
    lines markdown-it-py's block maps give each link to a source (searched by
    markdown.source_link), heading ids go into <h2> to <h4>, links to sources
    become markers, and each table gets its scrolling wrapper.
    """
    if _EMPTY_QUOTE.search(html) or _TEXT_AFTER_BLOCK.search(html):
        # an empty block quote: markdown-it-py writes no line break in it (238);
        # text after a block in a list item: a hidden paragraph of its own (299)
        raise _Unsupported("a construct markdown-it-pyrs writes otherwise")
    edits: list[tuple[int, int, str]] = []  # in the HTML: start, end, what stands there instead
    headings = list(_HEADING.finditer(html))
    ids = markdown.unique_ids([_text(found.group(5)).replace("\n", "") for found in headings])
    for found, unique in zip(headings, ids, strict=True):
        level = found.group(1)
        edits.append((found.start(), found.start(5), f'<h{level} id="{markdown.escape(unique)}">'))
    links: list[SourceLink] = []
    to_ids: list[Anchor] = []
    blocks: _Blocks | None = None
    for found in _LINK.finditer(html):
        href = _unescape(found.group(4))
        to_source = markdown.names_source(href)
        if not to_source and not (anchors.is_same_page(href) and anchors.worth_checking(href)):
            continue
        if blocks is None:
            found_blocks = list(_BLOCK.finditer(html))
            blocks = ([block.start() for block in found_blocks], found_blocks)
        block = _lines_of(html, found.start(), blocks)
        title = found.group(5)
        attrs = (("title", _unescape(title)),) if title is not None else ()
        link = markdown.source_link(href, attrs, lines, block) if to_source else None
        place = markdown.link_anchor(href, link, lines, block)
        if place is not None:
            to_ids.append(place)
        if link is None:  # a link to #gehalt in this body: no marker
            continue
        close = html.find("</a>", found.end())
        edits.append((found.start(), found.end(), markdown.OPEN.format(len(links))))
        edits.append((close, close + 4, markdown.CLOSE.format(len(links))))
        links.append(link)
    edits.sort()
    parts = []
    done = 0
    for start, end, instead in edits:
        parts.append(_SOURCEPOS.sub("", html[done:start]))
        parts.append(instead)
        done = end
    parts.append(_SOURCEPOS.sub("", html[done:]))
    finished = (
        "".join(parts)
        .replace("<table>\n", '<div class="table-scroll">\n<table>\n')
        .replace("</table>\n", "</table>\n</div>\n")
    )
    summary = markdown.cut_summary(_summary(html))
    return markdown.Body(finished.encode(), tuple(links), summary, tuple(ids), tuple(to_ids))


_Blocks = tuple[list[int], list[re.Match[str]]]  # _BLOCK's matches, and where each starts


def _lines_of(html: str, at: int, blocks: _Blocks) -> tuple[int, int]:
    """The lines markdown-it-py's map gives the block at HTML offset at: first, past the last."""
    starts, found = blocks
    index = bisect.bisect_left(starts, at) - 1
    if index < 0:
        raise _Unsupported("a link outside a block")
    block = found[index]
    name, first, last, column = block.group(1, 2, 3, 4)
    start = int(first) - 1
    if name in {"td", "th"}:  # a cell's lines are its row's one line
        return start, start + 1
    end = int(last) if int(column) > 0 else int(last) - 1
    if name != "li":
        return start, end
    # A list item's own text: markdown-it-py's hidden paragraph, up to the first block in it.
    if _BLOCK_CLOSE.search(html, block.end(), at):
        raise _Unsupported("a link after a block in a list item")
    text_end = _ITEM_TEXT_END.search(html, block.end())
    if text_end is not None and text_end.group(0) != "</li>":
        place = _FIRST_PLACE.search(html, text_end.start())
        if place is None:
            raise _Unsupported("a block without a place")
        end = min(end, int(place.group(1)) - 1)
    return start, end


def _summary(html: str) -> str:
    """The text of the first paragraph, as markdown-it-py's summary() takes it.

    A tight list item's own text is a (hidden) paragraph there too.
    """
    paragraph = html.find("<p ")
    item = html.find("<li ")
    while item != -1 and (paragraph == -1 or item < paragraph):
        text = html.find(">", item) + 1
        if not html.startswith(("\n", "</li>"), text):
            end = _ITEM_TEXT_END.search(html, text)
            return _text(html[text : end.start() if end is not None else len(html)])
        item = html.find("<li ", text)
    if paragraph == -1:
        return ""
    text = html.find(">", paragraph) + 1
    return _text(html[text : html.find("</p>", text)])


def _text(html: str) -> str:
    """The text markdown-it-py takes from an inline run: no tags (and so no image alt)."""
    return unescape(_ANY_TAG.sub("", html))


def _unescape(value: str) -> str:
    """The inverse of markdown-it-py's escapeHtml, which escapes & first."""
    return (
        value.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
