"""Why a grade changed (data or framework), and the distance to the next grade."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import vl_convert
from site_helpers import chart_spec, page_text, soup, write_tree  # tests/ is on sys.path
from test_uncertainty import framework, result

from scorecard.changes import grade_changes, next_step
from scorecard.model import Framework, MetricDef, PillarDef
from scorecard.publications import Published, framework_marks, read_publications
from scorecard.score import Observation, Result
from scorecard.site import build_site

# --- the split -----------------------------------------------------------------------------------


def periods(fw: Framework, *values: float) -> list[Result]:
    """One result a period (2024, 2025, ...) with every metric at the given value."""
    return [
        result(fw, {m: Observation("reported", value=v) for m in fw.metrics}, period=str(2024 + i))
        for i, v in enumerate(values)
    ]


def test_the_change_splits_into_data_and_framework() -> None:
    fw = framework()
    history = periods(fw, 60.0, 70.0)  # every score: 60 (C) in 2024, then 70 (B)
    published = Published("0.9", "a" * 64, 55.0, "C", {"a": (58.0, "C")})
    changes = grade_changes(fw, history, {("inst", "2024"): published})
    assert changes is not None
    assert (changes.period, changes.previous, changes.published) == ("2025", "2024", published)
    overall, a, b = changes.rows
    assert (overall.key, overall.before, overall.rescored, overall.now) == ("overall", 55, 60, 70)
    assert (overall.total, overall.data, overall.framework) == (15, 10, 5)
    assert (a.before_grade, a.now_grade) == ("C", "B")
    assert (a.total, a.data, a.framework) == (12, 10, 2)
    # a pillar the old framework did not have: its framework effect is unknown, not zero
    assert (b.before, b.total, b.data, b.framework) == (None, None, 10, None)


def test_without_another_framework_the_whole_change_is_data() -> None:
    fw = framework()
    changes = grade_changes(fw, periods(fw, 60.0, 52.5), {})
    assert changes is not None and changes.published is None
    assert [(c.total, c.data, c.framework) for c in changes.rows] == [(-7.5, -7.5, 0.0)] * 3
    assert grade_changes(fw, periods(fw, 60.0), {}) is None  # a first period


def write_scores(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_reading_what_the_previous_build_published(tmp_path: Path) -> None:
    old = {"version": "1.0", "sha256": "o" * 64}
    document = {
        "format": "scorecard-scores/1",
        "framework": old,
        "results": [
            {
                "institution": "x",
                "period": "2025",
                "overall": {"score": 61.5, "grade": "C"},
                "pillars": {"a": {"score": 50, "grade": "C"}, "b": {"score": None, "grade": None}},
            },
            {  # published first under 0.9 and carried by the previous build: kept as it was
                "institution": "x",
                "period": "2024",
                "overall": {"score": 40, "grade": "D"},
                "pillars": {},
                "published": {
                    "framework": {"version": "0.9", "sha256": "p" * 64},
                    "overall": {"score": 38.25, "grade": "D"},
                    "pillars": {"a": {"score": 30.0, "grade": "F"}},
                },
            },
            {"institution": 3, "period": "2025"},  # not ours: skipped
        ],
    }
    path = write_scores(tmp_path / "scores.json", document)
    found = read_publications(path, "n" * 64)
    assert found == {
        ("x", "2025"): Published("1.0", "o" * 64, 61.5, "C", {"a": (50.0, "C"), "b": (None, None)}),
        ("x", "2024"): Published("0.9", "p" * 64, 38.25, "D", {"a": (30.0, "F")}),
    }
    # the same framework as now: nothing to explain, but what was carried stays
    assert list(read_publications(path, "o" * 64)) == [("x", "2024")]
    assert read_publications(path, "p" * 64) == {("x", "2025"): found[("x", "2025")]}
    for junk in ("not json", json.dumps({"format": "other"}), json.dumps([1, 2])):
        (tmp_path / "junk.json").write_text(junk, encoding="utf-8")
        assert read_publications(tmp_path / "junk.json", "n" * 64) == {}
    assert read_publications(tmp_path / "missing.json", "n" * 64) == {}


def test_trend_charts_mark_where_the_framework_changed() -> None:
    fw = framework()
    history = periods(fw, 50.0, 55.0, 60.0, 65.0)
    old = Published("0.9", "p" * 64, None, None, {})
    publications = {("inst", "2024"): old, ("inst", "2025"): old}
    assert framework_marks(history, publications, fw) == [("2026", "1")]
    assert framework_marks(history, {}, fw) == []


# --- distance to the next grade ------------------------------------------------------------------


def text_of(fw: Framework, pillar: str, observations: dict[str, Observation]) -> str:
    step = next_step(fw, pillar, result(fw, observations))
    assert step is not None
    return step.text


def test_the_cheapest_single_metric_lifts_the_pillar() -> None:
    fw = framework()  # pillar a: x (weight 1) and y (weight 3)
    seen = {"a.x": Observation("reported", value=60.0), "a.y": Observation("reported", value=40.0)}
    # pillar a = (60 + 3 x 40) / 4 = 45 (D); C needs 50: +5 points, so x +20 or y +6.67
    step = next_step(fw, "a", result(fw, seen))
    assert step is not None
    assert (step.grade, step.next_grade, step.threshold, step.metric) == ("D", "C", 50.0, "a.y")
    assert step.needed == 46.7  # 46.67, shown rounded up: enough
    assert step.text == "Raising “Y” from 40.0 % to 46.7 % would lift Pillar A from D to C."
    lifted = result(fw, {**seen, "a.y": Observation("reported", value=step.needed)})
    assert lifted.pillars["a"].grade == "C"


def test_lower_is_better_levels_and_policies() -> None:
    fw = replace(
        framework(),
        pillars={"p": PillarDef(name="Time")},
        metrics={
            "p.hours": MetricDef(
                name="Hours", kind="number", unit="hours", better="lower", floor=20, target=5
            ),
            "p.level": MetricDef(name="Level", kind="level", max=4),
            "p.policy": MetricDef(name="Policy", kind="boolean"),
        },
    )
    # hours 14 -> 40, level 2 of 4 -> 50, policy no -> 0: pillar 30 (F); D needs 35: +5 points,
    # +15 on one metric: hours 11.75 (cost .15 of the range), level 2.6 -> 3 (.25), policy (1)
    seen = {
        "p.hours": Observation("reported", value=14.0),
        "p.level": Observation("reported", value=2),
        "p.policy": Observation("reported", value=False),
    }
    assert text_of(fw, "p", seen) == (
        "Lowering “Hours” from 14 hours to 11.7 hours would lift Time from F to D."
    )
    # a value beyond the floor counts from there: hours 30 (0), level 4 of 4, policy no
    seen["p.hours"] = Observation("reported", value=30.0)
    seen["p.level"] = Observation("reported", value=4)
    # pillar 33.3 (F): D needs +1.67 points, +5 on one metric: hours 19.25 (from 30), the
    # level is at its top, the policy costs a whole range
    assert text_of(fw, "p", seen) == (
        "Lowering “Hours” from 30 hours to 19.2 hours would lift Time from F to D."
    )
    # hours missing (it stays in the weight): level 1 (25) and policy no (0) make 12.5 (F);
    # D needs +22.5, so +45 on one metric: level 1 -> 3 (cost .5) beats the policy (1)
    seen = {
        "p.level": Observation("reported", value=1),
        "p.policy": Observation("reported", value=False),
    }
    assert text_of(fw, "p", seen) == (
        "Raising “Level” from 1 of 4 to 3 of 4 would lift Time from F to D."
    )


def test_when_no_single_metric_can_do_it_the_page_says_so() -> None:
    fw = framework()
    seen = {"a.x": Observation("reported", value=0.0), "a.y": Observation("reported", value=0.0)}
    # pillar a at 0 (F); D needs 35 points: x alone reaches 25, y alone 75, so y can
    assert "“Y” from 0.0 % to 46.7 %" in text_of(fw, "a", seen)
    fw_heavy = replace(fw, grades=(("A", 90.0), ("F", 0.0)))  # A needs 90
    seen = {"a.x": Observation("reported", value=10.0), "a.y": Observation("reported", value=10.0)}
    assert text_of(fw_heavy, "a", seen) == (
        "No single reported metric can lift Pillar A from F to A on its own "
        "(it needs 80.0 more points)."
    )
    top = {"b.z": Observation("reported", value=95.0)}
    assert text_of(fw, "b", top) == "Pillar B has the top grade."
    # only reported metrics count: y is not reported, x alone cannot reach C
    seen = {"a.x": Observation("reported", value=40.0), "a.y": Observation("not-reported")}
    step = next_step(fw, "a", result(fw, seen))
    assert step is not None and step.score is None and "too few" in step.text


# --- a change of framework, end to end ------------------------------------------------------

INSTITUTION = {"name": "Tollbridge Hospital", "kind": "community-hospital", "region": "US-VT",
               "peer_group": "community"}  # fmt: skip


def audit(day: str, speak_up: int) -> dict[str, object]:
    return {
        "audited": date.fromisoformat(day),
        "metrics": {
            "admin.ehr_time_per_8h": {"value": 6.0},
            "safety.speak_up": {"positive": speak_up, "n": 200},
            "safety.response_to_error": {"positive": 120, "n": 200},
            "safety.management_support": {"positive": 130, "n": 200},
            "safety.staffing_work_pace": {"positive": 100, "n": 200},
            "recognition.non_revenue_recognition": {"value": True},
            "autonomy.approval_layers": {"value": 2},
            "mission.wellbeing_executive": {"value": True},
        },
    }


def test_a_change_of_framework_is_explained_on_the_next_build(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "content/institutions/tollbridge.yml": INSTITUTION,
            "content/audits/tollbridge/2026-Q2.yml": audit("2026-07-01", 120),
            "content/audits/tollbridge/2026-Q3.yml": audit("2026-10-01", 150),
        },
    )
    out = tmp_path / "out"
    build_site(root, out, ("public",))
    first = json.loads((out / "public/data/scores.json").read_text(encoding="utf-8"))
    assert all("published" not in r for r in first["results"])
    page = out / "public/institutions/tollbridge/index.html"
    assert "the whole change comes from the data" in page_text(page)
    # The framework did not change: no column of zeros for it, nor one that repeats the change.
    assert change_headings(page) == ["Score", "2026-Q2", "2026-Q3", "Change"]

    # a new target for speaking up: the framework, and so the scores of both periods, change
    write_tree(root, {"content/framework.yml": "metrics:\n  safety.speak_up: {target: 70}\n"})
    build_site(root, out, ("public",))
    second = json.loads((out / "public/data/scores.json").read_text(encoding="utf-8"))
    assert second["framework"]["sha256"] != first["framework"]["sha256"]
    before = {r["period"]: r for r in first["results"]}
    for r in second["results"]:
        assert r["published"]["framework"] == first["framework"]
        assert r["published"]["overall"] == {
            k: before[r["period"]]["overall"][k] for k in ("score", "grade")
        }
    q2_now = second["results"][0]["pillars"]["safety"]["score"]
    q2_then = first["results"][0]["pillars"]["safety"]["score"]
    q3_now = second["results"][1]["pillars"]["safety"]["score"]
    text = page_text(page)
    assert "2026-Q2 as published" in text
    heading = soup(page).select_one("h2#why-the-grades-changed")
    assert heading is not None
    table = heading.find_next("table")
    assert table is not None
    row = next(tr for tr in table.select("tr") if "psychological safety" in tr.text)
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[3:] == [
        f"{q3_now - q2_then:+.1f}",
        f"{q3_now - q2_now:+.1f}",
        f"{q2_now - q2_then:+.1f}",
    ]
    assert float(cells[5]) > 0  # a lower target scores the same answers higher
    assert len(trend_spec(page)["layer"]) == 2  # both periods were published with one framework
    assert change_headings(page) == [
        "Score",
        "2026-Q2 as published",
        "2026-Q3",
        "Change",
        "From the data",
        "From the framework",
    ]
    # The versions and their hashes are in a note and the page's footnote, not running text.
    version, sha = second["framework"]["version"], second["framework"]["sha256"][:12]
    note = heading.find_next("small", class_="scorecard-footnote")
    assert note is not None
    assert f"Framework in use: {version}, sha256 {sha} ." in " ".join(note.get_text(" ").split())
    assert first["framework"]["sha256"][:12] in note.get_text()
    paragraphs = [p.get_text() for p in soup(page).select("article p") if not p.select("small")]
    assert not [p for p in paragraphs if "sha256" in p]
    assert footnote(page) == framework_footnote(version, sha)

    # the next build keeps what the first published, though the second used the new framework
    build_site(root, out, ("public",))
    third = json.loads((out / "public/data/scores.json").read_text(encoding="utf-8"))
    assert third == second

    # a new period under the new framework: the trend chart marks where the framework changed
    write_tree(root, {"content/audits/tollbridge/2026-Q4.yml": audit("2027-01-05", 160)})
    build_site(root, out, ("public",))
    rule = trend_spec(page)["layer"][-2]
    assert rule["mark"]["type"] == "rule"
    version = second["framework"]["version"]
    assert [(v["period"], v["label"]) for v in rule["data"]["values"]] == [
        ("2026-Q4", f"framework {version}")
    ]
    svg = vl_convert.vegalite_to_svg({**trend_spec(page), "width": 400})
    assert f"framework {version}" in svg and 'stroke-dasharray="4,3"' in svg
    assert f"The framework changed in 2026-Q4, to version {version}" in page_text(page)


def change_headings(page: Path) -> list[str]:
    heading = soup(page).select_one("h2#why-the-grades-changed")
    assert heading is not None
    table = heading.find_next("table")
    assert table is not None
    return [" ".join(th.get_text(" ").split()) for th in table.select("thead th")]


def footnote(page: Path) -> str:
    """The page's footnote on its framework, as a reader sees it."""
    note = soup(page).select_one("#scorecard-framework-note")
    assert note is not None
    return " ".join(note.get_text(" ").split())


def framework_footnote(version: str, sha: str) -> str:
    return (
        f"1. Framework {version}, sha256 {sha} : the same version and hash always give the "
        "same scores from the same audits."
    )


def trend_spec(page: Path) -> dict[str, Any]:
    element = soup(page).select_one("#chart-trend")
    assert element is not None
    return chart_spec(str(element["data-spec"]))


@pytest.mark.parametrize("audience", ["public"])
def test_every_generated_page_names_its_framework(tmp_path: Path, audience: str) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "content/institutions/tollbridge.yml": INSTITUTION,
            "content/audits/tollbridge/2026-Q3.yml": audit("2026-10-01", 150),
        },
    )
    build_site(root, tmp_path / "out", (audience,))  # type: ignore[arg-type]
    site = tmp_path / "out" / audience
    sha = json.loads((site / "data/scores.json").read_text(encoding="utf-8"))["framework"]
    pages = [p for p in site.rglob("index.html") if p.parent.name not in ("pages", "about")]
    assert len(pages) >= 10
    for page in pages:
        assert footnote(page) == framework_footnote(sha["version"], sha["sha256"][:12]), page
        # Its mark in the text leads to it.
        mark = soup(page).select_one("a.scorecard-noteref")
        assert mark is not None and mark["href"] == "#scorecard-framework-note", page
