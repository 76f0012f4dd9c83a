"""The example site in a real browser: Debian's headless Chromium through Playwright.

A reader clicks from the home page to a role hub, a guide and its city hub;
every kind of page passes axe-core's default rules, logs no console error,
works by keyboard and does not scroll sideways at 360 px; a guide reads without
JavaScript; screenshots at 360 and 1280 px go to tests/artifacts/.

The browser is /usr/bin/chromium (`apt-get install chromium`), never one that
`playwright install` downloads. Without it this module skips with a loud
reason, except in CI (CI=true), where every test fails instead.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, run_cli

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keep it from calling Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"
ARTIFACTS = REPO / "tests" / "artifacts"


def _missing() -> str | None:
    for module in ("playwright", "pytest_playwright", "axe_playwright_python"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed (make test installs it)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; never `playwright install`)"
    return None


MISSING = _missing()
if MISSING is not None and not IN_CI:
    pytest.skip(f"BROWSER TESTS NOT RUN: {MISSING}", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

# --- the browser ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    if MISSING is not None:
        pytest.fail(f"CI=true but {MISSING}")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: tests use absolute URLs. (This replaces pytest-playwright's
    fallback fixture, which pytest 9 warns about.)"""
    return None


# --- the example site, built once and served on 127.0.0.1 -----------------------

# Kinds of page, each with the URL paths of its pages in the built site.
KINDS = ("home", "roles", "cities", "role-hub", "city-hub", "guide", "search", "404")
# Kinds the example site may not have yet (the search page is new).
OPTIONAL_KINDS = {"search"}
# The page of each kind that screenshots and keyboard tests use.
PREFERRED = {
    "role-hub": "/berufe/kundendienstleiter/",
    "city-hub": "/staedte/potsdam/",
    "guide": "/berufe/kundendienstleiter/bremen/",
}
MISSING_PATH = "/gibt-es-nicht/"


@dataclass(frozen=True)
class Site:
    url: str
    output: Path
    kinds: dict[str, list[str]]

    def pages(self, kind: str) -> list[str]:
        pages = self.kinds[kind]
        if not pages and kind in OPTIONAL_KINDS:
            pytest.skip(f"the example site has no {kind} page")
        assert pages, f"the example site has no {kind} page"
        return pages

    def page(self, kind: str) -> str:
        pages = self.pages(kind)
        return PREFERRED[kind] if PREFERRED.get(kind) in pages else pages[0]

    def all_pages(self) -> list[str]:
        return [path for kind in self.kinds for path in self.kinds[kind]]


def classify(output: Path) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {kind: [] for kind in (*KINDS, "other")}
    for html in sorted(output.rglob("index.html")):
        parts = html.relative_to(output).parts[:-1]
        match parts:
            case ():
                kind = "home"
            case ("berufe",):
                kind = "roles"
            case ("staedte",):
                kind = "cities"
            case ("berufe", _):
                kind = "role-hub"
            case ("staedte", _):
                kind = "city-hub"
            case ("berufe", _, _):
                kind = "guide"
            case ("suche",):
                kind = "search"
            case _:
                kind = "other"  # e.g. redirects from aliases; checked for console errors
        kinds[kind].append("/" + "".join(f"{part}/" for part in parts))
    if (output / "404.html").is_file():
        kinds["404"].append(MISSING_PATH)
    return kinds


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder like a static host: unknown paths get 404.html."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    output = tmp_path_factory.mktemp("browser") / "public"
    result = run_cli("build", "--source", REPO, "--output", output)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(StaticHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", output, classify(output))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def visit(page: Page, site: Site, path: str) -> None:
    response = page.goto(site.url + path)
    assert response is not None, path
    expected = HTTPStatus.NOT_FOUND if path == MISSING_PATH else HTTPStatus.OK
    assert response.status == expected, f"{path}: HTTP {response.status}"


def kinds(*xfails: tuple[str, str]) -> list[Any]:
    """KINDS as parameters; (kind, reason) pairs are known bugs: strict xfail."""
    reasons = dict(xfails)
    return [
        pytest.param(
            kind, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reasons[kind])
        )
        if kind in reasons
        else kind
        for kind in KINDS
    ]


# --- a reader's way through the site -------------------------------------------


def test_click_from_home_to_a_role_hub_a_guide_and_its_city_hub(page: Page, site: Site) -> None:
    visit(page, site, "/")
    expect(page.locator("h1")).to_have_text("Karriereguide Kundendienst")
    main = page.get_by_role("main")

    main.get_by_role("link", name="Kundendienstleiter", exact=True).click()
    expect(page).to_have_url(f"{site.url}/berufe/kundendienstleiter/")
    expect(page.locator("h1")).to_have_text("Kundendienstleiter")

    main.get_by_role("link", name="Bremen", exact=True).click()
    expect(page).to_have_url(f"{site.url}/berufe/kundendienstleiter/bremen/")
    expect(page.locator("h1")).to_have_text("Kundendienstleiter in Bremen")

    main.get_by_role("link", name="Bremen", exact=True).click()
    expect(page).to_have_url(f"{site.url}/staedte/bremen/")
    expect(page.locator("h1")).to_have_text("Bremen")
    expect(main.get_by_role("link", name="Kundendienstleiter", exact=True)).to_be_visible()


def test_no_console_errors_or_failed_requests_on_any_page(page: Page, site: Site) -> None:
    problems: list[str] = []
    current = {"path": ""}

    def expected_404(url: str) -> bool:
        return current["path"] == MISSING_PATH and url == site.url + MISSING_PATH

    def on_console(message: Any) -> None:
        if message.type == "error" and not expected_404(message.location.get("url", "")):
            problems.append(f"{current['path']}: console error: {message.text} {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{current['path']}: page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: problems.append(
            f"{current['path']}: request failed: {request.url} ({request.failure})"
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{current['path']}: HTTP {response.status} for {response.url}")
            if response.status >= 400 and not expected_404(response.url)
            else None
        ),
    )
    pages = site.all_pages()
    assert len(pages) >= 10, pages
    for path in pages:
        current["path"] = path
        visit(page, site, path)
        page.wait_for_load_state("networkidle")
    assert problems == [], "\n".join(problems)


# --- accessibility: axe-core's default rules, best practices included -----------


def describe_violations(path: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " / ".join(
                line.strip() for line in node.get("failureSummary", "").splitlines()
            )
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html']}")
            lines.append(f"       {summary}")
    return lines


@pytest.mark.parametrize("kind", kinds())
def test_axe_finds_no_violations(page: Page, site: Site, kind: str) -> None:
    axe = Axe()
    found: list[str] = []
    for path in site.pages(kind):
        visit(page, site, path)
        results = axe.run(page)
        found += describe_violations(path, results.response["violations"])
    if found:
        print("\n".join(found))
    assert found == [], "axe-core violations:\n" + "\n".join(found)


# --- keyboard ------------------------------------------------------------------

FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"


@pytest.mark.parametrize("kind", kinds())
def test_tab_focuses_the_skip_link_first_and_enter_moves_to_main(
    page: Page, site: Site, kind: str
) -> None:
    visit(page, site, site.page(kind))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_class("skip-link")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"skip link off-screen: {box}"
    target = skip.get_attribute("href")
    assert target is not None and target.startswith("#"), target
    assert page.locator("main").get_attribute("id") == target[1:]

    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == target
    # Focus navigation now starts at <main>: the next Tab lands on main's first
    # control, not on the header's links.
    first_in_main = page.evaluate(
        "s => document.querySelector('main').querySelector(s).outerHTML", FOCUSABLE
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.outerHTML") == first_in_main


def test_every_link_on_a_guide_is_reachable_by_tab(page: Page, site: Site) -> None:
    visit(page, site, site.page("guide"))
    total = page.evaluate(
        """() => {
            const links = [...document.querySelectorAll('a[href]')];
            links.forEach((link, i) => link.setAttribute('data-tab-test', String(i)));
            return links.length;
        }"""
    )
    assert total >= 10
    reached: dict[int, str] = {}
    unseen_focus: list[str] = []
    for _ in range(total + 30):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || !el.hasAttribute('data-tab-test')) return null;
                const style = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                return {
                    index: Number(el.getAttribute('data-tab-test')),
                    html: el.outerHTML,
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                    visible: box.width > 0 && box.height > 0,
                };
            }"""
        )
        if focused is None:
            continue
        if focused["index"] in reached:
            break  # focus went round the page once
        reached[focused["index"]] = focused["html"]
        if not (focused["outline"] and focused["visible"]):
            unseen_focus.append(focused["html"])
    unreached = page.evaluate(
        """reached => [...document.querySelectorAll('a[data-tab-test]')]
            .filter(a => !reached.includes(Number(a.getAttribute('data-tab-test'))))
            .map(a => a.outerHTML)""",
        list(reached),
    )
    assert unreached == [], "links Tab never reaches:\n" + "\n".join(unreached)
    assert unseen_focus == [], "links without a visible focus outline:\n" + "\n".join(unseen_focus)


def tab_to_and_enter(page: Page, path: str) -> None:
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == path:
            page.keyboard.press("Enter")
            page.wait_for_url(f"**{path}")
            return
    raise AssertionError(f"Tab never reached a link to {path} on {page.url}")


def test_the_click_path_works_by_keyboard_alone(page: Page, site: Site) -> None:
    visit(page, site, "/")
    for path, heading in [
        ("/berufe/kundendienstleiter/", "Kundendienstleiter"),
        ("/berufe/kundendienstleiter/bremen/", "Kundendienstleiter in Bremen"),
        ("/staedte/bremen/", "Bremen"),
    ]:
        tab_to_and_enter(page, path)
        expect(page).to_have_url(site.url + path)
        expect(page.locator("h1")).to_have_text(heading)


# --- small screens, no JavaScript, screenshots ------------------------------------


@pytest.mark.parametrize("kind", kinds())
def test_no_horizontal_scrolling_at_360_px(page: Page, site: Site, kind: str) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    too_wide: list[str] = []
    for path in site.pages(kind):
        visit(page, site, path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > 360)
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase()
                        + (el.className ? '.' + el.className : ''))"""
            )
            too_wide.append(f"{path}: scrollWidth {width} px; overflowing: {culprits}")
    assert too_wide == [], "\n".join(too_wide)


def test_a_guide_reads_without_javascript(browser: Browser, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        visit(page, site, site.page("guide"))
        expect(page.locator("h1")).to_have_text("Kundendienstleiter in Bremen")
        salary = page.locator("main .salary")
        expect(salary).to_be_visible()
        expect(salary).to_contain_text("2.800 € – 3.800 €")
        expect(salary).to_contain_text("Einstieg")
        body = page.locator("main .prose")
        expect(body).to_be_visible()
        expect(body.locator("h2").first).to_be_visible()
        assert len(body.inner_text()) > 1000
    finally:
        context.close()


@pytest.mark.parametrize("kind", kinds())
def test_screenshots_at_360_and_1280_px(page: Page, site: Site, kind: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = site.page(kind)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        visit(page, site, path)
        shot = ARTIFACTS / f"{kind}-{width}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 1000, shot
