"""build(options) -> BuildResult: the stages in order, top to bottom.

Nothing here writes to disk; the result holds every output file as bytes,
so the command line can write it atomically and the dev server can serve it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from . import markdown
from .article import Article, discover, load_article
from .assets import collect
from .config import Config, load_config
from .diagnostics import Diagnostic, has_failures, ordered
from .render import layout_dirs, make_environment, render_page
from .site import Site, link_site
from .urls import Linker, output_file
from .views import build_pages


@dataclass(frozen=True)
class Options:
    source: Path = Path(".")
    output: Path = Path("public")
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False


@dataclass(frozen=True)
class BuildResult:
    files: Mapping[str, bytes] = field(default_factory=dict)  # output path -> content
    diagnostics: tuple[Diagnostic, ...] = ()
    strict: bool = False

    @property
    def failed(self) -> bool:
        return has_failures(self.diagnostics, self.strict)


def build(options: Options) -> BuildResult:
    config, diagnostics = load_config(options.source, options.base_url)
    if config is None:
        return BuildResult({}, tuple(ordered(diagnostics)), options.strict)
    md = markdown.make_parser(config.unsafe_html)
    sources, problems = discover(config.content_dir)
    diagnostics += problems
    articles, failed = _load_articles(sources, config, md, diagnostics)
    built = [a for a in articles if options.drafts or not a.draft]
    site, problems = link_site(built, config)
    diagnostics += problems
    bodies = _render_bodies(site, articles, failed, md, diagnostics)
    assets = collect([d / "static" for d in layout_dirs(config.source)])
    linker = Linker.for_base_url(config.base_url)
    hrefs = {name: linker.href(path) for name, path in assets.hrefs.items()}
    site_view, pages = build_pages(site, bodies, hrefs)
    env = make_environment(layout_dirs(config.source))
    files: dict[str, bytes] = dict(assets.files)
    for page in pages:
        html, problem = render_page(env, page, site_view)
        if problem:
            diagnostics.append(problem)
        elif html is not None:
            files[output_file(page.path)] = html
    return BuildResult(files, tuple(ordered(diagnostics)), options.strict)


def _load_articles(
    sources: list[Path], config: Config, md: MarkdownIt, diagnostics: list[Diagnostic]
) -> tuple[list[Article], list[Path]]:
    articles, failed = [], []
    for path in sources:
        article, problems = load_article(path, config, md)
        diagnostics += problems
        if article is None:
            failed.append(path)
        else:
            articles.append(article)
    return articles, failed


def _render_bodies(
    site: Site,
    articles: list[Article],
    failed: list[Path],
    md: MarkdownIt,
    diagnostics: list[Diagnostic],
) -> dict[str, str]:
    """Each built article's Markdown as HTML, keyed by its page's site path."""
    # Every source file a link may name: built pages, drafts (None), and files
    # that failed to load (their own error already fails the build).
    pages: dict[Path, str | None] = {a.source: None for a in articles}
    pages.update({path: "" for path in failed})
    pages.update(site.paths)
    linker = Linker.for_base_url(site.config.base_url)
    bodies = {}
    for article in site.articles:
        links, problems = markdown.resolve_links(
            article.tokens,
            article.source,
            article.body,
            article.body_first_line,
            pages,
            linker.href,
        )
        diagnostics += problems
        bodies[site.paths[article.source]] = markdown.render(md, article.tokens, links)
    return bodies
