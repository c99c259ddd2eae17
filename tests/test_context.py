"""The typed contexts of the pages (scorecard.context): a score as a reader sees it, the site
every page shares, an institution's scores in plain words, and why a grade changed."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard.changes import Change, Changes
from scorecard.context import (
    ChangeRow,
    Score,
    Site,
    change_view,
    overall_of,
    plain_summary,
    score_of,
    site_of,
)
from scorecard.facts import ScoreSet
from scorecard.model import Audience, parse_period
from scorecard.publications import Published
from scorecard.score import OverallResult, PillarResult, Result
from scorecard.validate import builtin_framework_document, check_framework
from scorecard.wording import absent_words

FW, _ = check_framework(builtin_framework_document(), None)
assert FW is not None


def result(period: str, overall: OverallResult, institution: str = "alder") -> Result:
    p = parse_period(period)
    order = (p.year, p.start_month, p.months)
    return Result(institution, period, order, "community", overall, {}, {})


# --- a score as a reader sees it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pillar", "expected"),
    [
        (None, Score(None, "not reported", None, "0 %", "insufficient-data")),
        (
            PillarResult(None, None, 0.3333, "insufficient-data"),
            Score(None, "insufficient data", None, "33 %", "insufficient-data"),
        ),
        (PillarResult(71.26, "B", 0.86), Score(71.26, "71.3", "B", "86 %", "scored")),
        (PillarResult(64.96, "C", 1.0), Score(64.96, "65.0", "C", "100 %", "scored")),
        (PillarResult(0.0, "F", 0.5), Score(0.0, "0.0", "F", "50 %", "scored")),
    ],
    ids=["not-in-the-audit", "insufficient-data", "scored", "grade-of-the-full-score", "zero"],
)
def test_score_of(pillar: PillarResult | None, expected: Score) -> None:
    assert score_of(pillar) == expected


@pytest.mark.parametrize(
    ("overall", "expected"),
    [
        (
            OverallResult(None, None, 0.1524),
            Score(None, "insufficient data", None, "15 %", "insufficient-data"),
        ),
        (
            OverallResult(71.234, "B", 1.0, trend=-0.04, peer_percentile=62.5),
            Score(71.234, "71.2", "B", "100 %", "scored"),
        ),
        (OverallResult(0.0, "F", 0.8), Score(0.0, "0.0", "F", "80 %", "scored")),
    ],
    ids=["no-score", "scored", "zero"],
)
def test_overall_of(overall: OverallResult, expected: Score) -> None:
    assert overall_of(result("2026-Q3", overall)) == expected


# --- the site every page shares --------------------------------------------------------------

SCORED = OverallResult(70.0, "B", 1.0)


@pytest.mark.parametrize(
    ("audience", "periods", "latest"),
    [
        ("public", [], ""),
        ("public", ["2026-Q2", "2026-Q3"], "2026-Q3"),
        ("internal", ["2026-Q4", "2026-Q1"], "2026-Q4"),
        ("internal", ["2026-Q3", "2026-H2", "2025"], "2026-H2"),
    ],
    ids=["no-results", "public", "internal-unsorted", "by-time-not-by-name"],
)
def test_site_of(audience: Audience, periods: list[str], latest: str) -> None:
    results = [result(p, SCORED, institution=f"i{n}") for n, p in enumerate(periods)]
    site = site_of(ScoreSet(audience, FW, results, {}))
    assert site == Site(
        audience=audience,
        internal=audience == "internal",
        framework_name=FW.name,
        framework_version=FW.version,
        framework_sha256=FW.sha256,
        latest_period=latest,
        absent=absent_words(FW.min_n_public if audience == "public" else FW.min_n_internal, "zero"),
        withheld=FW.withheld,
    )


# --- why a grade changed ---------------------------------------------------------------------

ROWS = [
    Change("overall", "Overall", 58.14, "D", 58.14, 62.94, "C"),
    Change("safety", "Safety", None, None, 40.0, 44.0, "D"),
    Change("admin", "Admin", 50.0, "C", 52.0, None, None),
    Change("mission", "Mission", 61.0, "C", 59.0, 59.02, "D"),
]


@pytest.mark.parametrize(
    ("published", "versions", "rows"),
    [
        (
            None,
            ("", ""),
            [
                ChangeRow("Overall", "58.1", "D", "62.9", "C", "+4.8", "+4.8", "0.0"),
                ChangeRow("Safety", "no score", None, "44.0", "D", "–", "+4.0", "–"),
                ChangeRow("Admin", "50.0", "C", "no score", None, "–", "–", "+2.0"),
                ChangeRow("Mission", "61.0", "C", "59.0", "D", "-2.0", "0.0", "-2.0"),
            ],
        ),
        (
            Published("2025.1", "ab" * 32, 58.14, "D", {}),
            ("2025.1", "abababababab"),
            None,
        ),
    ],
    ids=["same-framework", "another-framework"],
)
def test_change_view(
    published: Published | None, versions: tuple[str, str], rows: list[ChangeRow] | None
) -> None:
    view = change_view(Changes("2026-Q3", "2026-Q2", published, ROWS), FW)
    assert (view.period, view.previous) == ("2026-Q3", "2026-Q2")
    assert (view.framework_version, view.framework_sha) == (FW.version, FW.sha256[:12])
    assert (view.published_version, view.published_sha) == versions
    if rows is not None:
        assert view.rows == rows


# --- an institution's scores in plain words ----------------------------------------------------


CORE = [
    ("administration", 60.0),
    ("mission", 70.0),
    ("autonomy", 55.0),
    ("psychological safety", 90.0),
    ("recognition", 40.0),
]


@pytest.mark.parametrize(
    ("overall", "core", "previous", "expected"),
    [
        (
            OverallResult(78.74, "B", 0.764, trend=6.94),
            CORE,
            ("2026-Q2", 3),
            "Tansyford scored 78.7 out of 100 (grade B) in 2026-Q3, up 6.9 points from the "
            "previous quarter (2026-Q2). Of its core pillars, it is strongest on psychological "
            "safety and weakest on recognition, with 76 % of the measures reported.",
        ),
        (
            OverallResult(78.74, "B", 0.764, trend=6.94),
            CORE,
            ("2026-Q2", 3, 8.9),
            "Tansyford scored 78.7 out of 100 (grade B) in 2026-Q3, no clear change from the "
            "previous quarter (2026-Q2): +6.9 points, within the scores' uncertainty (± 8.9). Of "
            "its core pillars, it is strongest on psychological safety and weakest on recognition, "
            "with 76 % of the measures reported.",
        ),
        (
            OverallResult(50.0, "C", 1.0, trend=-1.0),
            CORE,
            ("2025-Q4", None),
            "Tansyford scored 50.0 out of 100 (grade C) in 2026-Q3, down 1.0 point from 2025-Q4. "
            "Of its core pillars, it is strongest on psychological safety and weakest on "
            "recognition, with 100 % of the measures reported.",
        ),
        (
            OverallResult(50.0, "C", 0.9, trend=0.02),
            CORE,
            ("2026", 12),
            "Tansyford scored 50.0 out of 100 (grade C) in 2026-Q3, unchanged from the previous "
            "year (2026). Of its core pillars, it is strongest on psychological safety and "
            "weakest on recognition, with 90 % of the measures reported.",
        ),
        (
            OverallResult(61.0, "C", 0.8),
            CORE,
            None,
            "Tansyford scored 61.0 out of 100 (grade C) in 2026-Q3, its first overall score. "
            "Of its core pillars, it is strongest on psychological safety and weakest on "
            "recognition, with 80 % of the measures reported.",
        ),
        (
            OverallResult(60.0, "C", 1.0),
            [(name, 60.0) for name, _ in CORE],
            None,
            "Tansyford scored 60.0 out of 100 (grade C) in 2026-Q3, its first overall score. "
            "Its 5 scored core pillars score alike (60.0), with 100 % of the measures reported.",
        ),
        (
            OverallResult(None, None, 0.3),
            [(name, None if i else 40.0) for i, (name, _) in enumerate(CORE)],
            None,
            "Tansyford has no overall score for 2026-Q3: only 1 of its 5 core pillars has enough "
            "data, and 4 are needed. Only administration has a score, with 30 % of the measures "
            "reported.",
        ),
        (
            OverallResult(None, None, 0.0),
            [(name, None) for name, _ in CORE],
            None,
            "Tansyford has no overall score for 2026-Q3: none of its 5 core pillars has enough "
            "data, and 4 are needed. Too few measures were reported for any pillar score "
            "(0 % reported).",
        ),
    ],
    ids=[
        "rise",
        "within-noise",
        "fall-gap",
        "unchanged",
        "first",
        "all-alike",
        "one-pillar",
        "no-data",
    ],
)
def test_plain_summary(
    overall: OverallResult,
    core: list[tuple[str, float | None]],
    previous: tuple[Any, ...] | None,
    expected: str,
) -> None:
    kwargs: dict[str, Any] = {}
    if previous is not None:
        kwargs = {"previous": previous[0], "previous_months": previous[1]}
        if len(previous) > 2:
            kwargs["trend_uncertainty"] = previous[2]
    assert plain_summary("Tansyford", "2026-Q3", overall, core, **kwargs) == expected
