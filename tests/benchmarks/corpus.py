"""A deterministic benchmark site: about 40 roles, N/40 cities, N guides.

generate(root, n) writes data/*.yaml and content/<role>/<city>.md (plus one
content/<role>/index.md overview per role) under root. The same n and seed
always give byte-identical files: every random choice comes from a
random.Random seeded with a string, never from the clock or hash().

Each guide has the front matter of DESIGN.md and a 4-6 KB German body with
`##` headings, bullet lists, a table, bold text and 3-5 relative links to
other guides' source files that exist in the corpus.

    python tests/benchmarks/corpus.py /dev/shm/site 1000
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus_data import (
    CONS,
    EMPLOYERS,
    INTROS,
    PROS,
    REAL_CITIES,
    ROLES,
    SENTENCES,
    SKILLS,
    STATES,
    SYNTHETIC_BASES,
    TASKS,
    TRAINING,
    RoleSpec,
)

from careersite.urls import slug

CITIES_PER_ROLE_DIVISOR = 40
BODY_BYTES = (4400, 5600)  # target range of a guide body, before the last paragraph
FIRST_DATE = dt.date(2026, 1, 5)
# Full-time pay at 2026's statutory minimum wage (13.90 an hour, 173.33 hours), rounded up:
# careersite warns below it.
MINIMUM_MONTHLY = 2450


@dataclass(frozen=True)
class City:
    name: str
    slug: str
    state: str


@dataclass(frozen=True)
class Guide:
    role: RoleSpec
    role_slug: str
    city: City

    @property
    def path(self) -> Path:
        """The source file, relative to the site root."""
        return Path("content", self.role_slug, f"{self.city.slug}.md")

    @property
    def title(self) -> str:
        return f"{self.role.name} in {self.city.name}"

    def href_from(self, other: Guide) -> str:
        """A relative link to this guide's source file, written in other's file."""
        if other.role_slug == self.role_slug:
            return f"{self.city.slug}.md"
        return f"../{self.role_slug}/{self.city.slug}.md"


@dataclass(frozen=True)
class Corpus:
    root: Path
    guides: tuple[Path, ...]  # guide sources relative to root, in generation order
    roles: int  # roles in data/roles.yaml, each with an overview page
    cities: int  # cities that have at least one guide
    files: int
    bytes: int

    @property
    def expected_pages(self) -> int:
        """Guides, role hubs, city hubs, home, the roles and cities indexes, the search page."""
        return len(self.guides) + self.roles + self.cities + 4


def cities_for(n: int) -> list[City]:
    """ceil(n / 40) cities: real German names first, then "Neustadt 17" and the like."""
    count = max(1, math.ceil(n / CITIES_PER_ROLE_DIVISOR))
    pairs = list(REAL_CITIES[:count])
    for k in range(count - len(pairs)):
        base = SYNTHETIC_BASES[k % len(SYNTHETIC_BASES)]
        pairs.append((f"{base} {k + 1}", STATES[k % len(STATES)]))
    cities = [City(name, slug(name), state) for name, state in pairs]
    assert len({c.slug for c in cities}) == len(cities), "city slugs must be unique"
    return cities


def plan(n: int) -> tuple[list[City], list[Guide]]:
    """Which guides exist: city by city, every role, until there are n."""
    role_slugs = [slug(role.name) for role in ROLES]
    assert len(set(role_slugs)) == len(role_slugs), "role slugs must be unique"
    cities = cities_for(n)
    guides = [
        Guide(role, role_slug, city)
        for city in cities
        for role, role_slug in zip(ROLES, role_slugs, strict=True)
    ]
    return cities, guides[:n]


def generate(root: Path, n: int, *, seed: int = 1) -> Corpus:
    """Write a complete site with n guides under root (which must not hold content/)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if (root / "content").exists() or (root / "data").exists():
        raise FileExistsError(f"{root} already holds a site; generate into a new folder")
    cities, guides = plan(n)
    files: dict[Path, str] = {
        Path("data", "site.yaml"): _site_yaml(),
        Path("data", "roles.yaml"): _roles_yaml(),
        Path("data", "cities.yaml"): _cities_yaml(cities),
    }
    by_role: dict[str, list[Guide]] = {}
    by_city: dict[str, list[Guide]] = {}
    for guide in guides:
        by_role.setdefault(guide.role_slug, []).append(guide)
        by_city.setdefault(guide.city.slug, []).append(guide)
    role_by_name = {role.name: slug(role.name) for role in ROLES}
    for role in ROLES:
        role_slug = slug(role.name)
        rng = random.Random(f"careersite-bench:{seed}:overview:{role.name}")
        files[Path("content", role_slug, "index.md")] = _overview(
            role, by_role.get(role_slug, []), rng
        )
    for guide in guides:
        rng = random.Random(f"careersite-bench:{seed}:guide:{guide.role.name}:{guide.city.name}")
        related = [s for name in guide.role.related if (s := role_by_name.get(name))]
        links = _link_targets(guide, by_role, by_city, related, guides, rng)
        files[guide.path] = _guide(guide, links, rng)
    total = 0
    for relative, text in sorted(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return Corpus(
        root=root,
        guides=tuple(g.path for g in guides),
        roles=len(ROLES),
        cities=len(cities),  # each planned city has at least one guide
        files=len(files),
        bytes=total,
    )


def _link_targets(
    guide: Guide,
    by_role: dict[str, list[Guide]],
    by_city: dict[str, list[Guide]],
    related_slugs: list[str],
    guides: Sequence[Guide],
    rng: random.Random,
) -> list[Guide]:
    """3-5 other guides that exist: same role elsewhere, same city, a related role."""
    wanted = rng.randint(3, 5)
    same_role = [g for g in by_role[guide.role_slug] if g is not guide]
    same_city = [g for g in by_city[guide.city.slug] if g is not guide]
    related = [g for s in related_slugs for g in by_role.get(s, []) if g.city != guide.city]
    chosen: list[Guide] = []
    for pool, take in ((same_role, 2), (same_city, 2), (related, 1)):
        for candidate in rng.sample(pool, min(take, len(pool))):
            if candidate not in chosen and len(chosen) < wanted:
                chosen.append(candidate)
    if len(chosen) < wanted:  # only in tiny corpora: fill up with any other guides
        others = [g for g in guides if g is not guide and g not in chosen]
        while len(chosen) < wanted and others:
            chosen.append(others.pop(rng.randrange(len(others))))
    return chosen


def _guide(guide: Guide, links: list[Guide], rng: random.Random) -> str:
    role, city = guide.role, guide.city
    factor = random.Random(f"careersite-bench:city:{city.name}").uniform(0.9, 1.15)
    entry_low = max(MINIMUM_MONTHLY, _round50(role.entry * factor * rng.uniform(0.97, 1.03)))
    entry_high = entry_low + rng.choice((300, 350, 400, 450, 500, 600))
    experienced_low = entry_high + rng.choice((100, 150, 200, 250, 300))
    experienced_high = experienced_low + rng.choice((300, 400, 500, 600, 800))
    date = FIRST_DATE + dt.timedelta(days=rng.randrange(300))
    front = "\n".join(
        (
            "---",
            f"title: {_yaml_text(guide.title)}",
            f"role: {_yaml_text(role.name)}",
            f"city: {_yaml_text(city.name)}",
            "salary:",
            f"  min: {entry_low}",
            f"  max: {experienced_high}",
            "  currency: EUR",
            "  period: month",
            "  levels:",
            f"    entry: [{entry_low}, {entry_high}]",
            f"    experienced: [{experienced_low}, {experienced_high}]",
            f"date: {date.isoformat()}",
            "---",
            "",
        )
    )
    words = {
        "role": role.name,
        "city": city.name,
        "state": city.state,
        "employer": rng.choice(EMPLOYERS[role.field]),
    }
    say = _Sentences(rng, words)
    link = [f"[{target.title}]({target.href_from(guide)})" for target in links]
    employers = EMPLOYERS[role.field]
    intro = [f"{rng.choice(INTROS).format(**words)} {say(2)}"]
    tasks = [
        f"## Aufgaben als {role.name}",
        _bullets(rng.sample(TASKS[role.field], 5)),
        f"Der Alltag ist abwechslungsreich. {say(1)} Einen Vergleich bietet {link[0]}.",
    ]
    pay = [
        f"## Gehalt in {city.name}",
        f"Das Monatsgehalt liegt in {city.name} brutto zwischen **{_euro(entry_low)}** "
        f"und **{_euro(experienced_high)}**. Wie es anderswo aussieht, zeigt {link[1]}.",
        "| Stufe | Monatsgehalt brutto | Hinweis |\n"
        "|---|---:|---|\n"
        f"| Einstieg | {_euro_range(entry_low, entry_high)} | erste Berufsjahre |\n"
        f"| Mit Berufserfahrung | {_euro_range(experienced_low, experienced_high)} "
        "| ab etwa fünf Jahren |\n"
        f"| Gesamte Spanne | {_euro_range(entry_low, experienced_high)} "
        "| alle ausgewerteten Angebote |",
        say(2),
    ]
    needs = ["## Voraussetzungen", _bullets(rng.sample(SKILLS, 4))]
    work = [
        f"## Arbeitgeber in {city.name}",
        f"Typische Arbeitgeber sind **{employers[0]}**, **{employers[1]}** und "
        f"**{employers[2]}**; daneben stellen auch {employers[3]} ein. {say(2)}",
    ]
    balance = [
        "## Vor- und Nachteile",
        _bullets([*rng.sample(PROS, 2), *rng.sample(CONS, 2)]),
    ]
    growth = ["## Weiterbildung", _bullets(rng.sample(TRAINING, 3)), say(2)]
    more = ["## Weiterlesen", _bullets(link[2:])]
    sections = [intro, tasks, pay, needs, work, balance, growth, more]
    # Fill the prose sections in turn until the body reaches its target size.
    growing = [intro, tasks, pay, work, growth]
    target = rng.randint(*BODY_BYTES)
    turn = 0
    while _size(sections) < target:
        growing[turn % len(growing)].append(say(3))
        turn += 1
    return front + "\n" + "\n\n".join(p for section in sections for p in section) + "\n"


def _overview(role: RoleSpec, guides: list[Guide], rng: random.Random) -> str:
    date = FIRST_DATE + dt.timedelta(days=rng.randrange(300))
    front = "\n".join(
        (
            "---",
            f"title: {_yaml_text(role.name)}",
            f"role: {_yaml_text(role.name)}",
            f"date: {date.isoformat()}",
            "---",
            "",
        )
    )
    words = {
        "role": role.name,
        "city": "der Region",
        "state": "jedem Bundesland",
        "employer": rng.choice(EMPLOYERS[role.field]),
    }
    say = _Sentences(rng, words)
    parts = [
        f"{role.summary} {say(2)}",
        "## Typische Aufgaben",
        _bullets(TASKS[role.field]),
        "## Verwandte Berufe",
        "Wer sich für diesen Beruf interessiert, schaut sich oft auch diese Berufe an: "
        + ", ".join(f"**{name}**" for name in role.related)
        + ".",
    ]
    sample = rng.sample(guides, min(3, len(guides)))
    if sample:
        parts += [
            "## Ratgeber für einzelne Städte",
            _bullets(f"[{g.title}]({g.city.slug}.md)" for g in sample),
        ]
    return front + "\n" + "\n\n".join(parts) + "\n"


class _Sentences:
    """Sentences from the pool in a shuffled order, each used once before any repeats."""

    def __init__(self, rng: random.Random, words: dict[str, str]) -> None:
        self.rng, self.words, self.deck = rng, words, list[str]()

    def __call__(self, count: int) -> str:
        picked = []
        for _ in range(count):
            if not self.deck:
                self.deck = list(SENTENCES)
                self.rng.shuffle(self.deck)
            picked.append(self.deck.pop().format(**self.words))
        return " ".join(picked)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _size(sections: list[list[str]]) -> int:
    return len("\n\n".join(p for section in sections for p in section).encode("utf-8"))


def _round50(value: float) -> int:
    return int(round(value / 50) * 50)


def _euro(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " €"


def _euro_range(low: int, high: int) -> str:
    return f"{low:,}–{high:,} €".replace(",", ".")


_PLAIN = re.compile(r"[A-Za-zÄÖÜäöüß][\w äöüÄÖÜß,./()-]*")


def _yaml_text(text: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in {"yes", "no", "on", "off", "true", "false"}:
        return text
    return json.dumps(text, ensure_ascii=False)


def _site_yaml() -> str:
    return (
        "title: Karriere-Kompass Benchmark\n"
        "description: Synthetische Berufsratgeber für Messungen der Build-Zeit.\n"
        "base_url: https://example.org/\n"
        "language: de\n"
        "locale: de_DE\n"
        "currency: EUR\n"
    )


def _roles_yaml() -> str:
    lines = []
    for role in ROLES:
        lines.append(f"- name: {_yaml_text(role.name)}")
        lines.append("  aliases:")
        lines += [f"    - {_yaml_text(alias)}" for alias in role.aliases]
        lines.append(f"  summary: {_yaml_text(role.summary)}")
        lines.append("  related:")
        lines += [f"    - {_yaml_text(name)}" for name in role.related]
    return "\n".join(lines) + "\n"


def _cities_yaml(cities: list[City]) -> str:
    lines = []
    for city in cities:
        lines.append(f"- name: {_yaml_text(city.name)}")
        lines.append(f"  state: {_yaml_text(city.state)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tests/benchmarks/corpus.py DIR N")
    made = generate(Path(sys.argv[1]), int(sys.argv[2]))
    print(
        f"{len(made.guides)} guides, {made.files} files, {made.bytes / 1e6:.1f} MB in {made.root}"
    )
