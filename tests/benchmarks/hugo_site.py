# Hugo templates below keep one element to a line, however long: E501 is off for this file.
# ruff: noqa: E501
"""The benchmark corpus as a Hugo site: the same guides, hubs and lists.

write_hugo_site(source, target) reads a site that corpus.generate wrote and
writes a Hugo site under target with the same pages at the same URLs:

- each guide content/<role>/<city>.md as content/berufe/<role>/<city>.md,
  its front matter (salary included) and Markdown body unchanged, plus
  `staedte: [<city>]` for the city taxonomy;
- each role overview content/<role>/index.md as the role's section page
  content/berufe/<role>/_index.md: the role hub at /berufe/<role>/, listing
  its guides with their salary ranges, 50 a page as careersite does;
- a term page content/staedte/<city>/_index.md per city (its name and
  state): the city hub at /staedte/<city>/ lists the city's guides;
- /berufe/ (the role sections), /staedte/ (the taxonomy's terms), the home
  page (newest guides, roles, cities) and /suche/;
- templates in layouts/ that render the Markdown bodies, the lists and
  tables, and resolve the bodies' links to other guides' .md sources to
  their pages (a render hook), as careersite does.

Only the standard library and careersite's slug() are used, so the test runs
without Hugo installed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from careersite.urls import slug

PER_PAGE = 50  # careersite's default per_page for hubs and lists


@dataclass(frozen=True)
class HugoSite:
    root: Path
    guides: int
    roles: int
    cities: int


def write_hugo_site(source: Path, target: Path) -> HugoSite:
    """Write the Hugo site for the corpus at source into target (a new folder)."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    site = yaml.safe_load((source / "data" / "site.yaml").read_text(encoding="utf-8"))
    roles = yaml.safe_load((source / "data" / "roles.yaml").read_text(encoding="utf-8"))
    cities = yaml.safe_load((source / "data" / "cities.yaml").read_text(encoding="utf-8"))
    files: dict[Path, str] = {Path("config.toml"): _config(site)}
    files.update({Path("layouts", name): text for name, text in LAYOUTS.items()})
    files[Path("content", "_index.md")] = _front({"title": site["title"]})
    files[Path("content", "berufe", "_index.md")] = _front({"title": "Berufe"})
    files[Path("content", "staedte", "_index.md")] = _front({"title": "Städte"})
    files[Path("content", "suche.md")] = _front({"title": "Suche", "layout": "search"})
    role_slugs = {role["name"]: slug(role["name"]) for role in roles}
    for role in roles:
        role_slug = role_slugs[role["name"]]
        overview = source / "content" / role_slug / "index.md"
        extra = {
            "description": role["summary"],
            "auch": role.get("aliases", []),
            "verwandt": [
                {"title": name, "url": f"/berufe/{role_slugs[name]}/"}
                for name in role.get("related", [])
                if name in role_slugs
            ],
        }
        files[Path("content", "berufe", role_slug, "_index.md")] = _with_params(
            overview.read_text(encoding="utf-8"), extra
        )
    city_slugs = set()
    guides = 0
    for path in sorted((source / "content").glob("*/*.md")):
        if path.name == "index.md":
            continue
        role_slug, city_slug = path.parent.name, path.stem
        city_slugs.add(city_slug)
        files[Path("content", "berufe", role_slug, path.name)] = _with_params(
            path.read_text(encoding="utf-8"), {"staedte": [city_slug]}
        )
        guides += 1
    for city in cities:
        city_slug = slug(city["name"])
        if city_slug in city_slugs:  # careersite makes hubs only for cities with guides
            files[Path("content", "staedte", city_slug, "_index.md")] = _front(
                {"title": city["name"], "land": city.get("state", "")}
            )
    for relative, text in sorted(files.items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return HugoSite(root=target, guides=guides, roles=len(roles), cities=len(city_slugs))


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)


def _with_params(text: str, params: dict[str, object]) -> str:
    """The source with params added to the end of its YAML front matter, its body unchanged."""
    match = _FRONT.match(text)
    if match is None:
        raise ValueError("a corpus source without front matter")
    added = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in params.items()
    )
    return f"---\n{match.group(1)}{added}---\n{text[match.end() :]}"


def _front(params: dict[str, object]) -> str:
    lines = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in params.items()
    )
    return f"---\n{lines}---\n"


def _config(site: dict[str, str]) -> str:
    return f"""\
baseURL = {json.dumps(site.get("base_url", "https://example.org/"))}
languageCode = {json.dumps(site.get("language", "de"))}
defaultContentLanguage = {json.dumps(site.get("language", "de"))}
title = {json.dumps(site["title"], ensure_ascii=False)}
paginate = {PER_PAGE}
# The corpus dates guides in 2026: publish them whatever today's date is.
buildFuture = true
# Hugo stops a page that takes longer than 30 s to initialise by default; at
# 100,000 guides under memory pressure some do ("timed out initializing value").
timeout = "1200s"
enableRobotsTXT = true

[params]
description = {json.dumps(site.get("description", ""), ensure_ascii=False)}

[taxonomies]
stadt = "staedte"

# One feed for the site, as careersite writes (feed.xml), not one per list.
[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[services.rss]
limit = 20
"""


_BASEOF = """\
<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header class="site-header">
  <a class="site-title" href="{{ "/" | relURL }}">{{ site.Title }}</a>
  <form class="site-search" role="search" action="{{ "/suche/" | relURL }}" method="get">
    <input name="q" type="search" placeholder="Beruf oder Stadt"><button type="submit">Suchen</button>
  </form>
  <nav><ul>
    <li><a href="{{ "/berufe/" | relURL }}">Berufe</a></li>
    <li><a href="{{ "/staedte/" | relURL }}">Städte</a></li>
  </ul></nav>
</header>
<main id="inhalt">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><p>{{ site.Title }}</p></footer>
</body>
</html>
"""

_RANGE = """\
{{- with .Params.salary -}}
{{ lang.FormatNumberCustom 0 .min "- , ." }} € – {{ lang.FormatNumberCustom 0 .max "- , ." }} € \
<span class="period">pro Monat</span>
{{- else }}–{{ end -}}
"""

# A guide: the salary box, the body, links to the same role and city.
_SINGLE = """\
{{ define "main" }}
{{ $city := site.GetPage (printf "/staedte/%s" (index .Params.staedte 0)) }}
<article class="guide" data-pagefind-body>
<header>
  <h1>{{ .Title }}</h1>
  <p class="meta">
    <a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a> ·
    <a href="{{ $city.RelPermalink }}">{{ $city.Title }}</a> ({{ $city.Params.land }}) ·
    <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time>
  </p>
</header>
<section class="salary">
  <h2>Gehalt in {{ $city.Title }}</h2>
  <p class="salary-range"><strong>{{ partial "range.html" . }}</strong>, brutto</p>
  <dl class="levels">
    {{ $labels := dict "entry" "Einstieg" "experienced" "Mit Berufserfahrung" }}
    {{ range $level, $span := .Params.salary.levels }}
    <div><dt>{{ index $labels $level | default $level }}</dt>
    <dd>{{ lang.FormatNumberCustom 0 (index $span 0) "- , ." }} € – \
{{ lang.FormatNumberCustom 0 (index $span 1) "- , ." }} €</dd></div>
    {{ end }}
  </dl>
</section>
<div class="prose">
{{ .Content }}
</div>
<aside class="related" data-pagefind-ignore>
  <section>
    <h2>{{ .CurrentSection.Title }} in anderen Städten</h2>
    <ul>
    {{ range first 5 (where .CurrentSection.RegularPages "RelPermalink" "ne" .RelPermalink) }}
      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ partial "range.html" . }}</span></li>
    {{ end }}
    </ul>
  </section>
  <section>
    <h2>Weitere Berufe in {{ $city.Title }}</h2>
    <ul>
    {{ range first 5 (where $city.Pages "RelPermalink" "ne" .RelPermalink) }}
      <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ partial "range.html" . }}</span></li>
    {{ end }}
    </ul>
  </section>
</aside>
</article>
{{ end }}
"""

# Sections: /berufe/ lists the roles; a role's section is its hub.
_LIST = """\
{{ define "main" }}
{{ if .Sections }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Sections.ByTitle }}
<ul class="index">
{{ range $pager.Pages }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ len .RegularPages }} Städte</span></li>
{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
{{ else }}
{{ $pager := .Paginate .RegularPages.ByTitle }}
<article{{ if eq $pager.PageNumber 1 }} data-pagefind-body{{ end }}>
<h1>{{ .Title }}{{ if gt $pager.PageNumber 1 }} (Seite {{ $pager.PageNumber }}){{ end }}</h1>
{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
{{ with .Params.auch }}<p class="aliases">Auch bekannt als: {{ delimit . ", " }}</p>{{ end }}
<section>
  <h2>Gehalt nach Stadt</h2>
  <table class="ranges">
  <thead><tr><th scope="col">Stadt</th><th scope="col">Gehaltsspanne (brutto)</th></tr></thead>
  <tbody>
  {{ range $pager.Pages }}
    <tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Params.city }}</a></th><td>{{ partial "range.html" . }}</td></tr>
  {{ end }}
  </tbody>
  </table>
  {{ template "_internal/pagination.html" . }}
</section>
<section class="prose">
{{ .Content }}
</section>
{{ with .Params.verwandt }}
<aside><h2>Verwandte Berufe</h2>
<ul>{{ range . }}<li><a href="{{ .url | relURL }}">{{ .title }}</a></li>{{ end }}</ul>
</aside>
{{ end }}
</article>
{{ end }}
{{ end }}
"""

# /staedte/: every city with guides.
_TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByTitle }}
<ul class="index">
{{ range $pager.Pages }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ len .Pages }} Berufe</span></li>
{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

# A city hub: the city's guides with their salary ranges.
_TERM = """\
{{ define "main" }}
{{ $pager := .Paginate .Pages.ByTitle }}
<article{{ if eq $pager.PageNumber 1 }} data-pagefind-body{{ end }}>
<h1>{{ .Title }}{{ if gt $pager.PageNumber 1 }} (Seite {{ $pager.PageNumber }}){{ end }}</h1>
{{ with .Params.land }}<p class="meta">{{ . }}</p>{{ end }}
<section>
  <h2>Berufe in {{ .Title }}</h2>
  <table class="ranges">
  <thead><tr><th scope="col">Beruf</th><th scope="col">Gehaltsspanne (brutto)</th></tr></thead>
  <tbody>
  {{ range $pager.Pages }}
    <tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Params.role }}</a></th><td>{{ partial "range.html" . }}</td></tr>
  {{ end }}
  </tbody>
  </table>
  {{ template "_internal/pagination.html" . }}
</section>
</article>
{{ end }}
"""

_HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p class="lead">{{ site.Params.description }}</p>
<section>
  <h2>Neue Ratgeber</h2>
  <ul class="cards">
  {{ range first 12 (where site.RegularPages "Section" "berufe").ByDate.Reverse }}
    <li class="card">
      <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
      <p>{{ .Summary | plainify | truncate 160 }}</p>
      <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time></p>
    </li>
  {{ end }}
  </ul>
</section>
<section>
  <h2><a href="{{ "/berufe/" | relURL }}">Berufe</a></h2>
  <ul class="index">
  {{ range first 12 (site.GetPage "/berufe").Sections.ByTitle }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ len .RegularPages }} Städte</span></li>
  {{ end }}
  </ul>
</section>
<section>
  <h2><a href="{{ "/staedte/" | relURL }}">Städte</a></h2>
  <ul class="index">
  {{ range first 12 (site.GetPage "/staedte").Pages.ByTitle }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="meta">{{ len .Pages }} Berufe</span></li>
  {{ end }}
  </ul>
</section>
{{ end }}
"""

_SEARCH = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<div id="suche"></div>
<script src="{{ "/pagefind/pagefind-ui.js" | relURL }}"></script>
<script>new PagefindUI({ element: "#suche" });</script>
{{ end }}
"""

# A link to another guide's source (hamburg.md, ../koechin/berlin.md) goes to its page.
_RENDER_LINK = """\
{{- $href := .Destination -}}
{{- if and (strings.HasSuffix $href ".md") (not (strings.Contains $href ":")) -}}
  {{- with site.GetPage (path.Join "/" .Page.File.Dir $href) -}}{{- $href = .RelPermalink -}}{{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
"""

_404 = """\
{{ define "main" }}
<h1>Seite nicht gefunden</h1>
<p><a href="{{ "/" | relURL }}">Zur Startseite</a></p>
{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": _BASEOF,
    "_default/single.html": _SINGLE,
    "_default/list.html": _LIST,
    "_default/taxonomy.html": _TAXONOMY,
    "_default/term.html": _TERM,
    "_default/search.html": _SEARCH,
    "_default/_markup/render-link.html": _RENDER_LINK,
    "partials/range.html": _RANGE,
    "index.html": _HOME,
    "404.html": _404,
}
