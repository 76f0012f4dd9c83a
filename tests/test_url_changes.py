"""A guide whose URL changed since the last build is a warning naming the alias to add.

Two builds make the scenario, so the tests assert the exact stderr instead of a
fixture in tests/fixtures/invalid/.
"""

from __future__ import annotations

from pathlib import Path

from helpers import ROLES_YAML, SITE_YAML, SiteFactory, guide, run_cli

from careersite.diagnostics import format_text
from careersite.pipeline import Options
from careersite.serve import Preview

BREMEN = "content/kundendienstleiter/bremen.md"
POTSDAM = "content/kundendienstleiter/potsdam.md"
OLD = "berufe/kundendienstleiter/bremen/index.html"
NEW = "berufe/kundendienstleiter/neu/index.html"
MOVED = (
    "warning: the guide's URL changed from /berufe/kundendienstleiter/bremen/ to "
    "/berufe/kundendienstleiter/neu/ since the last build: "
    "links and search results to the old one break\n"
)
SLUG_WARNING = (
    f"{BREMEN}:9:7: {MOVED}"
    "  hint: keep the old URL: add to the front matter\n"
    "  aliases:\n"
    "    - /berufe/kundendienstleiter/bremen/\n"
)


def build(site: Path, *args: str) -> tuple[int, str]:
    done = run_cli("build", "-q", "--no-search", "-j", "1", *args, cwd=site)
    return done.returncode, done.stderr


def two_guides(site_factory: SiteFactory, **files: str) -> Path:
    potsdam = guide(title="Kundendienstleiter in Potsdam", city="Potsdam")
    return site_factory({BREMEN: guide(), POTSDAM: potsdam, **files})


def renamed(site: Path, extra: str = "slug: neu\n") -> None:
    (site / BREMEN).write_text(guide(extra=extra), encoding="utf-8")


def test_a_new_slug_warns_once_with_the_alias_to_add(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    renamed(site)
    assert build(site) == (0, SLUG_WARNING)
    assert (site / "public" / NEW).is_file()
    (site / BREMEN).write_text(guide(extra="slug: neu\nsummary: Neu.\n"), encoding="utf-8")
    assert build(site) == (0, "")  # the record holds the new URL


def test_strict_fails_and_keeps_the_previous_output(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    renamed(site)
    code, stderr = build(site, "--strict")
    assert code == 1
    assert SLUG_WARNING.replace("warning:", "error:", 1).split("\n")[0] in stderr
    assert (site / "public" / OLD).is_file()
    assert not (site / "public" / NEW).exists()


def test_a_renamed_role_warns_for_each_of_its_guides(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    roles = ROLES_YAML.replace(
        "- name: Kundendienstleiter\n  aliases: [Leiter Customer Service]",
        "- name: Kundenserviceleiter\n  aliases: [Leiter Customer Service, Kundendienstleiter]",
    )
    (site / "data/roles.yaml").write_text(roles, encoding="utf-8")
    code, stderr = build(site)
    assert code == 0
    for source, city in ((BREMEN, "bremen"), (POTSDAM, "potsdam")):
        assert (
            f"{source}:3:7: warning: the guide's URL changed from "
            f"/berufe/kundendienstleiter/{city}/ to /berufe/kundenserviceleiter/{city}/"
        ) in stderr
        assert f"    - /berufe/kundendienstleiter/{city}/\n" in stderr
    assert stderr.count("warning:") == 2


def test_an_alias_keeps_the_old_url(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    renamed(site, "slug: neu\naliases: [/Berufe/Kundendienstleiter/Bremen/]\n")
    assert build(site) == (0, "")


def test_existing_aliases_get_the_line_under_them(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    renamed(site, "slug: neu\naliases: [/alt/]\n")
    code, stderr = build(site)
    assert code == 0
    assert stderr.endswith(
        "  hint: keep the old URL: add under its aliases:\n"
        "    - /berufe/kundendienstleiter/bremen/\n"
    )


def test_an_old_url_taken_by_another_page_is_no_warning(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site) == (0, "")
    renamed(site)
    potsdam = guide(title="Kundendienstleiter in Potsdam", city="Potsdam", extra="slug: bremen\n")
    (site / POTSDAM).write_text(potsdam, encoding="utf-8")
    code, stderr = build(site)
    assert code == 0
    assert "from /berufe/kundendienstleiter/bremen/" not in stderr


def test_no_cache_no_warning(site_factory: SiteFactory) -> None:
    site = two_guides(site_factory)
    assert build(site, "--no-cache") == (0, "")
    renamed(site)
    assert build(site, "--no-cache") == (0, "")


def test_a_sub_path_site_shows_site_paths(site_factory: SiteFactory) -> None:
    site_yaml = SITE_YAML.replace("https://example.org/", "https://example.org/sub/")
    site = two_guides(site_factory, **{"data/site.yaml": site_yaml})
    assert build(site) == (0, "")
    renamed(site)
    assert build(site) == (0, SLUG_WARNING)


def test_the_dev_server_warns_on_the_rebuild_that_moves_a_guide(
    site_factory: SiteFactory,
) -> None:
    site = two_guides(site_factory)
    preview = Preview(Options(site, jobs=1, search=False))
    preview.rebuild()
    assert not preview.problems
    renamed(site)
    preview.rebuild([str(site / BREMEN)])
    shown = "".join(format_text(problem) + "\n" for problem in preview.problems)
    assert shown == SLUG_WARNING.replace(BREMEN, str(site / BREMEN))
    (site / BREMEN).write_text(guide(extra="slug: neu\nsummary: Neu.\n"), encoding="utf-8")
    preview.rebuild([str(site / BREMEN)])
    assert not preview.problems
