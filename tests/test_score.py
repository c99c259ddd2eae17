"""The scoring contract of SPEC.md, rule by rule, as tables of hand-computed cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scorecard.export import scores_json
from scorecard.facts import facts_of
from scorecard.load import load_bytes
from scorecard.model import Framework, Project, Status, parse_period
from scorecard.project import open_project
from scorecard.score import (
    MetricResult,
    Observation,
    OverallResult,
    PillarResult,
    Result,
    grade,
    overall_score,
    peer_percentile,
    pillar_score,
    score_audit,
    score_metric,
    with_peer_percentiles,
    with_trends,
)
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]

# A small framework: one pillar for every kind of metric, one with unequal weights, and one
# metric in each of the other pillars. Every number-kind metric scores 10 x value on 0..10.
FRAMEWORK = """\
version: "test-1"
name: A small framework for tests
grades: {A: 80, B: 65, C: 50, D: 35, F: 0}
suppression: {min_n_public: 10, min_n_internal: 5}
overall_min_pillars: 4
pillars:
  admin: {name: Admin}
  mission: {name: Mission}
  autonomy: {name: Autonomy}
  safety: {name: Safety}
  recognition: {name: Recognition, weight: 2}
  outcomes: {name: Outcomes, role: beside}
  complex_care: {name: Complex care, role: beside}
metrics:
  admin.up: {name: Higher is better, kind: number, better: higher, target: 80, floor: 40}
  admin.down: {name: Lower is better, kind: number, better: lower, target: 4, floor: 8}
  admin.share: {name: A percent, kind: percent, better: higher, target: 85, floor: 55}
  admin.policy: {name: A good policy, kind: boolean}
  admin.bad_practice: {name: A bad practice, kind: boolean, better: lower}
  admin.policies: {name: Policies in place, kind: level, max: 3}
  mission.a: {name: A, kind: number, target: 10, floor: 0}
  mission.b: {name: B, kind: number, target: 10, floor: 0}
  mission.c: {name: C, kind: number, target: 10, floor: 0, weight: 2}
  autonomy.a: {name: A, kind: number, target: 10, floor: 0}
  safety.speak_up: {name: Speak up, kind: percent, target: 85, floor: 55, survey_item: true}
  recognition.a: {name: A, kind: number, target: 10, floor: 0}
  outcomes.a: {name: A, kind: number, target: 10, floor: 0}
  complex_care.a: {name: A, kind: number, target: 10, floor: 0}
"""


def small_framework() -> Framework:
    framework, findings = check_framework(load_bytes(FRAMEWORK.encode(), "framework.yml"), None)
    assert findings == []
    assert framework is not None
    return framework


def builtin_framework() -> Framework:
    framework, findings = check_framework(builtin_framework_document(), None)
    assert findings == []
    assert framework is not None
    return framework


FW = small_framework()


def reported(value: float | bool) -> Observation:
    return Observation("reported", value)


# --- metric scores ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("admin.up", 40, 0.0),
        ("admin.up", 50, 25.0),
        ("admin.up", 60, 50.0),
        ("admin.up", 80, 100.0),
        ("admin.up", 95, 100.0),
        ("admin.up", 10, 0.0),
        ("admin.up", -1e12, 0.0),
        ("admin.up", 1e300, 100.0),
        ("admin.down", 8, 0.0),
        ("admin.down", 7, 25.0),
        ("admin.down", 6, 50.0),
        ("admin.down", 4, 100.0),
        ("admin.down", 0, 100.0),
        ("admin.down", -3, 100.0),
        ("admin.down", 12, 0.0),
        ("admin.share", 70, 50.0),
        ("admin.share", 100, 100.0),
        ("admin.share", 0, 0.0),
    ],
    ids=[
        "higher-at-floor",
        "higher-quarter",
        "higher-half",
        "higher-at-target",
        "higher-above-target-clamped",
        "higher-below-floor-clamped",
        "higher-huge-negative",
        "higher-huge",
        "lower-at-floor",
        "lower-quarter",
        "lower-half",
        "lower-at-target",
        "lower-better-than-target-clamped",
        "lower-negative-clamped",
        "lower-worse-than-floor-clamped",
        "percent-half",
        "percent-top",
        "percent-zero",
    ],
)
def test_linear_score_from_floor_to_target(metric: str, value: float, expected: float) -> None:
    result = score_metric(FW.metrics[metric], reported(value))
    assert result.status == "reported"
    assert result.score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("admin.policy", True, 100.0),
        ("admin.policy", False, 0.0),
        ("admin.bad_practice", False, 100.0),
        ("admin.bad_practice", True, 0.0),
    ],
    ids=["true-is-good", "false-when-true-is-good", "false-is-good", "true-when-false-is-good"],
)
def test_boolean_score(metric: str, value: bool, expected: float) -> None:
    assert score_metric(FW.metrics[metric], reported(value)).score == expected


@pytest.mark.parametrize(
    ("level", "expected"),
    [(0, 0.0), (1, 100 / 3), (2, 200 / 3), (3, 100.0)],
    ids=["level-0", "level-1", "level-2", "level-max"],
)
def test_level_score(level: int, expected: float) -> None:
    result = score_metric(FW.metrics["admin.policies"], reported(level))
    assert result.value == level
    assert result.score == pytest.approx(expected)


def test_survey_item_is_percent_positive_with_wilson_interval() -> None:
    """SPEC's example: 132 of 210 positive, target 85, floor 55."""
    metric = builtin_framework().metrics["safety.speak_up"]
    assert (metric.target, metric.floor) == (85, 55)
    result = score_metric(metric, Observation("reported", positive=132, n=210))
    assert result.status == "reported"
    assert result.n == 210
    assert isinstance(result.value, float)
    assert round(result.value, 2) == 62.86
    assert result.ci95 is not None
    assert [round(x, 2) for x in result.ci95] == [56.15, 69.11]
    assert result.score is not None
    assert round(result.score, 2) == 26.19


@pytest.mark.parametrize(
    ("positive", "n", "low", "high"),
    [(0, 20, 0.0, 16.11), (20, 20, 83.89, 100.0), (5, 10, 23.66, 76.34)],
    ids=["none-positive", "all-positive", "half-of-ten"],
)
def test_wilson_interval_stays_inside_0_to_100(
    positive: int, n: int, low: float, high: float
) -> None:
    result = score_metric(FW.metrics["safety.speak_up"], Observation("reported", None, n, positive))
    assert result.ci95 is not None
    assert [round(x, 2) for x in result.ci95] == [low, high]


def test_wilson_interval_of_an_absurdly_large_n() -> None:
    n = 10**200  # a whole number this large used to overflow in n * n
    result = score_metric(FW.metrics["safety.speak_up"], Observation("reported", None, n, n // 2))
    assert result.value == 50.0
    assert result.ci95 is not None
    assert [round(x, 2) for x in result.ci95] == [50.0, 50.0]


@pytest.mark.parametrize(
    "status", ["not-reported", "not-applicable", "missing", "suppressed"], ids=str
)
def test_a_status_is_never_scored(status: Status) -> None:
    result = score_metric(FW.metrics["admin.up"], Observation(status, reason="why"))
    assert (result.status, result.value, result.score) == (status, None, None)


# --- pillar scores ---------------------------------------------------------------------------

# mission.a, .b weigh 1 and mission.c weighs 2; values 10, 5, 0 score 100, 50 and 0.
A, B, C = reported(10), reported(5), reported(0)
NR = Observation("not-reported")
NA = Observation("not-applicable", reason="no such service")
MISSING = Observation("missing")
SUPPRESSED = Observation("suppressed", reason="n < 10")


@pytest.mark.parametrize(
    ("seen", "score", "coverage"),
    [
        ({"a": A, "b": B, "c": C}, (100 + 50 + 0) / 4, 1.0),
        ({"a": A, "b": B, "c": NA}, 75.0, 1.0),
        ({"a": NA, "b": B, "c": C}, 50 / 3, 1.0),
        ({"a": A, "b": B, "c": NR}, 75.0, 0.5),
        ({"a": A, "b": B, "c": MISSING}, 75.0, 0.5),
        ({"a": A, "b": B}, 75.0, 0.5),
        ({"a": A, "b": B, "c": SUPPRESSED}, 75.0, 0.5),
        ({"a": MISSING, "b": B, "c": C}, 0 + 50 / 3, 0.75),
        ({"a": A, "b": MISSING, "c": NA}, 100.0, 0.5),
        ({"c": C}, 0.0, 0.5),
        ({"a": A, "b": MISSING, "c": NR}, None, 0.25),
        ({"a": NR, "b": B, "c": SUPPRESSED}, None, 0.25),
        ({"a": NA, "b": NA, "c": NA}, None, 0.0),
        ({}, None, 0.0),
    ],
    ids=[
        "all-reported-weighted",
        "not-applicable-leaves-the-weight",
        "light-metric-left-out-by-not-applicable",
        "not-reported-stays-in-the-weight-exactly-half-is-enough",
        "missing-stays-in-the-weight",
        "absent-is-missing",
        "suppressed-stays-in-the-weight",
        "three-quarters-covered",
        "half-after-not-applicable",
        "a-real-zero-at-half-coverage",
        "below-half-is-insufficient",
        "suppressed-and-not-reported-below-half",
        "all-not-applicable",
        "nothing-reported",
    ],
)
def test_pillar_score(seen: dict[str, Observation], score: float | None, coverage: float) -> None:
    metrics, pillars, _overall = score_audit(FW, {f"mission.{k}": v for k, v in seen.items()})
    pillar = pillars["mission"]
    assert pillar.coverage == pytest.approx(coverage)
    if score is None:
        assert (pillar.score, pillar.grade, pillar.status) == (None, None, "insufficient-data")
    else:
        assert pillar.score == pytest.approx(score)
        assert pillar.grade == grade(FW, pillar.score)
        assert pillar.status == "scored"
    assert metrics["mission.b"].status == seen.get("b", MISSING).status


def test_pillar_score_directly_from_metric_results() -> None:
    results = {
        "mission.a": MetricResult("reported", 10.0, score=100.0),
        "mission.c": MetricResult("not-applicable"),
    }
    # mission.b is missing: it stays in the weight, 1 of 2.
    assert pillar_score(FW, "mission", results) == PillarResult(100.0, "A", 0.5)


# --- overall score ---------------------------------------------------------------------------


def scored(value: float) -> PillarResult:
    return PillarResult(value, grade(FW, value), 1.0)


INSUFFICIENT = PillarResult(None, None, 0.25, "insufficient-data")
FIVE = {"admin": 50.0, "mission": 60.0, "autonomy": 70.0, "safety": 80.0, "recognition": 90.0}


@pytest.mark.parametrize(
    ("insufficient", "score", "coverage"),
    [
        ((), (50 + 60 + 70 + 80 + 2 * 90) / 6, 1.0),
        (("recognition",), (50 + 60 + 70 + 80) / 4, (4 + 2 * 0.25) / 6),
        (("admin",), (60 + 70 + 80 + 2 * 90) / 5, (5 + 0.25) / 6),
        (("admin", "mission"), None, (4 + 2 * 0.25) / 6),
        (("admin", "mission", "recognition"), None, (2 + 0.25 + 0.25 + 2 * 0.25) / 6),
    ],
    ids=[
        "five-pillars-weighted",
        "four-pillars-enough",
        "four-pillars-with-the-heavy-one",
        "three-pillars-no-overall",
        "two-pillars-no-overall",
    ],
)
def test_overall_needs_four_core_pillars(
    insufficient: tuple[str, ...], score: float | None, coverage: float
) -> None:
    pillars = {
        pid: INSUFFICIENT if pid in insufficient else scored(value) for pid, value in FIVE.items()
    }
    overall = overall_score(FW, pillars)
    assert overall.coverage == pytest.approx(coverage)
    if score is None:
        assert (overall.score, overall.grade) == (None, None)
    else:
        assert overall.score == pytest.approx(score)
        assert overall.grade == grade(FW, score)


@pytest.mark.parametrize("beside", [0.0, 100.0], ids=["beside-at-0", "beside-at-100"])
def test_beside_pillars_never_enter_the_overall(beside: float) -> None:
    pillars = {pid: scored(value) for pid, value in FIVE.items()}
    without = overall_score(FW, pillars)
    pillars |= {"outcomes": scored(beside), "complex_care": scored(beside)}
    assert overall_score(FW, pillars) == without


def core_observations() -> dict[str, Observation]:
    return {
        "admin.up": reported(60),
        "mission.a": reported(6),
        "autonomy.a": reported(7),
        "safety.speak_up": Observation("reported", positive=70, n=100),
        "recognition.a": reported(9),
    }


def test_beside_pillars_are_present_only_when_reported() -> None:
    metrics, pillars, overall = score_audit(FW, core_observations())
    assert list(pillars) == ["admin", "mission", "autonomy", "safety", "recognition"]
    assert not any(m.startswith(("outcomes.", "complex_care.")) for m in metrics)

    seen = core_observations() | {"outcomes.a": reported(0)}
    metrics2, pillars2, overall2 = score_audit(FW, seen)
    assert "outcomes" in pillars2 and "complex_care" not in pillars2
    assert pillars2["outcomes"] == PillarResult(0.0, "F", 1.0)
    assert metrics2["outcomes.a"].score == 0.0
    assert overall2 == overall

    seen = core_observations() | {"complex_care.a": Observation("not-reported")}
    _metrics3, pillars3, overall3 = score_audit(FW, seen)
    assert pillars3["complex_care"].status == "insufficient-data"
    assert overall3 == overall


# --- grade bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100.0, "A"),
        (80.0, "A"),
        (79.999, "B"),
        (65.0, "B"),
        (64.99, "C"),
        (50.0, "C"),
        (49.99, "D"),
        (35.0, "D"),
        (34.99, "F"),
        (0.0, "F"),
        (None, None),
    ],
    ids=["100", "80", "79.999", "65", "64.99", "50", "49.99", "35", "34.99", "0", "no-score"],
)
def test_grade_band_edges(score: float | None, letter: str | None) -> None:
    assert grade(builtin_framework(), score) == letter


def test_grade_bands_are_configurable() -> None:
    text = FRAMEWORK.replace("{A: 80, B: 65, C: 50, D: 35, F: 0}", "{A: 90, B: 70, F: 0}")
    framework, findings = check_framework(load_bytes(text.encode(), "framework.yml"), None)
    assert findings == [] and framework is not None
    assert [grade(framework, s) for s in (90, 89.9, 70, 69.9)] == ["A", "B", "B", "F"]


# --- trend and peer percentile ---------------------------------------------------------------


def result(institution: str, period: str, score: float | None, peers: str = "academic") -> Result:
    p = parse_period(period)
    assert p is not None
    return Result(
        institution=institution,
        period=period,
        period_order=(p.year, p.start_month, p.months),
        peer_group=peers,
        overall=OverallResult(score, grade(FW, score), 1.0 if score is not None else 0.2),
        pillars={},
        metrics={},
    )


def test_trend_is_against_the_previous_period_with_a_score() -> None:
    given = [
        result("north-valley", "2026-Q3", 70.0),
        result("north-valley", "2026-Q1", 60.0),
        result("north-valley", "2026-Q2", None),  # no overall score: skipped
        result("north-valley", "2026-Q4", 65.5),
        result("east-harbor", "2026-Q3", 40.0),
    ]
    trends = {(r.institution, r.period): r.overall.trend for r in with_trends(given)}
    assert trends == {
        ("east-harbor", "2026-Q3"): None,
        ("north-valley", "2026-Q1"): None,
        ("north-valley", "2026-Q2"): None,
        ("north-valley", "2026-Q3"): pytest.approx(10.0),
        ("north-valley", "2026-Q4"): pytest.approx(-4.5),
    }


def test_trend_follows_time_not_the_order_of_labels() -> None:
    given = [result("north-valley", "2027-H1", 50.0), result("north-valley", "2026-H2", 45.0)]
    trends = {r.period: r.overall.trend for r in with_trends(given)}
    assert trends == {"2026-H2": None, "2027-H1": pytest.approx(5.0)}


@pytest.mark.parametrize(
    ("score", "peers", "expected"),
    [
        (50.0, [50.0, 60.0, 60.0, 70.0, 80.0], 10.0),
        (60.0, [50.0, 60.0, 60.0, 70.0, 80.0], 40.0),
        (80.0, [50.0, 60.0, 60.0, 70.0, 80.0], 90.0),
        (70.0, [70.0] * 5, 50.0),
        (65.0, [50.0, 60.0, 65.0, 65.0, 70.0, 80.0], 50.0),
        (72.5, [40.0, 50.0, 60.0, 70.0, 72.5, 72.5, 72.5, 90.0], 68.75),
        (60.0, [50.0, 60.0, 70.0, 80.0], None),
        (60.0, [60.0], None),
    ],
    ids=[
        "lowest",
        "tied-with-one-other",
        "highest",
        "all-tied",
        "six-peers-tie-in-the-middle",
        "three-way-tie",
        "four-peers-too-few",
        "alone",
    ],
)
def test_peer_percentile(score: float, peers: list[float], expected: float | None) -> None:
    got = peer_percentile(score, peers)
    assert got == (None if expected is None else pytest.approx(expected))


def test_peer_percentile_within_peer_group_and_period() -> None:
    given = [
        result("a", "2026-Q3", 50.0),
        result("b", "2026-Q3", 60.0),
        result("c", "2026-Q3", 60.0),
        result("d", "2026-Q3", 70.0),
        result("e", "2026-Q3", 80.0),
        result("f", "2026-Q3", None),  # no overall: not a peer, no percentile
        result("c", "2026-Q2", 90.0),  # another period: alone
        result("g", "2026-Q3", 99.0, peers="community"),  # another group: alone
    ]
    got = {
        (r.institution, r.period): r.overall.peer_percentile for r in with_peer_percentiles(given)
    }
    assert got == {
        ("a", "2026-Q3"): pytest.approx(10.0),
        ("b", "2026-Q3"): pytest.approx(40.0),
        ("c", "2026-Q3"): pytest.approx(40.0),
        ("d", "2026-Q3"): pytest.approx(70.0),
        ("e", "2026-Q3"): pytest.approx(90.0),
        ("f", "2026-Q3"): None,
        ("c", "2026-Q2"): None,
        ("g", "2026-Q3"): None,
    }


# --- suppression and audiences ---------------------------------------------------------------


def write_project(make_project: MakeProject, audit: str, **institutions: str) -> Project:
    files = {"content/framework.yml": "extends: none\n" + FRAMEWORK}
    files["content/institutions/north-valley.yml"] = (
        "name: North Valley General Hospital\nkind: community-hospital\nregion: US-VT\n"
        "peer_group: community\n"
    )
    files["content/audits/north-valley/2026-Q3.yml"] = audit
    for inst_id, publish in institutions.items():
        files[f"content/institutions/{inst_id}.yml"] = (
            f"name: {inst_id.replace('-', ' ').title()} Clinic\nkind: other\nregion: US-VT\n"
            f"peer_group: community\npublish: {publish}\n"
        )
        files[f"content/audits/{inst_id}/2026-Q3.yml"] = audit
    project, findings = open_project(make_project(files))
    assert [f.format() for f in findings] == []
    assert project is not None
    return project


AUDIT = """\
audited: 2026-10-15
metrics:
  admin.up: {value: 60}
  admin.down: {value: 6}
  admin.share: {value: 70}
  admin.policy: {value: true}
  mission.a: {value: 10}
  mission.b: {value: 5, visibility: internal, note: "from the unit heads"}
  mission.c: {value: 0}
  autonomy.a: {value: 7}
  safety.speak_up: {positive: 7, n: 9}
  recognition.a: {value: 9}
"""


def test_a_suppressed_value_is_missing_for_scoring(make_project: MakeProject) -> None:
    project = write_project(make_project, AUDIT)
    public = facts_of(project, ("public",))["public"].results[0]
    internal = facts_of(project, ("internal",))["internal"].results[0]

    assert public.metrics["safety.speak_up"] == MetricResult("suppressed", reason="n < 10")
    assert public.pillars["safety"] == PillarResult(None, None, 0.0, "insufficient-data")
    # Four core pillars are left: the public overall is their weighted mean (mission with its
    # withheld value at 0).
    assert public.overall.score == pytest.approx((62.5 + 25 + 70 + 2 * 90) / 5)
    assert public.overall.coverage == pytest.approx((4 / 6 + 0.75 + 1 + 0 + 2) / 6)

    speak_up = internal.metrics["safety.speak_up"]
    assert speak_up.status == "reported"
    assert speak_up.value == pytest.approx(700 / 9)
    safety = (700 / 9 - 55) / 30 * 100
    assert internal.pillars["safety"].score == pytest.approx(safety)
    assert internal.overall.score == pytest.approx((62.5 + 37.5 + 70 + safety + 2 * 90) / 6)


def test_an_internal_metric_is_withheld_in_public_scores_0_and_is_not_reported_for_coverage(
    make_project: MakeProject,
) -> None:
    project = write_project(make_project, AUDIT)
    public = facts_of(project, ("public",))["public"].results[0]
    internal = facts_of(project, ("internal",))["internal"].results[0]

    assert public.metrics["mission.b"] == MetricResult("withheld", score=0.0)
    mission = public.pillars["mission"]
    assert mission.score == pytest.approx(100 / 4)  # (100 + 0 + 0 + 0 withheld) / 4
    assert (mission.grade, mission.coverage, mission.withheld) == ("F", 0.75, 0.25)
    assert internal.metrics["mission.b"].score == 50.0
    assert internal.pillars["mission"].score == pytest.approx(37.5)
    assert internal.pillars["mission"].coverage == 1.0


def test_public_scores_can_be_recomputed_from_public_data(make_project: MakeProject) -> None:
    """Every public metric shown as reported is exactly what the public JSON carries."""
    project = write_project(make_project, AUDIT)
    document = json.loads(scores_json(facts_of(project, ("public",))["public"]))
    metrics = document["results"][0]["metrics"]
    assert metrics["mission.b"] == {"value": None, "score": 0.0, "status": "withheld"}
    assert metrics["safety.speak_up"] == {
        "value": None,
        "score": None,
        "status": "suppressed",
        "reason": "n < 10",
    }
    assert document["results"][0]["pillars"]["mission"] == {
        "score": 25.0,
        "grade": "F",
        "coverage": 0.75,
        "withheld": 0.25,
    }
