"""German slugs, the URL scheme, alias checks and links at a root or a sub-path."""

from __future__ import annotations

import pytest

from careersite.urls import (
    Linker,
    UrlWords,
    alias_problem,
    alias_site_path,
    is_slug,
    output_file,
    slug,
)

SLUGS = [
    ("Mönchengladbach", "moenchengladbach"),
    ("Customer Service", "customer-service"),
    ("Straße", "strasse"),
    ("ÄÖÜ", "aeoeue"),
    ("äöü", "aeoeue"),
    ("ẞ", "ss"),
    ("Düsseldorf-Süd", "duesseldorf-sued"),
    ("Lu\u0308beck", "luebeck"),  # decomposed: u + combining diaeresis
    ("Kundendienstleiter", "kundendienstleiter"),
    ("Leiter/-in Customer Service", "leiter-in-customer-service"),
    ("--Hallo, Welt!--", "hallo-welt"),
    ("  Köln  ", "koeln"),
    ("(Bremen)", "bremen"),
    ("Ärztin & Arzt", "aerztin-arzt"),
    ("C++ Entwickler", "c-entwickler"),
    ("a_b", "a-b"),
    ("100 % Service", "100-service"),
    ("GROSS", "gross"),
    ("!!!", ""),
]


@pytest.mark.parametrize(("text", "expected"), SLUGS)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize("text", [text for text, _ in SLUGS])
def test_slug_is_idempotent(text: str) -> None:
    assert slug(slug(text)) == slug(text)


@pytest.mark.parametrize("text", [text for text, expected in SLUGS if expected])
def test_every_non_empty_slug_is_a_slug(text: str) -> None:
    assert is_slug(slug(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bremen", True),
        ("bremen-nord", True),
        ("a1-2b", True),
        ("", False),
        ("Bremen", False),
        ("bremen nord", False),
        ("-bremen", False),
        ("bremen-", False),
        ("bremen--nord", False),
        ("bremen_nord", False),
        ("köln", False),
        ("bremen/nord", False),
    ],
)
def test_is_slug(text: str, expected: bool) -> None:
    assert is_slug(text) is expected


def test_url_words_german_defaults() -> None:
    words = UrlWords()
    assert words.roles_index() == "berufe/"
    assert words.cities_index() == "staedte/"
    assert words.role("kundendienstleiter") == "berufe/kundendienstleiter/"
    assert words.guide("kundendienstleiter", "bremen") == "berufe/kundendienstleiter/bremen/"
    assert words.city("potsdam") == "staedte/potsdam/"


def test_url_words_are_configurable() -> None:
    words = UrlWords(roles="jobs", cities="orte")
    assert words.guide("customer-service", "dortmund") == "jobs/customer-service/dortmund/"
    assert words.city("dortmund") == "orte/dortmund/"
    assert words.roles_index() == "jobs/"
    assert words.cities_index() == "orte/"


@pytest.mark.parametrize(
    ("site_path", "expected"),
    [
        ("", "index.html"),
        ("berufe/", "berufe/index.html"),
        ("berufe/kundendienstleiter/bremen/", "berufe/kundendienstleiter/bremen/index.html"),
        ("feed.xml", "feed.xml"),
        ("404.html", "404.html"),
    ],
)
def test_output_file(site_path: str, expected: str) -> None:
    assert output_file(site_path) == expected


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("/alt/x/", None),
        ("/alt/x", None),
        ("/alt/kundendienst-bremen/", None),
        ("alt", "must start with '/'"),
        ("alt/x/", "must start with '/'"),
        ("//evil.com/x", "must be a path on this site, not a URL with a host"),
        ("https://evil.com/", "must be a path on this site, not a URL with a host"),
        ("javascript:alert(1)", "must be a path on this site, not a URL with a host"),
        ("/a/../b", "must not contain '.' or '..' segments"),
        ("/./a", "must not contain '.' or '..' segments"),
        ("/a\\b", "must not contain '.' or '..' segments"),
        ("/a?x=1", "must not have a query or fragment"),
        (
            f"/alt/{'a' * 256}/",
            "has a segment that is 256 bytes long: a file name can have at most 255",
        ),
        (
            f"/{'ü' * 128}",  # two bytes each
            "has a segment that is 256 bytes long: a file name can have at most 255",
        ),
        ("/a#teil", "must not have a query or fragment"),
    ],
)
def test_alias_problem(alias: str, problem: str | None) -> None:
    assert alias_problem(alias) == problem


@pytest.mark.parametrize(
    ("alias", "site_path"),
    [
        ("/alt/seite/", "alt/seite/"),
        ("/alt/seite", "alt/seite/"),
        ("/x", "x/"),
        ("/alt//seite//", "alt/seite/"),
    ],
)
def test_alias_site_path(alias: str, site_path: str) -> None:
    assert alias_site_path(alias) == site_path


def test_alias_of_the_root_is_the_home_page() -> None:
    assert alias_site_path("/") == ""
    assert output_file(alias_site_path("/")) == "index.html"


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org"])
def test_linker_at_a_domain_root(base_url: str) -> None:
    link = Linker.for_base_url(base_url)
    assert link.base_path == "/"
    assert link.href("") == "/"
    assert link.href("berufe/kundendienstleiter/bremen/") == "/berufe/kundendienstleiter/bremen/"
    assert link.absolute("") == "https://example.org/"
    assert link.absolute("staedte/potsdam/") == "https://example.org/staedte/potsdam/"


@pytest.mark.parametrize(
    "base_url", ["https://example.org/karriere/", "https://example.org/karriere"]
)
def test_linker_under_a_sub_path(base_url: str) -> None:
    link = Linker.for_base_url(base_url)
    assert link.base_url == "https://example.org/karriere/"
    assert link.base_path == "/karriere/"
    assert link.href("") == "/karriere/"
    assert link.href("berufe/") == "/karriere/berufe/"
    assert link.href("static/app.css") == "/karriere/static/app.css"
    assert link.absolute("berufe/customer-service/dortmund/") == (
        "https://example.org/karriere/berufe/customer-service/dortmund/"
    )


@pytest.mark.parametrize(
    ("site_path", "href"),
    [
        ("berufe/ä b/", "/karriere/berufe/%C3%A4%20b/"),
        ("berufe/x/#gehalt", "/karriere/berufe/x/#gehalt"),
        ("a?b", "/karriere/a%3Fb"),
        ("a%b", "/karriere/a%25b"),
        ('a"b<c>', "/karriere/a%22b%3Cc%3E"),
    ],
)
def test_linker_quotes_special_characters(site_path: str, href: str) -> None:
    link = Linker.for_base_url("https://example.org/karriere/")
    assert link.href(site_path) == href
    assert link.absolute(site_path) == "https://example.org" + href
