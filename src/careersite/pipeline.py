"""build(options) -> BuildResult: the stages in order, top to bottom.

Nothing here writes to disk; the result holds every output file as bytes,
so the command line can write it atomically and the dev server can serve it.
A build may be handed what the previous one in the same process learned
(Reuse): then only changed sources are parsed again and only the pages that
deps.stale_pages names are rendered again. A build in a new process may be
handed what the last one left on disk (Previous, found by fresh.py): then
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
from pathlib import Path

from jinja2 import Environment

from . import cache, deps, markdown
from .article import Article, discover, load_article
from .assets import check_layouts, collect, layout_dirs
from .config import Config, load_config
from .diagnostics import Diagnostic, has_failures, ordered
from .fresh import Inputs, Previous
from .render import Output, make_environment, render_pages
from .site import Site, link_site, linked_as
from .sources import (
    Loaded,
    Progress,
    Stamp,
    file_stamp,
    fits_body,
    linked_part,
    load_one,
    load_sources,
    parser,
    same_file,
    touched_sources,
)
from .urls import Linker, output_file
from .views import build_pages


@dataclass(frozen=True)
class Options:
    source: Path = Path(".")
    output: Path = Path("public")
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    jobs: int = 0  # worker processes for reading and rendering; 0: one per core
    cache: Path | None = None  # the persistent build cache's folder; None: no cache


@dataclass(frozen=True)
class Reuse:
    """What a build lends the next one in the same process (the dev server)."""

    options: Options
    data_stamps: dict[str, Stamp]
    layout_stamps: dict[str, Stamp]
    config: Config
    config_diagnostics: tuple[Diagnostic, ...]
    discovered: tuple[list[Path], list[Diagnostic]]  # what discover found
    loaded: dict[Path, Loaded]
    site: Site
    site_problems: tuple[Diagnostic, ...]  # what link_site found
    problems: dict[Path, tuple[Diagnostic, ...]]  # each built body's link problems
    targets: Mapping[Path, str | None]  # what links to each source find (_link_targets)
    marked: dict[str, markdown.Body]  # each built page's body by site path (_Bodies)
    files: dict[str, bytes]
    layout_dirs: list[Path]
    env: Environment


@dataclass(frozen=True)
class BuildResult:
    files: Mapping[str, bytes] = field(default_factory=dict)  # output path -> content
    diagnostics: tuple[Diagnostic, ...] = ()
    strict: bool = False
    rendered: int = 0  # pages rendered by this build (fewer than all on a rebuild)
    reuse: Reuse | None = None
    kept: frozenset[str] = frozenset()  # output files to take unchanged from Previous
    inputs: Inputs | None = None  # with the cache on
    # output files already written into the tree `into`, with the digests of their content
    written: Mapping[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return has_failures(self.diagnostics, self.strict)


def _silent(stage: str, done: int, total: int) -> None:
    """The default progress report: none."""


def build(
    options: Options,
    reuse: Reuse | None = None,
    progress: Progress = _silent,
    previous: Previous | None = None,
    digests: Mapping[str, str] | None = None,
    into: Path | None = None,
    changed: Collection[str] | None = None,
    replaceable: Mapping[str, int] | None = None,
) -> BuildResult:
    """Run the stages in order (see the module's docstring).

    digests may give cache.digest of source files by path, as fresh.fingerprints
    found them: those files are not read to learn whether the cache holds them.
    into is a folder (the command line's staging tree, write.stage) that
    rendered pages are written into as they come, by the process that renders
    them, instead of being held in the result: at 10,000 guides they are
    over 200 MB. changed may name every file created, changed or removed since
    the build that lent reuse, as the dev server's watcher saw them: then the
    sources are not looked for or looked at again unless those changes call
    for it. replaceable names the files into holds that are not this build's
    (a spare tree's), with their inodes: only they may be cleared (write.put).
    """
    data_stamps = _stamps(options.source / "data", reuse.data_stamps if reuse else {})
    if reuse is not None and (reuse.options != options or reuse.data_stamps != data_stamps):
        reuse = None  # data feeds every page: start afresh
    if reuse is not None:
        config, config_diagnostics = reuse.config, reuse.config_diagnostics
    else:
        loaded_config, found = load_config(options.source, options.base_url)
        if loaded_config is None:
            return BuildResult({}, tuple(ordered(found)), options.strict)
        config, config_diagnostics = loaded_config, tuple(found)
    diagnostics = list(config_diagnostics)
    touched = touched_sources(reuse.loaded if reuse else None, config.content_dir, changed)
    if reuse is not None and touched is not None:
        discovered = reuse.discovered
    else:
        discovered = discover(config.content_dir)
    sources = discovered[0]
    diagnostics += discovered[1]
    cache_key = cache.key(options.source) if options.cache else ""
    loaded, read = load_sources(
        sources,
        config,
        jobs=options.jobs,
        cache_folder=options.cache,
        cache_key=cache_key,
        earlier=reuse.loaded if reuse is not None else {},
        known=digests or {},
        progress=progress,
        only=touched,
    )
    for entry in loaded.values():
        diagnostics += entry.diagnostics
    articles = [entry.article for entry in loaded.values() if entry.article is not None]
    # A source that came or went may change the hint on a link to a missing file.
    came_or_went = reuse is not None and reuse.discovered[0] != sources
    changed_sources = _changed_sources(reuse, loaded, touched) if reuse is not None else set()
    rewritten = _rewritten(reuse, loaded, changed_sources) if not came_or_went else None
    if reuse is not None and rewritten is not None:  # linked as before: the links hold
        site, site_problems = reuse.site.with_articles(rewritten), reuse.site_problems
        targets = reuse.targets
    else:
        failed = [path for path, entry in loaded.items() if entry.article is None]
        built = [a for a in articles if options.drafts or not a.draft]
        site, found = link_site(built, config)
        site_problems = tuple(found)
        targets = _link_targets(site, articles, failed)
    diagnostics += site_problems
    dirs = layout_dirs(config.source)
    layout_problems = check_layouts(dirs)
    diagnostics += layout_problems
    if has_failures(layout_problems, strict=False):  # rendering would fail on every page
        return BuildResult({}, tuple(ordered(diagnostics)), options.strict)
    before = reuse.layout_stamps if reuse is not None else {}
    layout_stamps = {
        name: stamp for d in reversed(dirs) for name, stamp in _stamps(d, before).items()
    }
    env = _environment(reuse, dirs, layout_stamps)
    inputs = _inputs(loaded, read, dirs) if options.cache else None
    assets = collect([d / "static" for d in dirs])
    diagnostics += assets.problems
    linker = Linker.for_base_url(config.base_url)
    hrefs = {name: linker.href(path) for name, path in assets.hrefs.items()}
    bodies = _Bodies(targets, linker.href)  # filled below
    site_view, pages = build_pages(site, bodies, hrefs)
    template_of = {page.path: page.template for page in pages}
    if reuse is not None:
        stale = _stale(
            reuse, changed_sources, loaded, site, targets, layout_stamps, env, template_of
        )
    elif previous is not None and inputs is not None:
        stale = _stale_since(previous.inputs, inputs, site, env, template_of)
    else:
        stale = deps.EVERYTHING
    settled = _settled(previous, site, stale) if reuse is None else {}

    def stored_bodies(wanted: list[Path]) -> dict[Path, _Stored]:
        digests_of = {path: read[path] for path in wanted if path in read}
        return cache.load_bodies(options.cache, cache_key, digests_of, fits_body)

    if reuse is not None and rewritten is not None:
        body_problems = _prepare_rewritten(site, bodies, reuse, rewritten)
    else:
        body_problems = _prepare_bodies(
            site, bodies, stale, reuse, came_or_went, settled, stored_bodies
        )
    if inputs is not None:
        inputs = dataclasses.replace(inputs, problems=body_problems)
    for problems_of_body in body_problems.values():
        diagnostics += problems_of_body
    files = dict(assets.files)
    earlier = previous.files if previous is not None and reuse is None else frozenset()
    kept: set[str] = set()
    written: dict[str, str] = {}
    lent = reuse.files if reuse is not None else {}
    # A build that has failed already renders only to find more problems, and
    # writes nothing: its pages may meet (two guides with one URL, say).
    if has_failures(diagnostics, options.strict):
        into = None
    output = Output(files, kept, written, into, replaceable=replaceable or {})
    rendered = render_pages(
        pages, env, site_view, stale, lent, earlier, output, progress, options.jobs
    )
    diagnostics += output.problems
    lending = Reuse(
        options,
        data_stamps,
        layout_stamps,
        config,
        config_diagnostics,
        discovered,
        loaded,
        site,
        site_problems,
        body_problems,
        targets,
        bodies.marked,
        files,
        dirs,
        env,
    )
    return BuildResult(
        files,
        tuple(ordered(diagnostics)),
        options.strict,
        rendered,
        lending,
        frozenset(kept),
        inputs,
        written,
    )


def _environment(
    reuse: Reuse | None, dirs: list[Path], layout_stamps: dict[str, Stamp]
) -> Environment:
    """The previous build's Jinja environment while no layout file changed.

    It holds the compiled templates: compiling them again took 60 ms of every
    rebuild at 10,000 guides.
    """
    if reuse is not None and (reuse.layout_dirs, reuse.layout_stamps) == (dirs, layout_stamps):
        return reuse.env
    return make_environment(dirs)


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


_GONE = "\0gone"  # no source there: not a site path, a draft (None) or a failed one ("")


def _stale(
    reuse: Reuse | None,
    changed_sources: set[Path],
    loaded: dict[Path, Loaded],
    site: Site,
    targets: Mapping[Path, str | None],
    layout_stamps: dict[str, Stamp],
    env: Environment,
    template_of: dict[str, str],
) -> set[str] | None:
    """The pages this build must render; deps.EVERYTHING without a previous build."""
    if reuse is None:
        return deps.EVERYTHING
    # Sitemap and feed show dates and the summary, which are in the card.
    body_only = {
        path
        for path in changed_sources
        if _same_card(reuse.loaded.get(path), loaded.get(path))
        and path in site.paths
        and path in reuse.site.paths
    }
    changed = changed_sources - body_only
    names = set(layout_stamps) | set(reuse.layout_stamps)
    layouts = {n for n in names if layout_stamps.get(n) != reuse.layout_stamps.get(n)}
    if any(name.startswith("static/") for name in layouts):
        return deps.EVERYTHING  # fingerprinted hrefs change on every page
    users = deps.template_users(env, layouts) if layouts else set()
    # Links to a source that moved, came, went, or turned draft or broken read otherwise.
    moved = {path for path in changed if reuse.targets.get(path, _GONE) != targets.get(path, _GONE)}
    links_to: dict[Path, set[Path]] = defaultdict(set)
    for path, entry in loaded.items() if moved else ():
        for target in entry.links:
            links_to[target].add(path)
    return deps.stale_pages(
        reuse.site, site, changed, moved, links_to, users, template_of, body_only
    )


def _changed_sources(
    reuse: Reuse, loaded: dict[Path, Loaded], touched: frozenset[Path] | None
) -> set[Path]:
    """Sources loaded anew since the build that lent reuse, and sources gone since.

    With touched (touched_sources), every other source is the very entry reuse lent.
    """
    if touched is not None:
        return {path for path in touched if loaded[path] is not reuse.loaded[path]}
    changed = {path for path, entry in loaded.items() if reuse.loaded.get(path) is not entry}
    return changed | (set(reuse.loaded) - set(loaded))


def _rewritten(
    reuse: Reuse | None, loaded: dict[Path, Loaded], changed_sources: set[Path]
) -> dict[Path, Article] | None:
    """The changed sources' articles when each is linked into the site as before.

    That is, when its text, salary, summary or dates changed, but not what
    link_site reads (site.linked_as): then URLs, hubs and redirects are as
    they were, and so is what each link finds (links in the text may differ).
    None when a change reaches further: a title, role, city, slug, alias or
    draft flag changed, or a source failed, came or went. None too when a
    body of the last build waits in the build cache: only complete bodies are
    carried over.
    """
    if reuse is None or len(reuse.marked) != len(reuse.site.articles):
        return None
    rewritten = {}
    for path in changed_sources:
        before, now = reuse.loaded.get(path), loaded.get(path)
        if before is None or now is None or before.article is None or now.article is None:
            return None
        if linked_as(before.article) != linked_as(now.article) or now.article.body.html is None:
            return None
        rewritten[path] = now.article
    return rewritten


def _same_card(before: Loaded | None, now: Loaded | None) -> bool:
    if before is None or now is None or before.article is None or now.article is None:
        return False
    return before.card == now.card and before.links == now.links


def _inputs(loaded: dict[Path, Loaded], digests: dict[Path, str], dirs: list[Path]) -> Inputs:
    sources = {path: (digests.get(path, ""), entry.card) for path, entry in loaded.items()}
    layouts: dict[str, str] = {}
    for folder in reversed(dirs):  # the site's own layouts win
        for name, path in _files(folder):
            layouts[name] = cache.digest(path.read_bytes())
    return Inputs(sources, layouts)


def _stale_since(
    before: Inputs, now: Inputs, site: Site, env: Environment, template_of: dict[str, str]
) -> set[str] | None:
    """The pages to render again since a build in an earlier process (see Previous).

    A source whose card is unchanged changes only its own page; one linked
    into the site as before (a new salary, summary or date: sources.card's
    first part unchanged) the pages that show it (deps.touched_by). Anything
    more (a new or removed source, a changed title, role, city, slug, alias or
    draft flag) renders every page again, from cached bodies.
    """
    if set(before.sources) != set(now.sources):
        return deps.EVERYTHING
    stale: set[str] = set()
    shown_anew = []
    for path, (digest, card) in now.sources.items():
        if before.sources[path] == (digest, card) and digest:
            continue
        earlier = before.sources[path][1]
        if not digest or not card or not earlier or path not in site.paths:
            return deps.EVERYTHING
        if earlier != card:
            if linked_part(earlier) != linked_part(card):
                return deps.EVERYTHING
            shown_anew.append(path)
        stale.add(site.paths[path])
    # Every source is linked as before: each role hub lists the same guides.
    for path in shown_anew:
        article = site.article(path)
        assert article is not None  # it has a site path
        stale |= deps.touched_by(article, site, same_guides=True)
    names = set(before.layouts) | set(now.layouts)
    layouts = {n for n in names if before.layouts.get(n) != now.layouts.get(n)}
    if any(name.startswith("static/") for name in layouts):
        return deps.EVERYTHING  # fingerprinted hrefs change on every page
    if layouts:
        users = deps.template_users(env, layouts)
        stale |= {path for path, name in template_of.items() if name in users}
    return deps.with_sitemap_parts(stale, template_of)


def _settled(
    previous: Previous | None, site: Site, stale: set[str] | None
) -> dict[Path, tuple[Diagnostic, ...]]:
    """Sources whose page is taken from the output as it is, with their body's problems.

    Their bodies need no HTML. The problems are the previous build's: with
    every source linked as before and the set of sources unchanged (else
    stale is EVERYTHING), each link resolves as it did.
    """
    if previous is None or stale is deps.EVERYTHING:
        return {}
    return {
        source: problems
        for source, problems in previous.inputs.problems.items()
        if source in site.paths
        and site.paths[source] not in stale
        and output_file(site.paths[source]) in previous.files
    }


# A body's HTML and links as the build cache keeps them apart from its article.
_Stored = tuple[bytes, tuple[markdown.SourceLink, ...]]


class _Bodies(Mapping[str, str]):
    """Each page's finished body HTML by its site path, made as the page is rendered.

    So bodies are finished in the rendering workers, in parallel, and no
    process holds every finished body at once.
    """

    def __init__(self, targets: Mapping[Path, str | None], href_for: Callable[[str], str]) -> None:
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
    site: Site,
    bodies: _Bodies,
    stale: set[str] | None,
    reuse: Reuse | None,
    came_or_went: bool,
    settled: Mapping[Path, tuple[Diagnostic, ...]],
    stored_bodies: Callable[[list[Path]], dict[Path, _Stored]],
) -> dict[Path, tuple[Diagnostic, ...]]:
    """Each built article's link problems by source; into bodies, those a page may show.

    A page left as it was keeps its body's problems (from the build that
    lent reuse, or settled), unless they may read otherwise now: when a
    source came or went, those that had problems are checked again. Bodies
    waiting in the build cache get their HTML and links from stored_bodies
    when their page is to be rendered or their links checked.
    """
    problems: dict[Path, tuple[Diagnostic, ...]] = {}
    todo = []
    for article in site.articles:
        path = site.paths[article.source]
        if article.body.html is not None:
            bodies.marked[path] = article.body
        before = reuse.problems.get(article.source) if reuse else None
        if before is not None and not deps.is_stale(path, stale) and not (before and came_or_went):
            problems[article.source] = before
        elif article.source in settled:
            problems[article.source] = settled[article.source]
        else:
            todo.append(article)
    fetched = stored_bodies([a.source for a in todo if a.body.html is None])
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


def _link_targets(
    site: Site, articles: list[Article], failed: list[Path]
) -> dict[Path, str | None]:
    """Every source file a link may name: built pages, drafts (None), and files
    that failed to load (their own error already fails the build)."""
    pages: dict[Path, str | None] = {a.source: None for a in articles}
    pages.update({path: "" for path in failed})
    pages.update(site.paths)
    return pages


def check_text(reuse: Reuse, path: Path, text: str) -> list[Diagnostic]:
    """What a build would report about the source at path if it held text.

    For an editor's unsaved buffer: the rest of the site is as the build that
    lent reuse found it. A draft's links are checked too, as its author edits it.
    """
    config = reuse.config
    article, found = load_article(path, config, parser(config.unsafe_html), text)
    others = {source: entry.article for source, entry in reuse.loaded.items() if source != path}
    articles = [a for a in (*others.values(), article) if a is not None]
    failed = [source for source, a in others.items() if a is None]
    built = [a for a in articles if reuse.options.drafts or not a.draft]
    site, problems = link_site(built, config)
    found += problems
    if article is not None:
        targets = _link_targets(site, articles, failed)
        linker = Linker.for_base_url(config.base_url)
        found += markdown.finish(article.body, targets, linker.href)[1]
    return [d for d in ordered(found) if d.pos is not None and d.pos.path == path]
