"""The site's search index: files a reader's browser loads by the word.

A reader's first search should cost the same at 1,000 guides as at 100,000.
Pagefind, which careersite used before, could not do that here: its
per-page metadata and its index chunks grow with the site, and at 10,000
guides a first search on a phone's network took about 6 s (README, "Search").
No well-kept tool writes a static index whose cost to a reader stays flat, so
careersite writes its own, which search.js reads:

- index.json: the number of pages and, for each shard, the first word it holds;
- w/<digest>.json: a shard, words in sorted order, each with the number of
  pages it is in and its postings: page ids and weights. A word in more than
  TOP pages keeps only its TOP best postings (a word that common filters
  little), so no shard outgrows about SHARD_CHARS;
- p/<id>.json: a page's URL, title and text, loaded for the results shown.

A query loads index.json, the shard of each of its words, and one file for
each result it shows: a handful of requests of a few KB whatever the size of
the site. Words are folded (lower case, without accents, "ß" as "ss") the same
way here and in search.js; a query word matches the words it begins, and the
words that begin it with at most three letters less ("Gehälter" finds
"Gehalt"), which stands in for German stemming.

The index is made from the written pages, from the part of each marked
data-pagefind-body (guides and hubs' first pages) less what is marked
data-pagefind-ignore: the attributes Pagefind reads, so that layouts written
for it work as they are. It depends on those pages alone: the same pages give
the same bytes, whatever was built before.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import json
import operator
import os
import re
import shutil
import sys
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import children
from .errors import CareersiteError
from .incremental import cache as cache_files
from .output import link_or_copy
from .urls import SEARCH_BUNDLE

FORMAT = 1  # in index.json: search.js reads this layout of files
TOP = 400  # postings kept for a word in more pages than that: the best by weight
SHARD_CHARS = 24_000  # a shard is cut after about this much JSON
TEXT_CHARS = 12_000  # of a page's text kept for its excerpt
MAX_WORD = 40  # longer "words" (a hash, say) are not indexed
# The weight of a word in a page: a share for being in the title, the rest
# BM25's (k1 1.2, b 0.75) for its count in the text, with a fixed average
# length, so that a page's weights depend on that page alone.
_K1, _B, _AVERAGE_WORDS = 1.2, 0.75, 400
_TITLE = 0.6  # of the weight, for a word of the title
_LEVELS = 255  # weights are written as whole numbers 1..255
_PAGES_PER_TASK = 250  # pages read by one worker task
_MARK = b"data-pagefind-body"
_IGNORE = "data-pagefind-ignore"


class SearchIndexError(CareersiteError):
    """The index could not be written; the message says why."""


def index(
    site_dir: Path,
    files: Iterable[str],
    jobs: int = 0,
    cache: Path | None = None,
    previous: Path | None = None,
    kept: Collection[str] = (),
) -> None:
    """Index the marked pages among files (what site_dir holds) into site_dir/SEARCH_BUNDLE.

    jobs caps the worker processes that read the pages (0: one per core).
    cache is a folder where the index's full postings are kept for the next
    build. With them, an output tree previous that holds the same pages and
    the index made with them, and kept (the pages taken unchanged from
    previous), only the other pages are read again; the index is the same.
    """
    names = sorted(name for name in files if name.endswith(".html"))
    root = site_dir / SEARCH_BUNDLE
    try:
        postings = None
        if cache is not None and previous is not None:
            _empty(root)
            postings = _Postings.since(cache, previous, names, site_dir, kept)
        if postings is None:
            _empty(root)  # what since() linked is not written into
            postings = _read_all(site_dir, names, jobs)
        listing = postings.write(root)
        if cache is not None:
            postings.save(cache, listing)
    except OSError as exc:  # a full disk, say: the build fails and the output stays
        raise SearchIndexError(
            f"cannot write the search index ({SEARCH_BUNDLE}/): {exc.strerror}"
        ) from exc


def _empty(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "p").mkdir(parents=True)
    (root / "w").mkdir()


class _Postings:
    """Every page a word is in, with its weight there, packed as page << 8 | weight.

    A page's id is its place among all the pages' names, sorted, so that ids
    stay as they are while no page comes or goes. The ids of unmarked pages
    are left unused.
    """

    def __init__(self, names: list[str], words: dict[str, array[int]], pages: int) -> None:
        self.names = names
        self.words = words
        self.pages = pages  # how many are indexed

    def write(self, root: Path) -> bytes:
        """The shards and index.json (the pages' files are written as they are read).

        Returns index.json's bytes, which name every shard by its content.
        """
        shards = []
        for words in _shards(self.words):
            content = _dumps({"w": words}).encode()
            name = hashlib.sha256(content).hexdigest()[:16]
            (root / "w" / f"{name}.json").write_bytes(content)
            shards.append([words[0][0], name])
        if shards:
            shards[0][0] = ""  # every word sorts after the first shard's start
        listing = _dumps({"format": FORMAT, "pages": self.pages, "shards": shards}).encode()
        (root / _INDEX).write_bytes(listing)
        return listing

    def save(self, cache: Path, listing: bytes) -> None:
        """Kept for the next build, with the index.json written from them."""
        state = {
            "format": FORMAT,
            "index": hashlib.sha256(listing).hexdigest(),
            "names": self.names,
            "pages": self.pages,
            "words": {word: packed.tobytes() for word, packed in self.words.items()},
        }
        cache_files.write(cache, _SAVED, state)

    @classmethod
    def since(
        cls,
        cache: Path,
        previous: Path,
        names: list[str],
        site_dir: Path,
        kept: Collection[str],
    ) -> _Postings | None:
        """The postings saved with previous's index, brought up to date with site_dir's pages.

        None when there are none, they are not previous's, the pages are not
        the same ones or too many of them changed: then all are read again.
        """
        state = cache_files.read(cache / _SAVED)  # None unless sealed with this user's key
        try:
            listing = (previous / SEARCH_BUNDLE / _INDEX).read_bytes()
            ok = state["format"] == FORMAT and state["names"] == names
            if not ok or state["index"] != hashlib.sha256(listing).hexdigest():
                return None
            words = {word: array("I", packed) for word, packed in state["words"].items()}
        except (OSError, KeyError, TypeError, ValueError):
            return None
        changed = [number for number, name in enumerate(names) if name not in kept]
        if len(changed) > _CHANGED_LIMIT:
            return None
        root = site_dir / SEARCH_BUNDLE
        pages = state["pages"]
        _link_pages(previous / SEARCH_BUNDLE / "p", root / "p", {f"{n}.json" for n in changed})
        for number in changed:
            name = names[number]
            try:  # as the postings hold it
                old = read_page(name, (previous / name).read_bytes())
            except OSError:  # then which words it had is not known: read every page
                return None
            new = _read_one(site_dir, name, number, root)
            pages += (new is not None) - (old is not None)
            for word in {*(old.weights if old else ()), *(new.weights if new else ())}:
                packed = words.setdefault(word, array("I"))
                at = bisect.bisect_left(packed, number << 8)
                if at < len(packed) and packed[at] >> 8 == number:
                    del packed[at]
                if new is not None and word in new.weights:
                    packed.insert(at, number << 8 | new.weights[word])
                if not packed:
                    del words[word]
        return cls(names, words, pages)


def _link_pages(before: Path, now: Path, leave: set[str]) -> None:
    """The pages' files in before linked into now, but those named in leave."""
    into = str(now)
    with os.scandir(before) as entries:
        for entry in entries:
            if entry.name not in leave:
                link_or_copy(entry.path, os.path.join(into, entry.name))


_INDEX = "index.json"
_SAVED = "search-postings.pickle"  # in the cache folder
_CHANGED_LIMIT = 1000  # pages read again on a rebuild; more, and all are read


@dataclass(frozen=True, slots=True)
class Page:
    """An indexed page: its URL below the site's root, title, text and word weights."""

    url: str
    title: str
    text: str
    weights: dict[str, int]


def _read_all(site_dir: Path, names: list[str], jobs: int) -> _Postings:
    """Every page read, its file for results written, its words posted."""
    tasks = [
        range(at, min(at + _PAGES_PER_TASK, len(names)))
        for at in range(0, len(names), _PAGES_PER_TASK)
    ]
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    words: dict[str, array[int]] = {}
    pages = 0

    def add(part: tuple[int, dict[str, bytes]]) -> None:
        nonlocal pages
        pages += part[0]
        for word, packed in part[1].items():
            found = words.get(word)
            if found is None:
                words[word] = array("I", packed)
            else:
                found.frombytes(packed)

    read = functools.partial(_read_some, site_dir, names)
    if workers <= 1:
        for task in tasks:
            add(read(task))
    else:
        with children.pool(workers) as pool:
            for part in pool.map(read, tasks):  # in order: each word's pages stay sorted
                add(part)
    return _Postings(names, words, pages)


def _read_some(site_dir: Path, names: list[str], numbers: range) -> tuple[int, dict[str, bytes]]:
    """In a worker: the pages numbers of names read; how many are indexed, and their postings."""
    root = site_dir / SEARCH_BUNDLE
    words: defaultdict[str, list[int]] = defaultdict(list)
    count = 0
    for number in numbers:
        page = _read_one(site_dir, names[number], number, root)
        if page is None:
            continue
        count += 1
        base = number << 8
        for word, weight in page.weights.items():
            words[word].append(base | weight)
    return count, {word: array("I", packed).tobytes() for word, packed in words.items()}


def _read_one(site_dir: Path, name: str, number: int, root: Path) -> Page | None:
    """The page read, and its file for results written; None (and no file) if unmarked."""
    page = read_page(name, (site_dir / name).read_bytes())
    if page is not None:
        _put(root / "p" / f"{number}.json", {"u": page.url, "t": page.title, "x": page.text})
    return page


def read_page(name: str, content: bytes) -> Page | None:
    """The page at name (a path below the site) as the index sees it; None if unmarked."""
    at = content.find(_MARK)
    if at < 0:
        return None
    markup = content.decode("utf-8", errors="replace")
    body = _element(markup, markup.rfind("<", 0, markup.find(_MARK.decode())))
    body = _without_ignored(body)
    heading = _H1.search(body)
    title = _text(heading.group(1)) if heading else ""
    if heading is not None:  # shown above the excerpt; its words weigh as the title's
        body = body[: heading.start()] + " " + body[heading.end() :]
    if not title:
        found = _TITLE_TAG.search(markup)
        title = _text(found.group(1)) if found else ""
    text = _text(body)
    return Page(_url_of(name), title, text[:TEXT_CHARS], weigh(text, title))


def weigh(text: str, title: str) -> dict[str, int]:
    """Each word of the title and text: its weight in the page, 1 to 255."""
    words = words_of(text)
    counts = Counter(words)
    norm = _K1 * (1 - _B + _B * len(words) / _AVERAGE_WORDS)
    levels = {
        count: max(1, round((1 - _TITLE) * count / (count + norm) * _LEVELS))
        for count in set(counts.values())
    }
    weights = {word: levels[count] for word, count in counts.items()}
    for word in set(words_of(title)):
        weights[word] = min(_LEVELS, weights.get(word, 0) + round(_TITLE * _LEVELS))
    return weights


def _url_of(name: str) -> str:
    """A page's URL below the site's root, as links to it are written."""
    if name == "index.html":
        return ""
    if name.endswith("/index.html"):
        return name[: -len("index.html")]
    return name


# Folding: what search.js's fold() does, in the same order. Combining marks of
# the Basic Multilingual Plane are dropped after NFKD ("ä" is "a" + a mark).
def _marks() -> re.Pattern[str]:
    marks = [c for c in range(0x10000) if unicodedata.category(chr(c)).startswith("M")]
    ranges: list[list[int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]+")


_MARKS = _marks()
_WORD = re.compile(r"\w+")  # letters, digits and "_", as search.js's [\p{L}\p{N}_]+


def fold(text: str) -> str:
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).replace("ß", "ss")
    return text


def words_of(text: str) -> list[str]:
    """The folded words of text, in order; as search.js splits a query."""
    words: list[str] = _WORD.findall(fold(text))
    if words and max(map(len, words)) > MAX_WORD:
        words = [word for word in words if len(word) <= MAX_WORD]
    return words


# --- reading careersite's own markup -------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TITLE_TAG = re.compile(r"<title\b[^>]*>(.*?)</title>", re.S)
_UNSEEN = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1>|<!--.*?-->", re.S)
# Inside a word, these tags join what is before and after; any other tag parts words.
_INLINE = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small|span|strong|sub"
    r"|sup|time|u|var|wbr)\b[^>]*>",
    re.I,
)


def _element(markup: str, start: int) -> str:
    """The content of the element whose start tag begins at start (to the end if unclosed)."""
    opening = _TAG.match(markup, start)
    if opening is None:
        return ""
    name = opening.group(2).lower()
    same = re.compile(rf"<(/?){name}\b[^>]*>", re.I)
    depth = 1
    for tag in same.finditer(markup, opening.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return markup[opening.end() : tag.start()]
    return markup[opening.end() :]


def _without_ignored(body: str) -> str:
    while (at := body.find(_IGNORE)) >= 0:
        start = body.rfind("<", 0, at)
        inner = _element(body, start)
        opening = _TAG.match(body, start)
        assert opening is not None
        end = opening.end() + len(inner)
        closing = _TAG.match(body, end)
        body = body[:start] + " " + body[closing.end() if closing else end :]
    return body


def _text(markup: str) -> str:
    """What markup reads as: tags gone, entities resolved, white space single."""
    markup = _UNSEEN.sub(" ", markup)
    markup = _TAG.sub(" ", _INLINE.sub("", markup))
    return " ".join(html.unescape(markup).split())


# --- writing the index --------------------------------------------------------------------


Entry = list[object]  # [word, pages it is in, [id step, weight, id step, weight, ...]]


def _shards(postings: dict[str, array[int]]) -> Iterator[list[Entry]]:
    """The words with their postings, sorted, in shards of about SHARD_CHARS."""
    shard: list[Entry] = []
    size = 0
    for word in sorted(postings):
        packed = postings[word]
        count = len(packed)
        if count > TOP:
            packed = _best(packed)
        pages = [posting >> 8 for posting in packed]
        flat: list[int] = [0] * (2 * len(pages))
        flat[0::2] = map(operator.sub, pages, [0, *pages[:-1]])
        flat[1::2] = _weights(packed)
        shard.append([word, count, flat])
        size += len(word) + 8 + 6 * len(pages)
        if size >= SHARD_CHARS:
            yield shard
            shard, size = [], 0
    if shard:
        yield shard


def _weights(packed: array[int]) -> bytes:
    """The low byte of each posting: its weight."""
    return packed.tobytes()[0 if sys.byteorder == "little" else 3 :: 4]


def _best(packed: array[int]) -> array[int]:
    """The TOP postings of highest weight, the first pages among equals, in page order."""
    weights = _weights(packed)
    taken = 0
    for level in sorted(set(weights), reverse=True):  # down to the lowest weight taken
        taken += weights.count(level)
        if taken >= TOP:
            break
    chosen = bytearray(weights.translate(_ABOVE[level]))
    at = -1
    for _ in range(TOP - chosen.count(1)):  # the first pages of that weight
        at = weights.find(level, at + 1)
        chosen[at] = 1
    best = array("I")
    at = -1
    for _ in range(TOP):
        at = chosen.find(1, at + 1)
        best.append(packed[at])
    return best


# For each weight level: a table that maps a weight to 1 when it is above it, else 0.
_ABOVE = [bytes(int(weight > level) for weight in range(256)) for level in range(256)]


def _dumps(data: object) -> str:
    """Compact JSON with <, > and & as escapes: no file of the index holds markup,
    whatever a host that sniffs a type would take it for."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _put(path: Path, data: object) -> None:
    path.write_text(_dumps(data), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Index an output folder written without its index: python -m careersite.search DIR."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0])
    index(root, [p.relative_to(root).as_posix() for p in root.rglob("*.html")])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
