"""Survey import: instruments, exports as survey tools write them, hand-computed figures,
suppression, an audit kept as it was, and no respondent's answer anywhere.

The three exports under fixtures/survey/ were computed by hand; each expected figure below
says how. Codes: agree5 1 strongly disagree .. 5 strongly agree; frequency5 1 never .. 5
always; accuracy7 1 very inaccurate .. 7 very accurate. Reverse-worded items count the
mirror answers as positive (disagree, never/rarely) and score 6 - x (8 - x on seven points).
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import INSTITUTION, Runner, assert_clean_exit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorecard.cli import cli
from scorecard.findings import CATALOGUE, Finding
from scorecard.survey import (
    Instrument,
    SurveyUsageError,
    csv_header,
    import_survey,
    instrument_files,
    load_instrument,
)
from scorecard.survey.answers import parse_export
from scorecard.survey.audit import round1
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
SOPS_CSV = FIXTURES / "sops-semicolon-labels.csv"  # BOM, semicolons, answer labels
MINIZ_CSV = FIXTURES / "mini-z-comma-codes.csv"  # commas, numeric codes, 9 = don't know
PULSE_CSV = FIXTURES / "pulse-three-header-rows.csv"  # three header rows, a project instrument
CANARY = "CANARY-7f3a2b"  # in every fixture's free-text column, never to be written anywhere
AUDIT = "content/audits/north-valley/2026-Q3.yml"


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    """north-valley with the commented audit (units primary-care, complex-care, emergency, icu,
    surgery) and the team-pulse instrument of its own."""
    return make_project(
        {
            AUDIT: (FIXTURES / "commented-audit.yml").read_bytes(),
            "content/instruments/team-pulse.yml": (FIXTURES / "team-pulse.yml").read_bytes(),
        },
        default=True,
    )


def run(
    root: Path, export: Path | str, instrument: str, *extra: str, period: str = "2026-Q3"
) -> Result:
    args = ["import", "survey", str(export), "--instrument", instrument]
    args += ["--institution", "north-valley", "--period", period, "--project", str(root), *extra]
    return Runner().invoke(cli, args)


def audit(root: Path, period: str = "2026-Q3") -> dict[str, Any]:
    text = (root / f"content/audits/north-valley/{period}.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def found(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.code, Path(f.file).name, f.line) for f in findings]


# --- hand-computed figures -----------------------------------------------------------------

# SOPS export: 12 respondents, emergency 6 (E1..E6), icu 3, no unit 3.
SOPS_TOTAL = {
    # harm 7/11, senior 6/11 (one "Don't know"), heard 7/11 ("Does not apply or don't know"),
    # afraid (reverse: never/rarely) 7/12: (7/11 + 6/11 + 7/11 + 7/12) / 4 = 60.04 -> 60.0
    "safety.speak_up": {"value": 60.0, "n": 12, "source": "ahrq-sops"},
    # held against (R) 6/11 (one blank), blamed (R) 6/12, learning 7/12, no support (R) 6/11
    # (one "Don't know"): (12/11 + 13/12) / 4 = 287/528 = 54.36 -> 54.4
    "safety.response_to_error": {"value": 54.4, "n": 12, "source": "ahrq-sops"},
    # priority 9/12, resources 7/12, after an event (R) 8/12: 24/36 = 66.67 -> 66.7
    "safety.management_support": {"value": 66.7, "n": 12, "source": "ahrq-sops"},
    # enough 4/12, long hours (R) 3/12, temporary (R) 5/11 (one "Don't know"), rushed (R) 4/12:
    # (11/12 + 5/11) / 4 = 181/528 = 34.28 -> 34.3
    "safety.staffing_work_pace": {"value": 34.3, "n": 12, "source": "ahrq-sops"},
}
SOPS_EMERGENCY = {
    # harm 4/5 (E6 blank), senior 3/5 (E5 don't know), heard 4/6, afraid (R) 4/6:
    # (80 + 60 + 66.67 + 66.67) / 4 = 68.33 -> 68.3
    "safety.speak_up": {"value": 68.3, "n": 6, "source": "ahrq-sops"},
    # 4/6, 4/6, 4/6, no support 3/5 (E6 don't know): (200 + 60) / 4 = 65.0
    "safety.response_to_error": {"value": 65.0, "n": 6, "source": "ahrq-sops"},
    # 4/6, 3/6, 3/6: 55.56 -> 55.6
    "safety.management_support": {"value": 55.6, "n": 6, "source": "ahrq-sops"},
    # 2/6, 1/6, 4/6, 2/6: 9/24 = 37.5
    "safety.staffing_work_pace": {"value": 37.5, "n": 6, "source": "ahrq-sops"},
}
SUPPRESSED = {"status": "not-reported", "reason": "suppressed at import (n < 5)"}

# Mini-Z export: 9 respondents, primary-care 6 (P1..P6), complex-care 2, oncology 1 (not a unit
# of the audit: total only). Single items on survey_item metrics are written as positive and n.
MINIZ_TOTAL = {
    "recognition.job_satisfaction": {"positive": 5, "n": 9},  # 4, 5 -> P1 P2 P4 P6 + oncology
    "outcomes.burnout": {"value": 44.4, "n": 9},  # answers 3-5: P3 P5 + both complex: 4/9
    "mission.values_alignment": {"positive": 5, "n": 9},
    "autonomy.workload_control": {"positive": 5, "n": 9},  # satisfactory or better (3-5)
    "admin.documentation_time_ok": {"positive": 4, "n": 9},  # P2 P4 P6 + oncology
    "outcomes.intent_to_leave": {"value": 55.6, "n": 9},  # moderate or more: P3 P4 P5 + 2 = 5/9
    "recognition.feel_valued": {"positive": 4, "n": 8},  # P4 answered 9 (don't know)
    "mission.meaningful_work": {"positive": 7, "n": 8},  # P6 left it blank
    # joy: sum of ten items, burnout/stress/atmosphere/EHR at home/EHR frustration as 6 - x;
    # P1 38, P2 38, P3 19, P5 18, P6 48, complex 15 and 24, oncology 36; P4 skipped stress, so
    # has no total: 236 / 8 = 29.5
    "outcomes.joy_score": {"value": 29.5, "n": 8},
}
MINIZ_PRIMARY_CARE = {
    "recognition.job_satisfaction": {"positive": 4, "n": 6},
    "outcomes.burnout": {"value": 33.3, "n": 6},  # 2/6
    "mission.values_alignment": {"positive": 4, "n": 6},
    "autonomy.workload_control": {"positive": 4, "n": 6},
    "admin.documentation_time_ok": {"positive": 3, "n": 6},
    "outcomes.intent_to_leave": {"value": 50.0, "n": 6},  # 3/6
    "recognition.feel_valued": {"positive": 3, "n": 5},
    "mission.meaningful_work": {"positive": 4, "n": 5},
    "outcomes.joy_score": {"value": 32.2, "n": 5},  # (38 + 38 + 19 + 18 + 48) / 5 = 161 / 5
}

# Team pulse export (three header rows; Department holds unit names or ids in any case):
# Edmondson items 1, 3 and 5 reverse-scored 8 - x; a respondent needs 5 of 7 answers.
# R1 6, R2 4, R3 33/5 (two blank), R4 only four answers (one "Don't know"): left out, R5 37/7,
# R6 6 (emergency); R7 3 and R8 7 (icu).
PULSE_TOTAL = {
    # (6 + 4 + 33/5 + 37/7 + 6 + 3 + 7) / 7 = 1326/245 = 5.41 -> 5.4
    "safety.team_psych_safety": {"value": 5.4, "n": 7, "source": "team-pulse"},
    # agree5, positive given as labels: R1 R3 R5 R6 R8 = 5/8
    "recognition.feel_valued": {"positive": 5, "n": 8, "source": "team-pulse"},
}
PULSE_EMERGENCY = {
    # (6 + 4 + 33/5 + 37/7 + 6) / 5 = 976/175 = 5.58 -> 5.6
    "safety.team_psych_safety": {"value": 5.6, "n": 5, "source": "team-pulse"},
    "recognition.feel_valued": {"positive": 4, "n": 6, "source": "team-pulse"},
}


def test_bom_semicolons_labels_composites(project: Path) -> None:
    result = run(project, SOPS_CSV, "ahrq-sops")
    assert result.exit_code == 0, result.output
    data = audit(project)
    assert {m: data["metrics"][m] for m in SOPS_TOTAL} == SOPS_TOTAL
    assert data["units"]["emergency"]["metrics"] == SOPS_EMERGENCY
    assert data["units"]["icu"]["metrics"] == {m: SUPPRESSED for m in SOPS_TOTAL}
    assert "metrics" not in data["units"]["surgery"]  # no respondents: nothing written
    source = data["sources"][-1]
    assert source == {
        "id": "ahrq-sops",
        "kind": "survey",
        "instrument": source["instrument"],
        "responded": 12,
    }
    assert "SOPS" in source["instrument"]
    # icu (3) and the three without a unit are hidden together: 6 >= 5, nothing derivable
    assert "SC055" not in result.stderr
    assert "not reported for unit icu (too few answers)" in result.stderr


def test_commas_codes_dont_know_and_a_unit_not_in_the_audit(project: Path) -> None:
    result = run(project, MINIZ_CSV, "mini-z")
    assert result.exit_code == 0, result.output
    data = audit(project)
    written = {m: {k: v for k, v in data["metrics"][m].items() if k in ("value", "positive", "n")}
               for m in MINIZ_TOTAL}  # fmt: skip
    assert written == MINIZ_TOTAL
    assert data["metrics"]["outcomes.joy_score"]["source"] == "mini-z"
    primary = data["units"]["primary-care"]["metrics"]
    assert {m: {k: v for k, v in e.items() if k != "source"} for m, e in primary.items()} == (
        MINIZ_PRIMARY_CARE
    )
    assert data["units"]["complex-care"]["metrics"] == {m: SUPPRESSED for m in MINIZ_TOTAL}
    # oncology is not a unit of the audit: a warning, and its row counts in the total only
    assert f"{MINIZ_CSV}:10:2: warning[SC054] unit: unit `oncology`" in result.stderr
    # complex-care (2) and oncology (1) are hidden, but total - primary care = their 3 answers
    assert f"{MINIZ_CSV}:1:2: warning[SC055]" in result.stderr
    assert "unit `complex-care` (n = 2), 1 without a unit of the audit" in result.stderr


def test_extra_header_rows_and_a_project_instrument(project: Path) -> None:
    result = run(project, PULSE_CSV, "team-pulse")
    assert result.exit_code == 0, result.output
    data = audit(project)
    assert {m: data["metrics"][m] for m in PULSE_TOTAL} == PULSE_TOTAL
    assert data["units"]["emergency"]["metrics"] == PULSE_EMERGENCY
    assert data["units"]["icu"]["metrics"] == {m: SUPPRESSED for m in PULSE_TOTAL}
    assert data["sources"][-1]["responded"] == 8
    assert data["sources"][-1]["instrument"] == "Team pulse"
    # only icu is hidden, and total - emergency gives its two answers away
    assert f"{PULSE_CSV}:1:3: warning[SC055]" in result.stderr


def test_sum_with_skipped_items_is_prorated(make_project: MakeProject) -> None:
    instrument = """\
title: Three items
scales:
  five: {answers: {"1": one, "2": two, "3": three, "4": four, "5": five}, missing: {"9": n/a}}
questions:
  a: {text: A., scale: five}
  b: {text: B., scale: five, reverse: true}
  c: {text: C., scale: five}
metrics:
  recognition.leader_behavior: {method: sum, questions: [a, b, c], min_answered: 2}
"""
    # r1 4 + (6-2) + 5 = 13; r2 (4 + 2) / 2 * 3 = 9; r3 one answer: left out; r4 3 + 3 + 3 = 9,
    # r5 1 + 5 + 1 = 7, r6 two + four (labels) -> 2 + 4 -> 6 / 2 * 3 = 9: (13+9+9+7+9)/5 = 9.4
    export = "a,b,c\n4,2,5\n4,9,2\n,,5\n3,3,3\n1,1,1\ntwo,,four\n"
    root = make_project(
        {"content/instruments/three.yml": instrument, "answers.csv": export}, default=True
    )
    report = import_survey(root, root / "answers.csv", "three", "north-valley", "2026-Q3")
    assert report.findings == []
    assert audit(root)["metrics"]["recognition.leader_behavior"] == {
        "value": 9.4,
        "n": 5,
        "source": "three",
    }


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (Fraction(6225, 100), 62.3),  # half away from zero, not to even
        (Fraction(6235, 100), 62.4),
        (Fraction(1, 20), 0.1),
        (Fraction(31700, 528), 60.0),
        (Fraction(200, 3), 66.7),
    ],
    ids=["62.25", "62.35", "0.05", "60.04", "66.67"],
)
def test_values_are_rounded_half_up_to_one_decimal(exact: Fraction, shown: float) -> None:
    assert round1(exact) == shown


# --- the audit file ------------------------------------------------------------------------


def test_keeps_comments_order_and_untouched_lines(project: Path) -> None:
    before = (project / AUDIT).read_text("utf-8")
    result = run(project, MINIZ_CSV, "mini-z")
    assert result.exit_code == 0, result.output
    after = (project / AUDIT).read_text("utf-8")
    old_lines, new_lines = before.encode().splitlines(), after.encode().splitlines()
    removed = [
        line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line.startswith("- ")
    ]  # fmt: skip
    # Exactly the lines the import had to change; every other line is kept, byte for byte.
    assert removed == [
        "  recognition.job_satisfaction: {positive: 300, n: 400, source: wellbeing-survey, "
        'note: "old survey"}',
        "  primary-care: {name: Primary Care, visibility: public}",
        "      recognition.job_satisfaction: {positive: 5, n: 8}",
    ]
    kept = [line for line in old_lines if line.decode() not in removed]
    assert len(kept) == len(old_lines) - 3
    remaining = iter(new_lines)
    assert all(any(line == new for new in remaining) for line in kept)  # in order, as bytes
    # the updated entry keeps its place and its note; new entries follow the last old one
    assert "  recognition.job_satisfaction: {positive: 5, n: 9, source: mini-z, " in after
    assert 'note: "old survey"}\n  safety.team_psych_safety: {value: 4.80}\n' in after
    assert "    visibility: internal\n  outcomes.burnout: {value: 44.4, n: 9" in after
    # a flow mapping over two lines, which ruamel.yaml alone would join, is kept as it was
    assert "owner: CMIO,\n     due: 2027-03-31, status: in-progress}     # a flow" in after
    # the blank line before units: stays before units:
    assert "  outcomes.joy_score: {value: 29.5, n: 8, source: mini-z}\n\nunits:" in after
    assert list(audit(project)) == list(yaml.safe_load(before))


def test_crlf_and_byte_order_mark_are_kept(make_project: MakeProject) -> None:
    text = (
        "\ufeff# written on Windows\r\naudited: 2026-10-15\r\nmetrics:\r\n"
        "  admin.ehr_time_per_8h: {value: 6.2}  # keep me\r\n"
        "units:\r\n  emergency: {name: Emergency Department}\r\n  icu: {name: ICU}\r\n"
    )
    root = make_project({AUDIT: text.encode("utf-8")}, default=True)
    report = import_survey(
        root, SOPS_CSV, "ahrq-sops", "north-valley", "2026-Q3", metrics=["safety.speak_up"]
    )
    assert report.ok, report.findings
    raw = (root / AUDIT).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# written on Windows\r\naudited: 2026-10-15\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"  admin.ehr_time_per_8h: {value: 6.2}  # keep me\r\n" in raw
    assert b"  safety.speak_up: {value: 60.0, n: 12, source: ahrq-sops}\r\n" in raw


def test_a_second_import_of_the_same_answers_changes_nothing(project: Path) -> None:
    assert run(project, SOPS_CSV, "ahrq-sops").exit_code == 0
    once = (project / AUDIT).read_bytes()
    result = run(project, SOPS_CSV, "ahrq-sops")
    assert result.exit_code == 0, result.output
    assert "no change to content/audits/north-valley/2026-Q3.yml" in result.stderr
    assert (project / AUDIT).read_bytes() == once


def test_dry_run_prints_a_diff_and_writes_nothing(project: Path) -> None:
    before = (project / AUDIT).read_bytes()
    result = run(project, SOPS_CSV, "ahrq-sops", "--dry-run")
    assert result.exit_code == 0, result.output
    assert (project / AUDIT).read_bytes() == before
    assert result.stdout.startswith(f"--- {AUDIT}\n+++ {AUDIT}\n@@ ")
    assert "\n+  safety.speak_up: {value: 60.0, n: 12, source: ahrq-sops}\n" in result.stdout
    assert "would write content/audits/north-valley/2026-Q3.yml: 4 metrics, 2 units" in (
        result.stderr
    )
    assert CANARY not in result.output


def test_creates_a_missing_audit(project: Path) -> None:
    result = run(project, MINIZ_CSV, "mini-z", "--audited", "2026-11-20", period="2026-Q4")
    assert result.exit_code == 0, result.output
    data = audit(project, "2026-Q4")
    assert data["audited"] == date(2026, 11, 20)
    assert data["sources"] == [
        {
            "id": "mini-z",
            "kind": "survey",
            "instrument": "Mini-Z style well-being survey (scorecard paraphrase)",
            "responded": 9,
        }
    ]
    assert data["metrics"]["outcomes.joy_score"] == {"value": 29.5, "n": 8, "source": "mini-z"}
    assert "units" not in data  # a new audit has no units: all three count in the total only
    assert result.stderr.count("warning[SC054]") == 3
    assert result.stderr.count("warning") == 4
    # nine survey metrics of the framework's 48 make it the latest audit: a warning says so
    assert (
        "content/audits/north-valley/2026-Q4.yml:1:1: warning[SC067] 2026-Q4 becomes "
        "north-valley's latest audit (after 2026-Q3), with 19 % of the overall weight reported "
        "(2026-Q3: 15 %): the site shows it as the institution's current state (hint: import "
        "or write its other metrics before the site is built; answers that belong to an "
        "earlier audit go there, with its --period)\n"
    ) in result.stderr
    assert result.stderr.endswith(
        "wrote content/audits/north-valley/2026-Q4.yml: 9 metrics from 9 respondents\n"
        "2026-Q4 becomes north-valley's latest audit (after 2026-Q3)\n"
    )


def test_imported_audit_validates_and_scores(project: Path) -> None:
    for export, name in ((MINIZ_CSV, "mini-z"), (SOPS_CSV, "ahrq-sops"), (PULSE_CSV, "team-pulse")):
        result = run(project, export, name)
        assert result.exit_code == 0, result.output
    runner = Runner()
    result = runner.invoke(cli, ["validate", "--project", str(project)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["score", "--format", "json", "--project", str(project)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["results"][0]["metrics"]
    assert metrics["safety.speak_up"]["value"] == 60.0
    assert metrics["safety.speak_up"]["n"] == 12
    assert metrics["recognition.feel_valued"]["value"] == 62.5  # team pulse, 5 of 8
    assert metrics["safety.team_psych_safety"]["value"] == 5.4
    assert metrics["outcomes.joy_score"]["status"] == "reported"
    public = runner.invoke(
        cli, ["score", "--format", "json", "--audience", "public", "--project", str(project)]
    )
    public_metrics = json.loads(public.stdout)["results"][0]["metrics"]
    assert public_metrics["outcomes.joy_score"]["status"] == "suppressed"  # n = 8 < 10


# --- nothing of a respondent's ---------------------------------------------------------------


def _texts(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            out.append((path, raw.decode("utf-8", errors="replace")))
    return out


def test_no_respondent_answer_reaches_the_audit_or_a_site(project: Path) -> None:
    from scorecard.site import build_site

    for export, name in ((MINIZ_CSV, "mini-z"), (SOPS_CSV, "ahrq-sops"), (PULSE_CSV, "team-pulse")):
        assert CANARY in export.read_text("utf-8-sig")
        result = run(project, export, name)
        assert result.exit_code == 0, result.output
        assert CANARY not in result.output
    secrets = [
        CANARY,
        "always the inbox",
        "you know who wrote this",
        "Night shifts are fine",
        "short-staffed, again",
        "we are two in this unit",
    ]
    report = build_site(project, project / "site", ("public", "internal"))
    assert set(report.audiences) == {"public", "internal"}
    files = _texts(project / "content") + _texts(project / "site")
    assert len(files) > 20
    assert [(p, s) for p, text in files for s in secrets if s in text] == []
    # the aggregates did arrive: a unit's figures in the internal site
    internal = "\n".join(text for p, text in files if "internal" in p.parts)
    assert "Emergency Department" in internal
    # and the audit holds aggregates only: the keys a metric entry may have
    data = audit(project)
    entries = [*data["metrics"].values()]
    entries += [e for u in data["units"].values() for e in u.get("metrics", {}).values()]
    keys = {k for e in entries for k in e}
    assert keys <= {"value", "positive", "n", "status", "reason", "source", "note", "visibility"}


# --- bad exports ---------------------------------------------------------------------------

EDMONDSON_HEADER = "unit," + ",".join(f"psych_safety_{i}" for i in range(1, 8))


def _import(root: Path, export: str | bytes, name: str = "edmondson") -> tuple[Any, bytes]:
    path = root / "answers.csv"
    path.write_bytes(export.encode("utf-8") if isinstance(export, str) else export)
    before = (root / AUDIT).read_bytes()
    report = import_survey(root, path, name, "north-valley", "2026-Q3", export_shown="answers.csv")
    return report, before


@pytest.mark.parametrize(
    ("export", "expected"),
    [
        pytest.param(b"", [("SC050", "answers.csv", 1)], id="empty"),
        pytest.param("\ufeff\n  \n", [("SC050", "answers.csv", 1)], id="blank-lines"),
        pytest.param(EDMONDSON_HEADER + "\n", [("SC050", "answers.csv", 1)], id="header-only"),
        pytest.param(
            (EDMONDSON_HEADER + "\nemergency,1,2,3,4,5,6,7\nM\xfcnchen,1,2,3,4,5,6,7\n").encode(
                "latin-1"
            ),
            [("SC005", "answers.csv", 3)],
            id="not-utf8",
        ),
        pytest.param(
            EDMONDSON_HEADER + "\nemergency,1,2,3,4,5,6,7\nicu,1,2,3\nicu,1,2,3,4,5,6,7,8\n",
            [("SC051", "answers.csv", 3), ("SC051", "answers.csv", 4)],
            id="wrong-number-of-fields",
        ),
        pytest.param(
            "unit,psych_safety_1,psych_safety_2,psych_safety_3,psych_safety_4,psych_safety_5,"
            "psych_safety_6,psych_safety7\nemergency,1,2,3,4,5,6,7\n",
            [("SC052", "answers.csv", 1)],
            id="missing-column",
        ),
        pytest.param(
            EDMONDSON_HEADER + ",psych_safety_2\nemergency,1,2,3,4,5,6,7,1\n",
            [("SC056", "answers.csv", 1)],
            id="column-twice",
        ),
        pytest.param(
            EDMONDSON_HEADER + "\nemergency,1,Acurate,3,4,5,6,7\nicu,1,2,3,4,5,6,7\n"
            "icu,1,Acurate,3,4,5,6,11\n",
            [("SC053", "answers.csv", 2), ("SC053", "answers.csv", 4)],
            id="unknown-answers",
        ),
    ],
)
def test_bad_exports_are_findings_and_nothing_is_written(
    project: Path, export: str | bytes, expected: list[tuple[str, str, int]]
) -> None:
    report, before = _import(project, export)
    assert found(report.findings) == expected
    assert not report.ok and not report.written
    assert (project / AUDIT).read_bytes() == before


def test_finding_wording_for_bad_answers_and_columns(project: Path) -> None:
    export = (
        EDMONDSON_HEADER.replace("psych_safety_7", "psych_safety7")
        + "\nemergency,1,Acurate,3,4,5,6,7\nicu,1,Acurate,3,4,5,6,7\nicu,1,2,3,4,5,6,7\n"
    )
    report, _ = _import(project, export)
    assert [f.format() for f in report.findings] == [
        "answers.csv:1:1: error[SC052] psych_safety_7: no column `psych_safety_7` for question "
        "`psych_safety_7` of instrument `edmondson` (hint: did you mean `psych_safety7`?)",
    ]
    report, _ = _import(project, EDMONDSON_HEADER + "\n" + export.split("\n", 1)[1])
    assert [f.format() for f in report.findings] == [
        "answers.csv:2:3: error[SC053] psych_safety_2: `Acurate` is not an answer of scale "
        "`accuracy7` (and 1 more row) (hint: did you mean `Accurate`?)",
    ]
    report, _ = _import(project, b"unit;psych_safety_1\r\n\xff\xfe;1\r\n")
    assert [f.format() for f in report.findings] == [
        "answers.csv:2:1: error[SC005] byte 0xff is not valid UTF-8 "
        "(hint: export the answers as UTF-8 (in a spreadsheet: save as CSV UTF-8))",
    ]


def test_unknown_unit_is_a_warning_and_counts_in_the_total(project: Path) -> None:
    rows = ["emergency,2,6,1,5,3,6,7"] * 5 + ["emergncy,4,4,4,4,4,4,4", "emergncy,4,4,4,4,4,4,4"]
    report, _ = _import(project, EDMONDSON_HEADER + "\n" + "\n".join(rows) + "\n")
    # emergency is written and the total too, so the two others could be derived: SC055
    assert found(report.findings) == [("SC055", "answers.csv", 1), ("SC054", "answers.csv", 7)]
    unit = report.findings[1]
    assert unit.hint == "did you mean `emergency`?"
    assert "`emergncy` is not a unit of the audit; its 2 rows count only in the total" in (
        unit.message
    )
    data = audit(project)
    assert data["metrics"]["safety.team_psych_safety"] == {
        "value": 5.4,  # (5 x 6 + 2 x 4) / 7 = 38/7 = 5.43
        "n": 7,
        "source": "edmondson",
    }
    assert data["units"]["emergency"]["metrics"]["safety.team_psych_safety"]["n"] == 5


def test_a_unit_hidden_only_in_the_public_site_is_warned_about_too(
    make_project: MakeProject,
) -> None:
    audit_text = (
        "audited: 2026-10-15\nunits:\n"
        "  north: {name: North Wing, visibility: public}\n"
        "  south: {name: South Wing, visibility: public}\n"
    )
    rows = ["north,2,6,1,5,3,6,7"] * 12 + ["south,4,4,4,4,4,4,4"] * 7
    root = make_project({AUDIT: audit_text}, default=True)
    report, _ = _import(root, EDMONDSON_HEADER + "\n" + "\n".join(rows) + "\n")
    # internally both wings are shown (n >= 5); publicly south (7 < 10) is suppressed, but the
    # public total (19) minus north (12) is south's answers
    assert found(report.findings) == [("SC055", "answers.csv", 1)]
    assert report.findings[0].message.startswith(
        "in the public site, the answers of 7 respondents (unit `south` (n = 7)) can be derived"
    )
    assert audit(root)["units"]["south"]["metrics"]["safety.team_psych_safety"]["n"] == 7


def test_tab_separated_labels(project: Path) -> None:
    header = EDMONDSON_HEADER.replace(",", "\t")
    row = "\t".join(["Emergency Department", "very inaccurate", *["Accurate"] * 6])
    report, _ = _import(project, header + "\n" + "\n".join([row] * 5) + "\n")
    assert report.findings == []
    # items 1, 3 and 5 reverse-scored: 8 - 1 = 7 and 8 - 6 = 2 twice; four others 6:
    # (7 + 2 + 2 + 4 x 6) / 7 = 35 / 7 = 5.0
    assert audit(project)["units"]["emergency"]["metrics"]["safety.team_psych_safety"] == {
        "value": 5.0,
        "n": 5,
        "source": "edmondson",
    }


def test_cli_exit_code_1_and_the_findings_on_stderr(project: Path) -> None:
    (project / "answers.csv").write_text(EDMONDSON_HEADER + "\nicu,1,2,3\n", "utf-8")
    before = (project / AUDIT).read_bytes()
    result = run(project, project / "answers.csv", "edmondson")
    assert_clean_exit(result, 1)
    assert f"{project / 'answers.csv'}:2:5: error[SC051] the row has 4 fields" in result.stderr
    assert "1 error, 0 warnings in 1 file; nothing was written to " in result.stderr
    assert result.stdout == ""
    assert (project / AUDIT).read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instrument", "mini-zz"], "no instrument `mini-zz`; did you mean `mini-z`?"),
        (["--institution", "north-vally"], "did you mean `north-valley`?"),
        (["--period", "2026-Q5"], "`2026-Q5` is not a period"),
        (["--metric", "safety.speak"], "did you mean `safety.speak_up`?"),
    ],
    ids=["instrument", "institution", "period", "metric"],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    options = {"--instrument": "ahrq-sops", "--institution": "north-valley", "--period": "2026-Q3"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    command = ["import", "survey", str(SOPS_CSV), "--project", str(project)]
    command += [part for pair in options.items() for part in pair]
    result = Runner().invoke(cli, command)
    assert_clean_exit(result, 2)
    assert message in result.stderr


def test_an_invalid_audit_is_reported_not_edited(project: Path) -> None:
    (project / AUDIT).write_text("audited: 2026-10-15\nmetrics:\n  safety.speak_upp: {value: 1}\n")
    report, before = _import(project, EDMONDSON_HEADER + "\n" + "icu,1,2,3,4,5,6,7\n")
    assert found(report.findings) == [("SC018", "2026-Q3.yml", 3)]
    assert (project / AUDIT).read_bytes() == before


@functools.cache
def _edmondson() -> Instrument:
    instrument, _ = load_instrument(Path("/nonexistent"), "edmondson", _framework())
    assert instrument is not None
    return instrument


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["unit", "psych_safety_1", "psych_safety_2", "Accurate", "9", "7", "icu", "x"]
            ),
            st.sampled_from([",", ";", "\t", '"', "\n", "\r\n", "\ufeff", "", " "]),
            st.text(max_size=4),
        ),
        max_size=40,
    ).map("".join),
    st.binary(max_size=8),
)
def test_any_export_gives_findings_not_a_traceback(text: str, junk: bytes) -> None:
    instrument = _edmondson()
    for raw in (text.encode("utf-8"), text.encode("utf-8") + junk):
        responses, findings = parse_export(raw, "x.csv", instrument, {"icu": "ICU"})
        assert (responses is None) == any(f.severity == "error" for f in findings)
        assert all(f.code in CATALOGUE and f.line >= 1 and f.col >= 1 for f in findings)


# --- instruments ---------------------------------------------------------------------------


def _framework() -> Any:
    framework, findings = check_framework(builtin_framework_document(), None)
    assert framework is not None, findings
    return framework


def test_builtin_instruments_are_valid_and_cover_the_survey_metrics(tmp_path: Path) -> None:
    framework = _framework()
    covered: set[str] = set()
    for name in ("mini-z", "ahrq-sops", "edmondson"):
        instrument, findings = load_instrument(tmp_path, name, framework)
        assert findings == [] and instrument is not None
        covered |= set(instrument.metrics)
    assert covered >= {
        "admin.documentation_time_ok",
        "mission.values_alignment",
        "autonomy.workload_control",
        "recognition.feel_valued",
        "outcomes.burnout",
        "outcomes.intent_to_leave",
        "outcomes.joy_score",
        "safety.speak_up",
        "safety.response_to_error",
        "safety.management_support",
        "safety.staffing_work_pace",
        "safety.team_psych_safety",
    }
    assert set(instrument_files(tmp_path)) == {"mini-z", "ahrq-sops", "edmondson"}
    edmondson, _ = load_instrument(tmp_path, "edmondson", framework)
    assert edmondson is not None
    reverse = [q.id for q in edmondson.questions.values() if q.reverse]
    assert reverse == ["psych_safety_1", "psych_safety_3", "psych_safety_5"]


BAD_INSTRUMENT = """\
title: Broken
scales:
  agree: {answers: {"1": never, "2": sometimes, "4": often}}
  five:
    answers: {"1": one, "2": two, "3": three, "4": four, "5": five}
    positive: [4, 5]
questions:
  a: {text: A., scale: fivve}
  b: {text: B., scale: five, column: shared}
  c: {text: C., scale: five, positive: [fiv]}
  e: {text: E., scale: five, column: Shared}
metrics:
  safety.speak_upp: {method: percent, questions: [b]}
  safety.speak_up: {method: percent, questions: [b, e]}
  safety.team_psych_safety: {method: composite, questions: [b, d]}
  mission.values_alignment: {method: mean, questions: [b], min_answered: 2}
colour: blue
"""


def test_instrument_findings_have_positions(make_project: MakeProject) -> None:
    root = make_project({"content/instruments/broken.yml": BAD_INSTRUMENT}, default=True)
    with pytest.raises(SurveyUsageError, match="no instrument `brokn`; did you mean `broken`"):
        load_instrument(root, "brokn", _framework())
    instrument, findings = load_instrument(root, "broken", _framework())
    assert instrument is None
    assert [(f.code, f.line, f.path) for f in sorted(findings)] == [("SC010", 17, "colour")]
    fixed = BAD_INSTRUMENT.replace("colour: blue\n", "")
    (root / "content/instruments/broken.yml").write_text(fixed)
    instrument, findings = load_instrument(root, "broken", _framework())
    assert instrument is None
    file = "content/instruments/broken.yml"
    assert [(f.code, f.file, f.line) for f in sorted(findings)] == [
        ("SC059", file, 3),  # codes 1, 2, 4
        ("SC057", file, 8),  # scale fivve
        ("SC060", file, 10),  # fiv: did you mean five?
        ("SC061", file, 11),  # b and e read the same column
        ("SC018", file, 13),  # safety.speak_upp
        ("SC058", file, 14),  # percent of two questions
        ("SC058", file, 15),  # a composite feeds a number metric
        ("SC057", file, 15),  # question d
        ("SC058", file, 16),  # a mean feeds a percent
        ("SC058", file, 16),  # min_answered 2 of 1
    ]
    hints = {f.code + f.path: f.hint for f in findings}
    assert hints["SC060questions.c.positive[0]"] == "did you mean `five`?"
    assert hints["SC018metrics.safety.speak_upp"] == "did you mean `safety.speak_up`?"


def test_catalogue_has_the_survey_codes() -> None:
    assert {f"SC0{n}" for n in range(50, 63)} <= set(CATALOGUE)
    assert CATALOGUE["SC054"][0] == "warning" and CATALOGUE["SC055"][0] == "warning"


# --- a new audit, and where it stands --------------------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True], ids=["write", "dry-run"])
def test_a_new_audit_needs_its_date(project: Path, dry_run: bool) -> None:
    extra = ["--dry-run"] if dry_run else []
    result = run(project, MINIZ_CSV, "mini-z", *extra, period="2026-Q4")
    assert_clean_exit(result, 2)
    assert (
        "Error: north-valley has no audit for 2026-Q4 yet; its latest audit is 2026-Q3. To "
        "create content/audits/north-valley/2026-Q4.yml, give --audited YYYY-MM-DD, the day the "
        "audit was carried out; to add to an audit, give its --period\n"
    ) in result.stderr
    assert result.stdout == ""
    assert not (project / "content/audits/north-valley/2026-Q4.yml").exists()


def test_an_existing_audit_needs_no_date(project: Path) -> None:
    before = audit(project)["audited"]
    assert run(project, MINIZ_CSV, "mini-z").exit_code == 0
    assert audit(project)["audited"] == before


def test_a_new_audit_before_the_latest_stays_behind_it(project: Path) -> None:
    result = run(project, SOPS_CSV, "ahrq-sops", "--audited", "2026-04-20", period="2026-Q1")
    assert_clean_exit(result, 0)
    assert result.stderr.endswith(
        "2026-Q1 comes before north-valley's latest audit, 2026-Q3, which stays the latest\n"
    )
    assert "SC067" not in result.stderr


def test_the_first_audit_of_an_institution(make_project: MakeProject) -> None:
    root = make_project({"content/institutions/north-valley.yml": INSTITUTION})
    result = run(root, MINIZ_CSV, "mini-z", "--audited", "2026-11-20", period="2026-Q4")
    assert_clean_exit(result, 0)
    assert "warning[SC067] 2026-Q4 is north-valley's first audit, with 19 % of" in result.stderr
    assert result.stderr.endswith("2026-Q4 is north-valley's first audit\n")


def test_a_new_latest_audit_that_reports_enough_is_not_warned_about(
    make_project: MakeProject,
) -> None:
    """A framework of the Edmondson metric alone: the import reports all of it."""
    framework = (
        "extends: none\nversion: team-1\noverall_min_pillars: 1\n"
        "pillars: {safety: {name: Psychological safety}}\n"
        "metrics:\n  safety.team_psych_safety: {name: Team psychological safety, kind: number,"
        " better: higher, target: 5.5, floor: 3.5}\n"
    )
    root = make_project(
        {
            "content/framework.yml": framework,
            "content/institutions/north-valley.yml": INSTITUTION,
            "content/audits/north-valley/2026-Q3.yml": "audited: 2026-10-15\n",
        }
    )
    export = root / "answers.csv"
    export.write_text(EDMONDSON_HEADER + "\n" + "icu,1,7,1,7,1,7,7\n" * 5, "utf-8")
    result = run(root, export, "edmondson", "--audited", "2027-01-20", period="2026-Q4")
    assert_clean_exit(result, 0)
    assert "SC067" not in result.stderr
    assert result.stderr.endswith("2026-Q4 becomes north-valley's latest audit (after 2026-Q3)\n")


def test_a_new_audit_keeps_the_institutions_cadence(project: Path) -> None:
    result = run(project, MINIZ_CSV, "mini-z", "--audited", "2027-01-20", period="2026")
    assert_clean_exit(result, 2)
    assert (
        "2026 is yearly, but north-valley's audits are quarterly; name the period as they are, "
        "like 2026-Q3"
    ) in result.stderr
    assert not (project / "content/audits/north-valley/2026.yml").exists()


# --- what an export needs ------------------------------------------------------------------


def columns(root: Path, name: str) -> Result:
    args = ["import", "survey", "--instrument", name, "--columns", "--project", str(root)]
    return Runner().invoke(cli, args)


@pytest.mark.parametrize("name", ["mini-z", "ahrq-sops", "edmondson"])
def test_columns_name_what_the_import_reads(tmp_path: Path, name: str) -> None:
    """The header that `--columns` gives, and answers by the codes it lists, import as they
    are: the list is the instrument's own, not a description of it."""
    result = columns(tmp_path, name)  # no project, no CSV: the built-in instruments
    assert_clean_exit(result, 0)
    assert result.stderr == ""
    guide = result.stdout
    instrument = load_instrument(tmp_path, name, _framework())[0]
    assert instrument is not None
    assert guide.startswith(f"{name}: {instrument.title}\n")
    header = guide.split("The column names:\n\n", 1)[1].split("\n", 1)[0]
    assert header == csv_header(instrument)
    assert header.split(",")[0] == "unit"
    for question in instrument.questions.values():
        assert f"\n  {question.column} " in guide
        assert question.text.split()[0] in guide
    for metric in instrument.metrics:
        assert f"\n  {metric}\n" in guide

    lowest = {q.column: str(q.scale.low) for q in instrument.questions.values()}
    row = ",".join(["icu", *(lowest[c] for c in header.split(",")[1:])])
    export = tmp_path / "answers.csv"
    export.write_text(f"{header}\n" + f"{row}\n" * 6, "utf-8")
    root = tmp_path / "project"
    (root / "content/institutions").mkdir(parents=True)
    (root / "content/institutions/north-valley.yml").write_text(INSTITUTION, "utf-8")
    (root / "content/audits/north-valley").mkdir(parents=True)
    (root / "content/audits/north-valley/2026-Q3.yml").write_text(
        "audited: 2026-10-15\nunits:\n  icu: {name: Intensive care}\n", "utf-8"
    )
    imported = run(root, export, name)
    assert_clean_exit(imported, 0)
    assert "SC05" not in imported.stderr  # no column missing, no answer off the scale
    assert set(audit(root)["metrics"]) == set(instrument.metrics)


def test_columns_of_the_edmondson_scale_in_full(tmp_path: Path) -> None:
    guide = columns(tmp_path, "edmondson").stdout
    assert (
        "\n  psych_safety_1  accuracy7, reverse-worded (positive: 1, 2, 3)\n"
        "                  On this team, a mistake you make is often used against you.\n"
    ) in guide
    assert (
        "\n  accuracy7 (positive: 5, 6, 7)\n    1  Very inaccurate\n    2  Inaccurate\n"
        "    3  Somewhat inaccurate\n    4  Neither accurate nor inaccurate\n"
        "    5  Somewhat accurate\n    6  Accurate\n    7  Very accurate\n"
        "    9  Don't know (no answer)\n"
    ) in guide
    assert guide.endswith(
        "\n  safety.team_psych_safety\n    mean score of psych_safety_1, psych_safety_2, "
        "psych_safety_3, psych_safety_4,\n    psych_safety_5, psych_safety_6, psych_safety_7 "
        "(a respondent needs 5 of 7 answers)\n"
    )


def test_columns_of_a_project_instrument(project: Path) -> None:
    result = columns(project, "team-pulse")
    assert_clean_exit(result, 0)
    assert "after 3 header rows (names on row 1)" in result.stdout
    assert "\nDepartment,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8\n" in result.stdout
    assert "\n  Q8          agree5 (positive: 4, 5)\n" in result.stdout


def test_columns_show_a_projects_text_inert(make_project: MakeProject) -> None:
    pulse = (FIXTURES / "team-pulse.yml").read_text("utf-8")
    pulse = pulse.replace("Taking a risk here is safe.", '"Taking a risk\\x1b[31m here is safe."')
    root = make_project({"content/instruments/team-pulse.yml": pulse})
    result = columns(root, "team-pulse")
    assert_clean_exit(result, 0)
    assert "\x1b" not in result.stdout
    assert "Taking a risk\\x1b[31m here is safe." in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instrument", "edmondsn", "--columns"], "no instrument `edmondsn`; did you mean"),
        (["--instrument", "edmondson"], "Missing argument 'FILE.csv'"),
        ([str(SOPS_CSV), "--instrument", "ahrq-sops"], "Missing option '--institution'"),
        (
            [str(SOPS_CSV), "--instrument", "ahrq-sops", "--institution", "north-valley"],
            "Missing option '--period'",
        ),
    ],
    ids=["unknown-instrument", "no-file", "no-institution", "no-period"],
)
def test_columns_and_missing_parts_are_usage_errors(
    project: Path, args: list[str], message: str
) -> None:
    result = Runner().invoke(cli, ["import", "survey", *args, "--project", str(project)])
    assert_clean_exit(result, 2)
    assert message in result.stderr


def test_columns_of_a_broken_instrument_are_findings(make_project: MakeProject) -> None:
    root = make_project({"content/instruments/team-pulse.yml": "title: ' '\nscales: {}\n"})
    result = columns(root, "team-pulse")
    assert_clean_exit(result, 1)
    assert "content/instruments/team-pulse.yml:1:8: error[SC012] title: must have visible text" in (
        result.stderr
    )
    assert result.stdout == ""


def test_help_says_what_the_csv_holds() -> None:
    result = Runner().invoke(cli, ["import", "survey", "--help"])
    assert_clean_exit(result, 0)
    words = " ".join(result.stdout.split())
    assert "one column per question of the instrument, named by the question's id" in words
    assert "scorecard import survey --instrument edmondson --columns" in words
    assert "needed to create an audit that does not exist yet" in words
