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
from scorecard.audience import score_project
from scorecard.export import scores_csv, scores_json, scores_table
from scorecard.findings import Finding, has_errors, summary
from scorecard.model import Audience, Project
from scorecard.schema import schemas
from scorecard.validate import validate_project

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


def _github_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_findings(findings: list[Finding], style: str, *, strict: bool) -> str:
    if style == "json":
        data = {
            "findings": [f.as_dict(strict=strict) for f in findings],
            "summary": summary(findings, strict=strict),
            "valid": not has_errors(findings, strict=strict),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if style == "github":
        lines = []
        for f in findings:
            level = "error" if strict or f.severity == "error" else "warning"
            props = f"file={_github_escape(f.file, prop=True)},line={f.line},col={f.col}"
            props += f",title={_github_escape(f.code + ' ' + f.path, prop=True)}"
            message = f.message + (f" (hint: {f.hint})" if f.hint else "")
            lines.append(f"::{level} {props}::{_github_escape(message)}")
        return "".join(line + "\n" for line in lines)
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


def load_checked(root: Path, *, strict: bool = False, quiet: bool = False) -> Project:
    """The project, or exit 1 after showing what is wrong with it."""
    project, findings = validate_project(root)
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
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@project_option
def validate(paths: tuple[Path, ...], style: str, strict: bool, project_dir: Path) -> None:
    """Check every content file and report each problem with its file, line and column.

    Give PATHS to report only on those files or folders.

    Example: scorecard validate content/audits/north-valley
    """
    _project, findings = validate_project(project_dir)
    findings = [f for f in findings if _in_paths(f, project_dir, paths)]
    click.echo(format_findings(findings, style, strict=strict), nl=False)
    if style == "text":
        click.echo(summary(findings, strict=strict), err=True)
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
    project = load_checked(project_dir)
    scores = score_project(project, audience)
    if latest:
        last = {r.institution: r.period for r in scores.results}
        kept = [r for r in scores.results if last[r.institution] == r.period]
        scores = type(scores)(scores.audience, scores.framework, kept, scores.identities)
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
        if self.enabled and self.last:
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
@project_option
def build(audience: str, out: Path | None, strict: bool, project_dir: Path) -> None:
    """Validate, score and build the site: site/public/ and site/internal/.

    A failed build leaves the previous site as it was.

    Example: scorecard build --audience public --out site
    """
    run_build(project_dir, out, audience, strict)


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
    from scorecard.preview import serve_preview

    serve_preview(
        project_dir,
        audience,  # type: ignore[arg-type]
        host=host,
        port=port,
        rebuild=lambda: _preview_build(project_dir, audience),
        echo=lambda text: click.echo(text, err=True),
    )


def _preview_build(project_dir: Path, audience: str) -> bool:
    out = project_dir / "site" / ".preview"
    try:
        run_build(project_dir, out, audience, False, quiet=True)
    except click.ClickException as err:
        err.show()
        return False
    return True
