"""Nothing internal reaches the public site: a canary in every internal place, and a scan of
every file of the public site, whatever the file is (pages, search index, data files, chart
specifications, sitemap, badges), in every form a text could take there."""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import shutil
import urllib.parse
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from site_helpers import chart_specs, institution, snapshot, write_tree

from scorecard.audience import public_scan
from scorecard.facts import facts_of
from scorecard.project import open_project
from scorecard.render import environment
from scorecard.site import BuildError, build_site, gather_audience, verify

#: Every internal place of the content, with its canary.
C = {
    "notes": "CNRY-NOTES-a1f3",
    "notes-2": "CNRY-NOTES-LINE-TWO-77c0",
    "metric-note": "CNRY-METRIC-NOTE-5e21",
    "internal-metric-note": "CNRY-INTERNAL-METRIC-NOTE-0b9d",
    "internal-metric-reason": "CNRY-INTERNAL-REASON-c4e8",
    "source-note": "CNRY-SOURCE-NOTE-9a02",
    "unit-internal-name": "CNRY-UNIT-NAME-3f6b",
    "unit-internal-note": "CNRY-UNIT-NOTE-d815",
    "unit-internal-metric-note": "CNRY-UNIT-METRIC-NOTE-2c7a",
    "unit-public-note": "CNRY-PUBLIC-UNIT-NOTE-6e90",
    "unit-public-metric-note": "CNRY-PUBLIC-UNIT-METRIC-NOTE-41bd",
    "action-owner": "CNRY-ACTION-OWNER-8d33",
    "action-note": "CNRY-ACTION-NOTE-f0a4",
    "internal-action-title": "CNRY-INTERNAL-ACTION-TITLE-1c5e",
    "internal-action-owner": "CNRY-INTERNAL-ACTION-OWNER-b7d1",
    "internal-file-action-title": "CNRY-INTERNAL-FILE-ACTION-92fe",
    "private-name": "CNRY-PRIVATE-NAME-5a0c",
    "private-website": "https://cnry-private-site-e3d7.example.org/",
    "private-region": "CNRY-PRIVATE-REGION-07aa",
    "private-auditor": "CNRY-PRIVATE-AUDITOR-c9b2",
    "private-action-title": "CNRY-PRIVATE-ACTION-TITLE-4d6f",
    "private-unit-name": "CNRY-PRIVATE-UNIT-NAME-8b13",
    "private-instrument": "CNRY-PRIVATE-INSTRUMENT-e51c",
    "private-reason": "CNRY-PRIVATE-REASON-36a9",
    "private-peer-group": "cnry-private-peers-a7e2",
    "anonymous-name": "CNRY-ANONYMOUS-NAME-72e4",
    "anonymous-website": "https://cnry-anonymous-site-1b8f.example.org/",
    "anonymous-region": "CNRY-ANONYMOUS-REGION-f62d",
    "anonymous-auditor": "CNRY-ANONYMOUS-AUDITOR-0e5a",
}
#: Institution ids that must not appear in the public site.
PRIVATE_ID = "cnry-private-inst"
ANONYMOUS_ID = "cnry-anonymous-inst"
#: Numbers only the internal site may show: an internal metric, internal survey counts,
#: an anonymous institution's size.
INTERNAL_VALUE = 5.8271946
INTERNAL_N, INTERNAL_POSITIVE = 48611, 30977
ANONYMOUS_BEDS = 7_193_417
#: What the internal site shows of the above (the rest is never shown to anyone).
SHOWN_INTERNALLY = {
    "notes",
    "notes-2",
    "metric-note",
    "internal-metric-note",
    "internal-metric-reason",
    "unit-internal-name",
    "action-owner",
    "internal-action-title",
    "internal-action-owner",
    "internal-file-action-title",
    "private-name",
    "private-auditor",
    "private-action-title",
    "private-unit-name",
    "private-reason",
    "anonymous-name",
    "anonymous-auditor",
}


def audit(auditor: str, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "audited": date(2026, 10, 15),
        "auditor": auditor,
        "sources": [{"id": "survey", "kind": "survey", "instrument": "Mini-Z 2.0"}],
        "metrics": {
            "admin.ehr_time_per_8h": {"value": 6.0},
            "safety.speak_up": {"positive": 132, "n": 210, "source": "survey"},
            "recognition.non_revenue_recognition": {"value": True},
            "autonomy.approval_layers": {"value": 2},
            "mission.wellbeing_executive": {"value": True},
        },
        "actions": [
            {"id": "scribes", "pillar": "admin", "title": "Ambient scribes", "status": "planned"}
        ],
    }
    data.update(more)
    return data


def canary_files() -> dict[str, str | Mapping[str, Any]]:
    named = audit(
        "Office of Wellbeing",
        sources=[
            {"id": "survey", "kind": "survey", "instrument": "Mini-Z 2.0", "note": C["source-note"]}
        ],
        metrics={
            "admin.ehr_time_per_8h": {"value": 6.0, "note": C["metric-note"]},
            "admin.inbox_time_per_8h": {
                "value": INTERNAL_VALUE,
                "visibility": "internal",
                "note": C["internal-metric-note"],
            },
            "admin.documentation_time_ok": {
                "positive": INTERNAL_POSITIVE,
                "n": INTERNAL_N,
                "visibility": "internal",
            },
            "mission.wellbeing_executive": {
                "status": "not-applicable",
                "reason": C["internal-metric-reason"],
                "visibility": "internal",
            },
            "safety.speak_up": {"positive": 132, "n": 210, "source": "survey"},
            "recognition.non_revenue_recognition": {"value": True},
            "autonomy.approval_layers": {"value": 2},
        },
        units={
            "icu": {
                "name": C["unit-internal-name"],
                "note": C["unit-internal-note"],
                "metrics": {
                    "safety.speak_up": {
                        "positive": 21,
                        "n": 31,
                        "note": C["unit-internal-metric-note"],
                    }
                },
            },
            "ward": {
                "name": "General ward",
                "visibility": "public",
                "note": C["unit-public-note"],
                "metrics": {
                    "safety.speak_up": {
                        "positive": 20,
                        "n": 30,
                        "note": C["unit-public-metric-note"],
                    }
                },
            },
        },
        actions=[
            {
                "id": "scribes",
                "pillar": "admin",
                "title": "Ambient scribes for primary care",
                "owner": C["action-owner"],
                "note": C["action-note"],
                "status": "in-progress",
            },
            {
                "id": "secret-plan",
                "pillar": "safety",
                "title": C["internal-action-title"],
                "owner": C["internal-action-owner"],
                "visibility": "internal",
            },
        ],
        notes=f"{C['notes']}\nLeaders discussed staffing.\n{C['notes-2']}\n",
    )
    internal_file = audit(
        "Office of Wellbeing",
        visibility="internal",
        actions=[{"id": "plan", "pillar": "admin", "title": C["internal-file-action-title"]}],
    )
    private = audit(
        C["private-auditor"],
        sources=[{"id": "survey", "kind": "survey", "instrument": C["private-instrument"]}],
        metrics={
            **audit("")["metrics"],
            "mission.wellbeing_executive": {
                "status": "not-applicable",
                "reason": C["private-reason"],
            },
        },
        units={"ward": {"name": C["private-unit-name"], "visibility": "public"}},
        actions=[{"id": "a", "pillar": "admin", "title": C["private-action-title"]}],
    )
    return {
        "content/institutions/alderbank.yml": institution("Alderbank General Hospital", "named"),
        "content/institutions/birchfield.yml": institution("Birchfield Hospital", "named"),
        f"content/institutions/{PRIVATE_ID}.yml": institution(
            C["private-name"],
            "private",
            website=C["private-website"],
            region=C["private-region"],
            peer_group=C["private-peer-group"],
        ),
        f"content/institutions/{ANONYMOUS_ID}.yml": institution(
            C["anonymous-name"],
            "anonymous",
            website=C["anonymous-website"],
            region=C["anonymous-region"],
            beds=ANONYMOUS_BEDS,
            physicians=ANONYMOUS_BEDS + 1,
        ),
        "content/audits/alderbank/2026-Q2.yml": audit(
            "Office of Wellbeing", audited=date(2026, 7, 9)
        ),
        "content/audits/alderbank/2026-Q3.yml": named,
        "content/audits/birchfield/2026-Q3.yml": internal_file,
        f"content/audits/{PRIVATE_ID}/2026-Q3.yml": private,
        f"content/audits/{ANONYMOUS_ID}/2026-Q2.yml": audit(
            C["anonymous-auditor"], audited=date(2026, 7, 9)
        ),
        f"content/audits/{ANONYMOUS_ID}/2026-Q3.yml": audit(C["anonymous-auditor"]),
        "content/pages/about.md": "# About\n\nA network of fictional hospitals.\n",
    }


def forms(path: Path) -> Iterator[str]:
    """Every form the text of a file takes: as it is, decompressed, HTML-unescaped, JSON
    decoded (so \\u escapes count), URL-decoded (links, the sitemap), and a page's chart specs
    (base64) decoded."""
    raw = path.read_bytes()
    if path.suffix == ".gz" or raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", errors="replace")
    yield text
    yield html.unescape(text)
    yield html.unescape(html.unescape(text))  # JSON inside an attribute, inside a page
    yield urllib.parse.unquote(text)
    if path.suffix == ".html":
        yield "\n".join(json.dumps(spec, ensure_ascii=False) for spec in chart_specs(text))
    try:
        yield json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        pass


def every_text(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            rel = path.relative_to(site).as_posix()
            for form in forms(path):
                yield rel, form.lower()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("leaks"), canary_files())
    report = build_site(root, root / "out", ("public", "internal"))
    assert set(report.audiences) == {"public", "internal"}
    return root


def test_no_canary_in_any_file_of_the_public_site(built: Path) -> None:
    site = built / "out" / "public"
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"index.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz"} <= files
    assert {"data/scores.json", "data/scores.csv"} <= files
    secrets = [*C.values(), PRIVATE_ID, ANONYMOUS_ID, str(INTERNAL_VALUE)]
    leaks = {(rel, s) for rel, text in every_text(site) for s in secrets if s.lower() in text}
    assert leaks == set()


def test_no_internal_number_in_the_public_data_and_pages(built: Path) -> None:
    """Numbers are scanned outside the theme's and Vega's bundles, where any number may be."""
    site = built / "out" / "public"
    numbers = [
        f"{INTERNAL_VALUE:.2f}",
        str(INTERNAL_N),
        str(INTERNAL_POSITIVE),
        f"{ANONYMOUS_BEDS:,}",
        str(ANONYMOUS_BEDS),
    ]
    found = {
        (rel, n)
        for rel, text in every_text(site)
        if not rel.startswith("assets/")
        for n in numbers
        if n in text
    }
    assert found == set()
    scores = json.loads((site / "data" / "scores.json").read_text(encoding="utf-8"))
    results = {(r["institution"], r["period"]): r for r in scores["results"]}
    alder = results[("alderbank", "2026-Q3")]["metrics"]
    for metric in ("admin.inbox_time_per_8h", "admin.documentation_time_ok"):
        assert alder[metric] == {"value": None, "score": 0.0, "status": "withheld"}, metric
    assert alder["mission.wellbeing_executive"]["status"] == "not-applicable"  # the status shows
    assert "reason" not in alder["mission.wellbeing_executive"]
    birch = results[("birchfield", "2026-Q3")]["metrics"]
    assert {m["status"] for m in birch.values()} == {"missing", "withheld"}  # a file kept back


def test_the_internal_site_shows_the_canaries(built: Path) -> None:
    """The canaries are real: the internal site shows what it may."""
    internal = "\n".join(text for _rel, text in every_text(built / "out" / "internal"))
    missing = [place for place in sorted(SHOWN_INTERNALLY) if C[place].lower() not in internal]
    assert missing == []
    assert f"{INTERNAL_VALUE:.2f}" in internal  # in the internal data files


def test_the_public_site_names_the_anonymous_institution_as_a_peer(built: Path) -> None:
    site = built / "out" / "public"
    shown = sorted(p.parent.name for p in site.glob("institutions/*/index.html"))
    assert shown == ["alderbank", "birchfield", "peer-a"]


# --- the build's own scan: it stops a public site that would leak ------------------------------

#: the internal places the build's scan knows (the private peer group is a slug, not a text)
PLANTED = sorted(set(C) - {"private-peer-group"})
#: each form a text can take in a site, for a few places
FORMS = [
    (form, place)
    for form in ["search-index", "data", "chart-spec", "chart-spec-json"]
    for place in ["notes", "private-name", "anonymous-auditor", "unit-internal-metric-note"]
]


@pytest.fixture(scope="module")
def scan_context(built: Path) -> tuple[Any, Any]:
    """The project and the public build's pages, for calling the build's own scan."""
    project, findings = open_project(built)
    assert project is not None, findings
    facts = facts_of(project, ("public",))
    build = gather_audience(project, facts["public"], environment(None), lambda *_: None)
    scan = public_scan(facts.project, facts.texts)
    verify(built / "out" / "public", build, scan)  # as built, the site passes
    return scan, build


def _copy(built: Path, tmp_path: Path) -> Path:
    """The public site, its files linked rather than copied: _rewrite() unlinks before writing."""
    site = tmp_path / "site"
    shutil.copytree(built / "out" / "public", site, copy_function=os.link)
    return site


def _rewrite(path: Path, text: str) -> None:
    path.unlink()
    path.write_text(text, encoding="utf-8")


def _plant(site: Path, secret: str, where: str) -> None:
    if where == "page":
        page = site / "institutions" / "alderbank" / "index.html"
        _rewrite(page, page.read_text("utf-8") + f"<p>{html.escape(secret)}</p>")
    elif where == "search-index":
        index = site / "search" / "search_index.json"
        data = json.loads(index.read_text("utf-8"))
        data["docs"][0]["text"] += " " + secret
        _rewrite(index, json.dumps(data))
    elif where == "data":
        path = site / "data" / "scores.csv"
        _rewrite(path, path.read_text("utf-8") + f'"{secret}"\n')
    else:
        # A chart's spec as the build writes it (base64), or as JSON as earlier builds did.
        page = site / "index.html"
        spec = {"data": {"values": [{"institution": secret}]}}
        value = html.escape(json.dumps(spec))
        if where == "chart-spec":
            value = base64.b64encode(json.dumps(spec, ensure_ascii=False).encode()).decode()
        _rewrite(page, page.read_text("utf-8") + f'<div data-spec="{value}"></div>')


@pytest.mark.parametrize(
    ("where", "place"), [("page", place) for place in PLANTED] + FORMS, ids=lambda v: str(v)
)
def test_the_scan_stops_each_internal_text(
    built: Path, scan_context: tuple[Any, Any], tmp_path: Path, where: str, place: str
) -> None:
    scan, build = scan_context
    site = _copy(built, tmp_path)
    _plant(site, C[place], where)
    with pytest.raises(BuildError, match="internal text|unpublished institution"):
        verify(site, build, scan)


@pytest.mark.parametrize("inst_id", [PRIVATE_ID, ANONYMOUS_ID])
@pytest.mark.parametrize("where", ["link", "text", "data"])
def test_the_scan_stops_an_unpublished_id(
    built: Path, scan_context: tuple[Any, Any], tmp_path: Path, inst_id: str, where: str
) -> None:
    scan, build = scan_context
    site = _copy(built, tmp_path)
    if where == "link":
        page = site / "index.html"
        _rewrite(page, page.read_text("utf-8") + f'<a href="institutions/{inst_id}/">x</a>')
    elif where == "text":
        page = site / "institutions" / "index.html"
        _rewrite(page, page.read_text("utf-8") + f"<td>{inst_id}</td>")
    else:
        path = site / "data" / "scores.json"
        data = json.loads(path.read_text("utf-8"))
        data["results"][0]["institution"] = inst_id
        _rewrite(path, json.dumps(data))
    with pytest.raises(BuildError, match="unpublished institution"):
        verify(site, build, scan)


def test_a_leaking_template_stops_the_build_and_keeps_the_site(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("out"))
    out = tmp_path / "out"
    build_site(root, out, ("public",))
    before = snapshot(out)
    write_tree(root, {"site_templates/home.md.j2": f"# Home\n\n{C['notes-2']}\n"})
    with pytest.raises(BuildError, match="internal text"):
        build_site(root, out, ("public",))
    assert snapshot(out) == before


def test_a_large_file_is_searched_in_pieces_that_overlap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national site's scores.json is read in pieces, not whole: a secret across the seam
    of two pieces, or next to a character that a piece cuts in two, is still found."""
    from scorecard import leaks
    from scorecard.leaks import LeakScanner

    monkeypatch.setattr(leaks, "PIECE", 64)
    scanner = LeakScanner(["Wardleigh pay dispute"])
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    for start in range(0, 140, 7):
        text = "é" * start + "Wardleigh pay dispute" + "ü" * 150
        (site / "data" / "scores.json").write_text(text, encoding="utf-8")
        [path] = list(leaks._output_files(site))
        pieces = list(leaks._output_texts(path, scanner.longest))
        assert len(pieces) > 2, start
        assert any(scanner.find(piece) for piece in pieces), start
        assert "".join(p[scanner.longest :] if i else p for i, p in enumerate(pieces)) == text


def test_the_scan_on_every_core_tells_what_the_scan_of_one_file_after_another_tells(
    built: Path, scan_context: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scorecard import leaks

    scan, build = scan_context
    monkeypatch.setattr(leaks, "SCAN_APART_FROM", 1)
    monkeypatch.setattr(leaks, "workers", lambda: 3)
    verify(built / "out" / "public", build, scan)  # as built, the site passes
    site = _copy(built, tmp_path)
    _plant(site, C["notes"], "data")
    _plant(site, C["private-name"], "page")
    with pytest.raises(BuildError) as apart:
        verify(site, build, scan)
    monkeypatch.setattr(leaks, "SCAN_APART_FROM", 10**9)
    with pytest.raises(BuildError) as here:
        verify(site, build, scan)
    assert str(apart.value) == str(here.value)
    assert "data/scores.csv" in str(here.value)  # the first file in order that holds one


def test_texts_are_scanned_as_they_are_and_as_a_reader_sees_them() -> None:
    """The packets' scan: an internal text the HTML breaks across lines or writes with
    character references is found, and so is an unpublished id; the first page's is told."""
    from scorecard.leaks import Leak, PublicScan, scan_texts

    scan = PublicScan(["Wardleigh pay dispute"], [PRIVATE_ID])
    assert scan_texts([("a", "<p>Wardleigh pay</p>"), ("b", "<p>dispute</p>")], scan) is None
    for page in [
        "<p>Wardleigh pay dispute</p>",
        "<p>Wardleigh\n  pay dispute</p>",
        "<p>Wardleigh&#32;pay&#10;dispute</p>",
        '<a title="Wardleigh pay dispute">x</a>',
    ]:
        found = scan_texts([("a", "<p>fine</p>"), ("b", page), ("c", page)], scan)
        assert found == Leak("b", internal_text="Wardleigh pay dispute"), page
    found = scan_texts([("a", f"<td>{PRIVATE_ID}</td>")], scan)
    assert found == Leak("a", unpublished_id=PRIVATE_ID)
    assert scan_texts([("a", f'<td class="{PRIVATE_ID}">x</td>')], scan) is None


def test_a_public_packet_is_scanned_like_the_public_site(scan_context: tuple[Any, Any]) -> None:
    from scorecard import pdf

    scan, _ = scan_context
    pdf._check_public(scan, [("alderbank", "Alderbank", "<p>Alderbank</p>")])
    for page, told in [
        (f"<p>{html.escape(C['notes'])}</p>", "contain internal text"),
        (f"<p>{C['private-name']}</p>", "contain internal text"),
        (f"<td>{ANONYMOUS_ID}</td>", f"name the unpublished institution `{ANONYMOUS_ID}`"),
    ]:
        with pytest.raises(pdf.PdfError, match=f"public packet of alderbank would {told}"):
            pdf._check_public(scan, [("alderbank", "Alderbank", page)])
