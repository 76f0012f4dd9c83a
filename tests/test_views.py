"""views.build_pages: what each template gets, hrefs, range texts and orders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import pytest
from helpers import SiteFactory, guide, many_guides

from careersite import markdown
from careersite.article import discover, load_article
from careersite.config import load_config
from careersite.diagnostics import format_text, has_failures
from careersite.pipeline import Options, build
from careersite.site import link_site
from careersite.views import (
    NEWEST_ON_HOME,
    CityHubView,
    GuideView,
    HomeView,
    IndexEntry,
    IndexView,
    LevelView,
    Link,
    RangeLink,
    RedirectView,
    RoleHubView,
    SiteView,
    View,
    build_pages,
)

ROLES_YAML = """\
- name: Kundendienstleiter
  aliases: [Leiter Customer Service]
  summary: Führt das Serviceteam und plant die Einsätze.
  related: [Customer Service, Teamleiter Service]
- name: Customer Service
  related: [Kundendienstleiter]
- name: Teamleiter Service
  related: [Kundendienstleiter]
"""
LEVELS = """\
salary:
  min: 2800
  max: 3800
  levels:
    entry: [2800, 3200]
    experienced: [3400, 3800]
"""


def euro(text: str) -> str:
    """'2.800 € – 3.800 €' as rendered: a no-break space between amount and sign."""
    return text.replace(" €", "\u00a0€")


# File names sort differently from the cities they hold: the front matter decides.
SITE = {
    "data/roles.yaml": ROLES_YAML,
    "content/kundendienstleiter/index.md": guide(
        title="Kundendienstleiter im Überblick", city=None, date="2026-12-01"
    ),
    "content/kundendienstleiter/1.md": guide(
        title="Kundendienstleiter in Potsdam",
        city="Potsdam",
        salary="salary:\n  min: 2800\n  max: 3900\n",
        date="2026-10-01",
    ),
    "content/kundendienstleiter/2.md": guide(
        title="Kundendienstleiter in Mönchengladbach",
        city="Mönchengladbach",
        salary="salary:\n  min: 2600\n  max: 3500\n",
        date="2026-11-20",
    ),
    "content/kundendienstleiter/3.md": guide(
        title="Kundendienstleiter in Bremen", city="Bremen", salary=LEVELS, date="2026-11-05"
    ),
    "content/customer-service/potsdam.md": guide(
        title="Customer Service in Potsdam",
        role="Customer Service",
        city="Potsdam",
        salary="salary:\n  min: 2450\n  max: 3400\n",
        date="2026-11-05",
    ),
}


def build_views(root: Path) -> tuple[SiteView, dict[str, View]]:
    """The stages of pipeline.build up to the views; a stand-in body per page."""
    config, problems = load_config(root)
    assert config is not None, problems
    md = markdown.make_parser()
    sources, found = discover(config.content_dir)
    problems += found
    articles = []
    for source in sources:
        article, found = load_article(source, config, md)
        problems += found
        if article is not None and not article.draft:
            articles.append(article)
    site, found = link_site(articles, config)
    problems += found
    assert not has_failures(problems, strict=True), problems
    bodies = {path: f"<p>Text von /{path}</p>" for path in site.paths.values()}
    site_view, pages = build_pages(site, bodies, {"style.css": "static/style.css"})
    return site_view, {page.path: page.view for page in pages}


V = TypeVar("V")


def view_of(views: dict[str, View], path: str, kind: type[V]) -> V:
    view = views[path]
    assert isinstance(view, kind), f"/{path} is a {type(view).__name__}"
    return view


# --- guides -----------------------------------------------------------------------


def test_guide_view_carries_breadcrumb_salary_and_neighbours(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    bremen = view_of(views, "berufe/kundendienstleiter/bremen/", GuideView)
    assert bremen.breadcrumb == (
        Link("Start", "/"),
        Link("Berufe", "/berufe/"),
        Link("Kundendienstleiter", "/berufe/kundendienstleiter/"),
        Link("Bremen", "/berufe/kundendienstleiter/bremen/"),
    )
    assert bremen.role == Link("Kundendienstleiter", "/berufe/kundendienstleiter/")
    assert bremen.city == Link("Bremen", "/staedte/bremen/")
    assert bremen.state == "Bremen"
    assert bremen.salary is not None
    assert bremen.salary.range_text == euro("2.800 € – 3.800 €")
    assert (bremen.salary.low_text, bremen.salary.high_text) == (euro("2.800 €"), euro("3.800 €"))
    assert bremen.salary.levels == (
        LevelView("Einstieg", euro("2.800 € – 3.200 €")),
        LevelView("Mit Berufserfahrung", euro("3.400 € – 3.800 €")),
    )
    assert str(bremen.body) == "<p>Text von /berufe/kundendienstleiter/bremen/</p>"
    assert bremen.meta.canonical == "https://example.org/berufe/kundendienstleiter/bremen/"


def test_same_role_lists_the_other_cities_sorted_by_name(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    potsdam = view_of(views, "berufe/kundendienstleiter/potsdam/", GuideView)
    assert potsdam.same_role == (
        RangeLink(
            "Bremen", "/berufe/kundendienstleiter/bremen/", euro("2.800 € – 3.800 €"), "month"
        ),
        RangeLink(
            "Mönchengladbach",
            "/berufe/kundendienstleiter/moenchengladbach/",
            euro("2.600 € – 3.500 €"),
            "month",
        ),
    )


def test_same_city_lists_the_other_roles_there(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    leader = view_of(views, "berufe/kundendienstleiter/potsdam/", GuideView)
    service = view_of(views, "berufe/customer-service/potsdam/", GuideView)
    assert leader.same_city == (
        RangeLink(
            "Customer Service",
            "/berufe/customer-service/potsdam/",
            euro("2.450 € – 3.400 €"),
            "month",
        ),
    )
    assert service.same_city == (
        RangeLink(
            "Kundendienstleiter",
            "/berufe/kundendienstleiter/potsdam/",
            euro("2.800 € – 3.900 €"),
            "month",
        ),
    )
    bremen = view_of(views, "berufe/kundendienstleiter/bremen/", GuideView)
    assert bremen.same_city == ()


def test_two_guides_of_one_role_in_one_city_fail_the_build(
    site_factory: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Otherwise 'Kundendienstleiter in anderen Städten' on one lists the other as Bremen."""
    site = site_factory(
        {
            "content/kundendienstleiter/bremen.md": guide(),
            "content/kundendienstleiter/nord.md": guide(
                title="Kundendienstleiter in Bremen-Nord", extra="slug: bremen-nord\n"
            ),
        }
    )
    monkeypatch.chdir(site)
    result = build(Options(Path(".")))
    assert result.failed
    assert [format_text(d) for d in result.diagnostics] == [
        "content/kundendienstleiter/nord.md:1:1: error: a second guide for Kundendienstleiter "
        "in Bremen; the first is content/kundendienstleiter/bremen.md\n"
        "  hint: merge the two guides or correct 'role' or 'city'"
    ]


def test_same_role_in_other_cities_never_lists_the_guides_own_city(
    site_factory: SiteFactory,
) -> None:
    _, views = build_views(site_factory(SITE))
    bremen = view_of(views, "berufe/kundendienstleiter/bremen/", GuideView)
    assert [link.title for link in bremen.same_role] == ["Mönchengladbach", "Potsdam"]


def test_related_role_without_any_page_is_not_linked(site_factory: SiteFactory) -> None:
    # Kundendienstleiter is related to Customer Service and to Teamleiter Service,
    # which data/roles.yaml knows but no guide is written for.
    _, views = build_views(site_factory(SITE))
    assert "berufe/teamleiter-service/" not in views
    expected = (Link("Customer Service", "/berufe/customer-service/"),)
    assert view_of(views, "berufe/kundendienstleiter/bremen/", GuideView).related == expected
    assert view_of(views, "berufe/kundendienstleiter/", RoleHubView).related == expected
    service = view_of(views, "berufe/customer-service/potsdam/", GuideView)
    assert service.related == (Link("Kundendienstleiter", "/berufe/kundendienstleiter/"),)


def test_role_given_by_alias_and_slug_override_shape_the_url(site_factory: SiteFactory) -> None:
    nord = guide(
        title="Kundendienstleiter in Bremen-Nord",
        role="Leiter Customer Service",
        extra="slug: bremen-nord\naliases: [/alt/bremen-nord/]\n",
    )
    _, views = build_views(site_factory({"content/kundendienstleiter/nord.md": nord}))
    page = view_of(views, "berufe/kundendienstleiter/bremen-nord/", GuideView)
    assert page.role == Link("Kundendienstleiter", "/berufe/kundendienstleiter/")
    assert page.breadcrumb[-1] == Link("Bremen", "/berufe/kundendienstleiter/bremen-nord/")
    hub = view_of(views, "berufe/kundendienstleiter/", RoleHubView)
    assert [(row.title, row.href) for row in hub.cities] == [
        ("Bremen", "/berufe/kundendienstleiter/bremen-nord/")
    ]
    redirect = view_of(views, "alt/bremen-nord/", RedirectView)
    assert redirect.target == "/berufe/kundendienstleiter/bremen-nord/"
    assert redirect.meta.canonical == "https://example.org/berufe/kundendienstleiter/bremen-nord/"


def test_level_labels_come_from_site_yaml(site_factory: SiteFactory) -> None:
    site_yaml = "title: T\nbase_url: https://example.org/\nlevel_labels:\n  entry: Berufsstart\n"
    site = site_factory(
        {"data/site.yaml": site_yaml, "content/kundendienstleiter/bremen.md": guide(salary=LEVELS)}
    )
    _, views = build_views(site)
    bremen = view_of(views, "berufe/kundendienstleiter/bremen/", GuideView)
    assert bremen.salary is not None
    assert [level.label for level in bremen.salary.levels] == [
        "Berufsstart",
        "Mit Berufserfahrung",
    ]


# --- hubs -------------------------------------------------------------------------


def test_role_hub_lists_every_city_sorted_by_name_with_its_range(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    hub = view_of(views, "berufe/kundendienstleiter/", RoleHubView)
    assert [(row.title, row.href, row.range_text) for row in hub.cities] == [
        ("Bremen", "/berufe/kundendienstleiter/bremen/", euro("2.800 € – 3.800 €")),
        (
            "Mönchengladbach",
            "/berufe/kundendienstleiter/moenchengladbach/",
            euro("2.600 € – 3.500 €"),
        ),
        ("Potsdam", "/berufe/kundendienstleiter/potsdam/", euro("2.800 € – 3.900 €")),
    ]
    assert hub.chart is not None
    assert [(bar.label, bar.href, bar.range_text) for bar in hub.chart.bars] == [
        (row.title, row.href, row.range_text) for row in hub.cities
    ]


def priced_guides(count: int) -> dict[str, str]:
    """count guides of one role, each city paid 10 € (lower end) and 20 € (upper) more."""
    cities = "".join(f"- name: Stadt {n:03d}\n" for n in range(count))
    return {
        "data/cities.yaml": cities,
        **{
            f"content/kundendienstleiter/stadt-{n:03d}.md": guide(
                title=f"Kundendienstleiter in Stadt {n:03d}",
                city=f"Stadt {n:03d}",
                # confirmed: 2,000 a month, below the minimum wage, keeps the figures simple
                salary=f"salary:\n  min: {2000 + 10 * n}\n  max: {3000 + 20 * n}\n"
                "  confirmed: true\n",
            )
            for n in range(count)
        },
    }


def test_a_hub_of_many_entries_has_a_fixed_size_overview_chart(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(priced_guides(200), name="many"))
    hub = view_of(views, "berufe/kundendienstleiter/", RoleHubView)
    assert hub.chart is not None and hub.chart.overview and hub.chart.period == "month"
    assert [(bar.label, bar.href, bar.range_text) for bar in hub.chart.bars] == [
        ("Alle 200 Städte", "", euro("2.000 € – 6.980 €")),
        # lower quartile of the lower ends (2,497.5) to upper quartile of the upper ends
        ("Mittlere Hälfte", "", euro("2.498 € – 5.985 €")),
        ("Mittlere Spanne", "", euro("2.995 € – 4.990 €")),  # the medians of both ends
        (
            "Niedrigste: Stadt 000",
            "/berufe/kundendienstleiter/stadt-000/",
            euro("2.000 € – 3.000 €"),
        ),
        ("Höchste: Stadt 199", "/berufe/kundendienstleiter/stadt-199/", euro("3.990 € – 6.980 €")),
    ]
    # the same overview of the whole hub on each of its pages
    assert view_of(views, "berufe/kundendienstleiter/seite/4/", RoleHubView).chart == hub.chart

    _, fewer = build_views(site_factory(priced_guides(13), name="fewer"))
    small = view_of(fewer, "berufe/kundendienstleiter/", RoleHubView).chart
    assert small is not None and small.overview
    assert (small.width, small.height) == (hub.chart.width, hub.chart.height)


def test_up_to_twelve_entries_a_chart_has_a_bar_each(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(priced_guides(12)))
    chart = view_of(views, "berufe/kundendienstleiter/", RoleHubView).chart
    assert chart is not None and not chart.overview
    assert [bar.label for bar in chart.bars] == [f"Stadt {n:03d}" for n in range(12)]


def test_role_hub_takes_title_and_text_from_the_overview(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    hub = view_of(views, "berufe/kundendienstleiter/", RoleHubView)
    assert hub.title == "Kundendienstleiter im Überblick"
    assert str(hub.overview) == "<p>Text von /berufe/kundendienstleiter/</p>"
    assert hub.summary == "Führt das Serviceteam und plant die Einsätze."
    assert hub.aliases == ("Leiter Customer Service",)
    assert hub.breadcrumb == (
        Link("Start", "/"),
        Link("Berufe", "/berufe/"),
        Link("Kundendienstleiter", "/berufe/kundendienstleiter/"),
    )


def test_role_hub_without_overview_is_titled_by_the_role(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    hub = view_of(views, "berufe/customer-service/", RoleHubView)
    assert (hub.title, hub.overview) == ("Customer Service", None)


def test_city_hub_lists_every_role_sorted_by_name(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    hub = view_of(views, "staedte/potsdam/", CityHubView)
    assert (hub.title, hub.state) == ("Potsdam", "Brandenburg")
    assert [(row.title, row.href, row.range_text) for row in hub.roles] == [
        ("Customer Service", "/berufe/customer-service/potsdam/", euro("2.450 € – 3.400 €")),
        ("Kundendienstleiter", "/berufe/kundendienstleiter/potsdam/", euro("2.800 € – 3.900 €")),
    ]
    assert hub.chart is not None
    assert [bar.label for bar in hub.chart.bars] == ["Customer Service", "Kundendienstleiter"]
    assert hub.breadcrumb[1:] == (
        Link("Städte", "/staedte/"),
        Link("Potsdam", "/staedte/potsdam/"),
    )


def test_ranges_in_different_periods_share_no_chart(site_factory: SiteFactory) -> None:
    yearly = "salary:\n  min: 30000\n  max: 42000\n  period: year\n"
    site = site_factory(
        {
            **SITE,
            "content/customer-service/potsdam.md": guide(
                title="Customer Service in Potsdam",
                role="Customer Service",
                city="Potsdam",
                salary=yearly,
            ),
        }
    )
    _, views = build_views(site)
    hub = view_of(views, "staedte/potsdam/", CityHubView)
    assert hub.chart is None
    assert [(row.title, row.range_text, row.period) for row in hub.roles] == [
        ("Customer Service", euro("30.000 € – 42.000 €"), "year"),
        ("Kundendienstleiter", euro("2.800 € – 3.900 €"), "month"),
    ]


# --- home and indexes -------------------------------------------------------------


def test_home_lists_the_newest_guides_first(site_factory: SiteFactory) -> None:
    # Same date: the title decides. The overview (2026-12-01) is no guide.
    _, views = build_views(site_factory(SITE))
    home = view_of(views, "", HomeView)
    assert [(guide.title, guide.href, guide.published_iso) for guide in home.newest] == [
        (
            "Kundendienstleiter in Mönchengladbach",
            "/berufe/kundendienstleiter/moenchengladbach/",
            "2026-11-20",
        ),
        ("Customer Service in Potsdam", "/berufe/customer-service/potsdam/", "2026-11-05"),
        ("Kundendienstleiter in Bremen", "/berufe/kundendienstleiter/bremen/", "2026-11-05"),
        ("Kundendienstleiter in Potsdam", "/berufe/kundendienstleiter/potsdam/", "2026-10-01"),
    ]
    assert home.newest[0].published == "20. November 2026"


def test_home_shows_at_most_the_newest_few(site_factory: SiteFactory) -> None:
    cities = [f"Stadt {number:02}" for number in range(1, NEWEST_ON_HOME + 3)]
    files = {"data/cities.yaml": "".join(f"- name: {city}\n" for city in cities)}
    for day, city in enumerate(cities, start=1):
        files[f"content/kundendienstleiter/{day}.md"] = guide(
            title=f"Kundendienstleiter in {city}", city=city, date=f"2026-03-{day:02}"
        )
    _, views = build_views(site_factory(files))
    home = view_of(views, "", HomeView)
    assert [guide.title for guide in home.newest] == [
        f"Kundendienstleiter in {city}" for city in reversed(cities[-NEWEST_ON_HOME:])
    ]


def test_home_and_indexes_list_roles_and_cities_by_name(site_factory: SiteFactory) -> None:
    _, views = build_views(site_factory(SITE))
    home = view_of(views, "", HomeView)
    roles = (
        IndexEntry("Customer Service", "/berufe/customer-service/", "1 Stadt"),
        IndexEntry("Kundendienstleiter", "/berufe/kundendienstleiter/", "3 Städte"),
    )
    cities = (
        IndexEntry("Bremen", "/staedte/bremen/", "1 Beruf"),
        IndexEntry("Mönchengladbach", "/staedte/moenchengladbach/", "1 Beruf"),
        IndexEntry("Potsdam", "/staedte/potsdam/", "2 Berufe"),
    )
    assert (home.roles, home.cities) == (roles, cities)
    assert view_of(views, "berufe/", IndexView).entries == roles
    assert view_of(views, "staedte/", IndexView).entries == cities


# --- under a sub-path -------------------------------------------------------------


def test_views_under_a_sub_path_link_below_it(site_factory: SiteFactory) -> None:
    site_yaml = "title: T\nbase_url: https://example.org/karriere\n"
    site_view, views = build_views(site_factory({**SITE, "data/site.yaml": site_yaml}))
    assert (site_view.home, site_view.roles, site_view.cities) == (
        "/karriere/",
        "/karriere/berufe/",
        "/karriere/staedte/",
    )
    potsdam = view_of(views, "berufe/kundendienstleiter/potsdam/", GuideView)
    assert [crumb.href for crumb in potsdam.breadcrumb] == [
        "/karriere/",
        "/karriere/berufe/",
        "/karriere/berufe/kundendienstleiter/",
        "/karriere/berufe/kundendienstleiter/potsdam/",
    ]
    assert potsdam.same_city[0].href == "/karriere/berufe/customer-service/potsdam/"
    assert potsdam.related == (Link("Customer Service", "/karriere/berufe/customer-service/"),)
    assert potsdam.meta.canonical == (
        "https://example.org/karriere/berufe/kundendienstleiter/potsdam/"
    )
    home = view_of(views, "", HomeView)
    assert home.newest[0].href == "/karriere/berufe/kundendienstleiter/moenchengladbach/"


def test_a_role_in_many_cities_shows_its_neighbours_and_links_to_the_hub(
    site_factory: SiteFactory,
) -> None:
    from careersite.site import SAME_ROLE_SHOWN

    cities = [f"Stadt {n:02d}" for n in range(30)]
    files = {"data/cities.yaml": "".join(f"- name: {c}\n" for c in cities)}
    for city in cities:
        files[f"content/kundendienstleiter/{city}.md"] = guide(title=f"K in {city}", city=city)
    result = build(Options(site_factory(files)))
    assert not result.failed, result.diagnostics
    linked_from: dict[str, int] = {}
    for number in range(30):
        html = result.files[f"berufe/kundendienstleiter/stadt-{number:02d}/index.html"].decode()
        section = html.split('id="cs-gleicher-beruf"')[1].split("</section>")[0]
        shown = re.findall(r'href="/berufe/kundendienstleiter/(stadt-\d\d)/"', section)
        assert len(shown) == SAME_ROLE_SHOWN
        assert shown[0] == f"stadt-{(number + 1) % 30:02d}"  # the next city, wrapping round
        assert f"stadt-{number:02d}" not in shown
        assert (
            'href="/berufe/kundendienstleiter/">Alle 29 Städte für Kundendienstleiter</a>'
            in section
        )
        for target in shown:
            linked_from[target] = linked_from.get(target, 0) + 1
    assert set(linked_from.values()) == {SAME_ROLE_SHOWN}  # every guide equally linked


def test_home_lists_the_roles_and_cities_with_most_guides_and_links_to_all(
    site_factory: SiteFactory,
) -> None:
    files = {
        **many_guides(30),  # Kundendienstleiter in Stadt 000 ... Stadt 029
        # Stadt 027 and 028 have two guides: both are among the 24 shown
        "content/customer-service/stadt-027.md": guide(
            title="CS 27", role="Customer Service", city="Stadt 027"
        ),
        "content/customer-service/stadt-028.md": guide(
            title="CS 28", role="Customer Service", city="Stadt 028"
        ),
    }
    result = build(Options(site_factory(files)))
    assert not result.failed, result.diagnostics
    home = result.files["index.html"].decode()
    cities = home.split('id="cs-staedte"', 1)[1]
    shown = re.findall(r'<a href="/staedte/(stadt-\d+)/">', cities)
    assert shown == [f"stadt-{n:03d}" for n in [*range(22), 27, 28]]  # in the list's order
    assert '<a href="/staedte/">Alle 30 Städte</a>' in cities
    assert "Alle 2 Berufe" not in home  # both roles are shown
    assert len(result.files["index.html"]) < 60_000
