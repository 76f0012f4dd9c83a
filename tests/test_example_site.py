"""The repository's example site as a reader sees it: pages, links, salaries, charts.

The site is built once per module with the command line, strict, as CI does;
every page is parsed with the standard library's html.parser into a small tree.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from helpers import REPO, run_cli

BASE_URL = "https://example.org/"
SUB_PATH_BASE_URL = "https://example.org/karriere/"

ROLE_HUBS = {
    "berufe/kundendienstleiter/": "Kundendienstleiter",
    "berufe/customer-service/": "Customer Service",
}
CITY_HUBS = {
    "staedte/bremen/": "Bremen",
    "staedte/dortmund/": "Dortmund",
    "staedte/potsdam/": "Potsdam",
}
GUIDES = {  # page -> (role, city)
    "berufe/kundendienstleiter/bremen/": ("Kundendienstleiter", "Bremen"),
    "berufe/kundendienstleiter/potsdam/": ("Kundendienstleiter", "Potsdam"),
    "berufe/customer-service/dortmund/": ("Customer Service", "Dortmund"),
    "berufe/customer-service/potsdam/": ("Customer Service", "Potsdam"),
}
PAGES = sorted(["", "berufe/", "staedte/", "suche/", *ROLE_HUBS, *CITY_HUBS, *GUIDES])
SPECIAL_FILES = [
    *["404.html", "feed.xml", "robots.txt", "sitemap.xml"],  # DESIGN's "feeds, maps"
    *["_redirects", "nginx-redirects.conf"],  # the aliases as hosts read them
]
HTML_FILES = [*PAGES, "404.html"]  # by site path; 404.html is served at any depth
SOURCES = {  # Markdown source -> its page
    "content/kundendienstleiter/index.md": "berufe/kundendienstleiter/",
    "content/kundendienstleiter/bremen.md": "berufe/kundendienstleiter/bremen/",
    "content/kundendienstleiter/potsdam.md": "berufe/kundendienstleiter/potsdam/",
    "content/customer-service/dortmund.md": "berufe/customer-service/dortmund/",
    "content/customer-service/potsdam.md": "berufe/customer-service/potsdam/",
}


def euro(text: str) -> str:
    """'2.800 € – 3.800 €' as rendered: a no-break space between amount and sign."""
    return text.replace(" €", "\u00a0€")


# --- a small element tree from html.parser ---------------------------------------

VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not the no-break space of "2.800 €"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        """Elements by tag and exact attribute values; class_ matches one class name."""
        wanted_class = attrs.pop("class_", None)
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and all(element.attrs.get(name.replace("_", "-")) == v for name, v in attrs.items())
            and (wanted_class is None or wanted_class in element.classes)
        ]

    def find(self, tag: str, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed, as a reader sees it."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return HTML_SPACE.sub(" ", "".join(parts)).strip()

    def links(self) -> list[tuple[str, str]]:
        """(text, href) of every <a href> inside, in document order."""
        return [(a.text, a.attrs["href"] or "") for a in self.find_all("a") if "href" in a.attrs]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        open_tags = [element.tag for element in self.stack]
        if tag not in open_tags:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes nothing")
            return
        while self.stack[-1].tag != tag:
            unclosed = self.stack.pop()
            self.problems.append(f"line {self.getpos()[0]}: <{unclosed.tag}> is never closed")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Page:
    path: str  # site path: "" for home, "berufe/" for all roles
    html: str
    root: Element
    problems: list[str]

    def main(self) -> Element:
        return self.root.find("main")

    def section(self, labelled_by: str) -> Element | None:
        found = [
            element
            for element in self.root.iter()
            if element.attrs.get("aria-labelledby") == labelled_by and element.tag != "svg"
        ]
        return found[0] if found else None

    def prose(self) -> Element:
        """The rendered Markdown body."""
        return next(element for element in self.root.iter() if "prose" in element.classes)

    def ids(self) -> list[str]:
        return [e.attrs["id"] or "" for e in self.root.iter() if "id" in e.attrs]


def parse(path: str, html: str) -> Page:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    problems = builder.problems + [
        f"<{element.tag}> is never closed" for element in builder.stack[1:]
    ]
    return Page(path, html, builder.root, problems)


def site_path(output_file: str) -> str:
    """'berufe/index.html' -> 'berufe/', 'index.html' -> ''."""
    return output_file.removesuffix("index.html")


def target_file(output: Path, href: str, base_path: str = "/") -> Path | None:
    """The output file an internal href leads to, or None for an external link."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    assert parts.path.startswith(base_path), f"{href} is not under {base_path}"
    relative = parts.path[len(base_path) :]
    return output / (
        relative + "index.html" if relative == "" or relative.endswith("/") else relative
    )


def build_example(output: Path, *options: str) -> Path:
    result = run_cli("build", "--source", REPO, "--output", output, "--strict", *options)
    assert result.returncode == 0, result.stderr
    return output


def parse_pages(output: Path) -> dict[str, Page]:
    """Every HTML file of a built site by its site path."""
    parsed = {}
    for file in sorted(output.rglob("*.html")):
        path = site_path(file.relative_to(output).as_posix())
        parsed[path] = parse(path, file.read_text(encoding="utf-8"))
    return parsed


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("example") / "public")


@pytest.fixture(scope="module")
def pages(output: Path) -> dict[str, Page]:
    return parse_pages(output)


@pytest.fixture(scope="module")
def sub_path_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("example-karriere") / "public"
    return build_example(output, "--base-url", SUB_PATH_BASE_URL)


@pytest.fixture(scope="module")
def sub_path_pages(sub_path_output: Path) -> dict[str, Page]:
    return parse_pages(sub_path_output)


# --- which pages exist ------------------------------------------------------------


def test_every_expected_file_is_built_and_nothing_else(output: Path) -> None:
    built = sorted(
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.is_file() and path.name != ".careersite-output"
    )
    # The search index is checked in tests/test_search.py.
    ours = [name for name in built if not name.startswith("suchindex/")]
    assets = [name for name in ours if name.startswith("static/")]
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", name) for name in assets] == [
        "static/favicon.svg",
        "static/search.js",
        "static/style.css",
    ]
    assert ours == sorted([f"{path}index.html" for path in PAGES] + [*SPECIAL_FILES, *assets])
    assert "suchindex/index.json" in built
    assert any(re.fullmatch(r"suchindex/w/[0-9a-f]{16}\.json", name) for name in built)


# --- links ------------------------------------------------------------------------


def hrefs(page: Page) -> list[str]:
    """Every href a reader or browser follows: links, the stylesheet, the feed."""
    return [
        element.attrs["href"] or ""
        for element in page.root.iter()
        if element.tag in {"a", "link"} and "href" in element.attrs
    ]


@pytest.mark.parametrize("path", HTML_FILES)
def test_every_internal_link_and_the_stylesheet_resolve(
    output: Path, pages: dict[str, Page], path: str
) -> None:
    page = pages[path]
    assert len(page.root.find_all("link", rel="stylesheet")) == 1
    for href in hrefs(page):
        assert not urlsplit(href).path.endswith(".md"), href
        target = target_file(output, href)
        if href.startswith("#"):
            assert href[1:] in page.ids(), href
        elif target is not None:
            assert target.is_file(), f"{href} on /{path} leads nowhere"
            fragment = urlsplit(href).fragment
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), href


def test_every_page_is_reachable_from_home(output: Path, pages: dict[str, Page]) -> None:
    seen, queue = {""}, [""]
    while queue:
        page = pages[queue.pop()]
        actions = re.findall(r'<form [^>]*action="([^"]+)"', page.html)  # the search form
        for href in [href for _, href in page.root.links()] + actions:
            target = target_file(output, href)
            if target is None or target.suffix != ".html" or not target.is_file():
                continue  # a link that leads nowhere fails the test above
            found = site_path(target.relative_to(output).as_posix())
            if found not in seen:
                seen.add(found)
                queue.append(found)
    assert sorted(seen) == PAGES


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_in_text_links_to_sources_point_at_pages(pages: dict[str, Page], source: str) -> None:
    markdown = (REPO / source).read_text(encoding="utf-8")
    written = re.findall(r"\[([^\]]+)\]\(([^)\s]+\.md)\)", markdown)
    assert written, f"{source} links to other sources"
    rendered = pages[SOURCES[source]].prose().links()
    for text, link in written:
        linked = posixpath.normpath(posixpath.join(posixpath.dirname(source), link))
        assert (text, "/" + SOURCES[linked]) in rendered, (text, link)


# --- guides -----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(GUIDES))
def test_guide_breadcrumb_leads_from_start_to_the_city(pages: dict[str, Page], path: str) -> None:
    role, city = GUIDES[path]
    role_hub = next(hub for hub, name in ROLE_HUBS.items() if name == role)
    crumbs = [
        (a.text, a.attrs["href"], a.attrs.get("aria-current"))
        for a in pages[path].root.find("nav", class_="breadcrumb").find_all("a")
    ]
    assert crumbs == [
        ("Start", "/", None),
        ("Berufe", "/berufe/", None),
        (role, f"/{role_hub}", None),
        (city, f"/{path}", "page"),
    ]


SALARY_BOXES = {  # guide -> (range, levels as labelled in the box)
    "berufe/kundendienstleiter/bremen/": (
        "2.800 € – 3.800 €",
        [("Einstieg", "2.800 € – 3.200 €"), ("Mit Berufserfahrung", "3.400 € – 3.800 €")],
    ),
    "berufe/kundendienstleiter/potsdam/": ("2.800 € – 3.900 €", []),
    "berufe/customer-service/dortmund/": (
        "2.450 € – 3.400 €",
        [("Einstieg", "2.450 € – 2.800 €"), ("Mit Berufserfahrung", "2.800 € – 3.400 €")],
    ),
    "berufe/customer-service/potsdam/": (
        "2.450 € – 3.400 €",
        [("Einstieg", "2.450 € – 2.800 €"), ("Mit Berufserfahrung", "2.900 € – 3.400 €")],
    ),
}


@pytest.mark.parametrize("path", sorted(SALARY_BOXES))
def test_guide_salary_box_shows_range_and_levels(pages: dict[str, Page], path: str) -> None:
    salary_range, levels = SALARY_BOXES[path]
    box = pages[path].root.find("section", class_="salary")
    assert box.find("strong").text == euro(salary_range)
    assert box.find("span", class_="period").text == "pro Monat, brutto"
    shown = [
        (dt.text, dd.text) for dt, dd in zip(box.find_all("dt"), box.find_all("dd"), strict=True)
    ]
    assert shown == [(label, euro(text)) for label, text in levels]


def test_salary_range_is_written_with_no_break_spaces(pages: dict[str, Page]) -> None:
    assert "2.800\u00a0€ – 3.800\u00a0€" in pages["berufe/kundendienstleiter/bremen/"].html


def _range_list(section: Element | None) -> list[tuple[str, str, str]]:
    assert section is not None
    return [
        (item.find("a").text, item.find("a").attrs["href"] or "", item.find("span").text)
        for item in section.find_all("li")
    ]


SAME_ROLE = {  # guide -> the same role in other cities
    "berufe/kundendienstleiter/bremen/": [
        ("Potsdam", "/berufe/kundendienstleiter/potsdam/", "2.800 € – 3.900 €")
    ],
    "berufe/kundendienstleiter/potsdam/": [
        ("Bremen", "/berufe/kundendienstleiter/bremen/", "2.800 € – 3.800 €")
    ],
    "berufe/customer-service/dortmund/": [
        ("Potsdam", "/berufe/customer-service/potsdam/", "2.450 € – 3.400 €")
    ],
    "berufe/customer-service/potsdam/": [
        ("Dortmund", "/berufe/customer-service/dortmund/", "2.450 € – 3.400 €")
    ],
}
SAME_CITY = {  # guide -> other roles in its city; only Potsdam has two
    "berufe/kundendienstleiter/potsdam/": [
        ("Customer Service", "/berufe/customer-service/potsdam/", "2.450 € – 3.400 €")
    ],
    "berufe/customer-service/potsdam/": [
        ("Kundendienstleiter", "/berufe/kundendienstleiter/potsdam/", "2.800 € – 3.900 €")
    ],
}


@pytest.mark.parametrize("path", sorted(SAME_ROLE))
def test_guide_lists_the_same_role_in_other_cities(pages: dict[str, Page], path: str) -> None:
    shown = _range_list(pages[path].section("cs-gleicher-beruf"))
    assert shown == [(city, href, euro(text)) for city, href, text in SAME_ROLE[path]]


@pytest.mark.parametrize("path", sorted(SAME_CITY))
def test_potsdam_guides_list_each_other(pages: dict[str, Page], path: str) -> None:
    shown = _range_list(pages[path].section("cs-gleiche-stadt"))
    assert shown == [(role, href, euro(text)) for role, href, text in SAME_CITY[path]]


@pytest.mark.parametrize("path", sorted(set(GUIDES) - set(SAME_CITY)))
def test_guide_alone_in_its_city_has_no_other_roles(pages: dict[str, Page], path: str) -> None:
    assert pages[path].section("cs-gleiche-stadt") is None


RELATED = {
    "Kundendienstleiter": [("Customer Service", "/berufe/customer-service/")],
    "Customer Service": [("Kundendienstleiter", "/berufe/kundendienstleiter/")],
}


@pytest.mark.parametrize(
    ("path", "role"),
    [*((path, role) for path, (role, _) in GUIDES.items()), *ROLE_HUBS.items()],
)
def test_related_roles_link_to_the_other_role_hub(
    pages: dict[str, Page], path: str, role: str
) -> None:
    related = pages[path].section("cs-verwandte-berufe")
    assert related is not None
    assert related.links() == RELATED[role]


# --- hubs -------------------------------------------------------------------------

HUB_ROWS = {
    "berufe/kundendienstleiter/": [
        ("Bremen", "/berufe/kundendienstleiter/bremen/", "2.800 € – 3.800 €"),
        ("Potsdam", "/berufe/kundendienstleiter/potsdam/", "2.800 € – 3.900 €"),
    ],
    "berufe/customer-service/": [
        ("Dortmund", "/berufe/customer-service/dortmund/", "2.450 € – 3.400 €"),
        ("Potsdam", "/berufe/customer-service/potsdam/", "2.450 € – 3.400 €"),
    ],
    "staedte/bremen/": [
        ("Kundendienstleiter", "/berufe/kundendienstleiter/bremen/", "2.800 € – 3.800 €"),
    ],
    "staedte/dortmund/": [
        ("Customer Service", "/berufe/customer-service/dortmund/", "2.450 € – 3.400 €"),
    ],
    "staedte/potsdam/": [
        ("Customer Service", "/berufe/customer-service/potsdam/", "2.450 € – 3.400 €"),
        ("Kundendienstleiter", "/berufe/kundendienstleiter/potsdam/", "2.800 € – 3.900 €"),
    ],
}


@pytest.mark.parametrize("path", sorted(HUB_ROWS))
def test_hub_chart_is_an_svg_described_by_its_table(pages: dict[str, Page], path: str) -> None:
    page = pages[path]
    charts = page.root.find_all("svg", role="img")
    assert len(charts) == 1
    chart = charts[0]
    titles = [
        child for child in chart.children if isinstance(child, Element) and child.tag == "title"
    ]
    assert len(titles) == 1 and titles[0].text
    table = page.root.find("table", id=chart.attrs["aria-describedby"] or "")
    rows = [
        (row.find("th").text, row.find("a").attrs["href"], row.find("td").text)
        for row in table.find("tbody").find_all("tr")
    ]
    expected = HUB_ROWS[path]
    assert rows == [(name, href, f"{euro(r)} pro Monat") for name, href, r in expected]
    bars = [title.text for rect in chart.find_all("rect") for title in rect.find_all("title")]
    assert bars == [f"{name}: {euro(r)}" for name, _, r in expected]


def test_role_hub_shows_the_overview_from_its_index_md(pages: dict[str, Page]) -> None:
    overview = pages["berufe/kundendienstleiter/"].root.find("section", class_="prose")
    markdown = (REPO / "content/kundendienstleiter/index.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    assert "Technischer und kaufmännischer Kundendienst" in headings
    assert [h2.text for h2 in overview.find_all("h2")] == headings
    assert "Lead Customer Service" in overview.text


def test_role_hub_without_overview_has_no_overview_section(pages: dict[str, Page]) -> None:
    assert pages["berufe/customer-service/"].root.find_all("section", class_="prose") == []


@pytest.mark.parametrize("path", sorted(ROLE_HUBS))
def test_role_hub_names_every_alias_from_roles_yaml(pages: dict[str, Page], path: str) -> None:
    roles = yaml.safe_load((REPO / "data/roles.yaml").read_text(encoding="utf-8"))
    aliases = next(role["aliases"] for role in roles if role["name"] == ROLE_HUBS[path])
    shown = pages[path].root.find("p", class_="aliases").text
    assert shown == "Auch bekannt als: " + ", ".join(aliases)


def test_kundendienstleiter_is_also_known_as_lead_customer_service(pages: dict[str, Page]) -> None:
    shown = pages["berufe/kundendienstleiter/"].root.find("p", class_="aliases").text
    assert "Lead Customer Service" in shown.split(": ", 1)[1].split(", ")


# --- home -------------------------------------------------------------------------


def test_home_lists_roles_and_cities(pages: dict[str, Page]) -> None:
    home = pages[""]
    roles, cities = home.section("cs-berufe"), home.section("cs-staedte")
    assert roles is not None and cities is not None
    assert roles.find("ul").links() == [
        ("Customer Service", "/berufe/customer-service/"),
        ("Kundendienstleiter", "/berufe/kundendienstleiter/"),
    ]
    assert cities.find("ul").links() == [
        ("Bremen", "/staedte/bremen/"),
        ("Dortmund", "/staedte/dortmund/"),
        ("Potsdam", "/staedte/potsdam/"),
    ]


def test_home_lists_the_newest_guides_first(pages: dict[str, Page]) -> None:
    newest = pages[""].section("cs-neu")
    assert newest is not None
    shown = [
        (card.find("a").text, card.find("a").attrs["href"], card.find("time").attrs["datetime"])
        for card in newest.find_all("li", class_="card")
    ]
    assert shown == [
        ("Customer Service in Potsdam", "/berufe/customer-service/potsdam/", "2026-11-10"),
        ("Customer Service in Dortmund", "/berufe/customer-service/dortmund/", "2026-11-03"),
        ("Kundendienstleiter in Potsdam", "/berufe/kundendienstleiter/potsdam/", "2026-10-22"),
        ("Kundendienstleiter in Bremen", "/berufe/kundendienstleiter/bremen/", "2026-10-14"),
    ]


@pytest.mark.parametrize(("path", "title"), [("berufe/", "Berufe"), ("staedte/", "Städte")])
def test_index_pages_list_every_hub(pages: dict[str, Page], path: str, title: str) -> None:
    hubs = ROLE_HUBS if path == "berufe/" else CITY_HUBS
    page = pages[path]
    assert page.main().find("h1").text == title
    assert sorted(page.main().find("ul", class_="index").links()) == sorted(
        (name, f"/{hub}") for hub, name in hubs.items()
    )


# --- every page -------------------------------------------------------------------


@pytest.mark.parametrize("path", HTML_FILES)
def test_page_is_german_with_a_title_and_one_h1(pages: dict[str, Page], path: str) -> None:
    page = pages[path]
    assert page.root.find("html").attrs["lang"] == "de"
    assert page.root.find("title").text
    assert len(page.root.find_all("h1")) == 1


@pytest.mark.parametrize("path", PAGES)
def test_page_has_a_description_and_an_absolute_canonical(
    pages: dict[str, Page], path: str
) -> None:
    page = pages[path]
    descriptions = page.root.find_all("meta", name="description")
    assert len(descriptions) == 1 and (descriptions[0].attrs["content"] or "").strip()
    canonicals = page.root.find_all("link", rel="canonical")
    assert [link.attrs["href"] for link in canonicals] == [BASE_URL + path]


@pytest.mark.parametrize("path", HTML_FILES)
def test_page_has_no_template_leftovers(pages: dict[str, Page], path: str) -> None:
    # JSON-LD legitimately closes nested objects with "}}"; check the rest.
    html = re.sub(
        r'<script type="application/ld\+json">.*?</script>', "", pages[path].html, flags=re.S
    )
    for leftover in ("{{", "}}", "{%", "%}", "None"):
        assert leftover not in html


@pytest.mark.parametrize("path", HTML_FILES)
def test_page_markup_is_balanced_and_ids_are_unique(pages: dict[str, Page], path: str) -> None:
    page = pages[path]
    assert page.problems == []
    ids = page.ids()
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("path", GUIDES)
def test_the_gehalt_heading_is_a_link_target_apart_from_the_salary_box(
    pages: dict[str, Page], path: str
) -> None:
    """dortmund.md#gehalt lands on the body's '## Gehalt'; the layout's box has its own id."""
    page = pages[path]
    assert page.main().find("h2", id="gehalt").text == "Gehalt"
    city = GUIDES[path][1]
    box = page.section("cs-gehaltsbox")
    assert box is not None
    assert box.find("h2", id="cs-gehaltsbox").text == f"Gehalt in {city}"


def test_body_headings_get_german_slug_ids(pages: dict[str, Page]) -> None:
    headings = [
        (h.tag, h.attrs.get("id"), h.text)
        for h in pages["berufe/kundendienstleiter/potsdam/"].prose().iter()
        if h.tag in {"h2", "h3", "h4"}
    ]
    assert ("h2", "fuehren-mit-augenmass", "Führen mit Augenmaß") in headings
    assert all(id_ for _, id_, _ in headings), headings


@pytest.mark.parametrize("path", HTML_FILES)
def test_aria_references_name_elements_on_the_page(pages: dict[str, Page], path: str) -> None:
    page = pages[path]
    ids = set(page.ids())
    for element in page.root.iter():
        for attribute in ("aria-labelledby", "aria-describedby"):
            for reference in (element.attrs.get(attribute) or "").split():
                assert reference in ids, f"<{element.tag} {attribute}={reference!r}>"


# --- under a sub-path -------------------------------------------------------------


@pytest.mark.parametrize("path", HTML_FILES)
def test_sub_path_build_links_stay_under_the_sub_path(
    sub_path_output: Path, sub_path_pages: dict[str, Page], path: str
) -> None:
    page = sub_path_pages[path]
    internal = [href for href in hrefs(page) if not urlsplit(href).netloc and href[:1] != "#"]
    assert internal
    for href in internal:
        assert href.startswith("/karriere/"), href
        target = target_file(sub_path_output, href, base_path="/karriere/")
        assert target is not None and target.is_file(), href
    for canonical in page.root.find_all("link", rel="canonical"):
        assert canonical.attrs["href"] == SUB_PATH_BASE_URL + path


# --- the site's own checks --------------------------------------------------------


def test_example_site_passes_strict_check_silently() -> None:
    result = run_cli("check", "--source", REPO, "--strict")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


SHARED = REPO.parent / "shared"


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (the seeds and seedcheck) is absent")
def test_no_sentence_of_a_seed_is_copied() -> None:
    result = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "seedcheck.py"), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
