"""Comparing with care: the uncertainty of a score, tiers that claim no order inside them, and
movers."""

from __future__ import annotations

import random

import pytest

from scorecard.model import Framework, MetricDef, PillarDef
from scorecard.score import (
    Observation,
    OverallResult,
    PillarResult,
    Result,
    score_audit,
)
from scorecard.uncertainty import (
    Ranked,
    apart,
    group_slugs,
    latest_move,
    movers,
    overall_uncertainty,
    pillar_uncertainty,
    tiers,
)

# --- a small framework, by hand ----------------------------------------------------------------


def framework() -> Framework:
    """Two core pillars; `a.x`, `a.y` and `b.z` percents scored 0 at 0 and 100 at 100."""
    percent = {"kind": "percent", "floor": 0.0, "target": 100.0}
    return Framework(
        version="1",
        name="test",
        sha256="0" * 64,
        grades=(("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("F", 0.0)),
        min_n_public=10,
        min_n_internal=5,
        overall_min_pillars=1,
        references={},
        pillars={"a": PillarDef(name="Pillar A"), "b": PillarDef(name="Pillar B")},
        metrics={
            "a.x": MetricDef(name="X", weight=1.0, **percent),  # type: ignore[arg-type]
            "a.y": MetricDef(name="Y", weight=3.0, **percent),  # type: ignore[arg-type]
            "b.z": MetricDef(name="Z", **percent),  # type: ignore[arg-type]
        },
    )


def result(fw: Framework, observations: dict[str, Observation], period: str = "2026") -> Result:
    metrics, pillars, overall = score_audit(fw, observations)
    return Result("inst", period, (int(period[:4]), 1, 12), "g", overall, pillars, metrics)


# --- uncertainty -------------------------------------------------------------------------------


def test_uncertainty_is_half_the_score_interval_propagated_by_weight() -> None:
    fw = framework()
    r = result(
        fw,
        {
            "a.x": Observation("reported", positive=50, n=100),  # Wilson 40.38 .. 59.62
            "a.y": Observation("reported", value=70.0),  # no sample: exact
            "b.z": Observation("reported", value=20.0),
        },
    )
    low, high = r.metrics["a.x"].ci95 or (0, 0)
    half = (high - low) / 2
    assert half == pytest.approx(9.62, abs=0.01)
    assert pillar_uncertainty(fw, "a", r) == pytest.approx(half * 1 / 4)  # weights 1 and 3
    assert pillar_uncertainty(fw, "b", r) == 0.0
    assert overall_uncertainty(fw, r) == pytest.approx(half / 4 / 2)  # two pillars of weight 1


def test_no_uncertainty_without_a_score() -> None:
    fw = framework()
    r = result(fw, {"b.z": Observation("reported", value=20.0)})
    assert pillar_uncertainty(fw, "a", r) is None
    assert overall_uncertainty(fw, r) == 0.0


# --- tiers -------------------------------------------------------------------------------------


def ranked(*rows: tuple[str, float, float]) -> list[Ranked]:
    return [Ranked(i, s, u) for i, s, u in rows]


def ids(found: list[list[Ranked]]) -> list[list[str]]:
    return [[r.id for r in tier] for tier in found]


TIER_CASES = [
    ([("a", 80, 2), ("b", 79, 2), ("c", 70, 2)], [["a", "b"], ["c"]]),
    # the larger of the two uncertainties decides: 5 apart, but b is uncertain by 6
    ([("a", 60, 0), ("b", 55, 6)], [["a", "b"]]),
    # a difference of exactly the uncertainty tells them apart
    ([("a", 60, 5), ("b", 55, 5)], [["a"], ["b"]]),
    # equal scores are never ordered, even when exact
    ([("a", 50, 0), ("b", 50, 0), ("c", 49, 0)], [["a", "b"], ["c"]]),
    # a chain: a~b and b~c although a and c can be told apart
    ([("a", 80, 3), ("b", 77.5, 1), ("c", 75, 3)], [["a", "b", "c"]]),
    # an uncertain one below links two that are apart: no cut above it
    ([("a", 90, 1), ("b", 85, 1), ("c", 80, 20), ("d", 50, 1)], [["a", "b", "c"], ["d"]]),
    ([], []),
]


@pytest.mark.parametrize(
    ("rows", "expected"),
    TIER_CASES,
    ids=["two-tiers", "larger-uncertainty", "exactly-apart", "ties", "chain", "reach", "empty"],
)
def test_tiers(rows: list[tuple[str, float, float]], expected: list[list[str]]) -> None:
    assert ids(tiers(ranked(*rows))) == expected


def test_institutions_in_different_tiers_can_always_be_told_apart() -> None:
    rng = random.Random(4)
    for _ in range(200):
        entries = [
            Ranked(f"i{n}", rng.uniform(0, 100), rng.choice([0, 1, 3, 8])) for n in range(12)
        ]
        found = tiers(entries)
        assert sorted(r.id for t in found for r in t) == sorted(e.id for e in entries)
        for i, upper in enumerate(found):
            for lower in found[i + 1 :]:
                assert all(apart(a, b) and a.score > b.score for a in upper for b in lower)
        for tier in found[1:]:  # each cut is needed: something links across none of them
            assert len(tier) >= 1


# --- movers ------------------------------------------------------------------------------------


def scored(
    inst: str, period: str, overall: float | None, safety: float | None = None, order: int = 0
) -> Result:
    pillars = {"safety": PillarResult(safety, None, 1.0 if safety is not None else 0.0)}
    return Result(
        inst,
        period,
        (2025, order, 3),
        "g",
        OverallResult(overall, None, 1.0),
        pillars,
        {},
    )


def test_a_move_is_measured_against_the_previous_period_with_a_score() -> None:
    fw = framework()
    history = [
        scored("x", "2025-Q1", 50.0, 40.0, 1),
        scored("x", "2025-Q2", None, 45.0, 4),
        scored("x", "2025-Q3", 60.0, None, 7),
    ]
    move = latest_move(fw, history)
    assert move is not None
    assert (move.period, move.previous_period, move.now, move.change) == (
        "2025-Q3",
        "2025-Q1",
        60.0,
        10.0,
    )
    assert (move.uncertainty, move.clear, move.word) == (0.0, True, "rising")  # exact measures
    assert latest_move(fw, history, "safety") is None  # no safety score in the latest period
    assert latest_move(fw, history[:2], "safety") is not None
    assert latest_move(fw, history[:1]) is None


def test_movers_biggest_first_ties_by_name() -> None:
    fw = framework()
    histories = {
        "a": [scored("a", "Q1", 50.0, 10.0, 1), scored("a", "Q2", 55.0, 30.0, 4)],
        "b": [scored("b", "Q1", 50.0, 10.0, 1), scored("b", "Q2", 55.0, 5.0, 4)],
        "c": [scored("c", "Q1", 50.0, 10.0, 1), scored("c", "Q2", 40.0, 10.0, 4)],
        "d": [scored("d", "Q1", 50.0, 10.0, 1), scored("d", "Q2", 58.0, 12.0, 4)],
    }
    names = {"a": "Zeta", "b": "Alpha", "c": "Mid", "d": "Delta"}
    found = movers(fw, histories, names)
    assert [(m.institution, m.change) for m in found.rises] == [("d", 8.0), ("b", 5.0), ("a", 5.0)]
    assert [(m.institution, m.change) for m in found.falls] == [("c", -10.0)]
    found = movers(fw, histories, names, "safety", count=1)
    assert [(m.institution, m.change) for m in found.rises] == [("a", 20.0)]
    assert [(m.institution, m.change) for m in found.falls] == [("b", -5.0)]


def _survey(fw: Framework, percent: int, period: str) -> Result:
    """A result whose only measure is a survey item of 100 respondents: about ±10 points."""
    return result(fw, {"a.y": Observation("reported", positive=percent, n=100)}, period)


@pytest.mark.parametrize(
    ("before", "after", "word"),
    [
        (50, 55, "no clear change"),
        (50, 45, "no clear change"),
        (50, 70, "rising"),
        (50, 30, "falling"),
    ],
    ids=["small-rise", "small-fall", "clear-rise", "clear-fall"],
)
def test_a_change_is_rising_or_falling_only_when_larger_than_its_uncertainty(
    before: int, after: int, word: str
) -> None:
    """The rule of the tiers: a change smaller than the larger of the two scores'
    uncertainties (about 9.6 points for 100 respondents at 50 %) is no clear change, and the
    movers leave it out and count it."""
    fw = framework()
    history = [_survey(fw, before, "2025"), _survey(fw, after, "2026")]
    move = latest_move(fw, history)
    assert move is not None and move.word == word
    assert move.uncertainty == pytest.approx(9.6, abs=0.2)
    found = movers(fw, {"inst": history}, {"inst": "Institution"})
    listed = [m.institution for m in [*found.rises, *found.falls]]
    assert (listed, found.unclear) == (([], 1) if word == "no clear change" else (["inst"], 0))


def test_group_slugs_are_unique_safe_and_never_index() -> None:
    assert group_slugs(["Academic / West", "academic-west", "index", "???", "Community"]) == {
        "???": "group",
        "Academic / West": "academic-west",
        "Community": "community",
        "academic-west": "academic-west-2",
        "index": "index-2",
    }
