"""`scorecard diff` (and the gate) against git repositories made in the test."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Runner, assert_clean_exit
from test_gate import audit, institution, two_periods  # tests/ is on sys.path

from scorecard.cli import cli

MakeProject = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
         "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q")
    return path


def diff(runner: CliRunner, project: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["diff", *args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


# --- the example project, two commits --------------------------------------------------------


def next_period(label: str) -> str:
    year, quarter = label.split("-Q")
    return f"{year}-Q{int(quarter) + 1}" if quarter != "4" else f"{int(year) + 1}-Q1"


@dataclass
class Example:
    repo: Path
    changed: str  # kestrelfold's latest period, its speak-up answers lowered
    added: str  # a period after tansyford's latest
    removed: str  # quillcrest's first period
    periods: int  # audits in the first commit


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    """The example project committed, then a second commit that lowers one audit's speak-up
    answers, adds a period and removes another; and an edit left uncommitted."""
    repo = new_repo(tmp_path_factory.mktemp("example") / "repo")
    shutil.copytree(REPO / "content", repo / "content")
    shutil.copy(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    commit(repo, "the example")
    audits = repo / "content" / "audits"
    changed = sorted((audits / "kestrelfold").glob("*.yml"))[-1]
    text = changed.read_text(encoding="utf-8")
    lowered = re.sub(r"safety\.speak_up: \{positive: \d+", "safety.speak_up: {positive: 20", text)
    assert lowered != text
    changed.write_text(lowered, encoding="utf-8")
    last = sorted((audits / "tansyford").glob("*.yml"))[-1]
    added = next_period(last.stem)
    shutil.copy(last, last.with_name(f"{added}.yml"))
    removed = sorted((audits / "quillcrest").glob("*.yml"))[0]
    removed.unlink()
    periods = len(list(audits.glob("*/*.yml")))
    commit(repo, "new answers")
    (audits / "tansyford" / f"{added}.yml").unlink()  # not committed
    return Example(repo, changed.stem, added, removed.stem, periods)


def test_diff_of_two_revisions(runner: CliRunner, example: Example) -> None:
    code, out, err = diff(runner, example.repo, "HEAD~1", "HEAD", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["format"] == "scorecard-diff/1"
    rows = {(r["institution"], r["period"]): r for r in document["rows"]}
    assert {k: r["status"] for k, r in rows.items()} == {
        ("kestrelfold", example.changed): "changed",
        ("quillcrest", example.removed): "removed",
        ("tansyford", example.added): "added",
    }
    kestrelfold = rows[("kestrelfold", example.changed)]
    assert kestrelfold["scores"]["overall"]["change"] < 0
    assert kestrelfold["scores"]["safety"]["change"] < kestrelfold["scores"]["overall"]["change"]
    assert set(kestrelfold["metrics"]) == {"safety.speak_up"}
    assert document["institutions"]["changed"] == ["Kestrelfold Healthcare"]
    assert document["unchanged"] == example.periods - 2  # the changed one and the removed one
    assert document["headline"].startswith(
        "1 period added; 1 period removed; 1 institution changed; "
        "largest move: Kestrelfold Healthcare −"
    )


def test_diff_never_touches_the_work_tree(runner: CliRunner, example: Example) -> None:
    before = git(example.repo, "status", "--porcelain")
    head = git(example.repo, "rev-parse", "HEAD")
    code, _, err = diff(runner, example.repo, "HEAD~1", "HEAD")
    assert code == 0, err
    assert git(example.repo, "status", "--porcelain") == before
    assert before.strip() == f"D content/audits/tansyford/{example.added}.yml"
    assert git(example.repo, "rev-parse", "HEAD") == head


def test_diff_of_a_revision_and_the_work_tree(runner: CliRunner, example: Example) -> None:
    code, out, err = diff(runner, example.repo, "HEAD", str(example.repo), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [(r["institution"], r["period"], r["status"]) for r in rows] == [
        ("tansyford", example.added, "removed")
    ]


def test_diff_markdown_for_a_pull_request(runner: CliRunner, example: Example) -> None:
    code, out, err = diff(runner, example.repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "### Score changes: HEAD\\~1 → HEAD"
    assert re.fullmatch(
        r"\*\*1 period added; 1 period removed; 1 institution changed; largest move: "
        rf"Kestrelfold Healthcare −\d+\.\d overall \({example.changed}, no clear change\)\*\* "
        r"\(internal scores\)",
        lines[2],
    ), lines[2]
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| Institution | Period | Score | Old | New | Change | Grade |"
    overall = next(line for line in table if line.startswith("| Kestrelfold Healthcare |"))
    cells = [c.strip() for c in overall.strip("|").split("|")]
    assert cells[:3] == ["Kestrelfold Healthcare", example.changed, "Overall"]
    assert float(cells[3]) > float(cells[4])
    assert re.fullmatch(r"−\d+\.\d \(no clear change: ± \d+\.\d\)", cells[5])
    assert re.fullmatch(r"[A-F]( → [A-F])?", cells[6])
    assert f"| Tansyford Community Hospital | {example.added} | Overall | — |" in out
    assert f"| Quillcrest University Medical Center | {example.removed} | Overall |" in out
    assert "`safety.speak_up`" in out
    assert f"{example.periods - 2} periods unchanged, not shown." in out
    assert not any("Everlythorpe" in line for line in table)  # unchanged rows are left out


def test_the_gate_at_each_revision(runner: CliRunner, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, two_periods(before=0.78, after=0.74))
    commit(repo, "two quarters")
    write(repo, {"content/audits/north-valley/2025-Q3.yml": audit(0.6, "2025-10-15")})
    commit(repo, "a worse quarter")

    result = runner.invoke(cli, ["check", "--max-drop", "10", "--project", str(repo)])
    assert_clean_exit(result, 1)
    assert result.stdout.startswith("north-valley 2025-Q3: max-drop: overall fell 18.0 points")
    code, out, _ = diff(runner, repo, "HEAD~1", "HEAD")
    assert code == 0
    assert "largest move: North Valley General Hospital −14.0 overall (2025-Q3)" in out

    git(repo, "checkout", "-q", "HEAD~1")
    result = runner.invoke(cli, ["check", "--max-drop", "10", "--project", str(repo)])
    assert result.exit_code == 0, result.output


# --- small projects ---------------------------------------------------------------------------


def test_diff_in_a_project_below_the_repository_root(runner: CliRunner, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo / "scores", two_periods())
    write(repo, {"README.md": "# the repository\n"})
    commit(repo, "first")
    write(repo / "scores", {"content/audits/south-ridge/2025-Q3.yml": audit(0.7, "2025-10-01")})
    commit(repo, "second")
    code, out, err = diff(runner, repo / "scores", "HEAD~1", "HEAD")
    assert code == 0, err
    assert out.splitlines()[0] == (
        "HEAD~1 → HEAD (internal scores): 1 institution changed; "
        "largest move: South Ridge Hospital −20.0 overall (2025-Q3)"
    )
    table = out.splitlines()[2:]
    assert table[0].split() == ["Institution", "Period", "Score", "Old", "New", "Change", "Grade"]
    assert table[2].split() == ["South", "Ridge", "Hospital", "2025-Q3", "Overall", "90.0",
                                "70.0", "−20.0", "▼", "A", "→", "B"]  # fmt: skip
    assert table[3].split() == ["admin", "90.0", "70.0", "−20.0", "▼", "A", "→", "B"]
    assert len(table) == 2 + 8  # overall and seven pillars: every one moved


def test_diff_two_folders(runner: CliRunner, make_project: MakeProject, tmp_path: Path) -> None:
    base = make_project(two_periods(), root="base")
    files = two_periods()
    files["content/institutions/alder-park.yml"] = institution("Alder Park")
    files["content/audits/alder-park/2025-Q3.yml"] = audit(0.4)
    head = make_project(files, root="head")
    code, out, err = diff(runner, tmp_path, str(base), str(head), "--format", "markdown")
    assert code == 0, err
    assert "**1 institution added; 1 period added** (internal scores)" in out
    assert "| Alder Park | 2025-Q3 | Overall | — | 40.0 | added | — → D |" in out
    assert "Added: Alder Park." in out


def test_diff_identical_trees(runner: CliRunner, make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(two_periods())
    code, out, _ = diff(runner, tmp_path, str(root), str(root), "--format", "markdown")
    assert code == 0
    assert "**no score changes** (internal scores)" in out
    assert "| Institution |" not in out


def test_public_diff_follows_institutions_not_their_peer_letters(
    runner: CliRunner, make_project: MakeProject, tmp_path: Path
) -> None:
    files = two_periods()
    files["content/institutions/north-valley.yml"] = institution("North Valley", "anonymous")
    base = make_project(files, root="base")
    files["content/institutions/alder-park.yml"] = institution("Alder Park", "anonymous")
    files["content/audits/alder-park/2025-Q3.yml"] = audit(0.4)
    head = make_project(files, root="head")
    args = [str(base), str(head), "--audience", "public", "--format", "json"]
    code, out, err = diff(runner, tmp_path, *args)
    assert code == 0, err
    document = json.loads(out)
    # letters go by first audited period: north-valley keeps Peer A, alder-park joins as Peer B
    assert document["institutions"] == {"added": ["Peer B"], "removed": [], "changed": []}
    assert [(r["institution"], r["status"]) for r in document["rows"]] == [("peer-b", "added")]
    assert "North Valley" not in out and "alder" not in out


def test_diff_of_invalid_head_shows_its_findings(runner: CliRunner, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, two_periods())
    commit(repo, "fine")
    write(repo, {"content/audits/south-ridge/2025-Q3.yml": "audited: 2025-13-01\n"})
    commit(repo, "broken")
    code, out, err = diff(runner, repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 1
    assert "content/audits/south-ridge/2025-Q3.yml:1:10: error[SC007]" in err
    assert "**❌ the content at HEAD is invalid: 1 error, 0 warnings in 1 file**" in out
    assert "| ❌ | content/audits/south-ridge/2025-Q3.yml:1:10 | SC007 |" in out


def test_diff_of_invalid_base_says_so(runner: CliRunner, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, {"README.md": "# not yet a scorecard project\n"})
    commit(repo, "before the content")
    write(repo, two_periods())
    commit(repo, "the content")
    code, out, err = diff(runner, repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0, err
    assert "the content at HEAD~1 is invalid: 1 error, 0 warnings in 1 file" in err
    assert "> ⚠️ the content at HEAD\\~1 is invalid (1 error, 0 warnings in 1 file)" in out
    assert "**2 institutions added; 3 periods added**" in out


@pytest.mark.parametrize("spec", ["no-such-branch", "origin/main"])
def test_unknown_revision_is_a_usage_error(runner: CliRunner, tmp_path: Path, spec: str) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, two_periods())
    commit(repo, "only")
    code, _, err = diff(runner, repo, spec, "HEAD")
    assert code == 2
    assert f"`{spec}` is neither a folder nor a revision" in err
    assert "fetch-depth: 0" in err


def test_diff_outside_a_repository(runner: CliRunner, make_project: MakeProject) -> None:
    code, _, err = diff(runner, make_project(two_periods()), "HEAD~1", "HEAD")
    assert code == 2
    assert "(not a git repository)" in err


# --- on GitHub Actions -------------------------------------------------------------------------


def test_diff_adds_its_markdown_to_the_job_summary(runner: CliRunner, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, two_periods())
    commit(repo, "first")
    write(repo, {"content/audits/south-ridge/2025-Q3.yml": audit(0.7, "2025-10-01")})
    commit(repo, "second")
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, out, _ = diff(Runner(env=env), repo, "HEAD~1", "HEAD")
    assert code == 0
    assert out.startswith("HEAD~1 → HEAD")  # text on standard output
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### Score changes: HEAD\\~1 → HEAD\n")
    assert "| South Ridge Hospital | 2025-Q3 | Overall | 90.0 | 70.0 | −20.0 ▼ | A → B |" in text


def test_diff_redirected_into_the_job_summary_is_written_once(tmp_path: Path) -> None:
    """The workflow's `scorecard diff … --format markdown >> "$GITHUB_STEP_SUMMARY"`."""
    repo = new_repo(tmp_path / "repo")
    write(repo, two_periods())
    commit(repo, "first")
    write(repo, {"content/audits/south-ridge/2025-Q3.yml": audit(0.7, "2025-10-01")})
    commit(repo, "second")
    summary = tmp_path / "summary.md"
    summary.write_text("### scorecard validate\n\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    command = [sys.executable, "-m", "scorecard", "diff", "HEAD~1", "HEAD", "--format", "markdown"]
    with summary.open("a", encoding="utf-8") as handle:
        subprocess.run(command, cwd=repo, env=env, stdout=handle, check=True)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### scorecard validate\n\n### Score changes: HEAD\\~1 → HEAD\n")
    assert text.count("### Score changes") == 1


def test_revisions_read_for_a_diff_leave_nothing_in_the_cache(
    runner: CliRunner, example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revision is read into a folder that is there once: caching it would only pile up
    files that no run reads again (a CI cache keeps them from run to run)."""
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    code, _, err = diff(runner, example.repo, "HEAD~1", "HEAD")
    assert code == 0, err
    assert not list((tmp_path / "cache").glob("*"))
    code, _, err = diff(runner, example.repo, "HEAD~1", str(example.repo))  # a folder is kept
    assert code == 0, err
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache").glob("*")) == [
        "audits",
        "facts",
    ]
