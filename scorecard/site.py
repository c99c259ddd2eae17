"""The build: gather every page, write a staging docs folder, run MkDocs, verify, swap in.

Nothing is written until every page of every audience has been rendered. Each audience is
built in a staging folder beside the output; only a build that MkDocs finished and that
passed its checks replaces the previous site, so a failed build leaves the last good site
as it was. The generated ``mkdocs.yml`` inherits the project's own one (``INHERIT``), and
the docs folder is plain Markdown, so the same site builds with MkDocs' successors.
"""

from __future__ import annotations

import calendar
import html
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from scorecard import charts
from scorecard.audience import AUDIENCES, included, internal_texts, public_texts, score_project
from scorecard.export import scores_csv, scores_json
from scorecard.findings import Finding, has_errors, summary
from scorecard.model import Audience, Project
from scorecard.pages import gather
from scorecard.render import environment, render_page
from scorecard.schema import schemas
from scorecard.validate import validate_project

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

Progress = Callable[[str, int, int], None]

TABLES_JS = "assets/scorecard-tables.js"
SITE_CSS = "assets/scorecard-site.css"
ROBOTS_INTERNAL = "User-agent: *\nDisallow: /\n"
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'
OVERRIDE_MAIN = (
    '{% extends "base.html" %}\n'
    "{% block extrahead %}{{ super() }}" + ROBOTS_META + "{% endblock %}\n"
)
DEFAULT_MKDOCS = """\
site_name: Scorecard
theme:
  name: material
  features: [navigation.instant, navigation.tracking, navigation.top]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
markdown_extensions: [admonition]
"""


class BuildError(Exception):
    """The site could not be built; the previous site is untouched."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass
class AudienceBuild:
    audience: Audience
    files: dict[str, bytes]  # docs-relative path -> content
    nav: list[Any]
    page_paths: list[str]


@dataclass
class BuildReport:
    out: Path
    audiences: dict[str, Path] = field(default_factory=dict)
    pages: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _noop(stage: str, done: int, total: int) -> None:
    pass


# --- gather --------------------------------------------------------------------------------


def _user_pages(project: Project) -> list[tuple[str, bytes, str]]:
    """(docs path, content, nav title) for the project's own pages, as they are."""
    out = []
    pages_dir = project.root / "content" / "pages"
    for path in project.pages:
        rel = path.relative_to(pages_dir).as_posix()
        raw = path.read_bytes()
        title = path.stem.replace("-", " ").replace("_", " ").capitalize()
        match = re.search(rb"^#\s+(.+)$", raw, re.MULTILINE)
        if match:
            title = match.group(1).decode("utf-8", "replace").strip()
        out.append((f"pages/{rel}", raw, title))
    return out


def gather_audience(
    project: Project, audience: Audience, env: jinja2.Environment, progress: Progress
) -> AudienceBuild:
    scores = score_project(project, audience)
    total = len(scores.identities) + len(project.framework.pillars) + 5
    done = 0

    def tick(step: int) -> None:
        nonlocal done
        done += step
        progress(f"rendering {audience} pages", done, total)

    files: dict[str, bytes] = {}
    page_paths = []
    for page in gather(project, scores, tick):
        try:
            text = render_page(env, page)
        except Exception as err:  # noqa: BLE001 - a template may fail in any way ({{ 1 / 0 }})
            where, line = _template_location(err, page.templates[-1])
            raise BuildError(
                f"{where}:{line}: template error while rendering {page.path}: {err}; "
                "fix the template in site_templates/ (or remove it to use the built-in one)"
            ) from err
        files[page.path] = text.encode("utf-8")
        page_paths.append(page.path)

    banner = b""
    if audience == "internal":
        banner = env.get_template("_banner.md.j2").render(site={"internal": True}).encode("utf-8")
    user_nav = []
    for path, raw, title in _user_pages(project):
        files[path] = _with_banner(raw, banner) if banner else raw
        page_paths.append(path)
        user_nav.append({title: path})

    files["data/scores.json"] = scores_json(scores).encode("utf-8")
    files["data/scores.csv"] = scores_csv(scores).encode("utf-8")
    for name, schema in schemas().items():
        files[f"data/schemas/{name}"] = (json.dumps(schema, indent=2) + "\n").encode("utf-8")
    files.update(charts.runtime_files())
    files[TABLES_JS] = _TABLES_SCRIPT.encode("utf-8")
    files[SITE_CSS] = _SITE_STYLE.encode("utf-8")
    if audience == "internal":
        files["robots.txt"] = ROBOTS_INTERNAL.encode()

    fw = project.framework
    nav: list[Any] = [
        {"Overview": "index.md"},
        {"Institutions": "institutions/index.md"},
        {"Pillars": [{p.name: f"pillars/{pid}.md"} for pid, p in fw.pillars.items()]},
        {"Methodology": "methodology.md"},
        {"Data": "data.md"},
        *user_nav,
    ]
    return AudienceBuild(audience, files, nav, page_paths)


def _template_location(err: Exception, fallback: str) -> tuple[str, int]:
    """The template file and line of an error: a syntax error names them; an error while
    rendering (an undefined name) is found in the traceback Jinja rewrites to template lines."""
    where, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    if where and line:
        return where, line
    found = (fallback, 1)
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _with_banner(raw: bytes, banner: bytes) -> bytes:
    """Put the internal banner after a page's front matter, if it has any."""
    if raw.startswith(b"---"):
        end = raw.find(b"\n---", 3)
        if end != -1:
            cut = raw.find(b"\n", end + 4)
            cut = len(raw) if cut == -1 else cut + 1
            return raw[:cut] + b"\n" + banner + b"\n" + raw[cut:]
    return banner + b"\n" + raw


# --- write and run MkDocs ------------------------------------------------------------------


def _user_config(root: Path) -> tuple[Path | None, dict[str, Any]]:
    from mkdocs.utils.yaml import yaml_load

    for name in ("mkdocs.yml", "mkdocs.yaml"):
        path = root / name
        if path.is_file():
            try:
                with path.open("rb") as handle:
                    data = yaml_load(handle)
            except Exception as err:  # noqa: BLE001 - any YAML or tag problem in the user's file
                raise BuildError(f"{name}: cannot be read: {err}; fix {name}") from err
            return path, data if isinstance(data, dict) else {}
    return None, {}


def _write_files(docs: Path, files: dict[str, bytes]) -> None:
    for rel, content in files.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def write_staging(
    root: Path,
    staging: Path,
    build: AudienceBuild,
    user_config: Path | None,
    user_data: dict[str, Any],
) -> Path:
    """The docs folder and a generated mkdocs.yml in ``staging``; returns the config path."""
    if staging.exists():
        shutil.rmtree(staging)
    docs = staging / "docs"
    docs.mkdir(parents=True)
    _write_files(docs, build.files)
    if user_config is None:
        user_config = staging / "base-mkdocs.yml"
        user_config.write_text(DEFAULT_MKDOCS, encoding="utf-8")
    config: dict[str, Any] = {
        "INHERIT": os.path.relpath(user_config, staging),
        "docs_dir": "docs",
        "site_dir": "site",
        "nav": build.nav,
        "extra_css": [*_as_list(user_data.get("extra_css")), *charts.RUNTIME_CSS, SITE_CSS],
        "extra_javascript": [
            *_as_list(user_data.get("extra_javascript")),
            *charts.RUNTIME_JAVASCRIPT,
            TABLES_JS,
        ],
        "validation": {"nav": {"omitted_files": "info"}},
        # No web fonts from a CDN: internal sites run on networks without the internet.
        "theme": {"font": False},
    }
    if build.audience == "internal":
        overrides = staging / "overrides"
        overrides.mkdir()
        (overrides / "main.html").write_text(OVERRIDE_MAIN, encoding="utf-8")
        config["theme"]["custom_dir"] = "overrides"
    config_path = staging / "mkdocs.yml"
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return config_path


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def content_epoch(project: Project, audience: Audience) -> int:
    """Midnight (UTC) of the latest `audited:` date the audience sees; 0 without audits."""
    dates = [
        a.data.audited
        for a in project.audits
        if included(project.institutions[a.institution], audience)
    ]
    return calendar.timegm(max(dates).timetuple()) if dates else 0


@contextmanager
def source_date(project: Project, audience: Audience) -> Iterator[None]:
    """SOURCE_DATE_EPOCH from the content while MkDocs runs, unless it is set already.

    MkDocs dates the sitemap (`lastmod`, and the gzip header of sitemap.xml.gz) by it, or
    else by the clock; from the content, the same content always gives the same site.
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if before:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(project, audience))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def run_mkdocs(config_path: Path, *, strict: bool) -> list[str]:
    """Build with MkDocs in this process; returns its warnings."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    old_propagate = logger.propagate
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_path), strict=strict)
        mkdocs_build(config)
    except MkDocsException as err:
        details = "; ".join(collect.messages[-5:])
        raise BuildError(f"MkDocs failed: {err}" + (f" ({details})" if details else "")) from err
    except (OSError, ValueError) as err:
        raise BuildError(f"MkDocs failed: {err}") from err
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    return collect.messages


# --- verify --------------------------------------------------------------------------------


def _output_texts(site: Path) -> Iterable[tuple[Path, str]]:
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in (".png", ".jpg", ".woff", ".woff2", ".ico", ".gz"):
            continue
        if path.name == "scorecard-vega.js" or "/assets/javascripts/" in path.as_posix():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            try:
                raw = " ".join(_strings(json.loads(raw)))
            except ValueError:
                pass
        yield path, " ".join(html.unescape(raw).split())


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def canaries(project: Project) -> list[str]:
    """Internal texts worth scanning for: each line of each text, 6 characters or more."""
    found = set()
    public = "\n".join(" ".join(t.split()) for t in public_texts(project))
    for text in internal_texts(project):
        for line in text.splitlines():
            flat = " ".join(line.split())
            if len(flat) >= 6 and flat not in public:
                found.add(flat)
    return sorted(found)


def verify(site: Path, build: AudienceBuild, project: Project) -> None:
    """Check a built site before it may replace the previous one."""
    missing = [p for p in build.page_paths if not (site / _html_path(p)).is_file()]
    if missing:
        raise BuildError(f"MkDocs did not write {len(missing)} pages, such as {missing[0]}")
    if build.audience == "internal":
        for path in site.rglob("*.html"):
            if ROBOTS_META not in path.read_text(encoding="utf-8", errors="replace"):
                if path.name == "404.html":
                    continue
                raise BuildError(f"internal page {path.relative_to(site)} lacks noindex")
        return
    secrets = canaries(project)
    private_ids = [
        i.id for i in project.institutions.values() if i.data.publish != "named" and len(i.id) >= 5
    ]
    id_pattern = (
        re.compile(r"(?<![a-z0-9-])(" + "|".join(map(re.escape, private_ids)) + r")(?![a-z0-9-])")
        if private_ids
        else None
    )
    for path, text in _output_texts(site):
        for secret in secrets:
            if secret in text:
                raise BuildError(
                    f"the public site would contain internal text ({secret[:40]!r}) in "
                    f"{path.relative_to(site)}; the public build was stopped and the previous "
                    "public site kept"
                )
        if id_pattern is not None and (match := id_pattern.search(text)):
            raise BuildError(
                f"the public site would name the unpublished institution `{match.group(1)}` "
                f"in {path.relative_to(site)}; the previous public site was kept"
            )


def _html_path(md_path: str) -> str:
    stem = md_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


# --- swap ----------------------------------------------------------------------------------


def recover(out: Path) -> None:
    """Finish a swap that a killed build left half done: the previous site comes back."""
    if not out.is_dir():
        return
    for old in out.glob(".old-*"):
        audience = old.name[len(".old-") :]
        target = out / audience
        if not target.exists():
            old.rename(target)
        else:
            shutil.rmtree(old, ignore_errors=True)


def swap_in(new_site: Path, target: Path) -> None:
    """Replace ``target`` with ``new_site``: two renames, recoverable at any point."""
    old = target.parent / f".old-{target.name}"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_site.rename(target)
    if old.exists():
        shutil.rmtree(old)


# --- the whole build -----------------------------------------------------------------------


def build_site(
    root: Path,
    out: Path | None = None,
    audiences: Iterable[Audience] = AUDIENCES,
    *,
    strict: bool = False,
    progress: Progress = _noop,
) -> BuildReport:
    """Validate, score and build the site of each audience into ``out/<audience>/``."""
    started = time.perf_counter()
    out = (out or root / "site").resolve()
    report = BuildReport(out)

    def timed(stage: str, since: float) -> float:
        now = time.perf_counter()
        report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + now - since
        return now

    progress("validating", 0, 1)
    project, findings = validate_project(root)
    report.findings = findings
    if project is None or has_errors(findings, strict=strict):
        raise BuildError(summary(findings, strict=strict) + "; nothing was built", findings)
    clock = timed("validate", started)

    env = environment(root / "site_templates")
    user_config, user_data = _user_config(root)
    builds = [gather_audience(project, a, env, progress) for a in dict.fromkeys(audiences)]
    clock = timed("render", clock)

    out.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging_root = out / ".staging"
    try:
        built: list[tuple[AudienceBuild, Path]] = []
        for build in builds:
            staging = staging_root / build.audience
            progress(f"writing {build.audience} docs", 0, 1)
            config_path = write_staging(root, staging, build, user_config, user_data)
            clock = timed("write", clock)
            progress(f"building {build.audience} site with MkDocs", 0, 1)
            with source_date(project, build.audience):
                report.warnings += run_mkdocs(config_path, strict=strict)
            clock = timed("mkdocs", clock)
            progress(f"checking {build.audience} site", 0, 1)
            verify(staging / "site", build, project)
            clock = timed("verify", clock)
            built.append((build, staging / "site"))
        for build, site in built:
            swap_in(site, out / build.audience)
            report.audiences[build.audience] = out / build.audience
            report.pages += len(build.page_paths)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


_TABLES_SCRIPT = r"""// Sortable tables: select a column heading to sort by it; again to reverse.
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var number = parseFloat(text.replace(/[^0-9.+-]/g, ""));
    return /^[+-]?[0-9]/.test(text) && !isNaN(number) ? number : text.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[index] || a), y = key(b.cells[index] || b);
      if (typeof x === typeof y) return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      return typeof x === "number" ? -1 : 1;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function setup() {
    document.querySelectorAll(".md-typeset table:not([data-sortable])").forEach(function (t) {
      if (!t.tHead || t.closest(".scorecard-chart-figure")) return;
      t.setAttribute("data-sortable", "");
      Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, i) {
        if (th.querySelector("a")) return;
        th.tabIndex = 0;
        th.style.cursor = "pointer";
        th.title = "Sort by this column";
        th.addEventListener("click", function () { sortBy(t, i, th); });
        th.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(t, i, th); }
        });
      });
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
"""

_SITE_STYLE = """/* Grades: a letter in a badge, so a grade is never told by colour alone. */
.scorecard-grade {
  display: inline-block;
  min-width: 1.6em;
  padding: 0 .3em;
  border-radius: .25em;
  font-weight: 700;
  text-align: center;
  line-height: 1.5;
  border: 1px solid rgba(0, 0, 0, .25);
}
.scorecard-grade-a { background: #0072B2; color: #fff; }
.scorecard-grade-b { background: #56B4E9; color: #000; }
.scorecard-grade-c { background: #F0E442; color: #000; }
.scorecard-grade-d { background: #E69F00; color: #000; }
.scorecard-grade-f { background: #D55E00; color: #000; }
.scorecard-grade-none { background: transparent; color: inherit; }
.scorecard-noscore { font-style: italic; opacity: .8; }
.scorecard-score { white-space: nowrap; }
.md-typeset table:not([class]) th[aria-sort="ascending"]::after { content: " \\25B2"; }
.md-typeset table:not([class]) th[aria-sort="descending"]::after { content: " \\25BC"; }
.md-typeset table:not([class]) td small { opacity: .8; }
/* Compact data tables: many columns fit without hiding the first ones. */
.md-typeset table:not([class]) th,
.md-typeset table:not([class]) td { padding: .55em .7em; }
.md-typeset table:not([class]) th { min-width: 0; }
.md-typeset table:not([class]) td:first-child { min-width: 11em; }
.md-typeset .scorecard-internal { margin-top: 0; }
"""
