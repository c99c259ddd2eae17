"""The site, built for real: scorecard's pages, MkDocs Material, the checks and the swap."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ExampleSite, assert_clean_exit
from site_helpers import (  # tests/ is on sys.path (no __init__.py)
    BANNER,
    HOSTILE_INTERNAL,
    HOSTILE_NAME,
    HOSTILE_PUBLIC,
    HOSTILE_WEBSITE,
    NOINDEX,
    PILLARS,
    REPO,
    build,
    chart_spec,
    evaluated,
    hostile_files,
    html_pages,
    institution,
    page_text,
    site_texts,
    snapshot,
    soup,
    write_tree,
)

from scorecard.facts import facts_of
from scorecard.project import open_project
from scorecard.render import environment
from scorecard.sample import write_sample_project
from scorecard.site import build_site, gather_audience

AUDIENCES = ["public", "internal"]


# --- the example project, built once ---------------------------------------------------------


@pytest.fixture(scope="module")
def example(example_site: ExampleSite) -> Path:
    """The example project built with ``--audience both``; the output folder."""
    return example_site.out


def _institutions() -> dict[str, dict[str, Any]]:
    folder = REPO / "content" / "institutions"
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yml")}


def _expected_ids(audience: str) -> tuple[set[str], int]:
    """The institution ids a site names, and how many more it shows as "Peer X"."""
    institutions = _institutions()
    if audience == "internal":
        return set(institutions), 0
    named = {i for i, data in institutions.items() if data.get("publish", "named") == "named"}
    anonymous = [i for i, data in institutions.items() if data.get("publish") == "anonymous"]
    return named, len(anonymous)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_example_site_has_every_page_and_data_file(example: Path, audience: str) -> None:
    site = example / audience
    named, peers = _expected_ids(audience)
    for page in [
        "index.html",
        "institutions/index.html",
        "methodology/index.html",
        "data/index.html",
        "pages/about/index.html",
        "404.html",
        "sitemap.xml",
    ]:
        assert (site / page).is_file(), page
    shown = {p.parent.name for p in site.glob("institutions/*/index.html")}
    assert {i for i in shown if not i.startswith("peer-")} == named
    assert len([i for i in shown if i.startswith("peer-")]) == peers
    assert {p.parent.name for p in site.glob("pillars/*/index.html")} == set(PILLARS)
    for inst_id in shown:
        page = soup(site / "institutions" / inst_id / "index.html")
        assert page.select_one("article h1") is not None, inst_id
        assert page.select(".scorecard-chart[data-spec]"), inst_id

    data = json.loads((site / "data" / "scores.json").read_text(encoding="utf-8"))
    assert data["format"] == "scorecard-scores/1"
    assert data["audience"] == audience
    assert {r["institution"] for r in data["results"]} == shown
    rows = (site / "data" / "scores.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("institution,period,overall_score,overall_grade")
    assert len(rows) == 1 + len(data["results"])
    assert {r.split(",")[0] for r in rows[1:]} == shown


@pytest.mark.parametrize("audience", AUDIENCES)
def test_example_override_adds_one_line_to_each_institution_page(
    example: Path, audience: str
) -> None:
    """site_templates/institution.md.j2 extends the built-in page with its `extra` block: the
    built-in page is all there, and the override's line once, with its links."""
    pages = sorted((example / audience).glob("institutions/*/index.html"))
    assert len(pages) >= 8
    for path in pages:
        page = soup(path)
        lines = [p for p in page.select("article p") if "Questions about the figures" in p.text]
        assert len(lines) == 1, path
        heading = page.select_one("article h1")
        assert heading is not None and heading.contents, path
        assert f"the figures of {heading.contents[0].get_text().strip()}?" in lines[0].text
        links = {a.get_text(): a["href"] for a in lines[0].select("a")}
        assert links == {
            "scorecard@example.org": "mailto:scorecard@example.org",
            "how this scorecard is made": "../../pages/about/",
        }
        assert page.select(".scorecard-chart[data-spec]"), path  # the built-in page's charts


def test_internal_pages_say_so_and_public_pages_do_not(example: Path) -> None:
    internal = html_pages(example / "internal")
    assert len(internal) > 20
    for path in internal:
        text = path.read_text(encoding="utf-8")
        assert NOINDEX in text, path
        if path.name == "404.html":  # the theme's page: noindex, but no Markdown for a banner
            continue
        page = soup(path)
        banner = page.select_one("article .admonition.warning")
        assert banner is not None and BANNER in banner.get_text(), path
    assert "Disallow: /" in (example / "internal" / "robots.txt").read_text(encoding="utf-8")

    public = html_pages(example / "public")
    assert len(public) > 20
    for path in public:
        text = path.read_text(encoding="utf-8")
        assert 'name="robots"' not in text, path
        assert BANNER not in text, path
    assert not (example / "public" / "robots.txt").exists()


def test_example_public_site_holds_nothing_internal(example: Path) -> None:
    """Notes, metric notes, internal unit names, and unpublished institutions stay internal."""
    secrets = {"kestrelfold", "morrowbrook"}  # publish: private and publish: anonymous
    for inst_id, data in _institutions().items():
        if data.get("publish", "named") != "named":
            secrets |= {inst_id, data["name"]}
    unit_names: dict[str, set[str]] = {}
    latest: set[str] = set()  # the texts of each institution's latest audit
    for folder in sorted((REPO / "content" / "audits").iterdir()):
        for path in sorted(folder.glob("*.yml")):  # 2024-Q4 ... 2026-Q3 sort by time
            audit = yaml.safe_load(path.read_text(encoding="utf-8"))
            texts = {line.strip() for line in (audit.get("notes") or "").splitlines()}
            texts |= {m["note"] for m in audit["metrics"].values() if m.get("note")}
            for unit in (audit.get("units") or {}).values():
                unit_names.setdefault(unit["name"], set()).add(unit.get("visibility", "internal"))
                texts.add(unit["name"])
            secrets |= texts
        latest |= texts
    # a unit name is a secret unless some audit marks the unit public
    secrets = {s for s in secrets if len(s) >= 6 and "public" not in unit_names.get(s, set())}
    assert len(secrets) > 15

    leaks = [
        (path, secret)
        for path, text in site_texts(example / "public")
        for secret in secrets
        if secret.lower() in text.lower()
    ]
    assert leaks == []
    internal = "\n".join(text for _path, text in site_texts(example / "internal"))
    assert [s for s in secrets & latest if s not in internal] == []


# --- text from audits is text -----------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose every text looks like HTML, script, Markdown or Jinja, built both ways."""
    root = write_tree(tmp_path_factory.mktemp("hostile"), hostile_files())
    result = build(root, root / "out", "both")
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_audit_text_never_becomes_markup_or_script(hostile: Path, audience: str) -> None:
    pages = html_pages(hostile / audience)
    assert len(pages) > 10
    for path in pages:
        page = soup(path)
        scripts = [s for s in page.find_all("script") if "alert" in s.get_text()]
        assert scripts == [], path
        assert page.find_all(attrs={"onerror": True}) == [], path
        assert page.select("img[src=x], b, em:-soup-contains('bold')") == [], path
        links = [a["href"] for a in page.find_all("a", href=True)]
        assert [h for h in links if str(h).strip().lower().startswith("javascript")] == [], path
    index = json.loads((hostile / audience / "search" / "search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        assert "<script" not in doc["title"] + doc["text"], doc["location"]
        assert "<img" not in doc["title"] + doc["text"], doc["location"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_audit_text_shows_as_itself(hostile: Path, audience: str) -> None:
    path = hostile / audience / "institutions" / "harrow" / "index.html"
    page = soup(path)
    assert page.title is not None
    assert page.title.get_text() == f"{HOSTILE_NAME} - Scorecard"
    headings = [page.select_one("article h1"), page.select_one("[data-md-component=header-topic]")]
    assert [h.get_text().strip() if h else None for h in headings] == [HOSTILE_NAME] * 2
    website = [a["href"] for a in page.select("article a") if a.get_text() == "Website"]
    assert website == [HOSTILE_WEBSITE]

    text = page_text(path)
    shown = {**HOSTILE_PUBLIC, **(HOSTILE_INTERNAL if audience == "internal" else {})}
    for field, value in {"name": HOSTILE_NAME, **shown}.items():
        assert value in text, field
        assert evaluated(value) == value or evaluated(value) not in text, field
    if audience == "public":
        for field, value in HOSTILE_INTERNAL.items():
            assert value not in text, field

    home = page_text(hostile / audience / "index.html")
    assert HOSTILE_NAME in home
    row = soup(hostile / audience / "index.html").select_one("article table a[href*=harrow]")
    assert row is not None and row.get_text() == HOSTILE_NAME


def test_site_without_mkdocs_yml_still_renders_the_banner(hostile: Path) -> None:
    """The hostile project has no mkdocs.yml: the built-in config must render the admonition."""
    page = soup(hostile / "internal" / "institutions" / "harrow" / "index.html")
    banner = page.select_one("article .admonition.warning")
    assert banner is not None and BANNER in banner.get_text()
    assert "!!!" not in page_text(hostile / "internal" / "institutions" / "harrow" / "index.html")


# --- internal values stay internal ------------------------------------------------------------

CANARIES = {
    "note": "CANARY-NOTE-7f3a",
    "owner": "CANARY-OWNER-91b2",
    "unit": "CANARY-UNIT-55c1",
    "private": "CANARY-PRIVATE-0d9e",
    "anonymous": "CANARY-ANON-3e7b",
}
INTERNAL_VALUE = 13.37


def _canary_audit(auditor: str) -> dict[str, Any]:
    return {
        "audited": date(2026, 10, 15),
        "auditor": auditor,
        "sources": [{"id": "wellbeing-survey", "kind": "survey", "instrument": "Mini-Z 2.0"}],
        "metrics": {
            "admin.ehr_time_per_8h": {
                "value": INTERNAL_VALUE,
                "visibility": "internal",
                "note": f"{CANARIES['note']} metric note",
            },
            "safety.speak_up": {"positive": 132, "n": 210, "source": "wellbeing-survey"},
            "recognition.non_revenue_recognition": {"value": True},
            "autonomy.approval_layers": {"value": 2},
            "mission.wellbeing_executive": {"value": True},
        },
        "units": {
            "icu": {
                "name": CANARIES["unit"],
                "metrics": {"safety.speak_up": {"positive": 20, "n": 30}},
            },
        },
        "actions": [
            {
                "id": "scribes",
                "pillar": "admin",
                "title": "Ambient scribes for primary care",
                "owner": CANARIES["owner"],
                "status": "in-progress",
            },
        ],
        "notes": f"{CANARIES['note']}\nLeaders discussed staffing.\n",
    }


CANARY_FILES: Mapping[str, str | Mapping[str, Any]] = {
    "content/institutions/alderbank.yml": institution("Alderbank General Hospital", "named"),
    "content/institutions/hollowmere.yml": institution(
        f"Hollowmere {CANARIES['private']} Hospital", "private"
    ),
    "content/institutions/brackenhurst.yml": {
        **institution(f"Brackenhurst {CANARIES['anonymous']} Clinic", "anonymous"),
        "website": "https://brackenhurst.example.org/",
    },
    "content/audits/alderbank/2026-Q3.yml": _canary_audit("Office of Wellbeing"),
    "content/audits/hollowmere/2026-Q3.yml": _canary_audit("Hollowmere Wellbeing Office"),
    "content/audits/brackenhurst/2026-Q3.yml": _canary_audit("Brackenhurst Wellbeing Office"),
}


@pytest.fixture(scope="module")
def canary_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("canary"), CANARY_FILES)
    report = build_site(root, root / "out", ("public", "internal"))
    assert set(report.audiences) == {"public", "internal"}
    return root / "out"


def test_public_site_contains_no_internal_text(canary_site: Path) -> None:
    secrets = [*CANARIES.values(), "hollowmere", "brackenhurst"]  # unpublished names and ids
    files = dict(site_texts(canary_site / "public"))
    assert {
        "index.html",
        "search/search_index.json",
        "sitemap.xml",
        "sitemap.xml.gz",
        "data/scores.json",
        "data/scores.csv",
    } <= set(files)
    leaks = [(p, s) for p, text in files.items() for s in secrets if s.lower() in text.lower()]
    assert leaks == []
    assert (canary_site / "public" / "institutions" / "peer-a" / "index.html").is_file()


def test_public_scores_leave_out_internal_metrics(canary_site: Path) -> None:
    def metric(audience: str) -> dict[str, Any]:
        data = json.loads((canary_site / audience / "data" / "scores.json").read_text("utf-8"))
        result = next(r for r in data["results"] if r["institution"] == "alderbank")
        return dict(result["metrics"]["admin.ehr_time_per_8h"])

    assert metric("public") == {"value": None, "score": 0.0, "status": "withheld"}
    assert metric("internal")["value"] == INTERNAL_VALUE
    assert str(INTERNAL_VALUE) not in (canary_site / "public" / "data" / "scores.json").read_text()
    assert str(INTERNAL_VALUE) not in page_text(
        canary_site / "public" / "institutions" / "alderbank" / "index.html"
    )


def test_internal_site_shows_notes_owners_units_and_everyinstitution(canary_site: Path) -> None:
    page = page_text(canary_site / "internal" / "institutions" / "alderbank" / "index.html")
    for kind in ("note", "owner", "unit"):
        assert CANARIES[kind] in page, kind
    home = page_text(canary_site / "internal" / "index.html")
    assert CANARIES["private"] in home
    assert CANARIES["anonymous"] in home


def test_build_refuses_a_public_site_that_leaks(tmp_path: Path) -> None:
    """A template that prints internal text: the scan stops the build, the old site stays."""
    root = write_tree(tmp_path / "project", CANARY_FILES)
    out = tmp_path / "out"
    result = build(root, out, "public")
    assert result.exit_code == 0, result.output
    before = snapshot(out)

    write_tree(
        root,
        {
            "site_templates/institution.md.j2": (
                "# {{ name }}\n\nReviewed: " + CANARIES["note"] + "\n"
            )
        },
    )
    result = build(root, out, "both")
    assert_clean_exit(result, 1)
    assert "internal text" in result.output
    assert CANARIES["note"] in result.output
    assert snapshot(out) == before


# --- a failed build keeps the previous site ---------------------------------------------------


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """A small project built once with both audiences: (project, out, snapshot of out)."""
    root = write_tree(
        tmp_path_factory.mktemp("good"),
        {
            "content/institutions/north-valley.yml": institution("North Valley Hospital", "named"),
            "content/audits/north-valley/2026-Q3.yml": _canary_audit("Office of Wellbeing"),
        },
    )
    out = root / "out"
    result = build(root, out, "both")
    assert result.exit_code == 0, result.output
    return root, out, snapshot(out)


AUDIT_PATH = "content/audits/north-valley/2026-Q3.yml"
TEMPLATE_PATH = "site_templates/institution.md.j2"
BROKEN = [
    (
        TEMPLATE_PATH,
        "# {{ name }}\n\n{{ undefined_variable }}\n",
        [f"{TEMPLATE_PATH}:3", "undefined_variable"],
    ),
    (TEMPLATE_PATH, "# {{ name }}\n\n{% if %}\n{% endif %}\n", [f"{TEMPLATE_PATH}:3"]),
    (
        TEMPLATE_PATH,
        '{% extends "default:institution.md.j2" %}\n{% block extra %}\n\n{{ name.nope.deeper }}\n'
        "{% endblock %}\n",
        [f"{TEMPLATE_PATH}:4", "nope"],
    ),
    (TEMPLATE_PATH, "# {{ name }}\n\n{{ 1 / 0 }}\n", [f"{TEMPLATE_PATH}:3", "division by zero"]),
    (
        AUDIT_PATH,
        "audited: 2026-10-15\nmetrics: {admin.ehr_time_per_8h: {value: 6.0}\n",
        [f"{AUDIT_PATH}:"],
    ),
    (
        AUDIT_PATH,
        "audited: 2026-10-15\nmetrics:\n  admin.ehr_time_per_h: {value: 6.0}\n",
        [f"{AUDIT_PATH}:3", "admin.ehr_time_per_8h"],
    ),
]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    BROKEN,
    ids=[
        "undefined-name",
        "syntax-error",
        "error-in-extending-template",
        "python-error",
        "yaml-error",
        "unknown-metric",
    ],
)
def test_failed_build_keeps_the_previous_site(
    good_build: tuple[Path, Path, dict[str, bytes]], path: str, text: str, expected: list[str]
) -> None:
    root, out, before = good_build
    target = root / path
    original = target.read_bytes() if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    try:
        result = build(root, out, "both")
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)
    assert_clean_exit(result, 1)
    for words in expected:
        assert words in result.output
    assert isinstance(result.exception, SystemExit)
    assert snapshot(out) == before


# --- many institutions: pages that do not grow with the group they compare -------------------


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The public docs folder of a sample project of 130 institutions (no MkDocs run)."""
    root = tmp_path_factory.mktemp("many")
    write_sample_project(root, institutions=130, periods=1, rich=False)
    project, findings = open_project(root)
    assert project is not None, findings
    scores = facts_of(project, ("public",))["public"]
    build = gather_audience(project, scores, environment(None), lambda *_: None)
    return {
        path: data.decode("utf-8") for path, data in build.files.items() if path.endswith(".md")
    }


def _charts(text: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """chart id -> (kind, spec) of a generated page."""
    page = BeautifulSoup(text, "html.parser")
    return {
        str(div["id"]): (str(figure["data-chart-kind"]), chart_spec(str(div["data-spec"])))
        for figure in page.select("figure[data-chart-kind]")
        for div in figure.select("div.scorecard-chart")
    }


def test_above_sixty_institutions_the_home_page_lists_grades_in_the_table(
    many: dict[str, str],
) -> None:
    home = many["index.md"]
    assert _charts(home) == {}
    assert "130 institutions are too many for one chart" in home
    assert "[table of all institutions](#all-institutions)" in home
    assert "(pillars/admin.md)" in home
    rows = BeautifulSoup(home, "html.parser").select("table tbody tr")
    assert len(rows) == 130
    for row in rows:
        assert row.select_one("td a[href^='institutions/']") is not None
        grades = row.select("span.scorecard-grade, span.scorecard-noscore")
        assert len(grades) == 1 + 7  # overall and each pillar


def test_institution_pages_show_their_peer_group_as_bins(many: dict[str, str]) -> None:
    pages = {
        path: text
        for path, text in many.items()
        if path.startswith("institutions/") and path != "institutions/index.md"
    }
    assert len(pages) == 130
    for path, text in pages.items():
        kind, spec = _charts(text)["chart-peers"]
        assert kind == "histogram", path
        values = spec["data"]["values"]
        assert [v["kind"] for v in values][:20] == ["bin"] * 20
        assert len(values) <= 22, path  # the bins, the median, the institution itself
        assert "rank " in text and " of " in text
    assert max(len(text) for text in pages.values()) < 60_000


@pytest.mark.parametrize("prefix", ["pillars/", "peer-groups/"])
def test_pillar_and_peer_group_pages_chart_bins_not_institutions(
    many: dict[str, str], prefix: str
) -> None:
    pages = {p: t for p, t in many.items() if p.startswith(prefix) and p.count("/") == 1}
    pages.pop(f"{prefix}index.md", None)
    assert pages
    for path, text in pages.items():
        shown = _charts(text)
        assert {kind for kind, _ in shown.values()} == {"histogram"}, path
        for _, spec in shown.values():
            # No institution in focus: only the highest and the lowest are named.
            named = [v["kind"] for v in spec["data"]["values"] if "institution" in v]
            assert named == ["named", "named"], path
