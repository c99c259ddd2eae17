"""What every command shares: the command group, the project option, findings shown in each
format, the exit code for invalid content, and a progress line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scorecard import __version__
from scorecard.findings import Finding, has_errors, summary
from scorecard.github import append_step_summary, finding_annotations, sarif
from scorecard.model import Project
from scorecard.project import open_project

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


def audience_option(what: str) -> Callable[[F], F]:
    """``--audience internal|public`` (internal by default); ``what`` begins its help."""

    def add(func: F) -> F:
        return click.option(
            "--audience",
            type=click.Choice(["internal", "public"]),
            default="internal",
            show_default=True,
            help=f"{what}: public applies visibility and suppression as the public site does.",
        )(func)

    return add


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorecard")
def cli() -> None:
    """Score audits of hospitals' organisational health and publish them as a site."""


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


class Progress:
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
