"""Hostile content, built as CI builds it: markup, script links, YAML tricks, symlinks.

Every test writes a small site with site_factory and runs `careersite build` in a
real process. The unit tests of markdown.py and frontmatter.py check single
functions; these check what lands in the output a reader opens: every HTML
page, feed.xml, sitemap.xml and the JSON-LD blocks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROLES_YAML, SITE_YAML, SiteFactory, guide

BREMEN = "content/kundendienstleiter/bremen.md"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "end_script": "</script><script>alert(2)</script>",
    "cdata_end": "]]><x y='1'>",
}
# Schemes a browser runs or renders as a document when a link is followed.
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "poster"}


def build(
    site: Path, *args: str, timeout: float = 120
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`careersite build --source SITE --output SITE/../out ARGS` in a real process."""
    output = site.parent / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "careersite",
            "build",
            "--source",
            str(site),
            "--output",
            str(output),
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=site,
    )
    return result, output


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=1000)


def front_matter(fields: dict[str, Any], body: str = "Ein kurzer Text.\n") -> str:
    return f"---\n{dump(fields)}---\n{body}"


# --- what a browser would see ----------------------------------------------------


@dataclass
class Html:
    """A page as html.parser reads it: elements, text, and the raw text of scripts."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    tag_texts: dict[str, list[str]] = field(default_factory=dict)  # of <title> and <h1>

    def attribute_values(self) -> list[str]:
        return [value for _, attrs in self.elements for value in attrs.values()]

    def meta(self, key: str, name: str) -> list[str]:
        return [
            a.get("content", "") for tag, a in self.elements if tag == "meta" and a.get(key) == name
        ]

    def text_of(self, tag: str) -> list[str]:
        return self.tag_texts.get(tag, [])


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Html()
        self.script: tuple[dict[str, str], list[str]] | None = None
        self.open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.elements.append((tag, values))
        if tag == "script":
            self.script = (values, [])
        elif tag in {"title", "h1"}:
            self.open.append((tag, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self.page.scripts.append((self.script[0], "".join(self.script[1])))
            self.script = None
        elif self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            self.page.tag_texts.setdefault(name, []).append("".join(parts))

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script[1].append(data)
            return
        self.page.texts.append(data)
        for _, parts in self.open:
            parts.append(data)


def read_html(text: str) -> Html:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.page


def html_pages(output: Path) -> dict[str, Html]:
    return {
        path.relative_to(output).as_posix(): read_html(path.read_text(encoding="utf-8"))
        for path in sorted(output.rglob("*.html"))
    }


def dangerous_url(value: str) -> bool:
    """What a browser makes of a URL attribute: C0 and spaces trimmed, tabs and newlines gone."""
    cleaned = value.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "")
    cleaned = cleaned.replace("\r", "").lower()
    return cleaned.startswith(DANGEROUS_SCHEMES)


def assert_harmless(name: str, page: Html) -> None:
    """No element, handler or URL that content could have smuggled in."""
    for tag, attrs in page.elements:
        assert tag not in {"img", "iframe", "x", "object", "embed"}, f"<{tag}> on {name}"
        for attribute, value in attrs.items():
            assert not attribute.startswith("on"), f"<{tag} {attribute}=...> on {name}"
            if attribute in URL_ATTRIBUTES:
                assert not dangerous_url(value), f"<{tag} {attribute}={value!r}> on {name}"
    for attrs, _ in page.scripts:
        # Scripts of the layouts load a file of the site; inline ones only carry JSON-LD.
        assert attrs.get("type") == "application/ld+json" or attrs.get("src", "").startswith("/"), (
            f"<script {attrs}> on {name}"
        )


def json_ld(pages: dict[str, Html]) -> dict[str, list[Any]]:
    """Every JSON-LD block by page, parsed; its raw text must not end the script."""
    found: dict[str, list[Any]] = {}
    for name, page in pages.items():
        for attrs, raw in page.scripts:
            if attrs.get("type") != "application/ld+json":
                continue
            assert "</" not in raw, f"a literal '</' in JSON-LD on {name}: {raw[:200]}"
            assert "<!--" not in raw, f"a comment opener in JSON-LD on {name}"
            found.setdefault(name, []).append(json.loads(raw))
    return found


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


# --- markup in every field -----------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A site whose every text field carries one payload, and what it was built into."""

    payload: str
    output: Path
    pages: dict[str, Html]

    def value(self, field_name: str) -> str:
        return hostile_value(field_name, self.payload)

    @property
    def guide_page(self) -> Html:
        [name] = [n for n in self.pages if n.count("/") == 3 and n.startswith("berufe/rolle")]
        return self.pages[name]


def hostile_value(field_name: str, payload: str) -> str:
    return f"{field_name} {payload}"


FIELDS = [
    "Seitentitel",
    "Seitenbeschreibung",
    "Einstiegslabel",
    "Rolle",
    "Rollenalias",
    "Rollentext",
    "Verwandt",
    "Stadt",
    "Bundesland",
    "Stadttext",
    "Titel",
    "Zusammenfassung",
    "Stufe",
    "Überblick",
    "Anderer Titel",
    "Erster Absatz",
    "Überblickstext",  # the overview's summary; the role's own summary wins on the hub
]
SHOWN = FIELDS[:-1]


def hostile_files(payload: str) -> dict[str, str]:
    def v(name: str) -> str:
        return hostile_value(name, payload)

    return {
        "data/site.yaml": dump(
            {
                "title": v("Seitentitel"),
                "description": v("Seitenbeschreibung"),
                "base_url": "https://example.org/",
                "level_labels": {"entry": v("Einstiegslabel")},
            }
        ),
        "data/roles.yaml": dump(
            [
                {
                    "name": v("Rolle"),
                    "aliases": [v("Rollenalias")],
                    "summary": v("Rollentext"),
                    "related": [v("Verwandt")],
                },
                {"name": v("Verwandt"), "related": [v("Rolle")]},
            ]
        ),
        "data/cities.yaml": dump(
            [{"name": v("Stadt"), "state": v("Bundesland"), "summary": v("Stadttext")}]
        ),
        "content/rolle/stadt.md": front_matter(
            {
                "title": v("Titel"),
                "role": v("Rollenalias"),
                "city": v("Stadt"),
                "salary": {
                    "min": 2800,
                    "max": 3800,
                    "levels": {"entry": [2800, 3000], v("Stufe"): [3000, 3800]},
                },
                "date": "2026-11-01",
                "summary": v("Zusammenfassung"),
                "aliases": [f"/alt/{payload}/"],
            }
        ),
        "content/rolle/index.md": front_matter(
            {
                "title": v("Überblick"),
                "role": v("Rolle"),
                "date": "2026-11-01",
                "summary": v("Überblickstext"),
            }
        ),
        # No summary: the feed and the meta description take the first paragraph.
        "content/verwandt/stadt.md": front_matter(
            {
                "title": v("Anderer Titel"),
                "role": v("Verwandt"),
                "city": v("Stadt"),
                "salary": {"min": 2500, "max": 3100},
                "date": "2026-11-02",
            },
            body=f"{v('Erster Absatz')}\n\n## Aufgaben\n\nText.\n",
        ),
    }


@pytest.fixture(scope="module", params=list(PAYLOADS.values()), ids=list(PAYLOADS))
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile") / "site"
    for relative, text in hostile_files(request.param).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result, output = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return Hostile(request.param, output, html_pages(output))


def test_no_page_gets_an_element_handler_or_script_from_content(hostile: Hostile) -> None:
    assert len(hostile.pages) >= 8
    for name, page in hostile.pages.items():
        assert_harmless(name, page)


def test_no_output_file_holds_a_payload_unescaped(hostile: Hostile) -> None:
    for path in hostile.output.rglob("*"):
        if path.suffix in {".html", ".xml", ".txt", ".json"}:
            text = path.read_text(encoding="utf-8")
            for fragment in ("<script>alert", "<img src=x", "<x y=", "]]><"):
                assert fragment not in text, f"{fragment!r} in {path.relative_to(hostile.output)}"


def test_every_field_reaches_the_pages_as_text_never_double_escaped(hostile: Hostile) -> None:
    shown = "\n".join(
        part for page in hostile.pages.values() for part in [*page.texts, *page.attribute_values()]
    )
    missing = [name for name in SHOWN if hostile.value(name) not in shown]
    assert missing == []
    assert "&amp;lt;" not in shown
    assert "&lt;" not in shown, "escaped twice: a reader sees '&lt;' instead of '<'"


def test_guide_head_carries_title_and_summary_escaped(hostile: Hostile) -> None:
    page = hostile.guide_page
    title, summary, site_title = (
        hostile.value(n) for n in ("Titel", "Zusammenfassung", "Seitentitel")
    )
    assert page.text_of("title") == [f"{title} · {site_title}"]
    assert page.text_of("h1") == [title]
    assert page.meta("name", "description") == [summary]
    assert page.meta("property", "og:title") == [title]
    assert page.meta("property", "og:description") == [summary]
    assert page.meta("property", "og:site_name") == [site_title]


def test_feed_stays_well_formed_and_its_text_round_trips(hostile: Hostile) -> None:
    feed = ET.parse(hostile.output / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == hostile.value("Seitentitel")
    entries = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert entries == {
        hostile.value("Titel"): hostile.value("Zusammenfassung"),
        hostile.value("Anderer Titel"): hostile.value("Erster Absatz"),
    }


def test_sitemap_stays_well_formed_with_plain_urls(hostile: Hostile) -> None:
    sitemap = ET.parse(hostile.output / "sitemap.xml").getroot()
    locations = [loc.text or "" for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert len(locations) >= 8
    for location in locations:
        assert location.startswith("https://example.org/"), location
        assert not set(location) & set("<>\"' "), location


def test_json_ld_parses_never_ends_its_script_and_round_trips(hostile: Hostile) -> None:
    blocks = json_ld(hostile.pages)
    if not blocks:
        pytest.skip("pages carry no JSON-LD yet (structured data is being added)")
    strings = {s for found in blocks.values() for block in found for s in strings_in(block)}
    assert {hostile.value("Rolle"), hostile.value("Stadt")} <= strings
    known = {hostile.value(name) for name in FIELDS}
    texts = {s for s in strings if not s.startswith("https://")}  # URLs hold slugs only
    mangled = {s for s in texts if "alert" in s or "]]>" in s} - known
    assert mangled == set()


# --- the Markdown body ---------------------------------------------------------------

RAW_HTML = (
    "<script>alert(1)</script>\n\n"
    'Text mit <img src=x onerror="alert(1)"> und <a href="javascript:alert(1)">Link</a>.\n\n'
    '<iframe src="https://evil.example/"></iframe>\n\n'
    '<aside id="roh">Hinweis</aside>\n'
)


def site_with_body(site_factory: SiteFactory, body: str, site_yaml: str = SITE_YAML) -> Path:
    return site_factory({BREMEN: guide(body=body), "data/site.yaml": site_yaml})


def guide_html(output: Path) -> str:
    return (output / "berufe/kundendienstleiter/bremen/index.html").read_text(encoding="utf-8")


def test_raw_html_in_markdown_is_shown_as_text(site_factory: SiteFactory) -> None:
    result, output = build(site_with_body(site_factory, RAW_HTML))
    assert result.returncode == 0, result.stderr
    page = read_html(guide_html(output))
    assert_harmless("the guide", page)
    assert not [attrs for _, attrs in page.elements if attrs.get("id") == "roh"]
    text = "".join(page.texts)
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror="alert(1)">' in text


def test_raw_html_passes_only_when_the_site_turns_it_on(site_factory: SiteFactory) -> None:
    site_yaml = SITE_YAML + "markdown:\n  unsafe_html: true\n"
    result, output = build(site_with_body(site_factory, RAW_HTML, site_yaml))
    assert result.returncode == 0, result.stderr
    page = read_html(guide_html(output))
    tags = [tag for tag, _ in page.elements]
    assert [attrs for _, attrs in page.elements if attrs.get("id") == "roh"]
    assert "img" in tags  # the site's own choice: its authors are trusted
    assert "<script>alert(1)</script>" not in "".join(page.texts)


SCRIPT_LINKS = [
    "[a](javascript:alert(1))",
    "[b](JaVaScRiPt:alert(1))",
    "[c](vbscript:msgbox(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[e](&#106;avascript:alert(1))",
    "[f](javascript&colon;alert(1))",
    "[g](<java\tscript:alert(1)>)",
    "[h](%20javascript:alert(1))",
    "<javascript:alert(1)>",
    "![i](javascript:alert(1))",
    "[j][boese]\n\n[boese]: javascript:alert(1)",
    "[k](javascript:alert(1).md)",
    '[l](https://example.org/ "x\\" onmouseover=\\"alert(1)")',
]


def test_script_links_are_never_rendered_as_links(site_factory: SiteFactory) -> None:
    body = "".join(f"Absatz {n}: {link}\n\n" for n, link in enumerate(SCRIPT_LINKS))
    body += "Zum Vergleich ein [echter Link](https://example.org/echt).\n"
    result, output = build(site_with_body(site_factory, body))
    assert result.returncode == 0, result.stderr
    page = read_html(guide_html(output))
    assert_harmless("the guide", page)
    text = "".join(page.texts)
    assert [n for n in range(len(SCRIPT_LINKS)) if f"Absatz {n}:" not in text] == []
    hrefs = [attrs.get("href") for tag, attrs in page.elements if tag == "a"]
    assert "https://example.org/echt" in hrefs  # links as such still work


# --- YAML that tries to run code -----------------------------------------------------


APPLY = '!!python/object/apply:os.system ["touch MARKER"]'
TAG_CASES = [
    pytest.param(BREMEN, guide(title=APPLY), id="front-matter-title"),
    pytest.param(
        BREMEN,
        guide(salary=f"salary:\n  min: 2800\n  max: 3800\n  levels:\n    entry: {APPLY}\n"),
        id="front-matter-nested",
    ),
    pytest.param(
        BREMEN,
        guide(extra='x: !!python/object/new:subprocess.check_call [["touch", "MARKER"]]\n'),
        id="front-matter-object-new",
    ),
    pytest.param(BREMEN, guide(extra="x: !!python/name:os.system\n"), id="front-matter-name"),
    pytest.param("data/site.yaml", SITE_YAML + f"description: {APPLY}\n", id="site-yaml"),
    pytest.param("data/roles.yaml", ROLES_YAML + f"- name: {APPLY}\n", id="roles-yaml"),
    pytest.param("data/cities.yaml", f"- name: Bremen\n  state: {APPLY}\n", id="cities-yaml"),
]


@pytest.mark.parametrize(("where", "text"), TAG_CASES)
def test_yaml_tags_that_construct_objects_are_refused_and_nothing_runs(
    site_factory: SiteFactory, tmp_path: Path, where: str, text: str
) -> None:
    marker = tmp_path / "ran"
    site = site_factory({BREMEN: guide(), where: text.replace("MARKER", str(marker))})

    result, output = build(site)

    assert not marker.exists(), "a YAML tag ran a command"
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{where}:" in result.stderr
    assert "is not allowed" in result.stderr
    assert not output.exists()


def billion_laughs(indent: str = "") -> str:
    levels = [f'{indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        levels.append(f"{indent}{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(levels) + "\n"


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (BREMEN, guide(extra=billion_laughs())),
        ("data/site.yaml", SITE_YAML + billion_laughs()),
        ("data/cities.yaml", "- name: Bremen\n" + billion_laughs("  ")),
    ],
    ids=["front-matter", "site-yaml", "cities-yaml"],
)
def test_an_alias_bomb_is_refused_with_a_diagnostic(
    site_factory: SiteFactory, where: str, text: str
) -> None:
    site = site_factory({BREMEN: guide(), where: text})
    result, output = build(site, timeout=60)  # a bomb that expands never finishes in time
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{where}:" in result.stderr
    assert "YAML aliases (*name) are not allowed here" in result.stderr
    assert len(result.stderr.splitlines()) < 200
    assert not output.exists()


@pytest.mark.parametrize(
    ("where", "depth"),
    [(BREMEN, 3_000), ("data/cities.yaml", 3_000), (BREMEN, 100_000)],
    ids=["front-matter-3000", "cities-yaml-3000", "front-matter-100000"],
)
def test_deeply_nested_yaml_is_a_diagnostic_not_a_crash(
    site_factory: SiteFactory, where: str, depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    text = guide(extra=f"x: {nested}\n") if where == BREMEN else f"- name: Bremen\n  x: {nested}\n"
    site = site_factory({BREMEN: guide(), where: text})
    result, _ = build(site, timeout=60)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert f"{where}:" in result.stderr


# --- characters XML cannot carry -------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        {BREMEN: guide(title='"Kunden\\bdienstleiter in Bremen"')},
        {BREMEN: guide(title='"Kundendienstleiter\\0 in Bremen"')},
        {BREMEN: guide(extra='summary: "Kurz\\x01gefasst"\n')},
        {BREMEN: guide(extra='summary: "Kurz\\uFFFEgefasst"\n')},
        {BREMEN: guide(body="Erster\x01Absatz.\n")},
        {BREMEN: guide(), "data/site.yaml": SITE_YAML.replace("Testseite", '"Test\\x0cseite"')},
    ],
    ids=["title-backspace", "title-nul", "summary-x01", "summary-fffe", "body-x01", "site-title"],
)
def test_control_characters_never_break_the_feed(
    site_factory: SiteFactory, files: dict[str, str]
) -> None:
    result, output = build(site_factory(files))
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        ET.parse(output / "feed.xml")
        ET.parse(output / "sitemap.xml")
    else:
        assert "error:" in result.stderr


# --- files that are not what they seem -------------------------------------------------

SECRET = "Geheimnis-7f3a9c aus einer Datei ausserhalb der Website"


def test_a_symlink_out_of_content_is_not_followed(
    site_factory: SiteFactory, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(
        guide(title=SECRET, city="Potsdam", body=SECRET + "\n"), encoding="utf-8"
    )
    site = site_factory({BREMEN: guide()})
    (site / "content/kundendienstleiter/potsdam.md").symlink_to(outside / "secret.md")
    (site / "content/extern").symlink_to(outside, target_is_directory=True)

    result, output = build(site)

    assert result.returncode == 0, result.stderr
    assert "symbolic link out of content/ is not followed" in result.stderr
    assert not (output / "berufe/kundendienstleiter/potsdam").exists()
    for path in output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_a_symlinked_data_file_is_read_like_its_target(site_factory: SiteFactory) -> None:
    """data/*.yaml may link to a file elsewhere in the site folder (say, cities shared by
    its languages) and is read like it; a link out of the site is not (test_symlinks.py)."""
    site = site_factory({BREMEN: guide()})
    shared = site / "shared" / "cities.yaml"
    shared.parent.mkdir()
    shared.write_text("- name: Bremen\n  state: Freie Hansestadt Bremen\n", encoding="utf-8")
    (site / "data/cities.yaml").unlink()
    (site / "data/cities.yaml").symlink_to(Path("..", "shared", "cities.yaml"))

    result, output = build(site, "--strict")

    assert result.returncode == 0, result.stderr
    assert "Freie Hansestadt Bremen" in guide_html(output)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_in_content_does_not_hang_the_build(site_factory: SiteFactory) -> None:
    site = site_factory({BREMEN: guide()})
    os.mkfifo(site / "content/kundendienstleiter/potsdam.md")
    result, output = build(site, timeout=30)  # reading the pipe would block for ever
    assert "Traceback" not in result.stderr
    assert "content/kundendienstleiter/potsdam.md" in result.stderr
    if result.returncode == 0:
        assert (output / "berufe/kundendienstleiter/bremen/index.html").is_file()
