"""Scores as data (scorecard.export): the ``scorecard-scores/1`` JSON, the CSV and the text
table; full precision inside, two decimals out, never -0.0; written in pieces, the same text
as written whole."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from site_helpers import checked, institution, write_tree

from scorecard.export import (
    compact_json,
    csv_header,
    csv_rows,
    json_with_items,
    scores_csv,
    scores_csv_parts,
    scores_document,
    scores_json,
    scores_json_parts,
    scores_table,
)
from scorecard.facts import ScoreSet, facts_of
from scorecard.model import parse_period
from scorecard.sample import write_sample_project
from scorecard.score import MetricResult, OverallResult, PillarResult, Result
from scorecard.validate import builtin_framework_document, check_framework

FW, _ = check_framework(builtin_framework_document(), None)
assert FW is not None


def result(
    institution: str,
    period: str,
    overall: OverallResult,
    pillars: dict[str, PillarResult] | None = None,
    metrics: dict[str, MetricResult] | None = None,
) -> Result:
    p = parse_period(period)
    order = (p.year, p.start_month, p.months)
    return Result(institution, period, order, "community", overall, pillars or {}, metrics or {})


#: Values with more digits than an export keeps, and some that round to zero from below.
FULL = result(
    "alder",
    "2026-Q3",
    OverallResult(71.23456, "B", 0.857142, trend=-0.004, peer_percentile=62.5),
    {
        "mission": PillarResult(None, None, 0.3333, "insufficient-data"),
        "safety": PillarResult(26.190476, "F", 0.5),
    },
    {
        "safety.speak_up": MetricResult("reported", 62.857142, 210, (56.1499, 69.1101), 26.190476),
        "outcomes.burnout": MetricResult("suppressed", reason="n < 10"),
        "admin.ehr_time_per_8h": MetricResult("reported", -0.0001, score=100.0),
        "recognition.non_revenue_recognition": MetricResult("reported", True, score=100.0),
        "mission.wellbeing_executive": MetricResult("not-applicable"),
    },
)
BARE = result("birch", "2026-Q3", OverallResult(None, None, 0.0))


def score_set(*results: Result, audience: Any = "internal") -> ScoreSet:
    return ScoreSet(audience, FW, list(results), {})


# --- the JSON document ---------------------------------------------------------------------------


def test_a_result_has_two_decimals_and_never_minus_zero() -> None:
    document = scores_document(score_set(FULL))
    assert document["results"] == [
        {
            "institution": "alder",
            "period": "2026-Q3",
            "overall": {
                "score": 71.23,
                "grade": "B",
                "coverage": 0.86,
                "trend": 0.0,
                "peer_percentile": 62.5,
            },
            "pillars": {
                "mission": {
                    "score": None,
                    "grade": None,
                    "coverage": 0.33,
                    "status": "insufficient-data",
                },
                "safety": {"score": 26.19, "grade": "F", "coverage": 0.5},
            },
            "metrics": {
                "safety.speak_up": {
                    "value": 62.86,
                    "n": 210,
                    "ci95": [56.15, 69.11],
                    "score": 26.19,
                    "status": "reported",
                },
                "outcomes.burnout": {
                    "value": None,
                    "score": None,
                    "status": "suppressed",
                    "reason": "n < 10",
                },
                "admin.ehr_time_per_8h": {"value": 0.0, "score": 100.0, "status": "reported"},
                "recognition.non_revenue_recognition": {
                    "value": True,
                    "score": 100.0,
                    "status": "reported",
                },
                "mission.wellbeing_executive": {
                    "value": None,
                    "score": None,
                    "status": "not-applicable",
                },
            },
        }
    ]
    scores = score_set(FULL, BARE)
    for text in [
        scores_json(scores),
        "".join(scores_json_parts(scores, compact=True)),
        scores_csv(scores),
        scores_table(scores),
    ]:
        assert "-0.0" not in text


def test_the_document_names_its_format_framework_and_audience() -> None:
    document = scores_document(score_set(audience="public"))
    assert document == {
        "format": "scorecard-scores/1",
        "framework": {"version": FW.version, "sha256": FW.sha256},
        "audience": "public",
        "results": [],
    }


def _audit(day: str) -> dict[str, Any]:
    return {"audited": date.fromisoformat(day), "metrics": {"admin.ehr_time_per_8h": {"value": 6}}}


def test_results_are_sorted_by_institution_as_shown_then_by_period(tmp_path: Path) -> None:
    """Whatever the order of the files; an anonymous institution sorts by its public id."""
    files: dict[str, Any] = {
        "content/institutions/zed.yml": institution("Zed Clinic", "named"),
        "content/institutions/alder.yml": institution("Alder Clinic", "anonymous"),
    }
    for inst_id, period, day in [
        ("zed", "2026-Q1", "2026-04-10"),
        ("alder", "2026-Q3", "2026-10-10"),
        ("zed", "2025-Q4", "2026-01-10"),
        ("alder", "2025-Q4", "2026-01-10"),
        ("alder", "2026-Q1", "2026-04-10"),
    ]:
        files[f"content/audits/{inst_id}/{period}.yml"] = _audit(day)
    facts = facts_of(checked(write_tree(tmp_path, files)))

    def order(audience: Any) -> list[tuple[str, str]]:
        document = scores_document(facts[audience])
        return [(r["institution"], r["period"]) for r in document["results"]]

    assert order("internal") == [
        ("alder", "2025-Q4"),
        ("alder", "2026-Q1"),
        ("alder", "2026-Q3"),
        ("zed", "2025-Q4"),
        ("zed", "2026-Q1"),
    ]
    assert order("public") == [
        ("peer-a", "2025-Q4"),
        ("peer-a", "2026-Q1"),
        ("peer-a", "2026-Q3"),
        ("zed", "2025-Q4"),
        ("zed", "2026-Q1"),
    ]


# --- CSV and the text table ------------------------------------------------------------------


def test_the_csv_header_names_each_pillars_five_columns() -> None:
    assert csv_header(score_set()) == [
        "institution",
        "period",
        "overall_score",
        "overall_grade",
        "overall_coverage",
        "trend",
        "peer_percentile",
        *(
            f"{p}_{column}"
            for p in FW.pillars
            for column in ("score", "grade", "coverage", "status", "withheld")
        ),
    ]
    assert list(FW.pillars) == [
        "admin",
        "mission",
        "autonomy",
        "safety",
        "recognition",
        "outcomes",
        "complex_care",
    ]


def test_csv_rows_have_two_decimals_and_say_why_a_score_is_absent() -> None:
    absent = ["", "", "", "not-reported", ""]  # a section the audit does not report
    pillars = {
        "admin": absent,
        "mission": ["", "", "0.33", "insufficient-data", "0.00"],
        "autonomy": absent,
        "safety": ["26.19", "F", "0.50", "scored", "0.00"],
        "recognition": absent,
        "outcomes": absent,
        "complex_care": absent,
    }
    assert list(csv_rows(score_set(FULL, BARE))) == [
        ["alder", "2026-Q3", "71.23", "B", "0.86", "0.00", "62.50"]
        + [cell for p in FW.pillars for cell in pillars[p]],
        ["birch", "2026-Q3", "", "", "0.00", "", ""] + absent * len(FW.pillars),
    ]
    parsed = list(csv.reader(io.StringIO(scores_csv(score_set(FULL, BARE)))))
    assert parsed == [csv_header(score_set()), *csv_rows(score_set(FULL, BARE))]


def test_the_text_table_has_one_row_per_institution_and_period() -> None:
    table = scores_table(score_set(FULL, BARE)).splitlines()
    assert table == [
        "institution  period   overall            cover  trend  peer%  admin  mission            "
        "autonomy  safety  recognition  outcomes  complex_care",
        "-----------  -------  -----------------  -----  -----  -----  -----  -----------------  "
        "--------  ------  -----------  --------  ------------",
        "alder        2026-Q3  71.2 B             86%    +0.0   62            insufficient data  "
        "          26.2 F",
        "birch        2026-Q3  insufficient data  0%",
    ]


# --- written in pieces -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> ScoreSet:
    """A sample project's internal scores: 8 institutions x 3 quarters."""
    root = tmp_path_factory.mktemp("sample")
    write_sample_project(root, institutions=8, periods=3, rich=True)
    return facts_of(checked(root), ("internal",))["internal"]


def test_scores_json_streams_the_same_text(sample: ScoreSet) -> None:
    scores = sample
    whole = json.dumps(scores_document(scores), indent=2, ensure_ascii=False) + "\n"
    assert scores_json(scores) == whole
    compact = json.dumps(scores_document(scores), ensure_ascii=False, separators=(",", ":"))
    assert "".join(scores_json_parts(scores, compact=True)) == compact + "\n"


@pytest.mark.parametrize("compact", [False, True], ids=["indented", "compact"])
def test_no_results_is_the_whole_document_too(compact: bool) -> None:
    scores = score_set()
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 2}
    whole = json.dumps(scores_document(scores), ensure_ascii=False, **layout) + "\n"
    assert "".join(scores_json_parts(scores, compact=compact)) == whole


def test_each_institutions_results_are_given_once_its_last_is_written(sample: ScoreSet) -> None:
    given: list[tuple[str, list[str]]] = []
    parts = scores_json_parts(
        sample, compact=True, each_institution=lambda i, texts: given.append((i, list(texts)))
    )
    document = json.loads("".join(parts))
    assert [i for i, _ in given] == sorted({r.institution for r in sample.results})
    assert [json.loads(t) for _, texts in given for t in texts] == document["results"]


def test_csv_written_in_pieces_is_the_whole_table(sample: ScoreSet) -> None:
    rows = [csv_header(sample), *csv_rows(sample)]
    assert len(rows) == len(sample.results) + 1 > 3 * 7
    parsed = list(csv.reader(io.StringIO("".join(scores_csv_parts(sample, rows_per_part=7)))))
    assert parsed == rows


def test_json_with_items_puts_each_item_in_the_last_list() -> None:
    document = compact_json({"format": "x", "name": "Zoë", "items": []})
    assert document == '{"format":"x","name":"Zoë","items":[]}'
    parts = list(json_with_items(document, ['{"a":1}', "[2]", '"three"']))
    assert json.loads("".join(parts)) == {
        "format": "x",
        "name": "Zoë",
        "items": [{"a": 1}, [2], "three"],
    }
    assert json.loads("".join(json_with_items(document, []))) == json.loads(document)
