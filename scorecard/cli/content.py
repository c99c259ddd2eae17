"""Commands on the content: validate, score, schema, init, import survey."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from scorecard.cli.common import (
    ContentInvalid,
    _in_paths,
    audience_option,
    cli,
    format_findings,
    load_checked,
    project_option,
    step_summary,
)
from scorecard.export import scores_csv, scores_json, scores_table
from scorecard.findings import has_errors, summary
from scorecard.github import finding_annotations, in_actions
from scorecard.model import Audience
from scorecard.project import open_project
from scorecard.schema import schemas

# --- validate ------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations, "
    "sarif (2.1.0) for code scanning.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
def validate(paths: tuple[Path, ...], style: str, strict: bool, project_dir: Path) -> None:
    """Check every content file and report each problem with its file, line and column.

    Give PATHS to report only on those files or folders. On GitHub Actions the text also
    comes as annotations, and the result is added to the job summary.

    Example: scorecard validate content/audits/north-valley
    """
    from scorecard.github import validation_markdown

    _project, findings = open_project(project_dir)
    findings = [f for f in findings if _in_paths(f, project_dir, paths)]
    click.echo(format_findings(findings, style, strict=strict, root=project_dir), nl=False)
    if style == "text":
        if in_actions():
            click.echo(finding_annotations(findings, strict=strict, root=project_dir), nl=False)
        click.echo(summary(findings, strict=strict), err=True)
    step_summary(validation_markdown(findings, strict=strict))
    if has_errors(findings, strict=strict):
        sys.exit(1)


# --- score ---------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "style",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@audience_option("Whose scores to print")
@click.option("--latest", is_flag=True, help="Only each institution's latest period.")
@project_option
def score(style: str, audience: Audience, latest: bool, project_dir: Path) -> None:
    """Print the scores of every institution, pillar and period.

    Example: scorecard score --format json --audience public > scores.json
    """
    from scorecard.facts import facts_of

    project = load_checked(project_dir)
    scores = facts_of(project, (audience,))[audience]
    if latest:
        scores = scores.latest()
    if style == "json":
        click.echo(scores_json(scores), nl=False)
    elif style == "csv":
        click.echo(scores_csv(scores), nl=False)
    else:
        click.echo(scores_table(scores), nl=False)


# --- schema --------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the schemas into.",
)
def schema(out: Path) -> None:
    """Write JSON Schemas of the audit, institution and framework files.

    Editors use them for completion and checks: put
    `# yaml-language-server: $schema=../../schemas/audit.schema.json` at the top of an audit.

    Example: scorecard schema --out schemas
    """
    out.mkdir(parents=True, exist_ok=True)
    for name, data in schemas().items():
        (out / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {out / name}", err=True)


# --- init ----------------------------------------------------------------------------------


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Start a new project: a sample of two institutions, two periods and a CI workflow.

    Example: scorecard init my-scorecard
    """
    from scorecard.starter import write_starter

    if (directory / "content").exists():
        raise ContentInvalid(
            f"{directory / 'content'} already exists; choose an empty folder for a new project"
        )
    written = write_starter(directory)
    click.echo(f"wrote {len(written)} files in {directory}", err=True)
    click.echo(f"next: cd {directory} && scorecard validate && scorecard build", err=True)


# --- import --------------------------------------------------------------------------------


@cli.group("import")
def import_group() -> None:
    """Bring data from other tools into the audits."""


@import_group.command("survey")
@click.argument(
    "export",
    metavar="FILE.csv",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--instrument",
    required=True,
    help="mini-z, ahrq-sops, edmondson, or NAME for content/instruments/NAME.yml.",
)
@click.option(
    "--columns",
    "show_columns",
    is_flag=True,
    help="List the columns and answers the instrument expects in FILE.csv, and stop. "
    "Needs only --instrument.",
)
@click.option("--institution", help="The institution's id.  [required]")
@click.option("--period", help="The audit's period: 2026-Q3, 2026-H1 or 2026.  [required]")
@click.option(
    "--audited",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The audit's date (YYYY-MM-DD): needed to create an audit that does not exist yet; "
    "given for an existing one, it replaces its date.",
)
@click.option("--metric", "metrics", multiple=True, help="Import only this metric; repeatable.")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff and write nothing.")
@project_option
@click.pass_context
def import_survey_command(
    ctx: click.Context,
    export: Path | None,
    instrument: str,
    show_columns: bool,
    institution: str | None,
    period: str | None,
    audited: Any,
    metrics: tuple[str, ...],
    dry_run: bool,
    project_dir: Path,
) -> None:
    """Turn raw survey answers (a CSV export) into the metrics of one audit.

    FILE.csv holds one row per respondent: an optional `unit` column (a unit id or name of the
    audit) and one column per question of the instrument, named by the question's id; answers
    are codes or their labels. `--columns` lists the columns and answers an instrument expects.

    Writes percent positive, composites and mean scores with their n, for the institution and
    each unit of the audit, into content/audits/ID/PERIOD.yml, keeping the rest of the file;
    an audit that does not exist yet is created, dated --audited. Groups smaller than the
    framework's min_n_internal are written as not reported. No respondent's answer is ever
    written.

    \b
    Examples:
      scorecard import survey --instrument edmondson --columns
      scorecard import survey answers.csv --instrument ahrq-sops \\
        --institution north-valley --period 2026-Q3 --dry-run
    """
    from scorecard.survey import SurveyUsageError, import_survey

    if show_columns:
        _show_columns(project_dir, instrument)
        return
    _given(ctx, export=export, institution=institution, period=period)
    assert export is not None and institution is not None and period is not None

    try:
        report = import_survey(
            project_dir,
            export,
            instrument,
            institution,
            period,
            audited=audited.date() if audited is not None else None,
            metrics=metrics,
            dry_run=dry_run,
            export_shown=str(export),
        )
    except SurveyUsageError as err:
        raise click.UsageError(str(err)) from err
    except OSError as err:
        raise ContentInvalid(f"cannot write {err.filename}: {err.strerror}") from err
    if report.findings:
        click.echo(format_findings(report.findings, "text", strict=False), nl=False, err=True)
    if not report.ok:
        raise ContentInvalid(
            summary(report.findings) + f"; nothing was written to {report.audit_file}"
        )
    if dry_run:
        click.echo(report.diff(), nl=False)

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    units = f", {count(len(report.units), 'unit')}" if report.units else ""
    verb = "would write" if dry_run else ("wrote" if report.written else "no change to")
    click.echo(
        f"{verb} {report.audit_file}: {count(len(report.metrics), 'metric')}{units} "
        f"from {count(report.respondents, 'respondent')}",
        err=True,
    )
    for unit, hidden in report.suppressed.items():
        where = f"unit {unit}" if unit else "the institution"
        click.echo(f"not reported for {where} (too few answers): {', '.join(hidden)}", err=True)
    if report.relation:
        click.echo(report.relation, err=True)


def _given(ctx: click.Context, **values: object) -> None:
    """Exit 2, as Click does for a required parameter, when one of ``values`` is missing."""
    for param in ctx.command.params:
        if param.name in values and values[param.name] is None:
            raise click.MissingParameter(ctx=ctx, param=param)


def _show_columns(project_dir: Path, name: str) -> None:
    """The columns and answers of the instrument ``name``, to stdout."""
    from scorecard.survey import SurveyUsageError, export_guide, open_instrument

    try:
        instrument, findings = open_instrument(project_dir, name)
    except SurveyUsageError as err:
        raise click.UsageError(str(err)) from err
    if findings:
        click.echo(format_findings(findings, "text", strict=False), nl=False, err=True)
    if instrument is None:
        raise ContentInvalid(summary(findings) + f"; fix the instrument `{name}` and run again")
    click.echo(export_guide(instrument), nl=False)
