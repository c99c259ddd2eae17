"""Evidence: links between the pillars' scores and the outcomes, with their intervals."""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scorecard import evidence
from scorecard.audience import Identity
from scorecard.evidence import (
    Association,
    ChangeRow,
    Estimate,
    Evidence,
    LevelRow,
    Sample,
    evidence_of,
    favourable,
    rank,
    seed_of,
    strength,
)
from scorecard.facts import ScoreSet, facts_of
from scorecard.model import EvidenceThresholds, Framework
from scorecard.parallel import map_shared
from scorecard.project import open_project
from scorecard.sample import write_sample_project
from scorecard.score import MetricResult, OverallResult, PillarResult, Result
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]
FRAMEWORK = "content/framework.yml"
BURNOUT = "outcomes.burnout"


def builtin() -> Framework:
    framework, _ = check_framework(builtin_framework_document(), None)
    assert framework is not None
    return framework


FW = builtin()

# --- scores made by hand -----------------------------------------------------------------------


def result(
    institution: str,
    t: int,
    pillars: dict[str, float | None],
    outcomes: dict[str, float | None],
) -> Result:
    """Quarter ``t`` (0 = 2020-Q1) of an institution; a pillar of None has too little data to
    be scored, an outcome of None is suppressed."""
    year, quarter = 2020 + t // 4, t % 4 + 1
    return Result(
        institution,
        f"{year}-Q{quarter}",
        (year, 3 * quarter - 2, 3),
        "peers",
        OverallResult(None, None, 0.0),
        {
            p: PillarResult(s, None, 1.0) if s is not None else PillarResult(None, None, 0.2, "x")
            for p, s in pillars.items()
        },
        {
            o: MetricResult("reported", v) if v is not None else MetricResult("suppressed")
            for o, v in outcomes.items()
        },
    )


def scores_of(
    results: list[Result],
    framework: Framework = FW,
    identities: dict[str, Identity] | None = None,
) -> ScoreSet:
    if identities is None:
        identities = {
            r.institution: Identity(r.institution, r.institution.upper()) for r in results
        }
    return ScoreSet("internal", framework, results, identities)


def walk(
    seed: int,
    institutions: int,
    periods: int,
    slope: float,
    pillar: str = "safety",
    outcome: str = BURNOUT,
    noise: float = 2.0,
) -> ScoreSet:
    """Each period, each institution's pillar score takes a random step, and its outcome moves
    ``slope`` per point of that step, plus noise of its own."""
    rng = random.Random(seed)
    results = []
    for i in range(institutions):
        score, value = rng.uniform(40, 80), rng.uniform(20, 50)
        for t in range(periods):
            if t:
                step = rng.gauss(0, 5)
                score += step
                value += slope * step + rng.gauss(0, noise)
            results.append(result(f"inst-{i:03d}", t, {pillar: score}, {outcome: value}))
    return scores_of(results)


def association(evidence: Evidence, pillar: str, outcome: str = BURNOUT) -> Association:
    found = [a for a in evidence.associations if (a.pillar, a.outcome) == (pillar, outcome)]
    assert len(found) == 1
    return found[0]


# --- the same numbers, computed plainly --------------------------------------------------------


def plain_line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(intercept, slope) by the textbook formula."""
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my - slope * mx, slope


def plain_draws(rng: random.Random, k: int) -> list[int]:
    """k institutions drawn with replacement, as ``Sample.resampled`` says it draws them."""
    drawn: list[int] = []
    while len(drawn) < k:
        data = rng.randbytes(2 * (k - len(drawn)))
        for i in range(0, len(data), 2):
            number = data[i] + 256 * data[i + 1]
            if number < 65536 - 65536 % k:
                drawn.append(number % k)
    return drawn


def plain_percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def plain_groups(scores: ScoreSet, view: str) -> dict[str, list[tuple[float, float]]]:
    """Each institution's points: (pillar change, burnout change) of each two consecutive
    periods with both, or (safety, burnout) in the latest period."""
    groups: dict[str, list[tuple[float, float]]] = {}
    history: dict[str, list[tuple[float, float]]] = {}
    latest = max(r.period_order for r in scores.results)
    for r in sorted(scores.results, key=lambda r: (r.institution, r.period_order)):
        score, value = r.pillars["safety"].score, r.metrics[BURNOUT].value
        if score is None or not isinstance(value, float):
            continue
        if view == "latest":
            if r.period_order == latest:
                groups[r.institution] = [(score, value)]
            continue
        seen = history.setdefault(r.institution, [])
        if seen:
            x, y = seen[-1]
            groups.setdefault(r.institution, []).append((score - x, value - y))
        seen.append((score, value))
    return groups


# --- the framework's setting -------------------------------------------------------------------

#: The built-in framework's hash as builds published it before it had an `evidence` section: a
#: change of it marks every score a site published as made under another framework.
BUILTIN_SHA256 = "6d80a726c8c1a9579105093d88c02bcde747a7369bd5e3a40014e6c51c08cd6c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (5, 20)),
        ("evidence: {min_pairs: 30}\n", (5, 30)),
        ("evidence: {min_institutions: 2, min_pairs: 3}\n", (2, 3)),
        ("evidence:\n  min_institutions: 12\n", (12, 20)),
    ],
    ids=["default", "pairs-only", "lowest-allowed", "institutions-only"],
)
def test_framework_sets_how_much_data_evidence_needs(
    make_project: MakeProject, text: str, expected: tuple[int, int]
) -> None:
    project, findings = open_project(make_project({FRAMEWORK: text}, default=True))
    assert project is not None, [f.format() for f in findings]
    evidence = project.framework.evidence
    assert (evidence.min_institutions, evidence.min_pairs) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("evidence: {min_pairs: 1}\n", [("SC012", 1, "evidence.min_pairs")]),
        ("evidence: {min_pairs: 2}\n", [("SC012", 1, "evidence.min_pairs")]),
        (
            "evidence:\n  min_institutions: 1\n  min_pairs: 2.5\n",
            [("SC012", 2, "evidence.min_institutions"), ("SC012", 3, "evidence.min_pairs")],
        ),
        ('evidence: {min_institutions: "5"}\n', [("SC012", 1, "evidence.min_institutions")]),
        ("evidence: {min_pair: 20}\n", [("SC010", 1, "evidence.min_pair")]),
        ("evidence: 5\n", [("SC012", 1, "evidence")]),
    ],
    ids=["one-pair", "two-pairs", "one-institution-and-a-fraction", "quoted", "typo", "number"],
)
def test_framework_setting_is_checked(
    make_project: MakeProject, text: str, found: list[tuple[str, int, str]]
) -> None:
    project, findings = open_project(make_project({FRAMEWORK: text}, default=True))
    assert project is None
    assert [(f.code, f.line, f.path) for f in findings if f.file == FRAMEWORK] == found


def test_a_wrong_setting_says_what_is_allowed(make_project: MakeProject) -> None:
    _, findings = open_project(make_project({FRAMEWORK: "evidence: {min_pairs: 1}\n"}))
    assert [f.message for f in findings] == ["1: input should be greater than or equal to 3"]


@pytest.mark.parametrize(
    ("text", "same"),
    [
        (None, True),
        ("", True),
        ("evidence: {min_institutions: 8, min_pairs: 40}\n", True),
        ("evidence: {min_pairs: 20}\n", True),
        ("metrics:\n  safety.speak_up: {target: 70}\n", False),
    ],
    ids=["no-file", "empty-file", "evidence-set", "evidence-default", "a-target-changed"],
)
def test_evidence_setting_leaves_the_framework_hash_and_version(
    make_project: MakeProject, text: str | None, same: bool
) -> None:
    """No score depends on the setting: builds keep their published hash, so the site's "why
    grades changed" does not see a new framework, and the scored audits stay cached."""
    project, _ = open_project(make_project({} if text is None else {FRAMEWORK: text}, default=True))
    assert project is not None
    fw = project.framework
    assert (fw.sha256 == BUILTIN_SHA256, fw.version == "2026.12") == (same, same)


def test_builtin_framework_has_the_default_setting() -> None:
    framework, findings = check_framework(builtin_framework_document(), None)
    assert framework is not None and not findings
    assert framework.evidence == EvidenceThresholds(min_institutions=5, min_pairs=20)
    assert framework.sha256 == BUILTIN_SHA256


# --- the statistics ----------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["changes", "latest"])
def test_slope_interval_and_band_are_those_of_a_plain_computation(view: str) -> None:
    """Pairs listed one by one, each resample's slope fitted to its pairs: the same numbers."""
    results = walk(3, institutions=24, periods=5, slope=-0.4).results
    # gaps: one institution misses safety once, another reports no burnout once
    results[6] = result(results[6].institution, 1, {"safety": None}, {BURNOUT: 40.0})
    results[12] = result(results[12].institution, 2, {"safety": 55.0}, {BURNOUT: None})
    scores = scores_of(results)
    found = getattr(association(evidence_of(scores, resamples=400), "safety"), view)

    groups = plain_groups(scores, view)
    points = [p for g in groups.values() for p in g]
    assert (found.institutions, found.points) == (len(groups), len(points))
    assert found.per_10 == pytest.approx(10 * plain_line(points)[1], rel=1e-12)

    rng = random.Random(seed_of(view, "safety", BURNOUT))  # type: ignore[arg-type]
    institutions = sorted(groups)
    fits = []
    for _ in range(400):
        drawn = plain_draws(rng, len(institutions))
        fits.append(plain_line([p for i in drawn for p in groups[institutions[i]]]))
    slopes = [slope for _, slope in fits]
    expected = (10 * plain_percentile(slopes, 0.025), 10 * plain_percentile(slopes, 0.975))
    assert found.ci95 == pytest.approx(expected, rel=1e-9)

    xs = [x for x, _ in points]
    assert [p.x for p in (found.line[0], found.line[-1])] == [min(xs), max(xs)]
    intercept, slope = plain_line(points)
    for point in found.line:
        at = [a + b * point.x for a, b in fits]
        assert point.fitted == pytest.approx(intercept + slope * point.x, rel=1e-9)
        assert point.low == pytest.approx(plain_percentile(at, 0.025), rel=1e-9)
        assert point.high == pytest.approx(plain_percentile(at, 0.975), rel=1e-9)


def test_beyond_32768_institutions_draws_are_made_by_choices() -> None:
    rng = random.Random(4)
    groups = [[(rng.gauss(0, 1), rng.gauss(0, 1))] for _ in range(40_000)]
    fits = Sample.of(groups).resampled(2, seed=5)
    drawing = random.Random(5)
    for fit in fits:
        drawn = drawing.choices(range(len(groups)), k=len(groups))
        assert fit[1] == pytest.approx(plain_line([groups[i][0] for i in drawn])[1], rel=1e-9)
    assert len(fits) == 2


def test_consecutive_scored_periods_skip_a_period_without_both() -> None:
    rows = [
        result("north", 0, {"safety": 50.0}, {BURNOUT: 40.0}),
        result("north", 1, {"safety": None}, {BURNOUT: 38.0}),  # insufficient data
        result("north", 2, {"safety": 58.0}, {BURNOUT: None}),  # suppressed
        result("north", 3, {"safety": 60.0}, {BURNOUT: 35.5}),
        result("north", 4, {"safety": 64.0}, {BURNOUT: 35.0}),
    ]
    found = association(evidence_of(scores_of(rows)), "safety").changes
    assert found.rows == (
        ChangeRow("north", "NORTH", "2020-Q1", "2020-Q4", 10.0, -4.5),
        ChangeRow("north", "NORTH", "2020-Q4", "2021-Q1", 4.0, -0.5),
    )
    assert (found.status, found.institutions, found.points) == ("too-few", 1, 2)


# slope per point, pillar, outcome: what the verdict and the page's wording must say
PLANTED = {
    "safety-lowers-burnout": (-0.5, "safety", BURNOUT, "falls", True),
    "mission-lowers-intent-to-leave": (-0.3, "mission", "outcomes.intent_to_leave", "falls", True),
    "admin-raises-joy": (0.2, "admin", "outcomes.joy_score", "rises", True),
    "autonomy-raises-turnover": (0.15, "autonomy", "outcomes.turnover", "rises", False),
    "recognition-lowers-joy": (-0.25, "recognition", "outcomes.joy_score", "falls", False),
}


@pytest.mark.parametrize(
    ("slope", "pillar", "outcome", "verdict", "good"), PLANTED.values(), ids=PLANTED.keys()
)
def test_a_planted_link_is_found_with_an_interval_around_it(
    slope: float, pillar: str, outcome: str, verdict: str, good: bool
) -> None:
    evidence = evidence_of(walk(11, 40, 6, slope, pillar, outcome))
    found = association(evidence, pillar, outcome)
    assert found.changes.status == "estimated"
    assert found.changes.ci95 is not None and found.changes.per_10 is not None
    low, high = found.changes.ci95
    assert low < 10 * slope < high
    assert high < 0 or low > 0
    assert (found.changes.verdict, found.favourable) == (verdict, good)
    # the only other pillars and outcomes: none with data
    assert [a.outcome for a in evidence.associations] == [outcome] * 5
    assert [a.pillar for a in evidence.ranked()][0] == pillar


def test_without_a_link_the_interval_covers_zero_in_most_samples() -> None:
    covered = {"changes": 0, "latest": 0}
    for seed in range(40):
        found = association(evidence_of(walk(seed, 30, 6, 0.0)), "safety")
        for view in covered:
            estimate: Estimate[ChangeRow] | Estimate[LevelRow] = getattr(found, view)
            assert estimate.status == "estimated" and estimate.ci95 is not None
            low, high = estimate.ci95
            covered[view] += low <= 0 <= high
            assert (estimate.verdict == "no-clear-link") == (low <= 0 <= high)
    assert covered["changes"] >= 34, covered
    assert covered["latest"] >= 34, covered


@pytest.mark.parametrize(
    ("institutions", "periods", "thresholds", "changes", "latest"),
    [
        (4, 8, None, ("too-few", 4, 28, 5, 20), ("too-few", 4, 4, 5, 20)),
        (5, 4, None, ("too-few", 5, 15, 5, 20), ("too-few", 5, 5, 5, 20)),
        (5, 5, None, ("estimated", 5, 20, 5, 20), ("too-few", 5, 5, 5, 20)),
        (20, 2, None, ("estimated", 20, 20, 5, 20), ("estimated", 20, 20, 5, 20)),
        (19, 2, None, ("too-few", 19, 19, 5, 20), ("too-few", 19, 19, 5, 20)),
        (3, 3, (3, 6), ("estimated", 3, 6, 3, 6), ("too-few", 3, 3, 3, 6)),
        (2, 3, (3, 3), ("too-few", 2, 4, 3, 3), ("too-few", 2, 2, 3, 3)),
    ],
    ids=[
        "four-institutions",
        "fifteen-pairs",
        "just-enough",
        "one-pair-each",
        "one-short",
        "framework-lowers-the-bar",
        "framework-bar-not-met",
    ],
)
def test_too_little_data_says_how_much_there_is_and_how_much_is_needed(
    institutions: int,
    periods: int,
    thresholds: tuple[int, int] | None,
    changes: tuple[str, int, int, int, int],
    latest: tuple[str, int, int, int, int],
) -> None:
    scores = walk(5, institutions, periods, -0.5)
    if thresholds is not None:
        evidence = EvidenceThresholds(min_institutions=thresholds[0], min_pairs=thresholds[1])
        scores = replace(scores, framework=replace(FW, evidence=evidence))
    found = association(evidence_of(scores), "safety")
    for estimate, expected in ((found.changes, changes), (found.latest, latest)):
        e: Estimate[ChangeRow] | Estimate[LevelRow] = estimate
        assert (e.status, e.institutions, e.points, e.needed_institutions, e.needed_points) == (
            expected
        )
        assert len(e.rows) == e.points
        estimated = e.status == "estimated"
        assert (e.per_10 is not None, e.ci95 is not None, e.verdict is not None) == (
            (estimated,) * 3
        )
        assert len(e.line) == (21 if estimated else 0)


def test_a_pillar_that_never_changes_has_no_slope() -> None:
    rng = random.Random(1)
    rows = [
        result(f"i{i}", t, {"safety": 60.0}, {BURNOUT: rng.uniform(20, 50)})
        for i in range(8)
        for t in range(5)
    ]
    found = association(evidence_of(scores_of(rows)), "safety")
    assert (found.changes.status, found.changes.points, found.changes.per_10) == (
        "no-spread",
        32,
        None,
    )
    assert (found.latest.status, found.latest.points) == ("too-few", 8)


# --- verdicts and the ranking ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "better", "expected"),
    [
        ("falls", "lower", True),
        ("rises", "lower", False),
        ("rises", "higher", True),
        ("falls", "higher", False),
        ("no-clear-link", "lower", None),
        (None, "higher", None),
    ],
)
def test_favourable_puts_the_verdict_and_the_better_side_together(
    verdict: str | None, better: str, expected: bool | None
) -> None:
    assert favourable(verdict, better) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ci95", "expected"),
    [((1.0, 3.0), 2.0), ((-3.0, -1.0), 2.0), ((-1.0, 3.0), 0.5), ((-2.0, 2.0), 0.0)],
    ids=["above", "below", "across", "centred-on-zero"],
)
def test_strength_is_the_centre_in_half_widths(ci95: tuple[float, float], expected: float) -> None:
    assert strength(ci95) == expected


def made(pillar: str, ci95: tuple[float, float] | None) -> Association:
    """An association whose changes have this interval (None: too few data)."""
    if ci95 is None:
        changes: Estimate[ChangeRow] = Estimate(
            "too-few", 2, 3, 5, 20, None, None, None, None, (), ()
        )
    else:
        per_10 = sum(ci95) / 2
        changes = Estimate("estimated", 9, 60, 5, 20, per_10, ci95, "falls", strength(ci95), (), ())
    latest: Estimate[LevelRow] = Estimate("too-few", 2, 2, 5, 20, None, None, None, None, (), ())
    return Association(pillar, BURNOUT, "lower", changes, latest)


def test_ranking_is_by_the_strength_of_evidence_not_the_size_of_the_slope() -> None:
    given = [
        made("thin-1", None),
        made("large-and-wide", (-50.0, -1.0)),  # slope -25.5, strength 1.04
        made("crossing", (-3.0, 1.0)),  # strength 0.5
        made("small-and-narrow", (-2.0, -1.5)),  # slope -1.75, strength 7
        made("thin-2", None),
        made("crossing-too", (-3.0, 1.0)),  # a tie: kept in the order given
    ]
    assert [a.pillar for a in rank(given)] == [
        "small-and-narrow",
        "large-and-wide",
        "crossing",
        "crossing-too",
        "thin-1",
        "thin-2",
    ]


# --- the same numbers every time ---------------------------------------------------------------


def test_same_scores_give_identical_evidence_in_any_order_of_results() -> None:
    scores = walk(8, 30, 5, -0.2)
    first = evidence_of(scores)
    shuffled = list(scores.results)
    random.Random(2).shuffle(shuffled)
    assert evidence_of(scores) == first
    assert evidence_of(replace(scores, results=shuffled)) == first
    assert repr(evidence_of(replace(scores, results=shuffled))) == repr(first)


_ANOTHER_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from test_evidence import walk
from scorecard.evidence import evidence_of
print(repr(evidence_of(walk(8, 12, 4, -0.2), resamples=300)))
"""


def test_same_numbers_on_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    others = walk(10, 12, 4, 0.3, "admin", "outcomes.joy_score").results
    scores = walk(9, 25, 4, -0.3)
    scores = scores_of(
        [*scores.results, *(replace(r, institution=f"x{r.institution}") for r in others)]
    )
    here = evidence_of(scores, resamples=200)
    tasks: list[int] = []

    def spy(function: Any, shared: Any, given: Any, **options: Any) -> Any:
        tasks.append(len(given))
        return map_shared(function, shared, given, **options)

    monkeypatch.setattr(evidence, "PARALLEL_DRAWS", 0)
    monkeypatch.setattr(evidence, "map_shared", spy)
    assert evidence_of(scores, resamples=200) == here
    assert tasks == [3]  # safety and burnout, both views; admin and joy, changes only


def test_same_numbers_in_another_process_with_another_hash_seed() -> None:
    here = repr(evidence_of(walk(8, 12, 4, -0.2), resamples=300))
    tests = str(Path(__file__).parent)
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", _ANOTHER_PROCESS, tests], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == here


def test_seeds_differ_by_view_pillar_and_outcome() -> None:
    seeds = {
        seed_of(view, pillar, outcome)
        for view in ("changes", "latest")
        for pillar in FW.core_pillars
        for outcome in (BURNOUT, "outcomes.joy_score")
    }
    assert len(seeds) == 2 * 5 * 2


# --- names as the audience sees them -----------------------------------------------------------


def test_rows_name_anonymous_institutions_as_the_public_sees_them() -> None:
    scores = walk(4, 6, 4, -0.5)
    renamed = {"inst-000": ("peer-a", "Peer A"), "inst-003": ("peer-b", "Peer B")}
    identities = {
        real: Identity(*renamed.get(real, (real, f"Hospital {real[-1]}")), real in renamed)
        for real in sorted({r.institution for r in scores.results})
    }
    results = [
        replace(r, institution=renamed.get(r.institution, (r.institution,))[0])
        for r in scores.results
    ]
    evidence = evidence_of(scores_of(results, identities=identities))
    found = association(evidence, "safety")
    names = {(row.institution, row.name) for row in found.changes.rows}
    assert names == {
        ("peer-a", "Peer A"),
        ("peer-b", "Peer B"),
        ("inst-001", "Hospital 1"),
        ("inst-002", "Hospital 2"),
        ("inst-004", "Hospital 4"),
        ("inst-005", "Hospital 5"),
    }
    assert {(row.institution, row.name) for row in found.latest.rows} == names


def test_evidence_of_a_sample_project_for_each_audience(tmp_path: Path) -> None:
    write_sample_project(tmp_path, institutions=12, periods=4, first_period="2024-Q1")
    project, findings = open_project(tmp_path)
    assert project is not None, [f.format() for f in findings]
    facts = facts_of(project)
    for audience in ("public", "internal"):
        scores = facts[audience]
        evidence = evidence_of(scores)
        assert evidence.audience == audience
        assert evidence.latest_period == "2024-Q4"
        outcomes = sorted({a.outcome for a in evidence.associations})
        assert outcomes == sorted(
            o
            for o in (
                "outcomes.burnout",
                "outcomes.intent_to_leave",
                "outcomes.turnover",
                "outcomes.joy_score",
            )
            if any(r.metrics.get(o) and r.metrics[o].status == "reported" for r in scores.results)
        )
        assert len(evidence.associations) == 5 * len(outcomes)
        seen = {i.id: i.name for i in scores.identities.values()}
        hidden = {real for real, i in scores.identities.items() if i.id != real}
        for a in evidence.associations:
            rows: tuple[ChangeRow | LevelRow, ...] = (*a.changes.rows, *a.latest.rows)
            assert all(seen[row.institution] == row.name for row in rows)
            assert not hidden & {row.institution for row in rows}
            assert a.changes.points == len(a.changes.rows)
            assert a.changes.institutions == len({row.institution for row in a.changes.rows})
            assert a.latest.status == "too-few"  # 12 institutions, 20 needed
        assert any(a.changes.status == "estimated" for a in evidence.associations)
        if audience == "public":
            assert any(i.anonymous for i in scores.identities.values())
            assert any(
                row.name.startswith("Peer ")
                for a in evidence.associations
                for row in a.changes.rows
            )
