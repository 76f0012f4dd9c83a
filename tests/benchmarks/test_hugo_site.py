"""The Hugo site of the peers benchmark holds the corpus's pages (no Hugo run here)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from corpus import generate
from hugo_site import LAYOUTS, PER_PAGE, write_hugo_site


def test_hugo_site_has_every_page_of_the_corpus(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "site", 40)
    hugo = write_hugo_site(corpus.root, tmp_path / "hugo")
    assert (
        (hugo.guides, hugo.roles, hugo.cities) == (40, corpus.roles, corpus.cities) == (40, 40, 1)
    )
    content = hugo.root / "content"
    # Each guide at content/berufe/<role>/<city>.md: /berufe/<role>/<city>/, as careersite has it.
    guides = sorted(p.relative_to(content) for p in content.glob("berufe/*/*.md"))
    guides = [p for p in guides if p.name != "_index.md"]
    assert guides == sorted(Path("berufe", *g.parts[1:]) for g in corpus.guides)
    # A role hub per role, a city hub per city, the two lists, home and the search page.
    assert len(list(content.glob("berufe/*/_index.md"))) == corpus.roles
    assert [p.parent.name for p in content.glob("staedte/*/_index.md")] == ["berlin"]
    for name in ("_index.md", "berufe/_index.md", "staedte/_index.md", "suche.md"):
        assert (content / name).is_file(), name
    # Front matter and body as the corpus wrote them, the city's taxonomy term added.
    source = corpus.guides[0]
    written = (content / "berufe" / source.parent.name / source.name).read_text(encoding="utf-8")
    original = (corpus.root / source).read_text(encoding="utf-8")
    head, _, body = original[4:].partition("\n---\n")
    assert written == f'---\n{head}\nstaedte: ["{source.stem}"]\n---\n{body}'
    assert "salary:\n  min: " in written
    city = (content / "staedte" / "berlin" / "_index.md").read_text(encoding="utf-8")
    assert 'title: "Berlin"' in city


def test_hugo_config_and_layouts(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "site", 40)
    hugo = write_hugo_site(corpus.root, tmp_path / "hugo")
    config = tomllib.loads((hugo.root / "config.toml").read_text(encoding="utf-8"))
    assert config["paginate"] == PER_PAGE == 50
    assert config["taxonomies"] == {"stadt": "staedte"}
    assert config["buildFuture"] is True  # the corpus dates its guides in 2026
    assert config["languageCode"] == "de"
    for name in LAYOUTS:
        assert (hugo.root / "layouts" / name).is_file(), name
    assert "data-pagefind-body" in LAYOUTS["_default/single.html"]
    with pytest.raises(FileExistsError):
        write_hugo_site(corpus.root, hugo.root)
