"""Source files to Articles: discovery and the rules that span several front matter keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import Cli, SiteFactory, guide

from careersite.article import Article, Level, Salary, discover, load_article
from careersite.config import load_config
from careersite.diagnostics import SourcePos, format_text
from careersite.incremental import cache
from careersite.markdown import make_parser

BREMEN = "content/kundendienstleiter/bremen.md"
LoadArticle = Callable[..., tuple[Article | None, list[str]]]
"""What `load` gives: load(text, path=BREMEN) -> (article, diagnostics as text)."""

LEVELS = "salary:\n  min: 2800\n  max: 3800\n  levels:\n    entry: {}\n"


@pytest.fixture
def load(site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> LoadArticle:
    """load(text) -> (article, diagnostics as the user reads them)."""

    def run(text: str, path: str = BREMEN) -> tuple[Article | None, list[str]]:
        root: Path = site_factory({path: text})
        monkeypatch.chdir(root)
        config, problems = load_config(root)
        assert config is not None, problems
        assert problems == []
        article, diagnostics = load_article(Path(path), config, make_parser())
        return article, [format_text(d) for d in diagnostics]

    return run


def test_valid_guide(load: LoadArticle) -> None:
    article, shown = load(guide(body="# Titel\n\nErster Absatz.\n"))
    assert article is not None, shown
    assert shown == []
    assert article.title == "Kundendienstleiter in Bremen"
    assert (article.role.name, article.role.slug) == ("Kundendienstleiter", "kundendienstleiter")
    assert article.city is not None
    assert (article.city.name, article.city.slug) == ("Bremen", "bremen")
    assert article.salary == Salary(
        min=2800.0, max=3800.0, currency="EUR", period="month", levels=()
    )
    assert article.date == dt.date(2026, 11, 1)
    assert article.last_changed == dt.date(2026, 11, 1)
    assert article.is_guide
    assert article.draft is False
    assert article.summary == "Erster Absatz."
    assert article.body.html == b"<h1>Titel</h1>\n<p>Erster Absatz.</p>\n"
    assert article.body.summary == "Erster Absatz."


def test_guide_with_every_key(load: LoadArticle) -> None:
    article, shown = load(
        guide(
            salary="salary:\n  min: 2800\n  max: 3800\n  currency: CHF\n  period: year\n"
            "  levels:\n    entry: [2800, 3200]\n    experienced: [3400, 3800]\n"
            "  confirmed: true\n",  # a yearly 2,800: confirmed, so no sense check warns
            extra="updated: 2026-11-20\nsummary: Kurz.\ndraft: true\nslug: bremen-nord\n"
            "aliases: [/alt/kundendienst-bremen/]\n",
        )
    )
    assert article is not None, shown
    assert shown == []
    assert article.salary == Salary(
        min=2800.0,
        max=3800.0,
        currency="CHF",
        period="year",
        levels=(Level("entry", 2800.0, 3200.0), Level("experienced", 3400.0, 3800.0)),
    )
    assert article.last_changed == dt.date(2026, 11, 20)
    assert (article.summary, article.draft, article.slug) == ("Kurz.", True, "bremen-nord")
    assert article.aliases == ("/alt/kundendienst-bremen/",)


def test_role_overview_needs_no_city_and_no_salary(load: LoadArticle) -> None:
    article, shown = load(
        guide(title="Kundendienstleiter", city=None, salary=""),
        "content/kundendienstleiter/index.md",
    )
    assert article is not None, shown
    assert shown == []
    assert article.city is None
    assert article.salary is None
    assert not article.is_guide


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            guide(salary=""),
            f"{BREMEN}:4:1: error: missing required key 'salary' for a guide with a city\n"
            "  hint: add salary: with min, max and period",
        ),
        (
            guide(salary="salary:\n  min: 3800\n  max: 2800\n"),
            f"{BREMEN}:7:8: error: salary min (3800) is greater than max (2800)\n"
            "  hint: swap the two numbers",
        ),
        (
            guide(salary=LEVELS.format("[2000, 3200]")),
            f"{BREMEN}:9:12: error: salary level 'entry' [2000, 3200] lies outside the range "
            "2800–3800\n  hint: widen min/max or correct the level",
        ),
        (
            guide(salary=LEVELS.format("[3400, 3900]")),
            f"{BREMEN}:9:12: error: salary level 'entry' [3400, 3900] lies outside the range "
            "2800–3800\n  hint: widen min/max or correct the level",
        ),
        (
            guide(salary=LEVELS.format("[3200, 3000]")),
            f"{BREMEN}:9:12: error: salary level 'entry': 3200 is greater than 3000",
        ),
        (
            guide(salary="salary:\n  min: 2800\n  max: 3800\n  currency: XYZ\n"),
            f"{BREMEN}:8:13: error: unknown currency 'XYZ'\n"
            "  hint: use an ISO 4217 code such as EUR",
        ),
        (
            guide(extra="updated: 2026-10-01\n"),
            f"{BREMEN}:9:10: error: 'updated' (2026-10-01) is before 'date' (2026-11-01)",
        ),
        (
            guide(extra="aliases: [alt/x]\n"),
            f"{BREMEN}:9:11: error: alias 'alt/x' must start with '/'",
        ),
        (
            guide(extra="aliases: ['/alt%2Fx/']\n"),
            f"{BREMEN}:9:11: error: alias '/alt%2Fx/' must not hide a '/' as %2F",
        ),
        (
            guide(extra="aliases: ['/alt/zeile%0Aumbruch/']\n"),
            f"{BREMEN}:9:11: error: alias '/alt/zeile%0Aumbruch/' must not hold a control "
            "character (a line break, a tab ...)",
        ),
        (
            guide(extra="aliases: ['/alt/%2e%2e/']\n"),
            f"{BREMEN}:9:11: error: alias '/alt/%2e%2e/' must not contain '.' or '..' segments",
        ),
        (
            guide(extra=f"aliases: ['{'/abc' * 800}/']\n"),
            f"{BREMEN}:9:11: error: alias '{'/abc' * 800}/' is longer than 3072 bytes: "
            "files cannot be written that deep",
        ),
        (
            guide(extra="aliases: [/ok/, 'https://evil.com/']\n"),
            f"{BREMEN}:9:17: error: alias 'https://evil.com/' must be a path on this site, "
            "not a URL with a host",
        ),
        (
            "---\n- title\n---\n",
            f"{BREMEN}:2:1: error: front matter must be a mapping of keys such as 'title: ...'",
        ),
        (
            "Kein Kopf\n",
            f"{BREMEN}:1:1: error: missing front matter: a guide starts with a line '---'\n"
            "  hint: begin the file with '---', then title, role, ..., then '---'",
        ),
    ],
)
def test_invalid_guide_is_an_error_at_its_line(load: LoadArticle, text: str, shown: str) -> None:
    article, diagnostics = load(text)
    assert article is None
    assert diagnostics == [shown]


def test_infinite_salary_is_an_error(load: LoadArticle) -> None:
    article, shown = load(guide(salary="salary:\n  min: 2800\n  max: .inf\n"))
    assert article is None
    assert shown == [f"{BREMEN}:7:8: error: 'salary.max' must be a finite number, not inf"]


@pytest.mark.parametrize(
    ("currency", "hint"),
    [
        ("EUX", "did you mean 'EUR'?"),  # not 'XEU', the ECU withdrawn in 1999
        ("CHG", "did you mean 'CHF'?"),
        ("DEM", "use an ISO 4217 code such as EUR"),  # the Mark: historic, not in use today
        ("XEU", "did you mean 'EUR'?"),
    ],
)
def test_currency_must_be_in_use_today(load: LoadArticle, currency: str, hint: str) -> None:
    article, shown = load(
        guide(salary=f"salary:\n  min: 2800\n  max: 3800\n  currency: {currency}\n")
    )
    assert article is None
    assert shown == [f"{BREMEN}:8:13: error: unknown currency '{currency}'\n  hint: {hint}"]


@pytest.mark.parametrize("currency", ["EUR", "CHF", "PLN", "JPY", "USD"])
def test_currencies_in_use_are_accepted(load: LoadArticle, currency: str) -> None:
    article, shown = load(
        guide(salary=f"salary:\n  min: 2800\n  max: 3800\n  currency: {currency}\n")
    )
    assert article is not None, shown
    assert shown == []
    assert article.salary is not None
    assert article.salary.currency == currency


def test_thousands_separator_is_an_error_at_the_amount(load: LoadArticle) -> None:
    article, shown = load(guide(salary="salary:\n  min: 2.800\n  max: 3800\n"))
    assert article is None
    assert shown == [
        f"{BREMEN}:6:8: error: 'salary.min' is written 2.800, which reads as 2.8\n"
        "  hint: write amounts without a thousands separator: 2800"
    ]


def test_each_amount_with_a_thousands_separator_is_reported(load: LoadArticle) -> None:
    _, shown = load(guide(salary="salary:\n  min: 2.800\n  max: 3.800\n"))
    assert shown == [
        f"{BREMEN}:6:8: error: 'salary.min' is written 2.800, which reads as 2.8\n"
        "  hint: write amounts without a thousands separator: 2800",
        f"{BREMEN}:7:8: error: 'salary.max' is written 3.800, which reads as 3.8\n"
        "  hint: write amounts without a thousands separator: 3800",
    ]


def test_thousands_separator_in_a_level_is_reported_at_the_amount(load: LoadArticle) -> None:
    _, shown = load(guide(salary=LEVELS.format("[2.900, 3200]")))
    assert (
        f"{BREMEN}:9:13: error: 'salary.levels.entry.0' is written 2.900, which reads as 2.9\n"
        "  hint: write amounts without a thousands separator: 2900"
    ) in shown


def test_a_decimal_amount_is_not_a_thousands_separator(load: LoadArticle) -> None:
    article, shown = load(guide(salary="salary:\n  min: 14.5\n  max: 18.75\n  period: hour\n"))
    assert article is not None, shown
    assert shown == []
    assert article.salary is not None
    assert (article.salary.min, article.salary.max) == (14.5, 18.75)


def test_all_errors_of_a_file_in_one_run(load: LoadArticle) -> None:
    _, shown = load(
        guide(salary="salary:\n  min: 3800\n  max: 2800\n", extra="updated: 2026-10-01\n")
    )
    assert [line.split(": error: ")[0] for line in shown] == [f"{BREMEN}:7:8", f"{BREMEN}:9:10"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            guide(role="Kundendienstleiterr"),
            f"{BREMEN}:3:7: warning: unknown role 'Kundendienstleiterr'\n"
            "  hint: did you mean 'Kundendienstleiter'?",
        ),
        (
            guide(role="Zahnarzt"),
            f"{BREMEN}:3:7: warning: unknown role 'Zahnarzt'\n  hint: add it to data/roles.yaml",
        ),
        (
            guide(city="Bremn"),
            f"{BREMEN}:4:7: warning: unknown city 'Bremn'\n  hint: did you mean 'Bremen'?",
        ),
        (
            guide(city="Dortmund"),
            f"{BREMEN}:4:7: warning: unknown city 'Dortmund'\n  hint: add it to data/cities.yaml",
        ),
        (
            guide(extra="salery: 1\n"),
            f"{BREMEN}:9:1: warning: unknown key 'salery'\n  hint: did you mean 'salary'?",
        ),
        (
            guide(salary="salary:\n  min: 2800\n  max: 3800\n  perod: month\n"),
            f"{BREMEN}:8:3: warning: unknown key 'salary.perod'\n  hint: did you mean 'period'?",
        ),
    ],
)
def test_unknown_names_are_warnings_and_the_guide_still_loads(
    load: LoadArticle, text: str, shown: str
) -> None:
    article, diagnostics = load(text)
    assert article is not None, diagnostics
    assert diagnostics == [shown]


def test_unknown_role_gets_a_slug_of_its_own(load: LoadArticle) -> None:
    article, _ = load(guide(role="Zahnärztin", city="Potsdam"))
    assert article is not None
    assert (article.role.name, article.role.slug) == ("Zahnärztin", "zahnaerztin")


@pytest.mark.parametrize(
    ("role", "city", "city_slug"),
    [
        ("Leiter Customer Service", "Bremen", "bremen"),
        ("kundendienstleiter", "bremen", "bremen"),
        ("KUNDENDIENSTLEITER", "Mönchengladbach", "moenchengladbach"),
        ("Kundendienstleiter", "moenchengladbach", "moenchengladbach"),
    ],
)
def test_role_and_city_found_by_alias_slug_or_name(
    load: LoadArticle, role: str, city: str, city_slug: str
) -> None:
    article, shown = load(guide(role=role, city=city))
    assert article is not None, shown
    assert shown == []
    assert article.role.name == "Kundendienstleiter"
    assert article.city is not None
    assert article.city.slug == city_slug


def test_a_name_in_decomposed_unicode_is_the_same_name(load: LoadArticle) -> None:
    # 'Mönchengladbach' as o + U+0308, as some macOS tools write it.
    decomposed = "Mo\u0308nchengladbach"
    article, shown = load(guide(city=decomposed, title=f"Kundendienst in {decomposed}"))
    assert article is not None, shown
    assert shown == []
    assert article.city is not None
    assert (article.city.name, article.city.slug) == ("Mönchengladbach", "moenchengladbach")
    assert article.title == "Kundendienst in Mönchengladbach"


def test_crlf_and_bom_keep_line_numbers(load: LoadArticle) -> None:
    text = "\ufeff" + guide(salary="salary:\n  min: 3800\n  max: 2800\n").replace("\n", "\r\n")
    _, shown = load(text)
    assert shown[0].startswith(f"{BREMEN}:7:8: error: salary min (3800)")


# discover


def touch(content: Path, names: list[str]) -> None:
    """A small file at each name below content, folders made as needed."""
    for name in names:
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text("x", encoding="utf-8")


def test_discover_finds_markdown_in_a_stable_order(tmp_path: Path) -> None:
    content = tmp_path / "content"
    touch(content, ["b/z.md", "b/a.md", "a/y.md", "top.md", "a/notes.txt", "a/README"])
    found, diagnostics = discover(content)
    assert diagnostics == []
    assert [p.relative_to(content).as_posix() for p in found] == [
        "a/y.md",
        "b/a.md",
        "b/z.md",
        "top.md",
    ]


def test_discover_orders_as_paths_do_not_as_strings(tmp_path: Path) -> None:
    """'a/…' before 'a-b/…' (a string sort puts '-' first), as sorted(Path) has it."""
    content = tmp_path / "content"
    names = ["a-b/x.md", "a/x.md", "a.b/y.md", "a/b/c.md", "a/b-c.md", "A/z.md", "ä/q.md"]
    touch(content, names)
    found, _ = discover(content)
    assert found == sorted(content / name for name in names)
    assert [p.relative_to(content).as_posix() for p in found][:4] == [
        "A/z.md",
        "a/b/c.md",
        "a/b-c.md",
        "a/x.md",
    ]


def test_discover_and_the_cache_hand_back_one_path_object_per_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    touch(content, ["a/x.md", "a/y.md"])
    cache.write(
        tmp_path / "cache",
        "paths.pickle",
        {path: str(path) for path in [content / "a/y.md", content / "a/x.md"]},
    )
    stored = cache.read(tmp_path / "cache" / "paths.pickle")
    first, _ = discover(content)
    again, _ = discover(content)
    assert again == first == sorted(stored)
    assert all(a is b is c for a, b, c in zip(again, first, sorted(stored), strict=True))


def test_discover_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    content = tmp_path / "content"
    touch(content, ["a/.#entwurf.md", ".hidden.md", ".git/x.md", "a/.cache/y.md", "a/ok.md"])
    found, _ = discover(content)
    assert [p.relative_to(content).as_posix() for p in found] == ["a/ok.md"]


def test_symlink_out_of_content_is_not_followed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "a").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text("x", encoding="utf-8")
    (content / "a" / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    (content / "ext").symlink_to(tmp_path / "outside", target_is_directory=True)
    found, diagnostics = discover(content)
    assert found == []
    assert [(d.severity, d.message, d.pos) for d in diagnostics] == [
        (
            "warning",
            "symbolic link out of content/ is not followed",
            SourcePos(content / "a" / "link.md"),
        )
    ]


def test_symlink_inside_content_is_skipped(tmp_path: Path) -> None:
    """Its target is found under its own name; reading the link too would build it twice."""
    content = tmp_path / "content"
    (content / "a").mkdir(parents=True)
    (content / "a" / "real.md").write_text("x", encoding="utf-8")
    (content / "b.md").symlink_to(content / "a" / "real.md")
    found, diagnostics = discover(content)
    assert diagnostics == []
    assert [p.relative_to(content).as_posix() for p in found] == ["a/real.md"]


def test_missing_content_folder(tmp_path: Path) -> None:
    found, diagnostics = discover(tmp_path / "content")
    assert found == []
    assert [(d.message, d.hint) for d in diagnostics] == [
        ("no content folder", "create content/<role>/<city>.md")
    ]


# each URL segment a guide's page gets must be a file name -----------------------

TOO_LONG = "is 300 bytes long: a file name can have at most 255"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            guide(extra=f"slug: {'a' * 300}\n"),
            f"{BREMEN}:9:7: error: 'slug' {TOO_LONG}",
        ),
        (
            guide(extra=f"aliases: ['/alt/{'a' * 300}/']\n"),
            f"{BREMEN}:9:11: error: alias '/alt/{'a' * 300}/' has a segment that {TOO_LONG}",
        ),
        (
            guide(city="Ö" * 150),  # not in data/cities.yaml: its slug is oe... (300 bytes)
            f"{BREMEN}:4:7: error: 'city' makes a URL segment that {TOO_LONG}\n"
            "  hint: give the city a shorter 'slug' in data/cities.yaml",
        ),
        (
            guide(role="r" * 300),
            f"{BREMEN}:3:7: error: 'role' makes a URL segment that {TOO_LONG}\n"
            "  hint: give the role a shorter 'slug' in data/roles.yaml",
        ),
    ],
)
def test_a_url_segment_too_long_for_a_file_name_is_an_error_at_its_key(
    load: LoadArticle, text: str, shown: str
) -> None:
    # It was "cannot write ...: File name too long", with no line, as the page was written.
    article, problems = load(text)
    assert article is None
    assert [p for p in problems if ": error: " in p] == [shown]


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ("0", "'date' must be a date like 2026-11-01, not 0"),
        ("1767225600", "'date' must be a date like 2026-11-01, not 1767225600"),
        ("2026", "'date' must be a date like 2026-11-01, not 2026"),
        ("20261101", "'date' must be a date like 2026-11-01, not 20261101"),
        ("2026-W44-7", "'date': '2026-W44-7' is not a date of the form 2026-11-01"),
        ("'20261101'", "'date': '20261101' is not a date of the form 2026-11-01"),
        ("2026-11-01T10:00", "'date': '2026-11-01T10:00' is not a date of the form 2026-11-01"),
    ],
)
def test_a_date_is_year_month_day_only(load: LoadArticle, date: str, shown: str) -> None:
    article, diagnostics = load(guide(date=date))
    assert article is None
    assert diagnostics == [f"{BREMEN}:8:7: error: {shown}"]


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("100000000000000000000000000000", "100000000000000000000000000000"),
        ("1.0e+29", "1e+29"),
        ("1000000000001", "1000000000001"),
    ],
)
def test_an_amount_beyond_any_salary_is_an_error_at_its_line(
    load: LoadArticle, amount: str, shown: str
) -> None:
    article, diagnostics = load(guide(salary=f"salary:\n  min: 2800\n  max: {amount}\n"))
    assert article is None
    assert diagnostics == [
        f"{BREMEN}:7:8: error: 'salary.max' must be at most 1000000000000, not {shown}"
    ]


def test_the_largest_amount_formats(site_factory: SiteFactory, cli: Cli) -> None:
    site = site_factory(
        {BREMEN: guide(salary="salary:\n  min: 2800\n  max: 1000000000000\n  period: year\n")}
    )
    result = cli("build", "--source", site, "--no-search")
    assert result.returncode == 0, result.stderr
    page = site / "public/berufe/kundendienstleiter/bremen/index.html"
    assert "1.000.000.000.000" in page.read_text(encoding="utf-8")
