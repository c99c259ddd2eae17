"""CI integration: annotations, job summaries, SARIF, the workflow `init` writes, pre-commit."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shlex
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from conftest import Runner, assert_clean_exit

import scorecard
from scorecard.cli import cli
from scorecard.findings import CATALOGUE
from scorecard.github import annotation, escape, md
from scorecard.starter import workflow as starter_workflow

MakeProject = Callable[..., Path]
REPO = Path(__file__).resolve().parents[1]
AUDIT = "content/audits/north-valley/2026-Q3.yml"
BAD = {
    AUDIT: "audited: 2026-10-15\nauditor: NO\nmetrics:\n"
    "  safety.speak_up: {positive: 20, n: '21O'}\n"
}


def github_env(summary: Path) -> dict[str, str]:
    return {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}


# --- escaping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prop", "expected"),
    [
        ("50% of 10\nnext", False, "50%25 of 10%0Anext"),
        ("a:b,c", False, "a:b,c"),
        ("a:b,c", True, "a%3Ab%2Cc"),
    ],
    ids=["message", "message-keeps-colons", "property"],
)
def test_workflow_command_escaping(text: str, prop: bool, expected: str) -> None:
    assert escape(text, prop=prop) == expected


def test_annotation_without_a_file() -> None:
    assert annotation("error", "no audit", title="check: max-age") == (
        "::error title=check%3A max-age::no audit"
    )


def test_markdown_text_is_inert_but_readable() -> None:
    assert md("St. Mary's (North) 2026-Q3 +1.5") == "St. Mary's (North) 2026-Q3 +1.5"
    assert md("a|b *c* <b>x</b> @team [l](u) #1\nline") == (
        "a\\|b \\*c\\* &lt;b&gt;x&lt;/b&gt; &#64;team \\[l\\](u) \\#1 line"
    )


# --- validate on GitHub Actions ----------------------------------------------------------------


def test_validate_on_github_prints_text_and_annotations_and_a_summary(
    make_project: MakeProject, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    runner = Runner(env=github_env(summary))
    root = make_project(BAD, default=True)
    result = runner.invoke(cli, ["validate", "--project", str(root)])
    assert_clean_exit(result, 1)
    lines = result.stdout.splitlines()
    assert [line.split(": ")[1] for line in lines[:2]] == [
        "warning[SC006] auditor",
        "error[SC012] metrics.safety.speak_up.n",
    ]
    pattern = r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]*)::(.+)"
    annotations = [re.fullmatch(pattern, line) for line in lines[2:]]
    assert [m.groups()[:5] for m in annotations if m] == [
        ("warning", AUDIT, "2", "10", "SC006 auditor"),
        ("error", AUDIT, "4", "38", "SC012 metrics.safety.speak_up.n"),
    ]
    assert lines[3].endswith("::expected a whole number, got '21O' (hint: letter O for zero?)")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### scorecard validate\n\n")
    assert "**❌ invalid content**: 1 error, 1 warning in 1 file" in text
    assert "| ❌ | content/audits/north-valley/2026-Q3.yml:4:38 | SC012 | metrics.safety." in text
    assert "| ⚠️ | content/audits/north-valley/2026-Q3.yml:2:10 | SC006 |" in text


def test_validate_off_github_prints_no_annotations(
    runner: CliRunner, make_project: MakeProject
) -> None:
    result = runner.invoke(cli, ["validate", "--project", str(make_project(BAD, default=True))])
    assert_clean_exit(result, 1)
    assert "::" not in result.stdout


def test_validate_json_on_github_stays_json(make_project: MakeProject, tmp_path: Path) -> None:
    runner = Runner(env=github_env(tmp_path / "summary.md"))
    root = make_project(BAD, default=True)
    result = runner.invoke(cli, ["validate", "--format", "json", "--project", str(root)])
    assert_clean_exit(result, 1)
    assert json.loads(result.stdout)["valid"] is False


def test_validate_summary_of_valid_content(make_project: MakeProject, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    runner = Runner(env=github_env(summary))
    result = runner.invoke(cli, ["validate", "--project", str(make_project(default=True))])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert summary.read_text(encoding="utf-8") == (
        "### scorecard validate\n\n**✅ valid content**: no problems found\n\n"
    )


def test_annotations_name_files_from_the_working_folder(
    runner: CliRunner, make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(BAD, default=True, root="scores")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate", "--format", "github", "--project", "scores"])
    assert_clean_exit(result, 1)
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == [
        f"::warning file=scores/{AUDIT}",
        f"::error file=scores/{AUDIT}",
    ]


def test_many_findings_are_cut_short_in_the_summary(
    make_project: MakeProject, tmp_path: Path
) -> None:
    metrics = "".join(f"  safety.unknown_{n}: {{value: 1}}\n" for n in range(14))
    summary = tmp_path / "summary.md"
    root = make_project({AUDIT: f"audited: 2026-10-15\nmetrics:\n{metrics}"}, default=True)
    Runner(env=github_env(summary)).invoke(cli, ["validate", "--project", str(root)])
    text = summary.read_text(encoding="utf-8")
    assert "**❌ invalid content**: 14 errors" in text
    assert text.count("| ❌ |") + text.count("| ⚠️ |") == 10
    assert "more; run `scorecard validate` to see all." in text


# --- SARIF -------------------------------------------------------------------------------------


def test_validate_sarif(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(BAD, default=True)
    result = runner.invoke(cli, ["validate", "--format", "sarif", "--project", str(root)])
    assert_clean_exit(result, 1)
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "scorecard"
    assert [r["id"] for r in driver["rules"]] == list(CATALOGUE)
    assert driver["rules"][11] == {
        "id": "SC012",
        "name": "WrongTypeOfValue",
        "shortDescription": {"text": "wrong type of value"},
        "defaultConfiguration": {"level": "error"},
    }
    assert [
        (
            r["ruleId"],
            driver["rules"][r["ruleIndex"]]["id"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ] == [
        ("SC006", "SC006", "warning", AUDIT, {"startLine": 2, "startColumn": 10}),
        ("SC012", "SC012", "error", AUDIT, {"startLine": 4, "startColumn": 38}),
    ]
    assert run["results"][1]["message"]["text"] == (
        "metrics.safety.speak_up.n: expected a whole number, got '21O' (hint: letter O for zero?)"
    )


def test_validate_sarif_strict_and_clean(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(BAD, default=True)
    args = ["validate", "--format", "sarif", "--strict", "--project", str(root)]
    strict = json.loads(runner.invoke(cli, args).stdout)
    assert [r["level"] for r in strict["runs"][0]["results"]] == ["error", "error"]
    root = make_project(default=True, root="clean")
    clean = runner.invoke(cli, ["validate", "--format", "sarif", "--project", str(root)])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["runs"][0]["results"] == []


# --- the workflow init writes --------------------------------------------------------------


def scorecard_calls(workflow: dict[str, Any]) -> Iterator[list[str]]:
    """The argument lists of every `scorecard` call in the workflow's run steps."""
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(line, comments=True)
                for cut, word in enumerate(words):
                    if word in (">", ">>", "|", "&&", "||", ";"):
                        words = words[:cut]
                        break
                if words and words[0] == "scorecard":
                    yield words[1:]


def resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = cli
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command, args = command.commands[args[0]], args[1:]
    assert not isinstance(command, click.Group), f"no such command: {args}"
    return command, args


def test_init_writes_a_workflow_of_real_commands(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "new" / ".github" / "workflows" / "scorecard.yml").read_text()
    assert text == starter_workflow()
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert set(triggers) >= {"pull_request", "push"}

    calls = list(scorecard_calls(workflow))
    assert [c[0] for c in calls] == ["validate", "diff", "check", "build"]
    # the Pages address, or none before Pages is set up
    pages = ["https://example.github.io/scorecard/", ""]
    calls = [[a.replace("$PAGES_URL", url) for a in call] for call in calls for url in pages]
    for call in calls:
        command, args = resolve(call)
        options = {o for p in command.params for o in p.opts if o.startswith("--")}
        for word in args:
            if word.startswith("--"):
                assert word.split("=")[0] in options, (call, word)
        # the arguments parse as the command's own parser reads them (choices, arity, types)
        command.make_context(command.name or "", list(args), resilient_parsing=False)

    steps = workflow["jobs"]["scorecard"]["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [str(s.get("run", "")) for s in steps]
    assert "scorecard validate --format github" in runs
    diff_step = next(s for s in steps if "scorecard diff" in str(s.get("run", "")))
    assert diff_step["if"] == "github.event_name == 'pull_request'"
    assert diff_step["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert diff_step["run"] == (
        'scorecard diff "origin/$BASE_REF" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"'
    )
    upload = next(s for s in steps if "upload-pages-artifact" in str(s.get("uses", "")))
    assert upload["with"] == {"path": "site/public"}
    assert workflow["jobs"]["deploy"]["needs"] == "scorecard"


def written_workflow(runner: CliRunner, tmp_path: Path) -> dict[str, Any]:
    result = runner.invoke(cli, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "new" / ".github" / "workflows" / "scorecard.yml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def test_the_workflow_installs_the_version_that_wrote_it(runner: CliRunner, tmp_path: Path) -> None:
    steps = written_workflow(runner, tmp_path)["jobs"]["scorecard"]["steps"]
    installs = [s["run"] for s in steps if "pip install" in str(s.get("run", ""))]
    version = importlib.metadata.version("hospital-scorecard")
    assert installs == [f'pip install "hospital-scorecard=={version}"']
    assert version == scorecard.__version__


def test_the_workflow_restores_the_published_scores_before_the_build(
    runner: CliRunner, tmp_path: Path
) -> None:
    steps = written_workflow(runner, tmp_path)["jobs"]["scorecard"]["steps"]
    names = [s.get("name", "") for s in steps]
    restore = steps[names.index('Previous scores (for "why the grades changed")')]
    assert names.index("Build both sites") > names.index(restore["name"])
    assert names.index("Where the site is published") < names.index(restore["name"])
    assert "site/public/data/scores.json" in restore["run"]
    assert "/data/scores.json" in restore["run"]
    assert restore["env"] == {"PAGES_URL": "${{ steps.pages.outputs.url }}"}


@pytest.mark.parametrize(
    ("answer", "status", "output"),
    [
        ("https://example.github.io/scorecard/", 0, "url=https://example.github.io/scorecard/\n"),
        ('{"message": "Not Found"}', 1, ""),
    ],  # fmt: skip
    ids=["published", "no-pages"],
)
def test_the_workflow_builds_the_site_for_where_it_is_published(
    runner: CliRunner, tmp_path: Path, answer: str, status: int, output: str
) -> None:
    """GitHub Pages publishes a project's site under a sub-path: the build gets its address
    (`--site-url`), found by the GitHub CLI; without Pages, none, and the step goes on."""
    steps = written_workflow(runner, tmp_path)["jobs"]["scorecard"]["steps"]
    (pages,) = [s for s in steps if s.get("id") == "pages"]
    assert pages["env"] == {"GH_TOKEN": "${{ github.token }}"}
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' '{answer}'\nexit {status}\n", encoding="utf-8")
    fake.chmod(0o755)
    found = tmp_path / "output"
    env = {
        "PATH": f"{fake.parent}:/usr/bin:/bin",
        "GITHUB_OUTPUT": str(found),
        "GITHUB_REPOSITORY": "example/scorecard",
    }
    done = subprocess.run(["bash", "-e", "-c", pages["run"]], env=env, check=False)
    assert done.returncode == 0  # as the runner runs a step: bash -e
    assert (found.read_text(encoding="utf-8") if found.exists() else "") == output
    (build,) = [s for s in steps if "scorecard build" in str(s.get("run", ""))]
    assert build["env"]["PAGES_URL"] == "${{ steps.pages.outputs.url }}"
    assert shlex.split(build["run"])[-2:] == ["--site-url", "$PAGES_URL"]


def test_the_workflow_builds_with_the_anonymity_key_secret(
    runner: CliRunner, tmp_path: Path
) -> None:
    written = written_workflow(runner, tmp_path)
    steps = written["jobs"]["scorecard"]["steps"]
    (build,) = [s for s in steps if "scorecard build" in str(s.get("run", ""))]
    key = build["env"]["SCORECARD_ANONYMITY_KEY"]
    assert key == "${{ secrets.SCORECARD_ANONYMITY_KEY }}"
    assert written["permissions"] == {"contents": "read", "pages": "read"}


def test_the_workflow_steps_pass_on_the_new_project(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert runner.invoke(cli, ["init", str(target)]).exit_code == 0
    for call in scorecard_calls(yaml.safe_load(starter_workflow())):
        if call[0] in ("validate", "check"):
            result = runner.invoke(cli, [*call, "--project", str(target)])
            assert result.exit_code == 0, (call, result.output)


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook == {
        "id": "scorecard-validate",
        "name": "scorecard validate",
        "description": hook["description"],
        "entry": "scorecard validate",
        "language": "python",
        "files": "^content/",
        "pass_filenames": False,
    }
    assert resolve(shlex.split(hook["entry"])[1:])[0].name == "validate"


def test_readme_shows_ci_use() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In CI", 1)[1]
    for words in ("scorecard check", "scorecard diff", "--format sarif", "scorecard-validate"):
        assert words in section
