"""The CI gate: `scorecard check` and the rules of scorecard.gate."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Runner

from scorecard.cli import cli
from scorecard.gate import GateUsageError, Rule, parse_age, parse_limit, rules_from
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]

FRAMEWORK, _ = check_framework(builtin_framework_document(), None)
assert FRAMEWORK is not None

NAMED = """\
name: North Valley General Hospital
kind: community-hospital
region: US-VT
peer_group: community
"""


def institution(name: str, publish: str = "named") -> str:
    return NAMED.replace("North Valley General Hospital", name) + f"publish: {publish}\n"


def audit(fraction: float, audited: str = "2025-10-15", *, safety: float | None = None) -> str:
    """Every built-in metric, each number ``fraction`` of the way from its floor to its target
    (``safety`` for the safety pillar), booleans and levels not applicable: every pillar then
    scores 100 x ``fraction``."""
    assert FRAMEWORK is not None
    lines = [f"audited: {audited}", "metrics:"]
    for metric_id, m in FRAMEWORK.metrics.items():
        share = safety if safety is not None and metric_id.startswith("safety.") else fraction
        if m.kind in ("boolean", "level"):
            entry = "{status: not-applicable, reason: test}"
        else:
            assert m.target is not None and m.floor is not None
            entry = f"{{value: {m.floor + share * (m.target - m.floor):.6f}}}"
        lines.append(f"  {metric_id}: {entry}")
    return "\n".join(lines) + "\n"


def two_periods(
    before: float = 0.78, after: float = 0.55, *, safety: float | None = None
) -> dict[str, str]:
    """north-valley in 2025-Q2 and 2025-Q3, and south-ridge in 2025-Q3."""
    return {
        "content/institutions/north-valley.yml": institution("North Valley General Hospital"),
        "content/institutions/south-ridge.yml": institution("South Ridge Hospital"),
        "content/audits/north-valley/2025-Q2.yml": audit(before, "2025-07-10"),
        "content/audits/north-valley/2025-Q3.yml": audit(after, "2025-10-15", safety=safety),
        "content/audits/south-ridge/2025-Q3.yml": audit(0.9, "2025-10-01"),
    }


UNKNOWN_METRIC = "audited: 2025-10-01\nmetrics:\n  safety.x: {value: 1}\n"


def check(runner: CliRunner, root: Path, *args: str) -> tuple[int, list[str], str]:
    """(exit code, stdout lines, stderr) of `scorecard check`."""
    result = runner.invoke(cli, ["check", "--project", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50", (None, 50.0)), ("safety=40", ("safety", 40.0)), (" all = 7.5 ", ("all", 7.5))],
    ids=["overall", "pillar", "spaces"],
)
def test_parse_limit(text: str, expected: tuple[str | None, float]) -> None:
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text", ["fifty", "=40", "safety=", "-3", "nan", "inf"])
def test_parse_limit_refuses(text: str) -> None:
    with pytest.raises(GateUsageError):
        parse_limit(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [("400d", 400), ("400", 400), ("58w", 406), ("1y", 365), ("0d", 0)],
    ids=["days", "bare", "weeks", "year", "zero"],
)
def test_parse_age(text: str, days: int) -> None:
    assert parse_age(text) == days


@pytest.mark.parametrize("text", ["400x", "d", "-4d", "1.5y", ""])
def test_parse_age_refuses(text: str) -> None:
    with pytest.raises(GateUsageError):
        parse_age(text)


def test_rules_bare_numbers_go_to_overall_or_the_pillars_named() -> None:
    assert FRAMEWORK is not None
    assert rules_from("fail-under", [(None, 50), ("safety", 40)], FRAMEWORK) == [
        Rule("fail-under", "overall", 50),
        Rule("fail-under", "safety", 40),
    ]
    assert rules_from("max-drop", [(None, 5)], FRAMEWORK, ["safety", "admin"]) == [
        Rule("max-drop", "safety", 5),
        Rule("max-drop", "admin", 5),
    ]


def test_rules_all_covers_overall_and_every_pillar() -> None:
    assert FRAMEWORK is not None
    rules = rules_from("fail-under", [("all", 30)], FRAMEWORK)
    assert [r.target for r in rules] == ["overall", *FRAMEWORK.pillars]
    assert [r.target for r in rules if r.optional] == FRAMEWORK.beside_pillars


def test_rules_unknown_pillar_says_what_was_meant() -> None:
    assert FRAMEWORK is not None
    with pytest.raises(GateUsageError, match="unknown pillar `saftey`; did you mean `safety`"):
        rules_from("fail-under", [("saftey", 40)], FRAMEWORK)
    with pytest.raises(GateUsageError, match="at most 100"):
        rules_from("fail-under", [(None, 140)], FRAMEWORK)


# --- the command -------------------------------------------------------------------------------


def test_check_passes_valid_content_without_rules(
    runner: CliRunner, make_project: MakeProject
) -> None:
    code, lines, err = check(runner, make_project(two_periods()))
    assert code == 0, err
    assert lines == []
    assert "check passed: 2 institutions at their latest period (internal scores)" in err


def test_fail_under_names_institution_period_and_rule(
    runner: CliRunner, make_project: MakeProject
) -> None:
    root = make_project(two_periods(after=0.55))
    code, lines, err = check(runner, root, "--fail-under", "60")
    assert code == 1
    assert lines == ["north-valley 2025-Q3: fail-under: overall 55.0 (C) is below 60"]
    assert "check failed: 1 failure in 1 of 2 institutions" in err

    code, lines, err = check(runner, root, "--fail-under", "50", "--fail-under", "all=40")
    assert code == 0, lines
    assert "overall ≥ 50; overall ≥ 40; admin ≥ 40" in err


def test_fail_under_a_pillar_two_ways(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(two_periods(after=0.9, safety=0.2))
    expected = ["north-valley 2025-Q3: fail-under: safety 20.0 (F) is below 40"]
    code, lines, _ = check(runner, root, "--fail-under", "safety=40")
    assert (code, lines) == (1, expected)
    code, lines, _ = check(runner, root, "--fail-under", "40", "--pillar", "safety")
    assert (code, lines) == (1, expected)
    code, lines, _ = check(runner, root, "--fail-under", "40")
    assert (code, lines) == (0, [])


def test_fail_under_without_a_score_fails_and_says_why(
    runner: CliRunner, make_project: MakeProject
) -> None:
    files = two_periods()
    files["content/audits/south-ridge/2025-Q3.yml"] = (
        "audited: 2025-10-01\nmetrics:\n  safety.speak_up: {positive: 132, n: 210}\n"
    )
    code, lines, _ = check(runner, make_project(files), "--fail-under", "10")
    assert code == 1
    assert lines == [
        "south-ridge 2025-Q3: fail-under: no overall score (3% coverage); "
        "a score of at least 10 is required"
    ]


def test_max_drop_compares_with_the_previous_period(
    runner: CliRunner, make_project: MakeProject
) -> None:
    root = make_project(two_periods(before=0.78, after=0.55))
    code, lines, _ = check(runner, root, "--max-drop", "10")
    assert code == 1
    assert lines == [
        "north-valley 2025-Q3: max-drop: overall fell 23.0 points since 2025-Q2 "
        "(78.0 → 55.0), more than 10"
    ]
    assert check(runner, root, "--max-drop", "25")[:2] == (0, [])
    code, lines, _ = check(runner, root, "--max-drop", "all=10")
    assert code == 1
    assert [line.split(": ")[2].split()[0] for line in lines] == [
        "overall",
        "admin",
        "mission",
        "autonomy",
        "safety",
        "recognition",
        "outcomes",
        "complex_care",
    ]


def test_max_age_counts_from_audited_to_today(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(two_periods())
    code, lines, _ = check(runner, root, "--max-age", "400d", "--today", "2026-11-10")
    assert code == 1
    assert lines == [
        "south-ridge 2025-Q3: max-age: audited 2025-10-01, 405 days before 2026-11-10, "
        "more than 400"
    ]
    assert check(runner, root, "--max-age", "58w", "--today", "2026-11-01")[:2] == (0, [])


def test_max_age_counts_to_source_date_epoch(make_project: MakeProject) -> None:
    root = make_project(two_periods())
    runner = Runner(env={"SOURCE_DATE_EPOCH": "1795564800"})  # 2026-11-25
    code, lines, _ = check(runner, root, "--max-age", "400d")
    assert code == 1
    assert [line.split(":")[0] for line in lines] == ["north-valley 2025-Q3", "south-ridge 2025-Q3"]


def test_every_rule_is_reported_one_line_each(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(two_periods(before=0.9, after=0.3))
    code, lines, err = check(
        runner, root, "--fail-under", "50", "--max-drop", "5", "--max-age", "1y",
        "--today", "2027-01-01",
    )  # fmt: skip
    assert code == 1
    assert [tuple(line.split(": ")[:2]) for line in lines] == [
        ("north-valley 2025-Q3", "fail-under"),
        ("north-valley 2025-Q3", "max-drop"),
        ("north-valley 2025-Q3", "max-age"),
        ("south-ridge 2025-Q3", "max-age"),
    ]
    assert "check failed: 4 failures in 2 of 2 institutions" in err


def test_invalid_content_fails_before_any_rule(
    runner: CliRunner, make_project: MakeProject
) -> None:
    files = two_periods()
    files["content/audits/south-ridge/2025-Q3.yml"] = UNKNOWN_METRIC
    code, lines, err = check(runner, make_project(files), "--fail-under", "10")
    assert code == 1
    assert lines == []
    assert "content/audits/south-ridge/2025-Q3.yml:3:3: error[SC018]" in err
    assert "check failed: fix the content" in err


@pytest.mark.parametrize(
    "args",
    [["--fail-under", "saftey=40"], ["--max-age", "soon"], ["--pillar", "safety"]],
    ids=["unknown-pillar", "bad-age", "pillar-without-number"],
)
def test_wrong_use_exits_2(runner: CliRunner, make_project: MakeProject, args: list[str]) -> None:
    code, _, err = check(runner, make_project(two_periods()), *args)
    assert code == 2, err


def test_public_audience_leaves_out_private_and_names_peers(
    runner: CliRunner, make_project: MakeProject
) -> None:
    files = two_periods(after=0.2)
    files["content/institutions/north-valley.yml"] = institution("North Valley", "anonymous")
    files["content/institutions/hidden.yml"] = institution("Hidden Hospital", "private")
    files["content/audits/hidden/2025-Q3.yml"] = audit(0.1)
    root = make_project(files)
    code, lines, _ = check(runner, root, "--fail-under", "30")
    assert [line.split(":")[0] for line in lines] == ["hidden 2025-Q3", "north-valley 2025-Q3"]
    code, lines, err = check(runner, root, "--fail-under", "30", "--audience", "public")
    assert code == 1
    assert lines == ["peer-a 2025-Q3: fail-under: overall 20.0 (F) is below 30"]
    assert "1 of 2 institutions (public scores)" in err


# --- on GitHub Actions -------------------------------------------------------------------------


def test_on_github_failures_are_annotations_and_a_job_summary(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(two_periods(after=0.55))
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("# earlier step\n", encoding="utf-8")
    runner = Runner(env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)})
    code, lines, _ = check(runner, root, "--fail-under", "60")
    assert code == 1
    assert lines == [
        "north-valley 2025-Q3: fail-under: overall 55.0 (C) is below 60",
        "::error file=content/audits/north-valley/2025-Q3.yml,line=1,col=1,"
        "title=scorecard check%3A fail-under overall"
        "::north-valley 2025-Q3: fail-under: overall 55.0 (C) is below 60",
    ]
    summary = summary_file.read_text(encoding="utf-8")
    assert summary.startswith("# earlier step\n### scorecard check\n")
    assert "**✅ valid content**: no problems found" in summary
    assert "**❌ check failed: 1 failure in 1 of 2 institutions (internal scores)**" in summary
    assert (
        "| North Valley General Hospital | 2025-Q3 | fail-under overall | overall 55.0" in summary
    )


def test_on_github_invalid_content_is_annotated(make_project: MakeProject, tmp_path: Path) -> None:
    files = two_periods()
    files["content/audits/south-ridge/2025-Q3.yml"] = UNKNOWN_METRIC
    summary_file = tmp_path / "summary.md"
    runner = Runner(env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)})
    code, lines, _ = check(runner, make_project(files))
    assert code == 1
    assert [re.sub(r"::.*$", "", line[2:]) for line in lines] == [
        "error file=content/audits/south-ridge/2025-Q3.yml,line=3,col=3,"
        "title=SC018 metrics.safety.x"
    ]
    summary = summary_file.read_text(encoding="utf-8")
    assert "**❌ invalid content**: 1 error, 0 warnings in 1 file" in summary
    assert "no score rule was checked" in summary
