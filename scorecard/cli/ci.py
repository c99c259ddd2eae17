"""Commands for continuous integration: check (the gate) and diff (score changes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from scorecard.cli.common import (
    ContentInvalid,
    audience_option,
    cli,
    format_findings,
    project_option,
    step_summary,
)
from scorecard.findings import has_errors, summary
from scorecard.github import finding_annotations, in_actions
from scorecard.model import Audience
from scorecard.project import open_project


class _GateValue(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A gate option's value, parsed by ``scorecard.gate`` (``parse_limit`` or ``parse_age``)."""

    def __init__(self, name: str, parser: str, parsed: type) -> None:
        self.name = name
        self.parser = parser
        self.parsed = parsed

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from scorecard import gate

        if isinstance(value, self.parsed):
            return value
        try:
            return getattr(gate, self.parser)(str(value))
        except gate.GateUsageError as err:
            self.fail(str(err), param, ctx)


@cli.command()
@click.option(
    "--fail-under",
    type=_GateValue("N|ID=N", "parse_limit", tuple),
    multiple=True,
    help="Fail when a score is below N: N for the overall score (or each --pillar), ID=N for "
    "pillar ID, all=N for the overall score and every pillar. Repeatable.",
)
@click.option(
    "--max-drop",
    type=_GateValue("N|ID=N", "parse_limit", tuple),
    multiple=True,
    help="Fail when a score fell by more than N points since the institution's previous scored "
    "period; N, ID=N or all=N as for --fail-under. Repeatable. The fall is the change itself: "
    "one smaller than the scores' uncertainty still counts, though the site calls it no clear "
    "change (choose N above the uncertainty the pages show to gate on clear falls only).",
)
@click.option(
    "--pillar",
    "pillars",
    multiple=True,
    metavar="ID",
    help="Apply the bare numbers of --fail-under and --max-drop to this pillar instead of the "
    "overall score. Repeatable.",
)
@click.option(
    "--max-age",
    type=_GateValue("AGE", "parse_age", int),
    default=None,
    help="Fail when an institution's latest audit is older than AGE (400d, 58w or 1y): days "
    "from its `audited:` date to today. (The site's stale mark is another clock: the framework's "
    "stale_after counts periods from the institution's latest to the project's newest, so a "
    "project nobody audits any more never turns stale there; --max-age catches it.)",
)
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="The day --max-age counts to.  [default: SOURCE_DATE_EPOCH's day if set, else today]",
)
@audience_option("Whose scores to check")
@click.option("--strict", is_flag=True, help="Treat warnings in the content as errors.")
@project_option
def check(
    fail_under: tuple[tuple[str | None, float], ...],
    max_drop: tuple[tuple[str | None, float], ...],
    pillars: tuple[str, ...],
    max_age: int | None,
    on: Any,
    audience: Audience,
    strict: bool,
    project_dir: Path,
) -> None:
    """The CI gate: exit 1 on invalid content, or when an institution breaks a rule.

    The rules apply to each institution's latest period. Each broken rule is one line
    (institution, period, rule, why), then a summary; on GitHub Actions also annotations
    and a job summary.

    Example: scorecard check --fail-under 50 --fail-under safety=40 --max-drop 5 --max-age 400d
    """
    from scorecard.facts import facts_of
    from scorecard.gate import GateUsageError, gate_markdown, rules_from, run_gate, today
    from scorecard.github import annotation, validation_markdown, workspace_path

    project, findings = open_project(project_dir)
    if findings:
        click.echo(format_findings(findings, "text", strict=strict), nl=False, err=True)
    content = validation_markdown(findings, strict=strict, title="scorecard check")
    if project is None or has_errors(findings, strict=strict):
        if in_actions():
            click.echo(finding_annotations(findings, strict=strict, root=project_dir), nl=False)
        step_summary(content + "\n**❌ the content is invalid: no score rule was checked**\n")
        raise ContentInvalid(summary(findings, strict=strict) + "; check failed: fix the content")
    if pillars and not any(t is None for t, _ in (*fail_under, *max_drop)):
        raise click.UsageError("--pillar applies to bare numbers of --fail-under or --max-drop")
    try:
        rules = rules_from("fail-under", fail_under, project.framework, pillars)
        rules += rules_from("max-drop", max_drop, project.framework, pillars)
        day = on.date() if on is not None else today()
    except GateUsageError as err:
        raise click.UsageError(str(err)) from err
    scores = facts_of(project, (audience,))[audience]
    report = run_gate(project, scores, rules, max_age=max_age, on=day)
    for failure in report.failures:
        click.echo(failure.format())
        if in_actions():
            where = workspace_path(failure.file, project_dir) if failure.file else ""
            title = f"scorecard check: {failure.rule} {failure.target}"
            click.echo(annotation("error", failure.format(), file=where, title=title))
    click.echo(report.summary(), err=True)
    step_summary(content + "\n" + gate_markdown(report))
    if not report.passed:
        sys.exit(1)


@cli.command("diff")
@click.argument("base")
@click.argument("head")
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull request comment or job summary, json for tools.",
)
@audience_option("Whose scores to compare")
@project_option
def diff_command(base: str, head: str, style: str, audience: Audience, project_dir: Path) -> None:
    """Show how the scores changed from BASE to HEAD.

    BASE and HEAD are each a project folder, or else a git revision of the repository the
    project is in, read with `git archive` (the work tree is not touched). Shown: institutions
    and periods added, removed and changed; per pillar and overall the old and new score and
    the change. Exit 1 when HEAD's content is invalid.

    Example: scorecard diff origin/main HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from scorecard.diff import DiffError, as_json, as_markdown, as_text, compare, content_tree
    from scorecard.facts import facts_of
    from scorecard.github import findings_markdown, md, stdout_is_step_summary

    try:
        with content_tree(project_dir, base) as root:
            kept = Path(base).is_dir()  # a revision is read into a folder that is there once
            base_project, base_findings = open_project(root, cached=kept)
            base_scores = None
            if base_project is not None and not has_errors(base_findings):
                base_scores = facts_of(base_project, (audience,), cached=kept)[audience]
        with content_tree(project_dir, head) as root:
            kept = Path(head).is_dir()
            head_project, head_findings = open_project(root, cached=kept)
            if head_project is not None and not has_errors(head_findings):
                head_scores = facts_of(head_project, (audience,), cached=kept)[audience]
    except DiffError as err:
        raise click.UsageError(str(err)) from err
    if head_project is None or has_errors(head_findings):
        click.echo(format_findings(head_findings, "text", strict=False), nl=False, err=True)
        verdict = f"the content at {head} is invalid: {summary(head_findings)}"
        markdown = f"### Score changes: {md(base)} → {md(head)}\n\n**❌ {md(verdict)}**\n\n"
        markdown += findings_markdown(head_findings)
        if style == "markdown":
            click.echo(markdown, nl=False)
        elif style == "json":
            document: dict[str, Any] = {"format": "scorecard-diff/1"}
            document["head"] = {"spec": head, "valid": False}
            document["findings"] = [f.as_dict() for f in head_findings]
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        if not stdout_is_step_summary():
            step_summary(markdown)
        raise ContentInvalid(verdict + "; no scores compared")
    if base_scores is None:
        click.echo(f"the content at {base} is invalid: {summary(base_findings)}", err=True)
    changes = compare(
        base_scores,
        head_scores,
        base_label=base,
        head_label=head,
        base_findings=base_findings,
    )
    shown = {"text": as_text, "markdown": as_markdown, "json": as_json}[style](changes)
    click.echo(shown, nl=False)
    if not stdout_is_step_summary():
        step_summary(as_markdown(changes))
