"""A site built in parts: the patterns that share institution pages between MkDocs builds give
every page to exactly one part, and the other pages to the first."""

from __future__ import annotations

import random
from pathlib import Path

import pathspec

from scorecard.site import parts
from scorecard.site.mkdocs import may_build_in_parts


def _ids(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    first = "abcdefghijklmnopqrstuvwxyz0123456789"
    rest = first + "-"
    made = {
        rng.choice(first) + "".join(rng.choice(rest) for _ in range(rng.randint(0, 6)))
        for _ in range(count)
    }
    # Names that differ only where an id ends or has a dash sort differently as file names.
    made |= {"k", "k-a", "ka", "k-", "k0", "kes", "kes-1", "z", "0", "9-9"}
    return sorted(made)


def test_the_patterns_below_a_name_match_exactly_the_names_before_it() -> None:
    names = [f"{i}.md" for i in _ids(400, seed=7)]
    for bound in names[::7] + ["k-a.md", "k.md", "0.md", "zzzz.md"]:
        spec = pathspec.gitignore.GitIgnoreSpec.from_lines(parts.names_below(bound))
        wrong = [n for n in names if spec.match_file(n) != (n < bound)]
        assert not wrong, (bound, wrong[:5])


def _builders(docs: Path, excludes: list[str]) -> dict[str, list[int]]:
    """Which parts build each file, as MkDocs tells excluded files (`exclude_docs`)."""
    files = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    specs = [pathspec.gitignore.GitIgnoreSpec.from_lines(e.splitlines()) for e in excludes]
    return {f: [k for k, spec in enumerate(specs) if not spec.match_file(f)] for f in files}


def test_each_page_is_built_by_one_part_and_every_other_file_by_the_first(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    ids = _ids(300, seed=11)
    for rel, size in [
        ("index.md", 40_000),
        ("institutions/index.md", 30_000),
        ("pillars/safety.md", 40_000),
        ("assets/scorecard-site.css", 10),
        ("badges/k/overall.svg", 10),
        ("data/scores.json", 10),
    ] + [(f"institutions/{i}.md", 5_000 + 100 * (n % 7)) for n, i in enumerate(ids)]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(b"x" * size)
    standalone = [f"institutions/{i}.md" for i in ids]
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    for count in (2, 3, 4):
        excludes = parts.plan(docs, pages, standalone, count)
        assert len(excludes) == count
        builders = _builders(docs, excludes)
        assert all(len(b) == 1 for b in builders.values()), count
        assert all(builders[f] == [0] for f in builders if f not in standalone)
        # Each part builds a run of the pages in the order of their names, and about its share.
        order = [builders[p][0] for p in sorted(standalone)]
        assert order == sorted(order) and set(order) >= set(range(1, count))
        shares = [order.count(k) for k in range(count)]
        assert max(shares[1:]) - min(shares[1:]) <= 0.1 * len(ids), shares


def test_pages_are_not_shared_unless_there_are_many_and_all_are_institution_pages(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "institutions").mkdir(parents=True)
    names = [f"i{n:03d}.md" for n in range(parts.PARTS_FROM)]
    for name in names:
        (docs / "institutions" / name).write_text("# x\n", encoding="utf-8")
    standalone = [f"institutions/{name}" for name in names]
    assert len(parts.plan(docs, standalone, standalone, 2)) == 2
    assert parts.plan(docs, standalone, standalone, 1) == []
    assert (
        parts.plan(docs, standalone, standalone[1:], 2) == []
    )  # too few to be worth a second build
    assert parts.plan(docs, standalone, [*standalone, "pages/b.md"], 2) == []


def test_a_site_with_plugins_of_its_own_is_built_in_one_go() -> None:
    assert may_build_in_parts({})
    assert may_build_in_parts({"plugins": ["search"], "theme": {"name": "material"}})
    assert may_build_in_parts({"plugins": [{"search": {"lang": "en"}}]})
    assert not may_build_in_parts({"plugins": ["search", "blog"]})
    assert not may_build_in_parts({"plugins": {"search": {}, "tags": {}}})
    assert not may_build_in_parts({"hooks": ["hooks.py"]})
    assert not may_build_in_parts({"exclude_docs": "drafts/"})
    # the theme's offline plugin writes the search index as a script from one build's pages
    assert not may_build_in_parts({"plugins": ["search", "offline"]})
    assert not may_build_in_parts({"plugins": [{"material/offline": {}}]})
