"""The ``scorecard`` command: thin Click commands over the library.

Exit codes: 0 fine; 1 the content is invalid or a gate failed; 2 the command was used
wrongly. Messages go to stderr, data (``--format json``) to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scorecard import __version__
from scorecard.export import scores_csv, scores_json, scores_table
from scorecard.findings import Finding, has_errors, summary
from scorecard.github import append_step_summary, finding_annotations, in_actions, sarif
from scorecard.model import Audience, Project
from scorecard.project import open_project
from scorecard.schema import schemas

F = TypeVar("F", bound=Callable[..., Any])


class ContentInvalid(click.ClickException):
    """The content is wrong: exit code 1, findings already shown."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        if self.message:
            click.echo(self.message, err=True)


def project_option(func: F) -> F:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("."),
        show_default="the current folder",
        help="The scorecard project to work on.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorecard")
def cli() -> None:
    """Score audits of hospitals' organisational health and publish them as a site."""


# --- validate ------------------------------------------------------------------------------


def format_findings(
    findings: list[Finding], style: str, *, strict: bool, root: Path | None = None
) -> str:
    if style == "json":
        data = {
            "findings": [f.as_dict(strict=strict) for f in findings],
            "summary": summary(findings, strict=strict),
            "valid": not has_errors(findings, strict=strict),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if style == "github":
        return finding_annotations(findings, strict=strict, root=root)
    if style == "sarif":
        return json.dumps(sarif(findings, strict=strict, root=root), indent=2) + "\n"
    return "".join(f.format(strict=strict) + "\n" for f in findings)


def _in_paths(finding: Finding, root: Path, paths: tuple[Path, ...]) -> bool:
    if not paths:
        return True
    where = (root / finding.file).resolve()
    for path in paths:
        target = path.resolve()
        if where == target or target in where.parents:
            return True
    return False


def step_summary(markdown: str) -> None:
    """Append to the GitHub Actions job summary, when there is one."""
    try:
        append_step_summary(markdown)
    except OSError as err:
        click.echo(f"could not write the job summary: {err}", err=True)


def load_checked(root: Path, *, strict: bool = False, quiet: bool = False) -> Project:
    """The project, or exit 1 after showing what is wrong with it."""
    project, findings = open_project(root)
    if findings and not quiet:
        click.echo(format_findings(findings, "text", strict=strict), nl=False, err=True)
    if project is None or has_errors(findings, strict=strict):
        raise ContentInvalid(summary(findings, strict=strict) + "; fix the content and run again")
    return project


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
@click.option(
    "--audience",
    type=click.Choice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="public applies visibility and suppression as the public site does.",
)
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
    "export", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--instrument",
    required=True,
    help="mini-z, ahrq-sops, edmondson, or NAME for content/instruments/NAME.yml.",
)
@click.option("--institution", required=True, help="The institution's id.")
@click.option("--period", required=True, help="The audit's period: 2026-Q3, 2026-H1 or 2026.")
@click.option(
    "--audited",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Set the audit's date (YYYY-MM-DD).  [default: today, for a new audit]",
)
@click.option("--metric", "metrics", multiple=True, help="Import only this metric; repeatable.")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff and write nothing.")
@project_option
def import_survey_command(
    export: Path,
    instrument: str,
    institution: str,
    period: str,
    audited: Any,
    metrics: tuple[str, ...],
    dry_run: bool,
    project_dir: Path,
) -> None:
    """Turn raw survey answers (a CSV export) into the metrics of one audit.

    Writes percent positive, composites and mean scores with their n, for the institution and
    each unit of the audit, into content/audits/ID/PERIOD.yml, keeping the rest of the file.
    Groups smaller than the framework's min_n_internal are written as not reported. No
    respondent's answer is ever written.

    Example: scorecard import survey answers.csv --instrument ahrq-sops
    --institution north-valley --period 2026-Q3 --dry-run
    """
    from scorecard.survey import SurveyUsageError, import_survey

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


def main() -> None:
    """Entry point: no input, however malformed, ends in a traceback."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence for users
        click.echo(
            f"scorecard: unexpected {type(err).__name__}: {err}. This is a bug in scorecard; "
            "please report it with the command you ran.",
            err=True,
        )
        sys.exit(1)


# --- build and serve -----------------------------------------------------------------------


class _Progress:
    """One updating line on a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        text = f"{stage} {done}/{total}" if total > 1 else f"{stage}..."
        if text != self.last:
            click.echo(f"\r\033[K{text}", nl=False, err=True)
            self.last = text

    def close(self) -> None:
        # The line may be another process's (a build validates and renders in one of its
        # own), so this one's `last` cannot tell whether there is a line to clear.
        if self.enabled:
            click.echo("\r\033[K", nl=False, err=True)


def run_build(
    project_dir: Path, out: Path | None, audience: str, strict: bool, *, quiet: bool = False
) -> None:
    from scorecard.site import BuildError, build_site

    audiences: tuple[Audience, ...] = (
        ("public", "internal") if audience == "both" else (audience,)  # type: ignore[assignment]
    )
    progress = _Progress()
    try:
        report = build_site(project_dir, out, audiences, strict=strict, progress=progress)
    except BuildError as err:
        progress.close()
        if err.findings:
            click.echo(format_findings(err.findings, "text", strict=strict), nl=False, err=True)
        raise ContentInvalid(f"build failed: {err}") from err
    progress.close()
    if report.findings and not quiet:
        click.echo(format_findings(report.findings, "text", strict=strict), nl=False, err=True)
    for warning in report.warnings:
        click.echo(f"mkdocs: {warning}", err=True)
    for name, path in report.audiences.items():
        click.echo(f"built the {name} site in {path}", err=True)
    click.echo(f"{report.pages} pages in {report.seconds:.1f} s", err=True)


@cli.command()
@click.option(
    "--audience",
    type=click.Choice(["public", "internal", "both"]),
    default="both",
    show_default=True,
    help="Which site to build.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder; each audience goes to its own subfolder.  [default: PROJECT/site]",
)
@click.option("--strict", is_flag=True, help="Fail on warnings, from validation and MkDocs.")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print a board packet per institution to OUT/pdf/<id>.pdf with Chromium: "
    "internal, or public with --audience public.",
)
@project_option
def build(audience: str, out: Path | None, strict: bool, pdf: bool, project_dir: Path) -> None:
    """Validate, score and build the site: site/public/ and site/internal/.

    A failed build leaves the previous site (and packets) as they were.

    Example: scorecard build --audience public --out site
    """
    run_build(project_dir, out, audience, strict)
    if pdf:
        run_pdf(project_dir, out, "public" if audience == "public" else "internal")


def run_pdf(project_dir: Path, out: Path | None, audience: Audience) -> None:
    from scorecard.pdf import PdfError, build_pdfs

    progress = _Progress()
    try:
        report = build_pdfs(project_dir, out, audience, progress=progress)
    except PdfError as err:
        progress.close()
        raise ContentInvalid(f"PDF packets failed: {err}") from err
    progress.close()
    click.echo(f"wrote {len(report.files)} {audience} PDF packets in {report.out}", err=True)


@cli.command()
@click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default="internal",
    show_default=True,
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@project_option
def serve(audience: str, port: int, host: str, project_dir: Path) -> None:
    """Preview the site, rebuilding when content, templates or mkdocs.yml change.

    Example: scorecard serve --audience public --port 8000
    """
    from scorecard.preview import PreviewError, serve_preview

    try:
        serve_preview(
            project_dir,
            audience,  # type: ignore[arg-type]
            host=host,
            port=port,
            rebuild=lambda: _preview_build(project_dir, audience),
            echo=lambda text: click.echo(text, err=True),
        )
    except PreviewError as err:
        raise click.ClickException(str(err)) from err


def _preview_build(project_dir: Path, audience: str) -> bool:
    out = project_dir / "site" / ".preview"
    try:
        run_build(project_dir, out, audience, False, quiet=True)
    except click.ClickException as err:
        err.show()
        return False
    return True


# --- check and diff: CI --------------------------------------------------------------------


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
    "period; N, ID=N or all=N as for --fail-under. Repeatable.",
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
    help="Fail when an institution's latest audit is older than AGE (400d, 58w or 1y), counted "
    "from its `audited:` date.",
)
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="DATE",
    help="The day --max-age counts to.  [default: SOURCE_DATE_EPOCH's day if set, else today]",
)
@click.option(
    "--audience",
    type=click.Choice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="Whose scores to check: public applies visibility and suppression.",
)
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
@click.option(
    "--audience",
    type=click.Choice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="Whose scores to compare: public applies visibility and suppression.",
)
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
            base_project, base_findings = open_project(root)
            base_scores = None
            if base_project is not None and not has_errors(base_findings):
                base_scores = facts_of(base_project, (audience,))[audience]
        with content_tree(project_dir, head) as root:
            head_project, head_findings = open_project(root)
            if head_project is not None and not has_errors(head_findings):
                head_scores = facts_of(head_project, (audience,))[audience]
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
