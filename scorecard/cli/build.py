"""Commands that make the site: build (and the board packets), serve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from scorecard.cli.common import (
    ContentInvalid,
    Progress,
    audience_option,
    cli,
    format_findings,
    project_option,
)
from scorecard.model import Audience

if TYPE_CHECKING:  # the preview (and its file watcher) loads only for `scorecard serve`
    from scorecard.preview import Rebuilt


def run_build(
    project_dir: Path,
    out: Path | None,
    audience: str,
    strict: bool,
    *,
    quiet: bool = False,
    offline: bool = False,
    site_url: str = "",
) -> None:
    from scorecard.site import BuildError, Options, build_site

    audiences: tuple[Audience, ...] = (
        ("public", "internal") if audience == "both" else (audience,)  # type: ignore[assignment]
    )
    progress = Progress()
    try:
        report = build_site(
            project_dir,
            out,
            audiences,
            strict=strict,
            progress=progress,
            options=Options(offline=offline, site_url=site_url),
        )
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
    "--offline",
    is_flag=True,
    help="A site that works opened from files (a folder on a file share, a zip): every link "
    "points at a page's file, and search works without a server.",
)
@click.option(
    "--site-url",
    default="",
    metavar="URL",
    callback=lambda ctx, param, value: _web_address(value),
    help="The address the site is published at, in place of mkdocs.yml's site_url, such as "
    "https://example.github.io/scorecard/ for a site under a sub-path: the 404 page, shown at "
    "any address, links from it. Empty: mkdocs.yml's.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print a board packet per institution to OUT/pdf/<id>.pdf with Chromium: "
    "internal, or public with --audience public.",
)
@project_option
def build(
    audience: str,
    out: Path | None,
    strict: bool,
    offline: bool,
    site_url: str,
    pdf: bool,
    project_dir: Path,
) -> None:
    """Validate, score and build the site: site/public/ and site/internal/.

    A failed build leaves the previous site (and packets) as they were.

    Example: scorecard build --audience public --out site
    """
    run_build(project_dir, out, audience, strict, offline=offline, site_url=site_url)
    if pdf:
        run_pdf(project_dir, out, "public" if audience == "public" else "internal")


def _web_address(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise click.BadParameter(f"{value!r} is no http(s) address, such as https://example.org/")
    return value


def run_pdf(project_dir: Path, out: Path | None, audience: Audience) -> None:
    from scorecard.pdf import PdfError, build_pdfs

    progress = Progress()
    try:
        report = build_pdfs(project_dir, out, audience, progress=progress)
    except PdfError as err:
        progress.close()
        raise ContentInvalid(f"PDF packets failed: {err}") from err
    progress.close()
    click.echo(f"wrote {len(report.files)} {audience} PDF packets in {report.out}", err=True)


@cli.command()
@audience_option("Which site to serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@project_option
def serve(audience: str, port: int, host: str, project_dir: Path) -> None:
    """Preview the site, rebuilding when content, templates or mkdocs.yml change.

    Pages open in the browser reload after each rebuild; a rebuild that fails shows its
    findings there, in place of the page, until the next good one.

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


def _preview_build(project_dir: Path, audience: str) -> Rebuilt:
    """Build the preview; what failed, for the browser too (`scorecard.preview`)."""
    from scorecard.preview import BuildFailed
    from scorecard.site import BuildError

    out = project_dir / "site" / ".preview"
    try:
        run_build(project_dir, out, audience, False, quiet=True)
    except click.ClickException as err:
        err.show()
        cause = err.__cause__
        findings = cause.findings if isinstance(cause, BuildError) else []
        return BuildFailed(err.format_message(), [f.format() for f in findings])
    return True
