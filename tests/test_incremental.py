"""Any sequence of edits: every rebuild equals a clean build of the same sources.

Hypothesis drives a copy of the example site through random edits (bodies,
summaries, salaries, slugs, drafts, links, links to headings and renamed
headings, new, broken, removed and restored guides, layouts, data, a new
city, the style sheet) and after each one checks
both ways careersite rebuilds:
- the dev server's, in the same process (build() lent the previous result),
  once finding the changes and once told of them as the watcher names them;
- the command line's, across runs (the build cache and the output's record),
  into an output folder that lives on from edit to edit.
Each must give the tree, or the diagnostics, of a clean build; a build that
fails must leave the previous output as it was. An edited file keeps its
modification time, as within a second on file systems that keep whole
seconds: an edit that keeps the size too must still be seen.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import copy_example_site

pytest.importorskip("hypothesis", reason="hypothesis is not installed (add it to the dev extras)")

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from careersite.cli import main
from careersite.diagnostics import Diagnostic, format_text, ordered
from careersite.pipeline import Options, build

GUIDES = (
    "content/customer-service/dortmund.md",
    "content/customer-service/potsdam.md",
    "content/kundendienstleiter/bremen.md",
    "content/kundendienstleiter/potsdam.md",
    "content/kundendienstleiter/index.md",
)
LAYOUTS = ("layouts/guide.html", "layouts/role.html", "layouts/city.html", "layouts/base.html")
NEW_CITIES = ("Kiel", "Dortmund", "Bremen")


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file below root with its bytes, and every folder (None)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


def report(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [format_text(d) for d in ordered(diagnostics)]


class Edits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="careersite-edits-"))
        self.site = copy_example_site(self.root)
        self.original = {name: (self.site / name).read_text(encoding="utf-8") for name in GUIDES}
        self.output = self.root / "public"
        self.count = 0
        self.told = ""
        self.served = build(Options(self.site))
        assert not self.served.failed, report(self.served.diagnostics)
        self.watched = self.served
        self.touched: set[str] = set()  # what the dev server's watcher would name
        assert self.cli(self.output) == 0
        self.published = tree(self.output)

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------

    def cli(self, output: Path, *extra: str) -> int:
        args = ["build", "--source", str(self.site), "--output", str(output), "--no-search"]
        result = CliRunner().invoke(main, [*args, "--quiet", *extra])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.told = result.stderr  # the diagnostics, as --quiet leaves them
        return result.exit_code

    def write(self, name: str, text: str) -> None:
        """Write as an editor would, within the second of the file's last change.

        On file systems that keep whole seconds (or within one tick of the
        clock) an edit may leave a file's time as it was, and its size too.
        """
        path = self.site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.stat().st_mtime_ns if path.exists() else None
        path.write_text(text, encoding="utf-8")
        if before is not None:
            os.utime(path, ns=(before, before))
        self.touched.add(os.path.abspath(path))

    def existing(self, data: st.DataObject) -> str | None:
        content = self.site / "content"
        present = sorted(path.relative_to(self.site).as_posix() for path in content.rglob("*.md"))
        return data.draw(st.sampled_from(present)) if present else None

    def next_number(self) -> int:
        self.count += 1
        return self.count

    # --- edits -----------------------------------------------------------------------

    @rule(data=st.data())
    def add_a_paragraph(self, data: st.DataObject) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            self.write(name, text + f"\nEin neuer Absatz, Nummer {self.next_number()}.\n")

    @rule(data=st.data())
    def change_the_summary(self, data: st.DataObject) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            summary = f"summary: Eine neue Zusammenfassung, Nummer {self.next_number()}."
            if re.search(r"^summary:.*$", text, flags=re.M):
                text = re.sub(r"^summary:.*$", summary, text, count=1, flags=re.M)
            else:
                text = text.replace("\ndate:", f"\n{summary}\ndate:", 1)
            self.write(name, text)

    @rule(data=st.data(), step=st.sampled_from([-100, 100, 1000]))
    def change_the_top_salary(self, data: st.DataObject, step: int) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            text = re.sub(
                r"^  max: (\d+)$",
                lambda found: f"  max: {int(found.group(1)) + step}",
                text,
                count=1,
                flags=re.M,
            )
            self.write(name, text)

    @rule(data=st.data(), draft=st.booleans())
    def draft_or_publish(self, data: st.DataObject, draft: bool) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8").replace("draft: true\n", "")
            self.write(name, text.replace("\ndate:", "\ndraft: true\ndate:", 1) if draft else text)

    @rule(data=st.data(), slug=st.sampled_from(["", "neu", "noch-neuer"]))
    def change_the_slug(self, data: st.DataObject, slug: str) -> None:
        name = self.existing(data)
        if name and not name.endswith("index.md"):
            text = re.sub(
                r"^slug:.*\n", "", (self.site / name).read_text(encoding="utf-8"), flags=re.M
            )
            self.write(name, text.replace("\ndate:", f"\nslug: {slug}\ndate:", 1) if slug else text)

    @rule(data=st.data())
    def break_the_front_matter(self, data: st.DataObject) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            self.write(name, text.replace("\ndate:", "\ndate: kein Datum\nalt:", 1))

    @rule(data=st.data())
    def remove_a_guide(self, data: st.DataObject) -> None:
        name = self.existing(data)
        if name:
            (self.site / name).unlink()
            self.touched.add(os.path.abspath(self.site / name))

    @rule(data=st.data(), linked=st.sampled_from(["potsdam.md", "kiel.md", "/absolut.md"]))
    def link_to_a_guide(self, data: st.DataObject, linked: str) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            role = "" if linked.startswith("/") else "../kundendienstleiter/"
            self.write(name, text + f"\nMehr dazu [in diesem Guide]({role}{linked}).\n")

    @rule(
        data=st.data(),
        linked=st.sampled_from(["", "potsdam.md", "bremen.md", "index.md"]),
        fragment=st.sampled_from(["gehalt", "ausblick", "ausblick-neu", "gibtsnicht"]),
    )
    def link_to_a_heading(self, data: st.DataObject, linked: str, fragment: str) -> None:
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            target = f"../kundendienstleiter/{linked}" if linked else ""
            self.write(name, text + f"\nSiehe [dort]({target}#{fragment}).\n")

    @rule(data=st.data(), renamed=st.booleans())
    def retitle_a_heading(self, data: st.DataObject, renamed: bool) -> None:
        """A heading another guide may link to changes its id (ausblick, ausblick-neu)."""
        name = self.existing(data)
        if name:
            text = (self.site / name).read_text(encoding="utf-8")
            old, new = ("## Ausblick\n", "## Ausblick neu\n")[:: 1 if renamed else -1]
            self.write(name, text.replace(old, new, 1))

    @rule(name=st.sampled_from(GUIDES))
    def restore_a_guide(self, name: str) -> None:
        self.write(name, self.original[name])

    @rule(
        city=st.sampled_from(NEW_CITIES),
        role=st.sampled_from(["customer-service", "kundendienstleiter"]),
    )
    def add_a_guide(self, city: str, role: str) -> None:
        model = self.original["content/kundendienstleiter/bremen.md"]
        title = "Customer Service" if role == "customer-service" else "Kundendienstleiter"
        text = model.replace("Kundendienstleiter", title).replace("Bremen", city)
        self.write(f"content/{role}/{city.lower()}-{self.next_number()}.md", text)

    @rule(layout=st.sampled_from(LAYOUTS))
    def change_a_layout(self, layout: str) -> None:
        text = (self.site / layout).read_text(encoding="utf-8")
        mark = f"<!-- Änderung {self.next_number()} -->"
        if "</main>" in text:
            text = text.replace("</main>", mark + "</main>", 1)
        else:
            text = text.replace("{% block content %}", "{% block content %}" + mark, 1)
        self.write(layout, text)

    @rule(which=st.sampled_from(["site", "roles", "cities"]))
    def change_the_data(self, which: str) -> None:
        path = f"data/{which}.yaml"
        text = (self.site / path).read_text(encoding="utf-8")
        number = self.next_number()
        if which == "site":
            text = re.sub(
                r"^title: .*$", f"title: Karriereguide {number}", text, count=1, flags=re.M
            )
        else:
            text = text.replace("  summary: ", f"  summary: ({number}) ", 1)
        self.write(path, text)

    @rule()
    def add_a_city(self) -> None:
        text = (self.site / "data/cities.yaml").read_text(encoding="utf-8")
        if "Kiel" not in text:
            self.write("data/cities.yaml", text + "- name: Kiel\n  state: Schleswig-Holstein\n")

    @rule()
    def change_the_style_sheet(self) -> None:
        path = "layouts/static/style.css"
        text = (self.site / path).read_text(encoding="utf-8")
        self.write(path, text + f"/* {self.next_number()} */\n")

    # --- what must hold after every edit ----------------------------------------------

    @invariant()
    def rebuilds_equal_a_clean_build(self) -> None:
        clean = build(Options(self.site))
        served = build(Options(self.site), self.served.reuse)
        assert report(served.diagnostics) == report(clean.diagnostics)
        if not clean.failed:
            assert dict(served.files) == dict(clean.files), "the dev server's rebuild differs"
        self.served = served
        # As the dev server runs it: told by the watcher what changed.
        watched = build(Options(self.site), self.watched.reuse, changed=sorted(self.touched))
        self.touched.clear()
        assert report(watched.diagnostics) == report(clean.diagnostics)
        if not clean.failed:
            assert dict(watched.files) == dict(clean.files), "the watched rebuild differs"
        self.watched = watched

        code = self.cli(self.output)
        if clean.failed:
            assert code == 1
            assert tree(self.output) == self.published, "a failed build changed the output"
            return
        assert code == 0
        told = self.told
        fresh = self.root / f"clean-{os.getpid()}"
        try:
            assert self.cli(fresh, "--no-cache") == 0
            # Only a build with a record knows a guide's URL changed (url_changes.py).
            told = re.sub(r"(?m)^.*: the guide's URL changed .*\n(?:  .*\n)*", "", told)
            assert told == self.told, "the rebuild's diagnostics differ from a clean build's"
            published = tree(self.output)
            expected = tree(fresh)
            assert sorted(published) == sorted(expected)
            for name, content in expected.items():
                assert published[name] == content, f"{name} differs from a clean build's"
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        self.published = published


Edits.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_any_edits_rebuild_as_a_clean_build = Edits.TestCase
