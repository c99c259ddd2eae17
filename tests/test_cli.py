"""The command line: exit codes, output formats, and no traceback whatever the input."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import assert_clean_exit

from scorecard.cli import cli
from scorecard.validate import builtin_framework_document, check_framework

MakeProject = Callable[..., Path]

REPO = Path(__file__).resolve().parents[1]
AUDIT = "content/audits/north-valley/2026-Q3.yml"


def full_audit(fraction: float, audited: str = "2026-10-15") -> str:
    """An audit of every built-in metric, each number at ``fraction`` of the way to its target."""
    framework, _ = check_framework(builtin_framework_document(), None)
    assert framework is not None
    lines = [
        f"audited: {audited}",
        "sources:",
        "  - {id: wellbeing-survey, kind: survey}",
        "metrics:",
    ]
    for metric_id, m in framework.metrics.items():
        if metric_id == "safety.speak_up":
            entry = "{positive: 132, n: 210, source: wellbeing-survey}"
        elif metric_id == "outcomes.burnout":
            entry = "{value: 41.5, n: 8, source: wellbeing-survey}"
        elif m.kind == "boolean":
            entry = "{value: true}"
        elif m.kind == "level":
            entry = "{value: 2}"
        else:
            assert m.target is not None and m.floor is not None
            entry = f"{{value: {m.floor + fraction * (m.target - m.floor):.4f}}}"
        lines.append(f"  {metric_id}: {entry}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def scored_project(make_project: MakeProject) -> Path:
    """Two periods of one institution, every metric reported."""
    return make_project(
        {
            "content/audits/north-valley/2026-Q2.yml": full_audit(0.5, "2026-07-15"),
            AUDIT: full_audit(0.75),
        },
        default=True,
    )


# --- exit codes ------------------------------------------------------------------------------


def test_validate_a_valid_project(runner: CliRunner, make_project: MakeProject) -> None:
    result = runner.invoke(cli, ["validate", "--project", str(make_project(default=True))])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems found" in result.stderr


def test_validate_invalid_content_exits_1(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project({AUDIT: "audited: 2026-13-45\n"}, default=True)
    result = runner.invoke(cli, ["validate", "--project", str(root)])
    assert_clean_exit(result, 1)
    assert result.stdout.startswith(f"{AUDIT}:1:10: error[SC007] audited:")
    assert "1 error, 0 warnings in 1 file" in result.stderr


def test_validate_works_in_the_current_folder(
    runner: CliRunner, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project({AUDIT: "audited: 2026-13-45\n"}, default=True))
    result = runner.invoke(cli, ["validate"])
    assert_clean_exit(result, 1)
    assert "SC007" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--colour"], "No such option '--colour'"),
        (["validate", "--format", "xml"], "Invalid value for '--format': 'xml'"),
        (["score", "--format", "xml"], "Invalid value for '--format': 'xml'"),
        (["score", "--audience", "everyone"], "Invalid value for '--audience': 'everyone'"),
        (["validate", "--project", "no-such-folder"], "'no-such-folder' does not exist"),
        (["score", "--project", "no-such-folder"], "'no-such-folder' does not exist"),
        (["validate", "no-such-file.yml"], "'no-such-file.yml' does not exist"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
    ids=[
        "unknown-option",
        "validate-format-xml",
        "score-format-xml",
        "bad-audience",
        "validate-missing-project",
        "score-missing-project",
        "missing-path",
        "unknown-command",
    ],
)
def test_bad_usage_exits_2(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args)
    assert_clean_exit(result, 2)
    assert "Error: " in result.stderr and message in result.stderr


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("scorecard, version ")


# --- validate output formats -----------------------------------------------------------------

BAD = {
    AUDIT: "audited: 2026-10-15\nauditor: NO\nmetrics:\n"
    "  safety.speak_up: {positive: 20, n: '21O'}\n"
}


def test_validate_json(runner: CliRunner, make_project: MakeProject) -> None:
    result = runner.invoke(
        cli, ["validate", "--format", "json", "--project", str(make_project(BAD, default=True))]
    )
    assert_clean_exit(result, 1)
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["summary"] == "1 error, 1 warning in 1 file"
    assert [(f["code"], f["file"], f["line"], f["severity"]) for f in data["findings"]] == [
        ("SC006", AUDIT, 2, "warning"),
        ("SC012", AUDIT, 4, "error"),
    ]
    assert set(data["findings"][1]) == {
        "file",
        "line",
        "col",
        "code",
        "severity",
        "path",
        "message",
        "hint",
    }
    assert data["findings"][1]["hint"] == "letter O for zero?"


def test_validate_json_of_a_valid_project(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(default=True)
    result = runner.invoke(cli, ["validate", "--format", "json", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "findings": [],
        "summary": "no problems found",
        "valid": True,
    }


def test_validate_github_annotations(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(BAD, default=True)
    result = runner.invoke(cli, ["validate", "--format", "github", "--project", str(root)])
    assert_clean_exit(result, 1)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    pattern = r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=[^:]*::(.+)"
    matches = [re.fullmatch(pattern, line) for line in lines]
    assert all(matches), lines
    assert [m.groups()[:3] for m in matches if m] == [
        ("warning", AUDIT, "2"),
        ("error", AUDIT, "4"),
    ]
    assert lines[1].endswith("::expected a whole number, got '21O' (hint: letter O for zero?)")


def test_strict_turns_a_warning_into_exit_1(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project({AUDIT: "audited: 2026-10-15\nauditor: NO\n"}, default=True)
    relaxed = runner.invoke(cli, ["validate", "--project", str(root)])
    assert relaxed.exit_code == 0, relaxed.output
    assert "warning[SC006]" in relaxed.stdout

    strict = runner.invoke(cli, ["validate", "--strict", "--project", str(root)])
    assert_clean_exit(strict, 1)
    assert "error[SC006]" in strict.stdout

    data = runner.invoke(cli, ["validate", "--strict", "--format", "json", "--project", str(root)])
    assert_clean_exit(data, 1)
    assert [f["severity"] for f in json.loads(data.stdout)["findings"]] == ["error"]


def test_validate_only_the_paths_given(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(
        {
            AUDIT: "audited: 2026-13-45\n",
            "content/institutions/south-ridge.yml": "name: South Ridge\n",
        },
        default=True,
    )
    everything = runner.invoke(cli, ["validate", "--project", str(root)])
    assert_clean_exit(everything, 1)
    assert "south-ridge" in everything.stdout

    one = runner.invoke(cli, ["validate", "--project", str(root), str(root / AUDIT)])
    assert_clean_exit(one, 1)
    assert "SC007" in one.stdout and "south-ridge" not in one.stdout


# --- score -----------------------------------------------------------------------------------


def test_score_json_has_the_shape_of_the_spec(runner: CliRunner, scored_project: Path) -> None:
    result = runner.invoke(cli, ["score", "--format", "json", "--project", str(scored_project)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["format", "framework", "audience", "results"]
    assert data["format"] == "scorecard-scores/1"
    assert data["audience"] == "internal"
    assert list(data["framework"]) == ["version", "sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", data["framework"]["sha256"])
    assert [(r["institution"], r["period"]) for r in data["results"]] == [
        ("north-valley", "2026-Q2"),
        ("north-valley", "2026-Q3"),
    ]
    for r in data["results"]:
        assert list(r) == ["institution", "period", "overall", "pillars", "metrics"]
        assert list(r["overall"]) == ["score", "grade", "coverage", "trend", "peer_percentile"]
        assert list(r["pillars"]) == [
            "admin",
            "mission",
            "autonomy",
            "safety",
            "recognition",
            "outcomes",
            "complex_care",
        ]
        for pillar in r["pillars"].values():
            assert list(pillar) == ["score", "grade", "coverage"]
        assert len(r["metrics"]) == 48
        for metric in r["metrics"].values():
            assert set(metric) <= {"value", "n", "ci95", "score", "status", "reason"}
            assert metric["status"] == "reported"

    q2, q3 = data["results"]
    assert q2["overall"]["trend"] is None
    assert q3["overall"]["trend"] == pytest.approx(
        q3["overall"]["score"] - q2["overall"]["score"], abs=0.01
    )
    assert q3["overall"]["coverage"] == 1.0
    assert q3["overall"]["peer_percentile"] is None  # one institution: fewer than 5 peers
    assert q3["metrics"]["safety.speak_up"] == {
        "value": 62.86,
        "n": 210,
        "ci95": [56.15, 69.11],
        "score": 26.19,
        "status": "reported",
    }
    assert q3["metrics"]["admin.ehr_time_per_8h"] == {
        "value": 5.0,
        "score": 75.0,
        "status": "reported",
    }


def test_score_json_public_suppresses(runner: CliRunner, scored_project: Path) -> None:
    result = runner.invoke(
        cli,
        ["score", "--format", "json", "--audience", "public", "--project", str(scored_project)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["audience"] == "public"
    assert data["results"][1]["metrics"]["outcomes.burnout"] == {
        "value": None,
        "score": None,
        "status": "suppressed",
        "reason": "n < 10",
    }


def test_score_json_insufficient_pillar(runner: CliRunner, make_project: MakeProject) -> None:
    result = runner.invoke(
        cli, ["score", "--format", "json", "--project", str(make_project(default=True))]
    )
    assert result.exit_code == 0, result.output
    (r,) = json.loads(result.stdout)["results"]
    assert r["pillars"]["mission"] == {
        "score": None,
        "grade": None,
        "coverage": 0.0,
        "status": "insufficient-data",
    }
    assert "outcomes" not in r["pillars"]
    overall = r["overall"]
    assert (overall["score"], overall["grade"], overall["trend"]) == (None, None, None)
    assert 0 < overall["coverage"] < 0.5


def test_score_csv(runner: CliRunner, scored_project: Path) -> None:
    result = runner.invoke(cli, ["score", "--format", "csv", "--project", str(scored_project)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["institution"], r["period"]) for r in rows] == [
        ("north-valley", "2026-Q2"),
        ("north-valley", "2026-Q3"),
    ]
    json_result = runner.invoke(
        cli, ["score", "--format", "json", "--project", str(scored_project)]
    )
    q3 = json.loads(json_result.stdout)["results"][1]
    assert float(rows[1]["overall_score"]) == q3["overall"]["score"]
    assert rows[1]["overall_grade"] == q3["overall"]["grade"]
    assert float(rows[1]["safety_score"]) == q3["pillars"]["safety"]["score"]
    assert rows[0]["trend"] == ""


def test_score_table_shows_grades(runner: CliRunner, scored_project: Path) -> None:
    result = runner.invoke(cli, ["score", "--project", str(scored_project)])
    assert result.exit_code == 0, result.output
    header, rule, q2, q3 = result.stdout.splitlines()
    assert header.split()[:3] == ["institution", "period", "overall"]
    assert set(rule) <= {"-", " "}
    assert re.search(r"\b\d+\.\d [ABCDF]\b", q3)
    assert q3.startswith("north-valley  2026-Q3")


def test_score_latest(runner: CliRunner, scored_project: Path) -> None:
    result = runner.invoke(
        cli, ["score", "--latest", "--format", "csv", "--project", str(scored_project)]
    )
    assert result.exit_code == 0, result.output
    assert [r["period"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["2026-Q3"]


def test_score_json_stays_clean_with_warnings(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project({AUDIT: "audited: 2026-10-15\nauditor: NO\n"}, default=True)
    result = runner.invoke(cli, ["score", "--format", "json", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["institution"] == "north-valley"
    assert f"{AUDIT}:2:10: warning[SC006]" in result.stderr


def test_score_of_invalid_content_exits_1(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project({AUDIT: "audited: 2026-13-45\n"}, default=True)
    result = runner.invoke(cli, ["score", "--format", "json", "--project", str(root)])
    assert_clean_exit(result, 1)
    assert result.stdout == ""
    assert f"{AUDIT}:1:10: error[SC007]" in result.stderr


# --- schema ----------------------------------------------------------------------------------


def test_schema_writes_three_json_schemas(
    runner: CliRunner, make_project: MakeProject, tmp_path: Path
) -> None:
    out = tmp_path / "schemas"
    result = runner.invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["audit.schema.json", "framework.schema.json", "institution.schema.json"]
    schemas = {name: json.loads((out / name).read_text(encoding="utf-8")) for name in names}
    for schema in schemas.values():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False
    assert schemas["audit.schema.json"]["type"] == "object"
    assert schemas["framework.schema.json"]["type"] == ["object", "null"]  # empty: no changes
    assert "audited" in schemas["audit.schema.json"]["required"]

    jsonschema = pytest.importorskip("jsonschema")
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)

    root = make_project(default=True)
    audit = json.loads(json.dumps(yaml.safe_load((root / AUDIT).read_text()), default=str))
    validator = jsonschema.Draft202012Validator(schemas["audit.schema.json"])
    assert list(validator.iter_errors(audit)) == []
    institution = yaml.safe_load((root / "content/institutions/north-valley.yml").read_text())
    institution_validator = jsonschema.Draft202012Validator(schemas["institution.schema.json"])
    assert list(institution_validator.iter_errors(institution)) == []

    audit["auditer"] = "a typo"
    assert [e.validator for e in validator.iter_errors(audit)] == ["additionalProperties"]


# --- init ------------------------------------------------------------------------------------


def test_init_writes_a_project_that_validates_and_scores(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "my-scorecard"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / ".github" / "workflows" / "scorecard.yml").is_file()
    assert list((target / "content" / "institutions").glob("*.yml"))

    checked = runner.invoke(cli, ["validate", "--strict", "--project", str(target)])
    assert checked.exit_code == 0, checked.output

    scored = runner.invoke(cli, ["score", "--format", "json", "--project", str(target)])
    assert scored.exit_code == 0, scored.output
    results = json.loads(scored.stdout)["results"]
    assert results
    assert any(r["overall"]["score"] is not None for r in results)


def test_init_refuses_an_existing_project(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(default=True)
    before = (root / AUDIT).read_bytes()
    result = runner.invoke(cli, ["init", str(root)])
    assert_clean_exit(result, 1)
    assert "already exists" in result.output
    assert (root / AUDIT).read_bytes() == before


# --- never a traceback -----------------------------------------------------------------------

GARBAGE: dict[str, bytes] = {
    "random-bytes": bytes(range(256)) * 4,
    "nul-bytes": b"\x00" * 64,
    "unclosed-brackets": b"{[{[{[\n",
    "tabs": b"audited:\t2026-10-15\n\tmetrics: {}\n",
    "huge-number": b"audited: 2026-10-15\nmetrics:\n  safety.speak_up: {positive: 1, n: 1"
    + b"0" * 5000
    + b"}\n",
    "scalar": b"just some words\n",
    "python-tag": b"!!python/object/apply:os.system ['echo pwned']\n",
    "deep": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
def test_malformed_input_never_gives_a_traceback(make_project: MakeProject, garbage: bytes) -> None:
    root = make_project({AUDIT: garbage}, default=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for command in (["validate"], ["score", "--format", "json"]):
        run = subprocess.run(
            [sys.executable, "-c", "from scorecard.cli import main; main()", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1, run.stderr
        # A real process: a traceback would show here, from an import or a worker process;
        # main() turns any other escaped exception into "unexpected ..., a bug".
        assert "Traceback" not in run.stderr
        assert "unexpected" not in run.stderr  # the last line of defence was not needed
        assert AUDIT in run.stdout + run.stderr
