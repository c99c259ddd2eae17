"""Large projects: audits read on every core and from the cache give the same results as one
by one; a rebuild after one audit changed reads that file alone; the data files stream."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from site_helpers import broken_links

import scorecard.facts as scoring
import scorecard.project as opening
from scorecard import pages
from scorecard.export import scores_json
from scorecard.facts import facts_of
from scorecard.project import open_project
from scorecard.sample import write_sample_project
from scorecard.site import build_site


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 institutions x 8 quarters: 480 audits, enough to be read by worker processes."""
    root = tmp_path_factory.mktemp("large") / "project"
    write_sample_project(root, institutions=60, periods=8, rich=True)
    return root


def _scores(root: Path) -> tuple[str, str, list[str]]:
    project, findings = open_project(root)
    assert project is not None
    return (
        scores_json(facts_of(project, ("public",))["public"]),
        scores_json(facts_of(project, ("internal",))["internal"]),
        [f.format() for f in findings],
    )


def test_workers_and_cache_agree_with_reading_one_by_one(
    large: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    files = len(list((large / "content" / "audits").rglob("*.yml")))
    assert files > opening.CHUNK and files > scoring.CHUNK  # read and scored by workers
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "0")
    parallel = _scores(large)
    monkeypatch.setattr(opening, "CHUNK", 10**9)
    monkeypatch.setattr(scoring, "CHUNK", 10**9)
    one_by_one = _scores(large)
    assert parallel == one_by_one
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    filling = _scores(large)
    from_cache = _scores(large)
    assert filling == from_cache == one_by_one
    # the models rebuilt from the cache are the ones read from the files
    project, _ = open_project(large)
    fresh, _ = open_project(large)
    assert project is not None and fresh is not None
    assert [a.data for a in project.audits[:20]] == [a.data for a in fresh.audits[:20]]


def test_a_changed_audit_is_the_only_file_read_again(
    make_project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "p"
    write_sample_project(root, institutions=4, periods=3, rich=False)
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    read: list[str] = []
    original = opening.read_one

    def counting(path: Path, shown: str, reading: opening.Reading):  # type: ignore[no-untyped-def]
        read.append(shown)
        return original(path, shown, reading)

    monkeypatch.setattr(opening, "read_one", counting)
    before = _scores(root)
    assert len(read) == 12
    read.clear()
    assert _scores(root) == before
    assert read == []

    changed = sorted((root / "content" / "audits").rglob("*.yml"))[-1]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("auditor:", "auditor: Chief", 1), encoding="utf-8")
    after = _scores(root)
    assert read == [changed.relative_to(root).as_posix()]
    assert after[:2] == before[:2]  # the auditor is no score

    # a file with a finding is read every time, so that its finding is shown every time
    changed.write_text(text.replace("audited:", "audited: 2099-01-01\nold_audited:", 1))
    read.clear()
    first = _scores(root)[2]
    second = _scores(root)[2]
    assert first == second and any("SC0" in line for line in first)
    assert read == [changed.relative_to(root).as_posix()] * 2


def test_a_changed_framework_scores_every_audit_again(monkeypatch, tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_sample_project(root, institutions=3, periods=2, rich=False)
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    before = json.loads(_scores(root)[0])
    (root / "content" / "framework.yml").write_text(
        "pillars:\n  admin: {weight: 3}\n", encoding="utf-8"
    )
    after = json.loads(_scores(root)[0])
    assert before["framework"]["sha256"] != after["framework"]["sha256"]
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "0")
    assert json.loads(_scores(root)[0]) == after


def test_a_large_build_writes_its_data_files(large: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = build_site(large, out, ["public"])
    scores = json.loads((out / "public" / "data" / "scores.json").read_text(encoding="utf-8"))
    assert len(scores["results"]) == sum(
        1 for r in scores["results"] if r["institution"] and r["period"]
    )
    assert report.pages > 60
    institution_files = list((out / "public" / "data" / "institutions").glob("*.json"))
    assert len(institution_files) >= 55  # named and anonymous ones; private ones are left out


def test_each_result_is_the_same_in_scores_json_and_its_institution_file(
    large: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(large, out, ["public"])
    data = out / "public" / "data"
    scores = json.loads((data / "scores.json").read_text(encoding="utf-8"))
    by_institution: dict[str, list[dict[str, object]]] = {}
    for result in scores["results"]:
        by_institution.setdefault(result["institution"], []).append(result)
    files = sorted((data / "institutions").glob("*.json"))
    assert sorted(p.stem for p in files) == sorted(by_institution)
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["format"] == "scorecard-institution/1"
        assert document["institution"]["id"] == path.stem
        assert document["results"] == by_institution[path.stem]


def _searched_pages(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_institution_pages_leave_the_search_index_of_a_large_site(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small"
    build_site(large, small, ["public"])
    ids = [p.stem for p in (small / "public" / "data" / "institutions").glob("*.json")]
    searched = _searched_pages(small / "public")
    assert all(f"institutions/{i}/" in searched for i in ids)  # 60: each page is searched

    monkeypatch.setattr(pages, "SEARCHED_UP_TO", 30)
    out = tmp_path / "site"
    build_site(large, out, ["public"])
    searched = _searched_pages(out / "public")
    assert not [p for p in searched if p.startswith("institutions/") and p != "institutions/"]
    assert "institutions/" in searched  # the list with every name still is
    listed = (out / "public" / "institutions" / "index.html").read_text(encoding="utf-8")
    assert "search finds an institution by its name in this list" in listed
    index = (out / "public" / "search" / "search_index.json").stat().st_size
    assert index < (small / "public" / "search" / "search_index.json").stat().st_size / 3


def _docs(out: Path) -> dict[str, bytes]:
    docs = out / ".last-docs" / "public" / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def test_data_files_written_in_pieces_are_the_whole_documents(large: Path, tmp_path: Path) -> None:
    from scorecard.opendata import COMPARE_DATA_JS, COMPARE_JSON, OpenData
    from scorecard.pages import Gatherer

    project, _ = open_project(large)
    assert project is not None
    scores = facts_of(project, ("public",))["public"]
    opendata = OpenData(Gatherer(project, scores))
    texts = {path: "".join(text) for path, text in opendata.data_texts()}
    whole = json.dumps(opendata.compare_document(), ensure_ascii=False, separators=(",", ":"))
    assert texts[COMPARE_JSON] == whole + "\n"
    assert texts[COMPARE_DATA_JS].startswith("window.")
    script = texts[COMPARE_DATA_JS].split(" = ", 1)[1].removesuffix(";\n")
    assert json.loads(script) == json.loads(whole)


def test_institution_pages_rendered_by_workers_are_the_pages_rendered_here(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.site import docs

    def progress(into: str) -> Callable[[str, int, int], None]:
        def tell(stage: str, done: int, total: int) -> None:  # told in the process that renders
            if stage.startswith("rendering"):
                with (tmp_path / f"{into}.progress").open("a", encoding="utf-8") as told:
                    told.write(f"{done} {total}\n")

        return tell

    monkeypatch.setattr(docs, "RENDER_APART_FROM", 10**9)
    here = build_site(
        large, tmp_path / "here", ["public"], keep_docs=True, progress=progress("here")
    )
    monkeypatch.setattr(docs, "RENDER_APART_FROM", 10)
    apart = build_site(
        large, tmp_path / "apart", ["public"], keep_docs=True, progress=progress("apart")
    )
    assert apart.pages == here.pages
    assert _docs(tmp_path / "apart") == _docs(tmp_path / "here")
    # The progress bar counts every page once, up to its end, as the pages are rendered.
    told = {}
    for into in ("here", "apart"):
        lines = (tmp_path / f"{into}.progress").read_text(encoding="utf-8").splitlines()
        told[into] = [tuple(map(int, line.split())) for line in lines]
    for counts in told.values():
        assert [done for done, _ in counts] == sorted(done for done, _ in counts)
        assert counts[-1][0] == counts[-1][1]
    assert told["apart"][-1] == told["here"][-1]


def test_a_template_error_in_a_worker_is_told_with_its_place(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from scorecard.site import BuildError, docs

    project = tmp_path / "project"
    shutil.copytree(large, project)
    (project / "site_templates").mkdir(exist_ok=True)
    (project / "site_templates" / "institution.md.j2").write_text(
        '{% extends "default:institution.md.j2" %}\n{% block extra %}{{ 1 / 0 }}{% endblock %}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(docs, "RENDER_APART_FROM", 10)
    with pytest.raises(BuildError, match=r"institution\.md\.j2:2: template error while"):
        build_site(project, tmp_path / "site", ["public"])
    assert not (tmp_path / "site" / "public").exists()


def _site(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _with_config(large: Path, tmp_path: Path, line: str) -> Path:
    """A copy of the large project whose mkdocs.yml starts with ``line``."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(large, project)
    config = project / "mkdocs.yml"
    config.write_text(line + "\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    return project


def test_a_site_built_in_parts_is_the_site_built_in_one_go(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.site import mkdocs, parts

    project = _with_config(large, tmp_path, "site_url: https://scorecard.example.org/network/")
    planned: list[list[str]] = []
    planning = parts.plan

    def plan(docs: Path, pages: list[str], standalone: list[str], count: int) -> list[str]:
        planned.append(planning(docs, pages, standalone, count))
        return planned[-1]

    monkeypatch.setattr(parts, "plan", plan)
    monkeypatch.setattr(mkdocs, "workers", lambda: 3)
    in_parts = build_site(project, tmp_path / "parts", ["public"])
    assert len(planned[0]) == 3
    monkeypatch.setattr(mkdocs, "workers", lambda: 1)
    whole = build_site(project, tmp_path / "whole", ["public"])
    assert planned[1] == []

    assert in_parts.pages == whole.pages
    built, expected = _site(tmp_path / "parts" / "public"), _site(tmp_path / "whole" / "public")
    assert sorted(built) == sorted(expected)
    assert [p for p in expected if built[p] != expected[p]] == []
    sitemap = expected["sitemap.xml"].decode("utf-8")
    ids = [p.stem for p in (tmp_path / "whole" / "public" / "data" / "institutions").glob("*")]
    assert ids and all(f"/network/institutions/{i}/</loc>" in sitemap for i in ids)
    searched = _searched_pages(tmp_path / "parts" / "public")
    assert all(f"institutions/{i}/" in searched for i in ids)
    assert not list((tmp_path / "parts").rglob("mkdocs-part-*"))
    assert broken_links(tmp_path / "parts" / "public") == []


def test_a_site_with_pages_as_html_files_builds(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.site import mkdocs

    project = _with_config(large, tmp_path, "use_directory_urls: false")
    monkeypatch.setattr(mkdocs, "workers", lambda: 2)
    report = build_site(project, tmp_path / "site", ["public"])
    public = tmp_path / "site" / "public"
    ids = [p.stem for p in (public / "data" / "institutions").glob("*.json")]
    assert ids and all((public / "institutions" / f"{i}.html").is_file() for i in ids)
    assert (public / "pillars" / "safety.html").is_file()
    assert report.pages == len(list(public.rglob("*.html"))) - 1  # all but 404.html
    assert broken_links(public) == []


def test_an_offline_site_is_built_in_one_go(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme's offline plugin writes the search index as a script from the pages its
    build made: built in parts, the script would hold the first part's pages alone."""
    from scorecard.site import Options, mkdocs

    monkeypatch.setattr(mkdocs, "workers", lambda: 2)  # else built in two parts
    build_site(large, tmp_path / "site", ["public"], options=Options(offline=True))
    public = tmp_path / "site" / "public"
    ids = [p.stem for p in (public / "data" / "institutions").glob("*.json")]
    index = (public / "search" / "search_index.json").read_text(encoding="utf-8")
    assert all(f"institutions/{i}.html" in _searched_pages(public) for i in ids)
    assert (public / "search" / "search_index.js").read_text(encoding="utf-8") == (
        f"var __index = {index}"
    )
    assert broken_links(public, directories=False) == []


def test_an_audit_lets_go_of_its_model_only_where_it_can_rebuild_it(large: Path) -> None:
    project, _ = open_project(large)
    assert project is not None
    audit = project.audits[0]
    first = audit.data
    audit.release()
    assert "data" not in audit.__dict__
    assert audit.data == first  # rebuilt from what the audit keeps of its file
    by_hand = type(audit).of(audit.institution, audit.period, audit.file, first)
    by_hand.release()
    assert by_hand.data is first  # nothing to rebuild it from: kept


def _killed(part: object, strict: bool) -> list[str]:
    import os

    os._exit(9)  # as the system's out-of-memory killer would end it


def test_a_part_of_the_mkdocs_build_that_is_killed_leaves_no_site(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard.site import BuildError, mkdocs

    monkeypatch.setattr(mkdocs, "workers", lambda: 2)
    monkeypatch.setattr(mkdocs, "run_part", _killed)
    with pytest.raises(BuildError, match="MkDocs stopped before its end"):
        build_site(large, tmp_path / "site", ["public"])
    assert not (tmp_path / "site" / "public").exists()
    assert not list((tmp_path / "site").glob(".staging*/**/mkdocs-part-*"))
