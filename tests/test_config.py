"""data/*.yaml into a Config: defaults, typos, broken catalogs, role and city lookup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import SiteFactory

from careersite.config import Config, load_config
from careersite.diagnostics import format_text
from careersite.urls import UrlWords

LoadConfig = Callable[..., tuple[Config | None, list[str]]]
"""What `load` gives: load(files, **options) -> (config, diagnostics as text)."""


@pytest.fixture
def load(site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> LoadConfig:
    """load(files) -> (config, diagnostics as text relative to the site folder)."""

    def run(files: dict[str, str] | None = None, **options: Any) -> tuple[Config | None, list[str]]:
        root: Path = site_factory(files)
        monkeypatch.chdir(root)
        config, diagnostics = load_config(root, **options)
        return config, [format_text(d) for d in diagnostics]

    return run


def test_small_site_loads_without_diagnostics(load: LoadConfig) -> None:
    config, shown = load()
    assert config is not None, shown
    assert shown == []
    assert config.title == "Testseite"
    assert config.base_url == "https://example.org/"
    assert config.locale == "de_DE"
    assert config.currency == "EUR"
    assert config.url_words == UrlWords("berufe", "staedte")
    assert [r.name for r in config.roles.entries] == ["Kundendienstleiter", "Customer Service"]
    assert [c.slug for c in config.cities.entries] == ["bremen", "potsdam", "moenchengladbach"]


def test_defaults_when_only_a_title_is_given(load: LoadConfig) -> None:
    config, shown = load({"data/site.yaml": "title: T\n"})
    assert config is not None, shown
    assert shown == []
    assert config.base_url == "/"
    assert config.language == "de"
    assert config.locale == "de_DE"
    assert config.currency == "EUR"
    assert config.url_words == UrlWords()
    assert config.url_words.page == "seite"
    assert config.per_page == 50
    assert config.level_labels == {"entry": "Einstieg", "experienced": "Mit Berufserfahrung"}
    assert config.unsafe_html is False


def test_site_settings_override_defaults(load: LoadConfig) -> None:
    config, shown = load(
        {
            "data/site.yaml": "title: T\nbase_url: https://example.org/karriere\n"
            "url_words:\n  roles: jobs\n  cities: orte\n  page: page\n"
            "per_page: 20\n"
            "level_labels:\n  entry: Start\n  senior: Senior\n"
            "markdown:\n  unsafe_html: true\n"
        }
    )
    assert config is not None, shown
    assert shown == []
    assert config.base_url == "https://example.org/karriere/"
    assert config.url_words == UrlWords("jobs", "orte", "page")
    assert config.url_words.paged("jobs/", 2) == "jobs/page/2/"
    assert config.per_page == 20
    assert config.level_labels == {
        "entry": "Start",
        "experienced": "Mit Berufserfahrung",
        "senior": "Senior",
    }
    assert config.unsafe_html is True


def test_base_url_option_wins_over_site_yaml(load: LoadConfig) -> None:
    config, _ = load(base_url="https://example.org/karriere")
    assert config is not None
    assert config.base_url == "https://example.org/karriere/"


@pytest.mark.parametrize(
    ("site_yaml", "shown"),
    [
        (
            "title: T\nbase_ur: https://x.org/\n",
            "data/site.yaml:2:1: warning: unknown key 'base_ur'\n  hint: did you mean 'base_url'?",
        ),
        (
            "title: T\nlanguag: de\n",
            "data/site.yaml:2:1: warning: unknown key 'languag'\n  hint: did you mean 'language'?",
        ),
        (
            "title: T\nfoo: 1\n",
            "data/site.yaml:2:1: warning: unknown key 'foo'\n  hint: known keys: title, "
            "description, base_url, language, locale, currency, url_words, per_page, "
            "level_labels, markdown, minimum_wage, hours_per_month, layout_ids, "
            "stale_after_months, near_duplicate",
        ),
    ],
)
def test_unknown_site_key_is_a_warning_with_did_you_mean(
    load: LoadConfig, site_yaml: str, shown: str
) -> None:
    config, diagnostics = load({"data/site.yaml": site_yaml})
    assert config is not None, diagnostics
    assert diagnostics == [shown]


@pytest.mark.parametrize(
    ("site_yaml", "shown"),
    [
        (
            "title: T\nlocale: xx_YY\n",
            "data/site.yaml:2:9: error: unknown locale 'xx_YY'\n  hint: use a code like de_DE",
        ),
        (
            "title: T\nbase_url: example.org\n",
            "data/site.yaml:2:11: error: 'base_url' must start with http:// or https://\n"
            "  hint: a URL such as https://example.org/ or https://example.org/karriere/",
        ),
        ("description: D\n", "data/site.yaml:1:1: error: missing required key 'title'"),
    ],
)
def test_invalid_site_yaml_is_an_error(load: LoadConfig, site_yaml: str, shown: str) -> None:
    config, diagnostics = load({"data/site.yaml": site_yaml})
    assert config is None
    assert diagnostics == [shown]


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ("per_page: 0\n", "data/site.yaml:2:11: error: 'per_page' must be greater than 0, not 0"),
        ("per_page: -5\n", "data/site.yaml:2:11: error: 'per_page' must be greater than 0, not -5"),
        (
            "per_page: 2.5\n",
            "data/site.yaml:2:11: error: 'per_page' must be a whole number, not 2.5",
        ),
        (
            "per_page: zehn\n",
            "data/site.yaml:2:11: error: 'per_page' must be a whole number, not the text 'zehn'",
        ),
        (
            "per_page: true\n",
            "data/site.yaml:2:11: error: 'per_page' must be a whole number, not true",
        ),
        (
            "url_words:\n  page: Seite 2\n",
            "data/site.yaml:3:9: error: 'url_words.page' has the wrong form: the text 'Seite 2'\n"
            "  hint: use lower-case letters, digits and hyphens only",
        ),
    ],
)
def test_per_page_and_the_page_word_are_checked_at_their_line(
    load: LoadConfig, setting: str, shown: str
) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\n{setting}"})
    assert config is None
    assert diagnostics == [shown]


def test_missing_site_yaml(site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site_factory()
    (root / "data" / "site.yaml").unlink()
    monkeypatch.chdir(root)
    config, diagnostics = load_config(root)
    assert config is None
    assert [format_text(d) for d in diagnostics] == [
        "data/site.yaml: error: missing site configuration\n"
        "  hint: create it with at least 'title:'"
    ]


def test_roles_yaml_must_be_a_list(load: LoadConfig) -> None:
    config, shown = load({"data/roles.yaml": "name: Kundendienstleiter\n"})
    assert shown == [
        "data/roles.yaml:1:1: error: must be a list of entries, each starting with '- name:'"
    ]
    assert config is not None
    assert config.roles.entries == ()


def test_empty_roles_yaml_is_no_roles(load: LoadConfig) -> None:
    config, shown = load({"data/roles.yaml": ""})
    assert config is not None, shown
    assert shown == []
    assert config.roles.entries == ()


CLASH_HINT = "\n  hint: give each entry its own name, slug and aliases"


def test_duplicate_alias_between_two_roles_is_an_error(load: LoadConfig) -> None:
    _, shown = load(
        {"data/roles.yaml": "- name: A\n  aliases: [Chef]\n- name: B\n  aliases: [chef]\n"}
    )
    assert shown == [
        "data/roles.yaml:3:3: error: 'B' clashes with 'A' (line 1): both answer to 'chef'"
        + CLASH_HINT
    ]


def test_duplicate_role_name_is_an_error(load: LoadConfig) -> None:
    _, shown = load({"data/roles.yaml": "- name: A\n- name: A\n"})
    assert shown == [
        "data/roles.yaml:2:3: error: 'A' clashes with 'A' (line 1): both answer to 'A'" + CLASH_HINT
    ]


def test_names_that_differ_only_in_normalisation_are_one_name(load: LoadConfig) -> None:
    _, shown = load({"data/cities.yaml": "- name: Lübeck\n- name: Lu\u0308beck\n"})
    assert shown == [
        "data/cities.yaml:2:3: error: 'Lübeck' clashes with 'Lübeck' (line 1): "
        "both answer to 'Lübeck'" + CLASH_HINT
    ]


def test_a_name_clash_is_reported_once(load: LoadConfig) -> None:
    """'Köln' and 'Koeln' share their name and their slug: still one clashing pair."""
    _, shown = load({"data/cities.yaml": "- name: Köln\n- name: Koeln\n"})
    assert shown == [
        "data/cities.yaml:2:3: error: 'Koeln' clashes with 'Köln' (line 1): "
        "both answer to 'Koeln'" + CLASH_HINT
    ]


def test_one_error_per_clashing_pair(load: LoadConfig) -> None:
    _, shown = load(
        {
            "data/roles.yaml": "- name: A\n- name: B\n  aliases: [a]\n"
            "- name: C\n  slug: a\n  aliases: [b, B]\n"
        }
    )
    assert shown == [
        "data/roles.yaml:2:3: error: 'B' clashes with 'A' (line 1): both answer to 'a'"
        + CLASH_HINT,
        "data/roles.yaml:4:3: error: 'C' clashes with 'A' (line 1): both answer to 'a'"
        + CLASH_HINT,
        "data/roles.yaml:4:3: error: 'C' clashes with 'B' (line 2): both answer to 'b'"
        + CLASH_HINT,
    ]


def test_entry_with_an_empty_slug_is_an_error(load: LoadConfig) -> None:
    _, shown = load({"data/roles.yaml": "- name: '!!!'\n"})
    assert (
        shown[0] == "data/roles.yaml:1:3: error: '!!!' has no letters or digits to make a URL from"
    )


def test_entry_with_an_empty_slug_is_reported_once(load: LoadConfig) -> None:
    _, shown = load({"data/roles.yaml": "- name: '!!!'\n"})
    assert shown == [
        "data/roles.yaml:1:3: error: '!!!' has no letters or digits to make a URL from"
    ]


@pytest.mark.parametrize(
    ("roles_yaml", "shown"),
    [
        (
            "- name: A\n  related: [Kundendienstleitr]\n- name: Kundendienstleiter\n",
            "data/roles.yaml:2:13: warning: related role 'Kundendienstleitr' is not in "
            "data/roles.yaml\n  hint: did you mean 'Kundendienstleiter'?",
        ),
        (
            "- name: A\n  related: [Zahnarzt]\n",
            "data/roles.yaml:2:13: warning: related role 'Zahnarzt' is not in "
            "data/roles.yaml\n  hint: add the role to data/roles.yaml",
        ),
        (
            "- name: A\n  relatd: [B]\n",
            "data/roles.yaml:2:3: warning: unknown key 'relatd'\n  hint: did you mean 'related'?",
        ),
        (
            "- name: A\n  slug: Bad Slug\n",
            "data/roles.yaml:2:9: error: '0.slug' has the wrong form: the text 'Bad Slug'\n"
            "  hint: use lower-case letters, digits and hyphens only, e.g. bremen-nord",
        ),
        ("- 5\n", "data/roles.yaml:1:3: error: '0' must be a mapping of keys, not 5"),
    ],
)
def test_role_catalog_problems(load: LoadConfig, roles_yaml: str, shown: str) -> None:
    _, diagnostics = load({"data/roles.yaml": roles_yaml})
    assert diagnostics == [shown]


def test_explicit_slug_of_a_role(load: LoadConfig) -> None:
    config, _ = load({"data/roles.yaml": "- name: Leiter/-in Kundendienst\n  slug: kd-leitung\n"})
    assert config is not None
    by_slug = config.roles.find("kd-leitung")
    by_name = config.roles.find("Leiter/-in Kundendienst")
    assert by_slug is not None and by_name is not None
    assert by_slug.name == "Leiter/-in Kundendienst"
    assert by_name.slug == "kd-leitung"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kundendienstleiter", "Kundendienstleiter"),
        ("kundendienstleiter", "Kundendienstleiter"),
        ("KUNDENDIENSTLEITER", "Kundendienstleiter"),
        ("Leiter Customer Service", "Kundendienstleiter"),
        ("leiter customer service", "Kundendienstleiter"),
        ("leiter-customer-service", "Kundendienstleiter"),
        ("Customer Service", "Customer Service"),
        ("customer-service", "Customer Service"),
        ("Zahnarzt", None),
    ],
)
def test_find_role_by_name_slug_or_alias(load: LoadConfig, text: str, name: str | None) -> None:
    config, _ = load()
    assert config is not None
    found = config.roles.find(text)
    assert (found.name if found else None) == name


@pytest.mark.parametrize("text", ["Mönchengladbach", "moenchengladbach", "MÖNCHENGLADBACH"])
def test_find_city_with_umlauts(load: LoadConfig, text: str) -> None:
    config, _ = load()
    assert config is not None
    city = config.cities.find(text)
    assert city is not None
    assert (city.name, city.slug, city.state) == (
        "Mönchengladbach",
        "moenchengladbach",
        "Nordrhein-Westfalen",
    )


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Kundendienstleiterr", "Kundendienstleiter"),
        ("Kundendinstleiter", "Kundendienstleiter"),
        ("Custmer Service", "Customer Service"),
        ("Leiter Custmer Service", "Kundendienstleiter"),
        ("Zahnarzt", None),
    ],
)
def test_suggest_names_the_canonical_role(
    load: LoadConfig, text: str, suggestion: str | None
) -> None:
    config, _ = load()
    assert config is not None
    assert config.roles.suggest(text) == suggestion


def test_suggest_a_city(load: LoadConfig) -> None:
    config, _ = load()
    assert config is not None
    assert config.cities.suggest("Bremn") == "Bremen"
    assert config.cities.suggest("Monchengladbach") == "Mönchengladbach"


# url_words: the first folder of each list's pages ------------------------------------

WORDS_HINT = "\n  hint: careersite's own folders are static, suche and suchindex"


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (
            "  cities: suche\n",
            "data/site.yaml:3:11: error: 'url_words.cities' cannot be 'suche': "
            "careersite writes its own files there" + WORDS_HINT,
        ),
        (
            "  roles: suchindex\n",
            "data/site.yaml:3:10: error: 'url_words.roles' cannot be 'suchindex': "
            "careersite writes its own files there" + WORDS_HINT,
        ),
        (
            "  roles: static\n",
            "data/site.yaml:3:10: error: 'url_words.roles' cannot be 'static': "
            "careersite writes its own files there" + WORDS_HINT,
        ),
        (
            "  cities: berufe\n",
            "data/site.yaml:3:11: error: 'url_words.cities' is 'berufe', "
            "the word of 'url_words.roles'\n  hint: roles and cities need a word each",
        ),
        (
            "  roles: staedte\n",
            "data/site.yaml:3:10: error: 'url_words.roles' is 'staedte', "
            "the word of 'url_words.cities'\n  hint: roles and cities need a word each",
        ),
        (
            "  roles: jobs\n  cities: jobs\n",
            "data/site.yaml:4:11: error: 'url_words.cities' is 'jobs', "
            "the word of 'url_words.roles'\n  hint: roles and cities need a word each",
        ),
        (
            f"  roles: {'a' * 256}\n",
            "data/site.yaml:3:10: error: 'url_words.roles' is 256 bytes long: "
            "a file name can have at most 255",
        ),
        (
            f"  page: {'s' * 256}\n",
            "data/site.yaml:3:9: error: 'url_words.page' is 256 bytes long: "
            "a file name can have at most 255",
        ),
    ],
)
def test_url_words_that_meet_another_folder_are_errors(
    load: LoadConfig, words: str, shown: str
) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\nurl_words:\n{words}"})
    assert diagnostics == [shown]
    assert config is None  # no page is written where another one or nothing can be


@pytest.mark.parametrize(
    ("entries", "shown"),
    [
        (
            f"- name: Bremen\n- name: {'Ö' * 150}\n",  # slug oe... of 300 bytes
            f"data/{{}}.yaml:2:3: error: '{'Ö' * 150}' makes a URL segment that is 300 bytes "
            "long: a file name can have at most 255\n  hint: give it a shorter 'slug'",
        ),
        (
            f"- name: Bremen\n  slug: {'b' * 256}\n",
            "data/{}.yaml:1:3: error: 'Bremen' makes a URL segment that is 256 bytes "
            "long: a file name can have at most 255\n  hint: give it a shorter 'slug'",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["roles", "cities"])
def test_a_role_or_city_too_long_for_a_file_name_is_an_error_at_its_entry(
    load: LoadConfig, entries: str, shown: str, kind: str
) -> None:
    _, diagnostics = load({f"data/{kind}.yaml": entries})
    assert diagnostics == [shown.format(kind)]


PATH_CHARACTERS = "may hold only the characters of a URL path (write others %-encoded, as %20)"


@pytest.mark.parametrize(
    ("base_url", "reason"),
    [
        ("https://example.org/?a=1", "must not have a query (?) or fragment (#)"),
        ("https://example.org/karriere/#top", "must not have a query (?) or fragment (#)"),
        ("https://user:secret@example.org/", "must not hold a user name or password"),
        ('https://example.org/"onmouseover=x', PATH_CHARACTERS),
        ("https://example.org/a b/", PATH_CHARACTERS),
        ("https://exa_mple.org/", "needs a host name such as example.org"),
        ("https://example.org:99999/", "has a port that is not a number up to 65535"),
    ],
)
def test_base_url_in_site_yaml_is_a_plain_url(load: LoadConfig, base_url: str, reason: str) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\nbase_url: '{base_url}'\n"})
    assert config is None
    assert diagnostics == [
        f"data/site.yaml:2:11: error: 'base_url' {reason}\n"
        "  hint: a URL such as https://example.org/ or https://example.org/karriere/"
    ]


@pytest.mark.parametrize(
    "base_url", ["https://example.org/a&b/", "http://[::1]:8000/", "https://example.org/%C3%BC/"]
)
def test_unusual_but_valid_base_urls_are_accepted(load: LoadConfig, base_url: str) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\nbase_url: '{base_url}'\n"})
    assert config is not None, diagnostics
    assert diagnostics == []
    assert config.base_url == base_url


@pytest.mark.parametrize(
    "language", ["Deutsch", "deutsch", "de_DE", "de-", "x" * 9, "de-DE-" + "-".join(["abcde"] * 6)]
)
def test_language_must_be_a_bcp_47_tag(load: LoadConfig, language: str) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\nlanguage: {language}\n"})
    assert config is None
    assert diagnostics == [
        f"data/site.yaml:2:11: error: 'language' must be a language tag such as de or de-AT, "
        f"not '{language}'\n"
        "  hint: a BCP 47 tag of at most 35 characters: an ISO 639 language code, then "
        "optionally a script or region"
    ]


@pytest.mark.parametrize(
    "language", ["de", "de-AT", "gsw", "sr-Latn-RS", "de-CH-1996", "en-US-x-x"]
)
def test_well_formed_language_tags_are_accepted(load: LoadConfig, language: str) -> None:
    config, diagnostics = load({"data/site.yaml": f"title: T\nlanguage: {language}\n"})
    assert config is not None, diagnostics
    assert diagnostics == []
    assert config.language == language


def test_an_unknown_site_currency_is_reported_once_in_site_yaml(load: LoadConfig) -> None:
    config, diagnostics = load({"data/site.yaml": "title: T\ncurrency: EUX\n"})
    assert config is None
    assert diagnostics == [
        "data/site.yaml:2:11: error: unknown currency 'EUX'\n  hint: did you mean 'EUR'?"
    ]


def test_bidi_controls_in_a_city_name_are_refused(load: LoadConfig) -> None:
    _, diagnostics = load({"data/cities.yaml": '- name: "Bremen \\u202e"\n'})
    assert diagnostics == [
        "data/cities.yaml:1:9: error: bidirectional control U+202E is not allowed here\n"
        "  hint: delete it (it can reorder or hide the text shown beside it)"
    ]
