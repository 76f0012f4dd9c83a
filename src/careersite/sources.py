"""Read every source into a Loaded, doing no more than the last build allows.

In the dev server a file whose stamp is unchanged (same_file) keeps what the
last build loaded; across runs the build cache (incremental/cache.py) holds each
source's Loaded by the digest of its bytes, its rendered body apart; the
rest is parsed, in worker processes when there are many.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sys
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache as memoize
from functools import partial
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt

from . import children, markdown
from .article import Article, load_article
from .config import Config
from .diagnostics import Diagnostic
from .incremental import cache
from .incremental.stamps import Stamp, digest_of, file_stamp, same_file
from .parallel import Progress, report, workers
from .site import linked_as
from .spill import Spill


@dataclass(frozen=True, kw_only=True)
class Loaded:
    """One source file as the last build found it."""

    stamp: Stamp
    article: Article | None
    diagnostics: tuple[Diagnostic, ...]
    links: tuple[Path, ...]  # source files its text links to, sorted, each once
    card: str  # card(article): a digest of what pages other than its own show of it


def load_sources(  # noqa: PLR0913 - keyword-only, each named at its one call (pipeline._read)
    sources: list[Path],
    config: Config,
    *,
    jobs: int,
    cache_folder: Path | None,
    cache_key: str,
    earlier: Mapping[Path, Loaded],
    known: Mapping[str, str],
    progress: Progress,
    only: Collection[Path] | None = None,
) -> tuple[dict[Path, Loaded], dict[Path, str]]:
    """Every source, read and parsed again only when it changed; the digests of those read.

    In the same process a file's stamp tells (the dev server); across runs,
    the persistent cache's content hash does. When only is given, earlier
    holds every one of sources, in their order, and those not in only are
    taken from it without a look at the file (the dev server's watcher
    vouches for them).
    """
    since = time.time_ns()
    loaded: dict[Path, Loaded]
    if only is not None:
        loaded = dict(earlier)  # in the order of sources; entries are replaced below
        stamps = {path: file_stamp(path, since) for path in only}
    else:
        loaded = {}
        stamps = {path: file_stamp(path, since) for path in sources}
    todo = []
    for path, stamp in stamps.items():
        previous = earlier.get(path)
        # The same stamp, the same file: same_file's first test, without the call.
        if previous is not None and (
            previous.stamp == stamp or same_file(previous.stamp, stamp, path)
        ):
            loaded[path] = previous
        else:
            todo.append(path)
    if not todo:
        return _in_order(loaded, sources, only), {}
    stored = cache.load(cache_folder, cache_key, fits_loaded)
    digests = (
        {path: known.get(str(path)) or digest_of(path, stamps[path]) for path in todo}
        if cache_folder
        else {}
    )
    misses = []
    alike = _Alike()
    for path in todo:
        hit = stored.get(path)
        if hit is not None and hit[0] == digests.get(path):
            article = hit[1].article
            loaded[path] = dataclasses.replace(
                hit[1], stamp=stamps[path], article=alike.article(article) if article else None
            )
        else:
            misses.append(path)
    count = workers(jobs, len(misses))
    spill = Spill()  # each body's HTML goes there as it comes: see spill.py
    results = []
    if count > 1:
        chunk = max(1, len(misses) // (count * 8))
        with children.pool(count) as pool:
            for packed in pool.map(partial(_load_packed, config), misses, chunksize=chunk):
                results.append(_spilled(pickle.loads(packed), spill, alike))
                report(progress, "reading", len(results), len(misses))
    else:
        for path in misses:
            results.append(_spilled(load_one(config, path), spill, alike))
            report(progress, "reading", len(results), len(misses))
    for path, (article, problems, card_digest) in zip(misses, results, strict=True):
        links = tuple(sorted(article.body.targets)) if article else ()
        loaded[path] = Loaded(
            stamp=stamps[path],
            article=article,
            diagnostics=problems,
            links=links,
            card=card_digest,
        )
    if cache_folder and misses:
        entries = {  # not a file that could not be read ("")
            path: (digests[path], _away(loaded[path])) for path in stamps if digests.get(path)
        }
        entries.update({p: v for p, v in stored.items() if p in loaded and p not in entries})
        cache.save(cache_folder, cache_key, entries, stored)
        bodies = {
            path: (digests[path], (article.body.html, article.body.links))
            for path in misses
            if (article := loaded[path].article) is not None
        }
        cache.save_bodies(cache_folder, cache_key, bodies, loaded, fits_body)
    return _in_order(loaded, sources, only), digests


def _load_packed(config: Config, path: Path) -> bytes:
    """load_one in a worker, pickled as the build cache pickles (cache.dumps).

    So this process makes each path once (cache.shared_path): a guide's links
    and positions name its own file and the files it links to, and at 20,000
    guides the 100,000 Paths that plain pickling gave were 27 MB.
    """
    return cache.dumps(load_one(config, path))


def _spilled(result: LoadResult, spill: Spill, alike: _Alike) -> LoadResult:
    """result with its body's HTML put into spill, and what it holds alike with others shared."""
    article = result[0]
    if article is None:
        return result
    if isinstance(article.body.html, bytes):
        body = dataclasses.replace(article.body, html=spill.put(article.body.html))
        article = dataclasses.replace(article, body=body)
    return (alike.article(article), *result[1:])


_T = TypeVar("_T")


class _Alike:
    """One object for each value that many articles hold alike.

    Every article comes from a worker or from the cache as a copy of its own,
    with its own copy of its role and city (with their summaries and aliases),
    of its salary's words and of the ids of headings found in most guides.
    At 20,000 guides that was 1.2 KB a guide.
    """

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def _one(self, value: _T) -> _T:
        return self._seen.setdefault(value, value)  # type: ignore[return-value]

    def article(self, article: Article) -> Article:
        salary = article.salary
        if salary is not None:
            salary = dataclasses.replace(
                salary,
                currency=sys.intern(salary.currency),
                period=sys.intern(salary.period),
                levels=tuple(
                    dataclasses.replace(level, name=sys.intern(level.name))
                    for level in salary.levels
                ),
            )
        body = article.body
        return dataclasses.replace(
            article,
            role=self._one(article.role),
            city=self._one(article.city),
            salary=salary,
            body=dataclasses.replace(body, ids=tuple(sys.intern(i) for i in body.ids)),
        )


def fits_loaded(value: object) -> bool:
    """Whether a value from the cache's articles is a Loaded, as far as its fields go."""
    return (
        type(value) is Loaded
        and (value.article is None or type(value.article) is Article)
        and type(value.diagnostics) is tuple
        and type(value.links) is tuple
        and type(value.card) is str
        and type(value.stamp) is Stamp
    )


def fits_body(value: object) -> bool:
    """Whether a value from the cache's bodies is a body's HTML and links (pipeline._Stored)."""
    return (
        type(value) is tuple
        and len(value) == 2
        and type(value[0]) is bytes
        and type(value[1]) is tuple
        and all(type(link) is markdown.SourceLink for link in value[1])
    )


def _in_order(
    loaded: dict[Path, Loaded], sources: list[Path], only: Collection[Path] | None
) -> dict[Path, Loaded]:
    """loaded in the order of sources; with only, it is already."""
    return loaded if only is not None else {path: loaded[path] for path in sources}


def _away(entry: Loaded) -> Loaded:
    """The entry as the cache keeps it: its body's HTML and links are stored apart.

    A rebuild needs every article, but the body and links only of the pages
    it renders: at 10,000 guides the links are over half the dataclass
    instances that loading the articles would make.
    """
    article = entry.article
    if article is None or article.body.html is None:
        return entry
    body = dataclasses.replace(article.body, html=None, links=())
    return dataclasses.replace(entry, article=dataclasses.replace(article, body=body))


def touched_sources(
    before: Mapping[Path, object] | None, content_dir: Path, changed: Collection[str] | None
) -> frozenset[Path] | None:
    """The sources found before that changed, when no source can have come or gone.

    before holds every source found before, by path; changed names every file
    created, changed or removed since (the dev server's watcher), or is None
    when that is not known. Sources not returned need not even be looked at.
    None when discover must look again: a source is new or gone, or a folder
    came or went, which may bring or take sources without telling of each.
    """
    if before is None or changed is None:
        return None
    root = os.path.abspath(content_dir)
    base = os.path.normpath(content_dir)
    touched = set()
    for name in changed:
        full = os.path.abspath(name)
        if not full.startswith(root + os.sep):
            continue  # data/ and layouts/ are looked at on every build
        relative = full[len(root) + 1 :]
        listed = os.path.join(base, relative)  # as discover names it
        if Path(listed) in before:
            if not os.path.isfile(full):
                return None  # gone
            touched.add(Path(listed))
            continue
        hidden = any(part.startswith(".") for part in relative.split(os.sep))
        if not hidden and (full.endswith(".md") or os.path.isdir(full)):
            return None  # a new source, or a folder that may hold some
        if any(str(other).startswith(listed + os.sep) for other in before):
            return None  # a folder of sources went away
        # Else an editor's swap or backup file: nothing discover would list.
    return frozenset(touched)


@memoize
def parser(unsafe_html: bool) -> MarkdownIt:
    """One Markdown parser per process (set-up is costly; parsing keeps no state)."""
    return markdown.make_parser(unsafe_html)


# What reading one source gives: its article (None when it failed), problems, card.
LoadResult = tuple[Article | None, tuple[Diagnostic, ...], str]


def load_one(config: Config, path: Path) -> LoadResult:
    article, problems = load_article(path, config, parser(config.unsafe_html))
    return article, tuple(problems), card(article)


def card(article: Article | None) -> str:
    """A digest of everything of an article that pages other than its own show.

    That is all of it but the body's HTML: the body's summary stands on hubs.
    It reads "<linked>.<shown>": the first part digests what links it into
    the site (site.linked_as), so that a build can tell from two cards that
    the URLs, hubs and redirects hold (see linked_part).
    """
    if article is None:
        return ""
    # The body's signature and similar_to decide only warnings (similar.py), no page.
    shown = dataclasses.replace(
        article,
        body=markdown.Body(b"", (), article.body.summary),
        signature=None,
        similar_to=(),
    )
    linked = cache.digest(repr(linked_as(article)).encode())
    return f"{linked}.{cache.digest(repr(shown).encode())}"


def linked_part(card_digest: str) -> str:
    """The part of a card (see card) that digests how its article is linked into the site."""
    return card_digest.partition(".")[0]
