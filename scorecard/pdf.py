"""Board packets: one PDF per institution, printed by headless Chromium.

A packet is the institution's page as the site shows it to one audience, its charts drawn as
static SVG (by vl-convert, so no script runs in the printed page), every chart's data table
open, and the methodology page as an appendix. The HTML is rendered here from the same
templates as the site (a project's ``site_templates/`` too) and printed by Chromium through
Playwright, which is imported only when packets are made.

Packets are gathered first and swapped in at the end, like the site: ``OUT/pdf/`` holds the
packets of the last build that finished, never a half-written set.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
import vl_convert

from scorecard import charts
from scorecard.audience import public_scan
from scorecard.context import Page
from scorecard.facts import Facts, facts_of
from scorecard.findings import has_errors, summary
from scorecard.leaks import PublicScan, scan_texts
from scorecard.model import Audience
from scorecard.pages import Gatherer
from scorecard.project import open_project
from scorecard.render import environment, render_page
from scorecard.site import BuildError, build_lock, recover, swap_in
from scorecard.site.assets import RUNTIME_STYLE, SITE_CSS, asset_text

__all__ = ["PdfError", "PdfReport", "build_pdfs", "packet_html", "page_html", "static_svg"]

#: Where Chromium is looked for, in order, unless SCORECARD_CHROMIUM names one.
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STAGING_PDF = ".staging-pdf"
PRINT_WIDTH = 640  # pixels of a chart on an A4 page inside the margins
MARKDOWN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition"]
PRINT_CSS = "assets/scorecard-print.css"  # the packets' own style sheet, for paper

Progress = Callable[[str, int, int], None]


class PdfError(Exception):
    """The packets could not be made; the previous ones are untouched."""


@dataclass
class PdfReport:
    out: Path
    audience: Audience
    files: list[Path] = field(default_factory=list)


def _noop(stage: str, done: int, total: int) -> None:
    pass


# --- charts as static SVG --------------------------------------------------------------------

_INK = "#1f2328"
_PRINT_THEME: dict[str, Any] = {
    "background": "white",
    "aria": False,
    "font": "sans-serif",
    "axis": {"labelColor": _INK, "titleColor": _INK, "gridColor": "rgba(0, 0, 0, 0.1)"},
    "legend": {"labelColor": _INK, "titleColor": _INK},
    "text": {"color": _INK},
    "point": {"stroke": _INK, "strokeWidth": 0.75},
}
_CHART_DIV = re.compile(
    r'<div class="scorecard-chart" (id="[^"]*") data-spec="([^"]*)"( role="img")'
    r'(?: tabindex="0")?( aria-label="[^"]*")[^>]*></div>'
)


_TABLE_ON_PAGE = re.compile(
    r'<details class="scorecard-chart-data" data-search-exclude data-table-on-page>'
    r".*?</details>\n?",
    re.DOTALL,
)


def static_svg(spec: dict[str, Any], width: int = PRINT_WIDTH) -> str:
    """A chart's spec drawn as SVG at a fixed width, in the light palette, for paper."""
    text = json.dumps(spec).replace("containerSize()[0]", str(width))
    fixed: dict[str, Any] = json.loads(text)
    fixed["width"] = width
    fixed["config"] = {**fixed.get("config", {}), **_PRINT_THEME}
    svg: str = vl_convert.vegalite_to_svg(fixed)
    # One image to assistive technology: the figure's own text alternative names it.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _with_static_charts(body: str) -> str:
    def draw(match: re.Match[str]) -> str:
        ident, spec, role, label = match.group(1, 2, 3, 4)
        svg = static_svg(charts.decode_spec(html.unescape(spec)))
        return (
            f'<div class="scorecard-chart scorecard-chart-static" {ident}{role}{label}>{svg}</div>'
        )

    body = _CHART_DIV.sub(draw, body)
    # A chart's table that the page shows again in its own table is printed once: the page's.
    body = _TABLE_ON_PAGE.sub("", body)
    closed = '<details class="scorecard-chart-data" data-search-exclude>'
    return body.replace(closed, '<details class="scorecard-chart-data" open>')


# --- one packet as HTML ----------------------------------------------------------------------

_BANNER = re.compile(r'^<div class="admonition warning scorecard-internal".*\n', re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_LOCAL_LINK = re.compile(r'<a href="(?!https?:)[^"]*">(.*?)</a>', re.DOTALL)


@functools.cache
def _styles() -> str:
    """The charts' and the site's style sheets, as the site ships them, then the packets' own."""
    charts_css, site_css = asset_text(RUNTIME_STYLE), asset_text(SITE_CSS)
    return f"{charts_css}\n{site_css}\n\n{asset_text(PRINT_CSS)}"


def _markdown_html(text: str) -> str:
    body: str = markdown.markdown(
        _FRONT_MATTER.sub("", text, count=1), extensions=MARKDOWN_EXTENSIONS
    )
    return _LOCAL_LINK.sub(r"\1", body)


def page_html(page_markdown: str) -> str:
    """A page's Markdown (from the page templates) as HTML, its charts drawn as SVG."""
    return _with_static_charts(_markdown_html(page_markdown))


def packet_html(title: str, cover: list[str], page_markdown: str, appendix: str) -> str:
    """The printable HTML of one packet: a cover block, the page, the appendix.

    ``cover`` lines are plain text (escaped here); the page's Markdown comes from the page
    templates, which escape every value from an audit; ``appendix`` is `page_html` of the
    methodology page (the same in every packet, so made once).
    """
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in cover)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        f"<style>{_styles()}</style></head>\n"
        '<body><main class="md-typeset">\n'
        f'<header class="scorecard-cover">{lines}</header>\n'
        f"{page_html(page_markdown)}\n"
        '<section class="scorecard-appendix" aria-label="Appendix: methodology">\n'
        f"{appendix}\n"
        "</section></main></body></html>\n"
    )


def _cover(page: Page, audience: Audience) -> list[str]:
    context = page.context
    who = (
        "Internal: for the board and leadership; do not forward."
        if audience == "internal"
        else "Public: holds only what the public site shows."
    )
    return [
        f"Board packet · {context.name}",
        f"Audit period {context.period}"
        + (f", carried out {context.audited}" if context.audited else "")
        + f" · framework {context.site.framework_version}",
        who,
    ]


# --- printing --------------------------------------------------------------------------------


def _chromium() -> str | None:
    named = os.environ.get("SCORECARD_CHROMIUM")
    if named:
        return named
    return next((path for path in CHROMIUM_PATHS if Path(path).is_file()), None)


_FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 14mm;color:#444;display:flex;'
    'justify-content:space-between"><span>{title}</span>'
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
)


def _print_all(packets: list[tuple[Path, str, str]], progress: Progress) -> None:
    """Print each (path, title, html) to PDF with one headless Chromium."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise PdfError(
            "PDF packets need Playwright (pip install 'hospital-scorecard[pdf]') and Chromium "
            "(apt-get install chromium, or playwright install chromium)"
        ) from err
    executable = _chromium()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_page()
                # Nothing in a packet comes from the network; any request is refused.
                page.route("**/*", lambda route: route.abort())
                for done, (path, title, text) in enumerate(packets, start=1):
                    page.set_content(text, wait_until="load")
                    page.pdf(
                        path=str(path),
                        format="A4",
                        print_background=True,
                        prefer_css_page_size=True,
                        display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=_FOOTER.format(title=html.escape(title)),
                        tagged=True,
                        outline=True,
                    )
                    progress("printing PDF packets", done, len(packets))
            finally:
                browser.close()
    except PlaywrightError as err:
        where = executable or "Playwright's own Chromium"
        raise PdfError(
            f"Chromium ({where}) could not print the packets: {str(err).splitlines()[0]}; "
            "install chromium or set SCORECARD_CHROMIUM to a Chromium executable"
        ) from err


# --- the whole job ---------------------------------------------------------------------------


def gather_packets(facts: Facts, root: Path, audience: Audience) -> list[tuple[str, str, str]]:
    """(institution id, title, HTML) of each institution the audience sees."""
    gatherer = Gatherer(facts.project, facts[audience], public=facts.scores.get("public"))
    env = environment(root / "site_templates")
    methodology = gatherer.methodology()
    # The appendix follows the page: its own copy of the internal banner would repeat it.
    appendix_markdown = _BANNER.sub("", render_page(env, methodology), count=1)
    appendix = page_html(
        re.sub(r"(?m)^# Methodology$", "# Appendix: methodology", appendix_markdown, count=1)
    )
    out = []
    for inst_id in gatherer.shown_ids:
        page = gatherer.institution(inst_id)
        title = f"{page.title} · {page.context.period}"
        text = packet_html(title, _cover(page, audience), render_page(env, page), appendix)
        out.append((inst_id, title, text))
    return out


def _check_public(scan: PublicScan, packets: list[tuple[str, str, str]]) -> None:
    """Public packets hold nothing marked internal: the same scan as the public site's."""
    leak = scan_texts(((inst_id, text) for inst_id, _, text in packets), scan)
    if leak is not None:
        raise PdfError(f"the public packet of {leak.where} would {leak.found}; no packet was made")


def build_pdfs(
    root: Path,
    out: Path | None = None,
    audience: Audience = "internal",
    *,
    progress: Progress = _noop,
) -> PdfReport:
    """Write ``out/pdf/<institution id>.pdf`` for each institution the audience sees."""
    out = (out or root / "site").resolve()
    project, findings = open_project(root)
    if project is None or has_errors(findings, strict=False):
        raise PdfError(summary(findings, strict=False) + "; no packet was made")
    facts = facts_of(project, ("public", audience))
    try:
        packets = gather_packets(facts, root, audience)
    except Exception as err:  # noqa: BLE001 - a template override may fail in any way
        raise PdfError(f"a page template failed: {err}; no packet was made") from err
    if audience == "public":
        _check_public(public_scan(facts.project, facts.texts), packets)
    out.mkdir(parents=True, exist_ok=True)
    report = PdfReport(out / "pdf", audience)
    try:
        with build_lock(out):
            recover(out)
            staging = out / STAGING_PDF
            shutil.rmtree(staging, ignore_errors=True)
            folder = staging / "pdf"
            folder.mkdir(parents=True)
            try:
                jobs = [(folder / f"{i}.pdf", title, text) for i, title, text in packets]
                _print_all(jobs, progress)
                swap_in(folder, out / "pdf")  # the previous packets, if any, go to staging
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except BuildError as err:  # another build holds the lock
        raise PdfError(str(err)) from err
    except OSError as err:
        message = f"cannot write the packets to {out}: {err}; the previous ones were kept"
        raise PdfError(message) from err
    report.files = [out / "pdf" / f"{i}.pdf" for i, _, _ in packets]
    return report
