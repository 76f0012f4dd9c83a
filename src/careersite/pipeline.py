"""build(options) -> BuildResult: the stages in order, top to bottom.

Nothing here writes to disk but rendered pages into a staging tree it is
handed (Into); else the result holds every output file as bytes, so the
dev server can serve it. The command line publishes it (publish.py).
A build may be handed what the previous one in the same process learned
(Reuse): then only changed sources are parsed again and only the pages that
deps.stale names are rendered again. A build in a new process may be
handed what the last one left on disk (Previous, found by incremental/fresh.py): then
only the pages that changed are rendered and the result names the rest as
kept, for the writer to take from the output as it is.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from jinja2 import Environment

from . import anchors, markdown, similar, url_changes
from .article import Article, discover, load_article
from .assets import Assets, check_layouts, collect, layout_dirs
from .config import Config, load_config
from .diagnostics import Diagnostic, SourcePos, display_path, has_failures, ordered, warning
from .incremental import cache, deps
from .incremental.fresh import Inputs, Previous
from .incremental.stamps import Stamp, file_stamp, same_file
from .options import Options as Options
from .parallel import Progress
from .render import Output, Rendering, make_environment, render_pages
from .site import Site, link_site, linked_as
from .sources import (
    Loaded,
    fits_body,
    linked_part,
    load_one,
    load_sources,
    parser,
    touched_sources,
)
from .spill import Spill, Spilled
from .stale import stale_figures
from .urls import Linker, output_file
from .views import GUIDE_LAYOUT_IDS, Page, SiteView, build_pages

# A body's HTML and links as the build cache keeps them apart from its article.
_Stored = tuple[bytes | Spilled, tuple[markdown.SourceLink, ...]]


@dataclass(frozen=True, kw_only=True)
class _Configured:
    """Stage 1: the site's settings and data (data/), and what was wrong with them."""

    config: Config | None  # None: nothing can be built
    problems: tuple[Diagnostic, ...]
    data_stamps: dict[str, Stamp]


@dataclass(frozen=True, kw_only=True)
class _Read:
    """Stage 2: every source found and loaded (from the last build, the cache or parsed)."""

    discovered: tuple[list[Path], list[Diagnostic]]  # what discover found
    loaded: dict[Path, Loaded]
    digests: dict[Path, str]  # cache.digest of each source's bytes, with the cache on
    touched: frozenset[Path] | None  # sources the watcher named, when none came or went
    cache_folder: Path | None
    cache_key: str

    @property
    def problems(self) -> list[Diagnostic]:
        found = list(self.discovered[1])
        for entry in self.loaded.values():
            found += entry.diagnostics
        return found

    def stored_bodies(self, wanted: list[Path]) -> dict[Path, _Stored]:
        """The bodies the build cache holds for wanted sources, as they are now."""
        digests_of = {path: self.digests[path] for path in wanted if path in self.digests}
        spill = Spill()  # a full rebuild from the cache wants every body: see spill.py

        def spilled(stored: _Stored) -> _Stored:
            html, links = stored
            return spill.put(html) if isinstance(html, bytes) else html, links

        return cache.load_bodies(self.cache_folder, self.cache_key, digests_of, fits_body, spilled)


@dataclass(frozen=True, kw_only=True)
class _Linked:
    """Stage 3: the site linked (URLs, hubs, redirects), and what links to each source find."""

    site: Site
    problems: tuple[Diagnostic, ...]  # what link_site found
    targets: markdown.Targets  # see _link_targets
    changed: set[Path]  # sources loaded anew since the build that lent Reuse, or gone
    came_or_went: bool  # since that build
    # the changed sources' articles when each is linked as before (_rewritten)
    rewritten: dict[Path, Article] | None


@dataclass(frozen=True, kw_only=True)
class _Layouts:
    """Stage 4: the layout folders, checked, with their stamps and a Jinja environment."""

    dirs: list[Path]
    problems: tuple[Diagnostic, ...]
    stamps: dict[str, Stamp]
    env: Environment


@dataclass(frozen=True, kw_only=True)
class Reuse:
    """What a build lends the next one in the same process (the dev server): its stages."""

    options: Options
    configured: _Configured
    read: _Read
    linked: _Linked
    layouts: _Layouts
    problems: dict[Path, tuple[Diagnostic, ...]]  # each built body's link problems
    marked: dict[str, markdown.Body]  # each built page's body by site path (_Bodies)
    files: dict[str, bytes]

    @property
    def config(self) -> Config:
        assert self.configured.config is not None, "a build without settings lends nothing"
        return self.configured.config


@dataclass(frozen=True, kw_only=True)
class BuildResult:
    files: Mapping[str, bytes] = field(default_factory=dict)  # output path -> content
    diagnostics: tuple[Diagnostic, ...] = ()
    strict: bool = False
    # the pages this build rendered (fewer than all on a rebuild), by site path: why
    reasons: Mapping[str, str] = field(default_factory=dict)
    reuse: Reuse | None = None
    kept: frozenset[str] = frozenset()  # output files to take unchanged from Previous
    inputs: Inputs | None = None  # with the cache on
    # output files already written into the tree `into`, with the digests of their content
    written: Mapping[str, str] = field(default_factory=dict)
    # each built guide's source -> its site path, for the next build (url_changes.py)
    urls: Mapping[Path, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return has_failures(self.diagnostics, self.strict)

    @property
    def rendered(self) -> int:
        return len(self.reasons)

    @property
    def names(self) -> tuple[str, ...]:
        """Every file the output will hold: made, written into the tree, or kept."""
        return (*self.files, *self.written, *self.kept)


@dataclass(frozen=True)
class Into:
    """A folder that rendered pages are written into as they come (write.stage's tree)."""

    folder: Path
    # the files it holds that are not this build's (a spare tree's), with their inodes:
    # only they may be cleared (write.put)
    replaceable: Mapping[str, int] = field(default_factory=dict)


def _silent(stage: str, done: int, total: int) -> None:
    """The default progress report: none."""


def build(
    options: Options,
    since: Reuse | Previous | None = None,
    *,
    changed: Collection[str] | None = None,
    known: Mapping[str, str] | None = None,
    progress: Progress = _silent,
    into: Into | None = None,
) -> BuildResult:
    """Run the stages in order (see the module's docstring).

    since is what the build starts from: what the last build in this process
    lent (Reuse), what the last one left on disk (Previous), or nothing.
    changed may name, with a Reuse, every file created, changed or removed
    since, as the dev server's watcher saw them: then the sources are not
    looked for or looked at again unless those changes call for it. known
    may give cache.digest of source files by path, as fresh.fingerprints
    found them: those files are not read to look them up in the build cache.
    into takes the rendered pages as they come, instead of the result: at
    10,000 guides they are over 200 MB.
    """
    previous = since if isinstance(since, Previous) else None
    configured, reuse = _configure(options, since if isinstance(since, Reuse) else None)
    config = configured.config
    if config is None:
        return BuildResult(diagnostics=tuple(ordered(configured.problems)), strict=options.strict)
    read = _read(options, config, reuse, changed, known or {}, progress)
    linked = _link(options, config, reuse, read)
    layouts = _layouts(config, reuse, options.cache)
    diagnostics = [*configured.problems, *read.problems, *linked.problems, *layouts.problems]
    if has_failures(layouts.problems, strict=False):  # rendering would fail on every page
        return BuildResult(diagnostics=tuple(ordered(diagnostics)), strict=options.strict)
    inputs = _inputs(read, layouts.dirs) if options.cache else None
    assets = collect([d / "static" for d in layouts.dirs])
    bodies, site_view, pages = _views(config, linked, assets)
    change, before = _change(reuse, previous, inputs, read, linked, layouts.stamps)
    stale = _stale(change, before, read, linked, layouts, pages)
    settled = _settled(previous, linked.site, stale)
    body_problems = _prepare_bodies(linked, bodies, stale, reuse, settled, read)
    diagnostics += [*assets.problems, *chain.from_iterable(body_problems.values())]
    diagnostics += _anchor_problems(linked.site.articles, config.layout_ids)
    diagnostics += _near_duplicates(linked.site.articles, config.near_duplicate)
    # A build that has failed already renders only to find more problems, and
    # writes nothing: its pages may meet (two guides with one URL, say).
    writing = into if not has_failures(diagnostics, options.strict) else None
    output = _output(assets.files, writing, reuse, previous)
    rendering = Rendering(layouts.env, site_view)
    reasons = render_pages(pages, rendering, stale, output, progress, options.jobs)
    lent = Reuse(
        options=options,
        configured=configured,
        read=read,
        linked=linked,
        layouts=layouts,
        problems=body_problems,
        marked=bodies.marked,
        files=output.files,
    )
    result = _result(lent, diagnostics, output, reasons, inputs)
    return dataclasses.replace(result, urls=url_changes.urls(linked.site))


def _stale(
    change: deps.Change,
    before: Site | None,
    read: _Read,
    linked: _Linked,
    layouts: _Layouts,
    pages: list[Page],
) -> deps.Stale:
    """The pages to render again after change, each with its reason (deps.stale)."""
    template_of = {page.path: page.template for page in pages}
    links_to = _links_to(read.loaded) if change.moved else {}
    return deps.stale(change, linked.site, layouts.env, template_of, before, links_to)


def _result(
    lent: Reuse,
    diagnostics: list[Diagnostic],
    output: Output,
    reasons: dict[str, str],
    inputs: Inputs | None,
) -> BuildResult:
    """What a build that rendered its pages gives back, with what the next one may take."""
    return BuildResult(
        files=output.files,
        diagnostics=tuple(ordered([*diagnostics, *output.problems])),
        strict=lent.options.strict,
        reasons=reasons,
        reuse=lent,
        kept=frozenset(output.kept),
        inputs=dataclasses.replace(inputs, problems=lent.problems) if inputs is not None else None,
        written=output.written,
    )


def _views(config: Config, linked: _Linked, assets: Assets) -> tuple[_Bodies, SiteView, list[Page]]:
    """Stage 5: a view of every page, with links by the site's base URL; bodies come later."""
    linker = Linker.for_base_url(config.base_url)
    hrefs = {name: linker.href(path) for name, path in assets.hrefs.items()}
    bodies = _Bodies(linked.targets, linker.href)  # filled by _prepare_bodies
    site_view, pages = build_pages(linked.site, bodies, hrefs)
    return bodies, site_view, pages


def _output(
    files: Mapping[str, bytes], into: Into | None, reuse: Reuse | None, previous: Previous | None
) -> Output:
    """Where this build's pages go (files, or into) and where unchanged ones come from."""
    return Output(
        files=dict(files),
        into=into.folder if into is not None else None,
        replaceable=into.replaceable if into is not None else {},
        lent=reuse.files if reuse is not None else {},
        earlier=previous.files if previous is not None else frozenset(),
    )


def _configure(options: Options, lent: Reuse | None) -> tuple[_Configured, Reuse | None]:
    """Stage 1, and the lent build while it may be used: same options, data/ as it was."""
    before = lent.configured.data_stamps if lent is not None else {}
    data_stamps = _stamps(options.source / "data", before)
    if lent is not None and lent.options == options and before == data_stamps:
        return lent.configured, lent
    config, found = load_config(options.source, options.base_url)  # data feeds every page
    return _Configured(config=config, problems=tuple(found), data_stamps=data_stamps), None


def _read(
    options: Options,
    config: Config,
    reuse: Reuse | None,
    changed: Collection[str] | None,
    known: Mapping[str, str],
    progress: Progress,
) -> _Read:
    """Stage 2: find the sources (unless the watcher tells none came or went) and load them."""
    earlier = reuse.read.loaded if reuse is not None else {}
    touched = touched_sources(earlier if reuse is not None else None, config.content_dir, changed)
    if reuse is not None and touched is not None:
        discovered = reuse.read.discovered
    else:
        discovered = discover(config.content_dir)
    cache_key = cache.key(options.source) if options.cache else ""
    loaded, digests = load_sources(
        discovered[0],
        config,
        jobs=options.jobs,
        cache_folder=options.cache,
        cache_key=cache_key,
        earlier=earlier,
        known=known,
        progress=progress,
        only=touched,
    )
    return _Read(
        discovered=discovered,
        loaded=loaded,
        digests=digests,
        touched=touched,
        cache_folder=options.cache,
        cache_key=cache_key,
    )


def _link(options: Options, config: Config, reuse: Reuse | None, read: _Read) -> _Linked:
    """Stage 3: link the site, or keep the lent one when every change leaves it linked as before."""
    # A source that came or went may change the hint on a link to a missing file.
    came_or_went = reuse is not None and reuse.read.discovered[0] != read.discovered[0]
    changed = _changed_sources(reuse, read.loaded, read.touched) if reuse is not None else set()
    rewritten = _rewritten(reuse, read.loaded, changed) if not came_or_went else None
    if reuse is not None and rewritten is not None:  # linked as before: the links hold
        return dataclasses.replace(
            reuse.linked,
            site=reuse.linked.site.with_articles(rewritten),
            changed=changed,
            came_or_went=False,
            rewritten=rewritten,
        )
    articles = [entry.article for entry in read.loaded.values() if entry.article is not None]
    failed = [path for path, entry in read.loaded.items() if entry.article is None]
    built = [a for a in articles if options.builds(draft=a.draft, date=a.date)]
    site, found = link_site(built, config)
    return _Linked(
        site=site,
        problems=tuple(found),
        targets=_link_targets(site, articles, failed),
        changed=changed,
        came_or_went=came_or_went,
        rewritten=None,
    )


def _layouts(config: Config, reuse: Reuse | None, cache_folder: Path | None) -> _Layouts:
    """Stage 4: check the layout folders; the lent environment while none of their files changed.

    With the build cache, compiled layouts are kept in its folder for the next process.
    """
    dirs = layout_dirs(config.source)
    before = reuse.layouts.stamps if reuse is not None else {}
    stamps = {name: stamp for d in reversed(dirs) for name, stamp in _stamps(d, before).items()}
    return _Layouts(
        dirs=dirs,
        problems=tuple(check_layouts(dirs)),
        stamps=stamps,
        env=_environment(reuse, dirs, stamps, cache_folder),
    )


def _change(
    reuse: Reuse | None,
    previous: Previous | None,
    inputs: Inputs | None,
    read: _Read,
    linked: _Linked,
    layout_stamps: dict[str, Stamp],
) -> tuple[deps.Change, Site | None]:
    """What changed since the build this one starts from, and that build's site when at hand."""
    if reuse is not None:
        return _change_in_process(reuse, read, linked, layout_stamps), reuse.linked.site
    if previous is not None and inputs is not None:
        return _change_since(previous.inputs, inputs, linked.site), None
    return deps.Change(everything="no earlier build to start from"), None


def _change_in_process(
    reuse: Reuse, read: _Read, linked: _Linked, layout_stamps: dict[str, Stamp]
) -> deps.Change:
    """What changed since the build that lent reuse, as deps.stale judges it."""
    before = reuse.linked
    # Sitemap and feed show dates and the summary, which are in the card.
    text_only = {
        path
        for path in linked.changed
        if _same_card(reuse.read.loaded.get(path), read.loaded.get(path))
        and path in linked.site.paths
        and path in before.site.paths
    }
    # Linked as before (salary, summary, dates changed): the pages that show it, in the site now.
    shown = {
        path
        for path in linked.changed - text_only
        if _same_links(reuse.read.loaded.get(path), read.loaded.get(path))
        and path in linked.site.paths
        and path in before.site.paths
    }
    relinked = linked.changed - text_only - shown
    # Links to a source that moved, came, went, or turned draft or broken read otherwise.
    gone = markdown.Unbuilt.MISSING
    moved = {
        path
        for path in relinked
        if before.targets.get(key := markdown.source_key(path), gone)
        != linked.targets.get(key, gone)
    }
    names = set(layout_stamps) | set(reuse.layouts.stamps)
    layouts = {n for n in names if layout_stamps.get(n) != reuse.layouts.stamps.get(n)}
    return deps.Change(
        text=frozenset(text_only),
        shown=frozenset(shown),
        relinked=frozenset(relinked),
        moved=frozenset(moved),
        layouts=frozenset(layouts),
    )


def _links_to(loaded: Mapping[Path, Loaded]) -> dict[Path, set[Path]]:
    """Each source file, with the sources whose text links to it.

    A link names its target by markdown.source_key: here it is the file's own path again.
    """
    own = {markdown.source_key(path): path for path in loaded}
    links_to: dict[Path, set[Path]] = defaultdict(set)
    for path, entry in loaded.items():
        for target in entry.links:
            links_to[own.get(target, target)].add(path)
    return links_to


def _environment(
    reuse: Reuse | None,
    dirs: list[Path],
    layout_stamps: dict[str, Stamp],
    cache_folder: Path | None,
) -> Environment:
    """The previous build's Jinja environment while no layout file changed.

    It holds the compiled templates: compiling them again took 60 ms of every
    rebuild at 10,000 guides.
    """
    if reuse is not None and (reuse.layouts.dirs, reuse.layouts.stamps) == (dirs, layout_stamps):
        return reuse.layouts.env
    return make_environment(dirs, cache_folder)


def _stamps(folder: Path, before: Mapping[str, Stamp]) -> dict[str, Stamp]:
    """Every file below folder by relative name, with its stamp.

    A file as it was when before was taken keeps the stamp it had there, so
    that the two compare equal (see same_file).
    """
    since = time.time_ns()
    found: dict[str, Stamp] = {}
    for relative, path in _files(folder):
        stamp, earlier = file_stamp(path, since), before.get(relative)
        same = earlier is not None and same_file(earlier, stamp, path)
        found[relative] = earlier if same and earlier is not None else stamp
    return found


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file below folder: its name relative to folder, and its path."""
    if folder.is_dir():
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root, name)
                if path.is_file():  # a pipe would block (and is skipped with a warning)
                    yield path.relative_to(folder).as_posix(), path


def _changed_sources(
    reuse: Reuse, loaded: dict[Path, Loaded], touched: frozenset[Path] | None
) -> set[Path]:
    """Sources loaded anew since the build that lent reuse, and sources gone since.

    With touched (touched_sources), every other source is the very entry reuse lent.
    """
    if touched is not None:
        return {path for path in touched if loaded[path] is not reuse.read.loaded[path]}
    changed = {path for path, entry in loaded.items() if reuse.read.loaded.get(path) is not entry}
    return changed | (set(reuse.read.loaded) - set(loaded))


def _rewritten(
    reuse: Reuse | None, loaded: dict[Path, Loaded], changed_sources: set[Path]
) -> dict[Path, Article] | None:
    """The changed sources' articles when each is linked into the site as before.

    That is, when its text, salary, summary or dates changed, but not what
    link_site reads (site.linked_as): then URLs, hubs and redirects are as
    they were, and so is what each link finds (links in the text may differ).
    None when a change reaches further: a title, role, city, slug, alias,
    draft flag or date (scheduled publishing) changed, or a source failed,
    came or went. None too when a body of the last build waits in the build
    cache: only complete bodies are carried over.
    """
    if reuse is None or len(reuse.marked) != len(reuse.linked.site.articles):
        return None
    rewritten = {}
    for path in changed_sources:
        before, now = reuse.read.loaded.get(path), loaded.get(path)
        if before is None or now is None or before.article is None or now.article is None:
            return None
        if linked_as(before.article) != linked_as(now.article) or now.article.body.html is None:
            return None
        rewritten[path] = now.article
    return rewritten


def _same_links(before: Loaded | None, now: Loaded | None) -> bool:
    """Whether a source is linked into the site as before and links to the same files."""
    if before is None or now is None or before.article is None or now.article is None:
        return False
    return linked_part(before.card) == linked_part(now.card) and before.links == now.links


def _same_card(before: Loaded | None, now: Loaded | None) -> bool:
    if before is None or now is None or before.article is None or now.article is None:
        return False
    return before.card == now.card and before.links == now.links


def _inputs(read: _Read, dirs: list[Path]) -> Inputs:
    sources = {path: (read.digests.get(path, ""), e.card) for path, e in read.loaded.items()}
    layouts: dict[str, str] = {}
    for folder in reversed(dirs):  # the site's own layouts win
        for name, path in _files(folder):
            layouts[name] = cache.digest(path.read_bytes())
    return Inputs(sources, layouts)


def _change_since(before: Inputs, now: Inputs, site: Site) -> deps.Change:
    """What changed since a build in an earlier process (see Previous), as deps.stale judges it.

    A source whose card is unchanged changes only its own page; one linked
    into the site as before (a new salary, summary or date: sources.card's
    first part unchanged) the pages that show it. Anything more (a new or
    removed source, a changed title, role, city, slug, alias or draft flag)
    renders every page again, from cached bodies: the site as it was linked
    then is not at hand.
    """
    if set(before.sources) != set(now.sources):
        return deps.Change(everything="a source came or went since the last build")
    text, shown = set(), set()
    for path, (digest, card) in now.sources.items():
        if before.sources[path] == (digest, card) and digest:
            continue
        earlier = before.sources[path][1]
        if not digest or not card or not earlier or path not in site.paths:
            why = f"{display_path(path)} is a draft or has errors, now or in the last build"
            return deps.Change(everything=why)
        if earlier == card:
            text.add(path)
        elif linked_part(earlier) == linked_part(card):
            shown.add(path)
        else:
            why = f"{display_path(path)} is linked otherwise (title, role, city, slug or alias)"
            return deps.Change(everything=why)
    names = set(before.layouts) | set(now.layouts)
    layouts = {n for n in names if before.layouts.get(n) != now.layouts.get(n)}
    return deps.Change(text=frozenset(text), shown=frozenset(shown), layouts=frozenset(layouts))


def _settled(
    previous: Previous | None, site: Site, stale: deps.Stale
) -> dict[Path, tuple[Diagnostic, ...]]:
    """Sources whose page is taken from the output as it is, with their body's problems.

    Their bodies need no HTML. The problems are the previous build's: with
    every source linked as before and the set of sources unchanged (else
    stale is everything), each link resolves as it did.
    """
    if previous is None or stale.everything is not None:
        return {}
    return {
        source: problems
        for source, problems in previous.inputs.problems.items()
        if source in site.paths
        and site.paths[source] not in stale
        and output_file(site.paths[source]) in previous.files
    }


class _Bodies(Mapping[str, str]):
    """Each page's finished body HTML by its site path, made as the page is rendered.

    So bodies are finished in the rendering workers, in parallel, and no
    process holds every finished body at once.
    """

    def __init__(self, targets: markdown.Targets, href_for: Callable[[str], str]) -> None:
        self.marked: dict[str, markdown.Body] = {}  # with their links as markers
        self.targets = targets
        self.href_for = href_for

    def __getitem__(self, path: str) -> str:
        return markdown.resolve(self.marked[path], self.targets, self.href_for)

    def __iter__(self) -> Iterator[str]:
        return iter(self.marked)

    def __len__(self) -> int:
        return len(self.marked)


def _prepare_bodies(
    linked: _Linked,
    bodies: _Bodies,
    stale: deps.Stale,
    reuse: Reuse | None,
    settled: Mapping[Path, tuple[Diagnostic, ...]],
    read: _Read,
) -> dict[Path, tuple[Diagnostic, ...]]:
    """Each built article's link problems by source; into bodies, those a page may show.

    A page left as it was keeps its body's problems (from the build that
    lent reuse, or settled), unless they may read otherwise now: when a
    source came or went, those that had problems are checked again. Bodies
    waiting in the build cache get their HTML and links from it when their
    page is to be rendered or their links checked.
    """
    if reuse is not None and linked.rewritten is not None:
        return _prepare_rewritten(linked.site, bodies, reuse, linked.rewritten)
    site = linked.site
    problems: dict[Path, tuple[Diagnostic, ...]] = {}
    todo = []
    for article in site.articles:
        path = site.paths[article.source]
        if article.body.html is not None:
            bodies.marked[path] = article.body
        before = reuse.problems.get(article.source) if reuse else None
        if before is not None and path not in stale and not (before and linked.came_or_went):
            problems[article.source] = before
        elif article.source in settled:
            problems[article.source] = settled[article.source]
        else:
            todo.append(article)
    fetched = read.stored_bodies([a.source for a in todo if a.body.html is None])
    for article in todo:
        body = article.body
        if body.html is None:
            if article.source in fetched:
                html, links = fetched[article.source]
                body = dataclasses.replace(body, html=html, links=links)
            else:  # the cache lost it: the source is as it was, so read it again
                again = load_one(site.config, article.source)[0]
                body = again.body if again is not None else dataclasses.replace(body, html=b"")
            bodies.marked[site.paths[article.source]] = body
        problems[article.source] = tuple(markdown.link_problems(body, bodies.targets))
    return problems


def _prepare_rewritten(
    site: Site, bodies: _Bodies, reuse: Reuse, rewritten: Mapping[Path, Article]
) -> dict[Path, tuple[Diagnostic, ...]]:
    """_prepare_bodies when the rewritten sources are linked as before (_rewritten).

    Every other body, and what each link finds, is as it was in the build
    that lent reuse: so are their problems.
    """
    bodies.marked = dict(reuse.marked)
    problems = dict(reuse.problems)
    for source, article in rewritten.items():
        path = site.paths.get(source)
        if path is not None:  # else a draft, not built
            bodies.marked[path] = article.body
            problems[source] = tuple(markdown.link_problems(article.body, bodies.targets))
    return problems


def _anchor_problems(
    built: Collection[Article], layout_ids: Collection[str], edited: Article | None = None
) -> list[Diagnostic]:
    """Links to an id that a guide does not have, from every built guide or from edited alone.

    Besides its body's, a guide's page has the ids careersite's guide layout
    writes, and those the site's own layouts do (layout_ids in data/site.yaml).

    edited is an editor's buffer (check_text): a draft's links are checked
    too, into its own ids and those of the built guides.

    Checked on every build, from every guide's ids as they are now: a guide
    whose headings changed changes what links into it find, though neither
    page is rendered again for it (anchors.py).
    """
    guides = [a for a in (*built, *([edited] if edited else [])) if a.is_guide]
    ids_of: dict[Path, tuple[str, ...]] = {}
    for guide in guides:  # by its own path (#x) and as links name it (source_key)
        ids_of[guide.source] = ids_of[markdown.source_key(guide.source)] = guide.body.ids
    linking = [edited] if edited is not None else guides
    links = chain.from_iterable(article.body.anchors for article in linking)
    return anchors.problems(links, ids_of, GUIDE_LAYOUT_IDS | frozenset(layout_ids))


def _near_duplicates(built: Collection[Article], percent: int | None) -> list[Diagnostic]:
    """A warning at each of two built guides whose text is at least percent alike.

    Unless one of them names the other in similar_to. Checked on every build
    over every guide, as the anchors are: an edit to one guide may make it
    alike to another that is not rendered again.
    """
    if percent is None:
        return []
    guides = {a.source: a for a in built if a.is_guide and a.signature is not None}
    signed = ((path, guide.signature) for path, guide in guides.items() if guide.signature)
    found = []
    for one, two, share in similar.near_pairs(signed, percent / 100):
        first, second = guides[one], guides[two]
        if markdown.source_key(two) in first.similar_to:
            continue
        if markdown.source_key(one) in second.similar_to:
            continue
        for this, other in ((first, second), (second, first)):
            link = os.path.relpath(other.source, this.source.parent)
            found.append(
                warning(
                    f"this guide's text is nearly the same as {display_path(other.source)}'s "
                    f"({round(share * 100)} % alike): search engines show one of such pages "
                    "and demote the rest",
                    SourcePos(this.source, 1, 1),
                    hint=f"write each for its own role and city; if they are meant to be alike, "
                    f"add 'similar_to: [{link}]' to the front matter",
                )
            )
    return found


def _link_targets(site: Site, articles: list[Article], failed: list[Path]) -> markdown.Targets:
    """What a link to each source file finds: its page, or that it is a draft, scheduled or failed.

    Keyed by markdown.source_key, as links name their targets. A failed one's
    own error already fails the build.
    """
    unbuilt = markdown.Unbuilt
    key = markdown.source_key
    targets: dict[Path, markdown.Target] = {
        key(a.source): unbuilt.DRAFT if a.draft else unbuilt.SCHEDULED for a in articles
    }
    targets.update({key(path): markdown.Unbuilt.FAILED for path in failed})
    targets.update({key(source): markdown.Page(path) for source, path in site.paths.items()})
    return targets


def with_stale_figures(result: BuildResult) -> BuildResult:
    """result with `check`'s warnings on salary figures reviewed too long ago (stale.py).

    Not a stage of build: what a build reports and writes does not change with the calendar.
    """
    reuse = result.reuse
    if reuse is None:  # the settings or the layouts are broken: nothing was read
        return result
    options = reuse.options
    articles = (entry.article for entry in reuse.read.loaded.values())
    built = [a for a in articles if a is not None and options.builds(draft=a.draft, date=a.date)]
    found = stale_figures(built, reuse.config.stale_after_months, options.today)
    return dataclasses.replace(result, diagnostics=tuple(ordered([*result.diagnostics, *found])))


def check_text(reuse: Reuse, path: Path, text: str) -> list[Diagnostic]:
    """What `careersite check` would report about the source at path if it held text.

    For an editor's unsaved buffer: the rest of the site is as the build that
    lent reuse found it. A draft's links are checked too, as its author edits it.
    An editor may name the file in another Unicode normalisation than the disk.
    """
    config = reuse.config
    article, found = load_article(path, config, parser(config.unsafe_html), text)
    loaded = reuse.read.loaded
    key = markdown.source_key(path)
    others = {
        source: entry.article
        for source, entry in loaded.items()
        if markdown.source_key(source) != key
    }
    articles = [a for a in (*others.values(), article) if a is not None]
    failed = [source for source, a in others.items() if a is None]
    built = [a for a in articles if reuse.options.builds(draft=a.draft, date=a.date)]
    site, problems = link_site(built, config)
    found += problems
    if article is not None:
        targets = _link_targets(site, articles, failed)
        linker = Linker.for_base_url(config.base_url)
        found += markdown.finish(article.body, targets, linker.href)[1]
        found += _anchor_problems(site.articles, config.layout_ids, article)
        if reuse.options.builds(draft=article.draft, date=article.date):
            found += stale_figures([article], config.stale_after_months, reuse.options.today)
            found += _near_duplicates(site.articles, config.near_duplicate)  # this one's kept
    return [d for d in ordered(found) if d.pos is not None and d.pos.path == path]
