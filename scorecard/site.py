"""The build: gather every page, write a staging docs folder, run MkDocs, verify, swap in.

Each audience is rendered into a staging folder beside the output, page by page, and built
there; only a build that MkDocs finished and that passed its checks replaces the previous
site, so a failed build leaves the last good site as it was. The generated ``mkdocs.yml``
inherits the project's own one (``INHERIT``), and the docs folder is plain Markdown, so the
same site builds with MkDocs' successors.
"""

from __future__ import annotations

import calendar
import ctypes
import errno
import functools
import gc
import html
import json
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import jinja2

from scorecard import charts, parts
from scorecard.apart import (
    StoppedApart,
    can_fork,
    fork_pool,
    map_apart,
    result_of,
    steps_apart,
    workers,
)
from scorecard.audience import AUDIENCES, ScoreSet, included, public_scan, score_project
from scorecard.comparisons import COMPARE_CSS, COMPARE_JS, Comparisons
from scorecard.explain import Publications, read_publications
from scorecard.export import scores_csv_parts, scores_json_parts
from scorecard.findings import Finding, has_errors, summary
from scorecard.leaks import PublicScan, scan_site
from scorecard.model import Audience, Project
from scorecard.pages import Gatherer, Page
from scorecard.render import environment, page_address, render_page
from scorecard.schema import schemas
from scorecard.text import ascii_page
from scorecard.validate import validate_project

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

Progress = Callable[[str, int, int], None]

TABLES_JS = "assets/scorecard-tables.js"
LAST_DOCS = ".last-docs"
KEPT = "the previous site was kept"
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

    def __reduce__(self) -> tuple[Any, ...]:  # findings too, from the process of the steps
        return (BuildError, (str(self), self.findings))


class DocsFiles:
    """The files of an audience's docs folder, by docs-relative path.

    Given a folder, each file is written there as it comes and only its path is kept: a
    national site has gigabytes of data files. Without one, the files stay in memory.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._kept: dict[str, bytes] = {}
        self._paths: dict[str, None] = {}  # written to the folder, in order
        self._folders: set[Path] = set()

    def _target(self, rel: str) -> Path | None:
        parts = PurePosixPath(rel).parts
        if not parts or parts[0] == "/" or any(p in (".", "..") for p in parts):
            raise BuildError(f"refusing to write {rel!r}: every page must stay inside the site")
        if self.folder is None:
            return None
        target = self.folder / rel
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        self._paths[rel] = None
        return target

    def written(self, rel: str) -> None:
        """A file written to the folder by another process, in the order it was made."""
        if self._target(rel) is None:
            raise ValueError(f"{rel} was written elsewhere, but these files have no folder")

    def __setitem__(self, rel: str, content: bytes) -> None:
        target = self._target(rel)
        if target is None:
            self._kept[rel] = content
        else:
            target.write_bytes(content)

    def write_parts(self, rel: str, parts: Iterable[str]) -> None:
        """A text file written piece by piece (UTF-8)."""
        target = self._target(rel)
        if target is None:
            self._kept[rel] = "".join(parts).encode("utf-8")
            return
        with target.open("w", encoding="utf-8", newline="") as handle:
            for part in parts:
                handle.write(part)

    def update(self, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
        pairs = files.items() if isinstance(files, Mapping) else files
        for rel, content in pairs:
            self[rel] = content

    def __getitem__(self, rel: str) -> bytes:
        if self.folder is None:
            return self._kept[rel]
        return (self.folder / rel).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept if self.folder is None else self._paths)

    def __len__(self) -> int:
        return len(self._kept) + len(self._paths)

    def items(self) -> Iterator[tuple[str, bytes]]:
        for rel in self:
            yield rel, self[rel]


@dataclass
class AudienceBuild:
    audience: Audience
    files: DocsFiles  # written to the docs folder, or in memory
    nav: list[Any]
    page_paths: list[str]
    #: Pages outside the navigation, whose output no other page's depends on (but for the
    #: search index and the sitemap): MkDocs may build them apart (`scorecard.parts`).
    standalone_pages: list[str] = field(default_factory=list)


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
    project: Project,
    audience: Audience,
    env: jinja2.Environment,
    progress: Progress,
    publications: Publications | None = None,
    site_url: str = "",
    docs: Path | None = None,
) -> AudienceBuild:
    """Every file of one audience's docs folder; ``publications``: what the previous build
    published under another framework (``scorecard.explain``); ``site_url``: the site's address,
    for the snippets that embed badges; ``docs``: the folder to write them to as they are made
    (else they are kept in memory)."""
    scores = score_project(project, audience)
    gatherer = Gatherer(project, scores, publications, site_url)
    comparisons = Comparisons(gatherer)
    files = DocsFiles(docs)
    page_paths: list[str] = []
    apart = institution_pages_apart(gatherer, env, files)
    compared = comparisons.pages()  # compare, peer groups, data dictionary
    # home, institutions, methodology, data; each institution and pillar; the pages compared
    total = 4 + len(gatherer.shown_ids) + len(project.framework.pillars) + len(compared)
    done = 0

    def tick(step: int) -> None:
        nonlocal done
        done += step
        progress(f"rendering {audience} pages", done, total)

    try:
        for page in chain(gatherer.pages(institutions=apart is None), compared):
            files[page.path] = page_text(env, page)
            page_paths.append(page.path)
            tick(1)
        user_nav = _write_user_pages(project, audience, env, files, page_paths)
        for path in apart.paths() if apart else ():
            files.written(path)
            page_paths.append(path)
            tick(1)
    except BaseException:
        if apart:
            apart.stop()  # the build failed: the workers' pages are not needed
        raise
    # The data files come after the institution pages: made meanwhile, they would touch, and
    # so copy, much of the memory this process shares with the workers (at 6,000 x 20 the
    # build's peak grew by about 430 MB, to 1.85 GB, for 9 s less).
    _write_data_files(files, audience, scores, publications, comparisons)

    fw = project.framework
    nav: list[Any] = [
        {"Overview": "index.md"},
        {"Institutions": "institutions/index.md"},
        {"Compare": "compare.md"},
        {"Peer groups": "peer-groups/index.md"},
        # The theme writes nav titles into every page as they are: escape them.
        {"Pillars": [{html.escape(p.name): f"pillars/{pid}.md"} for pid, p in fw.pillars.items()]},
        {"Methodology": "methodology.md"},
        {"Data": "data.md"},
        {"Data dictionary": "data-dictionary.md"},
        *user_nav,
    ]
    standalone = [f"institutions/{i}.md" for i in gatherer.shown_ids]
    return AudienceBuild(audience, files, nav, page_paths, standalone)


def _write_user_pages(
    project: Project,
    audience: Audience,
    env: jinja2.Environment,
    files: DocsFiles,
    paths: list[str],
) -> list[dict[str, str]]:
    """The project's own pages (``pages/``), with the internal banner where it applies; their
    entries in the navigation."""
    banner = b""
    if audience == "internal":
        banner = env.get_template("_banner.md.j2").render(site={"internal": True}).encode("utf-8")
    nav = []
    for path, raw, title in _user_pages(project):
        files[path] = _with_banner(raw, banner) if banner else raw
        paths.append(path)
        nav.append({html.escape(title): path})
    return nav


def _write_data_files(
    files: DocsFiles,
    audience: Audience,
    scores: ScoreSet,
    publications: Publications | None,
    comparisons: Comparisons,
) -> None:
    """Every score as JSON and CSV, the compare page's data, badges, schemas, scripts and
    styles; the large ones written a piece at a time."""

    def institution_file(inst_id: str, results: list[str]) -> None:
        files[f"data/institutions/{inst_id}.json"] = comparisons.institution_json(inst_id, results)

    # Each result is written once, as JSON, into data/scores.json and its institution's file.
    parts = scores_json_parts(scores, publications, compact=True, each_institution=institution_file)
    files.write_parts("data/scores.json", parts)
    for path, text in comparisons.data_texts():
        files.write_parts(path, text)
    files.update(comparisons.files())
    files.write_parts("data/scores.csv", scores_csv_parts(scores))
    for name, schema in schemas().items():
        files[f"data/schemas/{name}"] = (json.dumps(schema, indent=2) + "\n").encode("utf-8")
    files.update(charts.runtime_files())
    files[TABLES_JS] = _TABLES_SCRIPT.encode("utf-8")
    files[SITE_CSS] = SITE_STYLE.encode("utf-8")
    if audience == "internal":
        files["robots.txt"] = ROBOTS_INTERNAL.encode()


def page_text(env: jinja2.Environment, page: Page) -> bytes:
    """A page rendered from its templates, with the footer that names its framework."""
    try:
        text = render_page(env, page)
    except Exception as err:  # noqa: BLE001 - a template may fail in any way ({{ 1 / 0 }})
        where, line = _template_location(err, page.templates[-1])
        raise BuildError(
            f"{where}:{line}: template error while rendering {page.path}: {err}; "
            "fix the template in site_templates/ (or remove it to use the built-in one)"
        ) from err
    prefix = "../" * page.path.count("/")
    text += env.get_template("_footer.md.j2").render(site=page.context.site, prefix=prefix)
    return ascii_page(text).encode("utf-8")


#: From this many institutions up, their pages are rendered by forked worker processes while
#: this one renders the other pages and writes the data files.
RENDER_APART_FROM = 200
_rendering: tuple[Gatherer, jinja2.Environment, DocsFiles] | None = None  # for the workers


class RenderingApart:
    """Institution pages being rendered by worker processes, a run of them in each task."""

    def __init__(self, pool: ProcessPoolExecutor, tasks: list[Future[list[str]]]) -> None:
        self.pool = pool
        self.tasks = tasks

    def paths(self) -> Iterator[str]:
        """The paths of the pages, in order, as the workers finish them; a worker's error is
        raised here (and the caller calls `stop`)."""
        for task in self.tasks:
            yield from result_of(task)
        self.pool.shutdown()

    def stop(self) -> None:
        """Stop the workers, when the build failed (in them, or here meanwhile)."""
        self.pool.shutdown(cancel_futures=True)


def institution_pages_apart(
    gatherer: Gatherer, env: jinja2.Environment, files: DocsFiles
) -> RenderingApart | None:
    """Start rendering every institution's page in worker processes, each page written to the
    docs folder there. None (the pages are rendered here) for a small site, for files kept in
    memory, or where workers cannot be forked."""
    global _rendering
    ids = gatherer.shown_ids
    if len(ids) < RENDER_APART_FROM or files.folder is None or not can_fork():
        return None
    # This process renders the other pages and writes the data files meanwhile, on a core of
    # its own: at 6,000 institutions that takes about as long as their pages on the others.
    count = max(1, workers() - 1)
    size = max(1, min(100, len(ids) // (4 * count)))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    pool = fork_pool(count)
    _rendering = (gatherer, env, files)  # the workers, forked at the first task, keep a copy
    # What exists now is left out of the workers' garbage collection: a collection there
    # would write to every object, and so copy every page of memory they share with this one.
    gc.freeze()
    try:
        done = [pool.submit(_render_institutions, chunk) for chunk in chunks]
    finally:
        gc.unfreeze()
        _rendering = None

    return RenderingApart(pool, done)


def _render_institutions(ids: list[str]) -> list[str]:
    assert _rendering is not None, "institution pages are rendered by forked workers"
    gatherer, env, files = _rendering
    paths = []
    for inst_id in ids:
        page = gatherer.institution(inst_id)
        files[page.path] = page_text(env, page)
        paths.append(page.path)
        gatherer.latest_audit(inst_id).release()  # its page, written, is its only use here
    return paths


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


def _write_files(docs: Path, files: DocsFiles) -> None:
    written = DocsFiles(docs)
    written.update(files.items())


def write_staging(
    root: Path,
    staging: Path,
    build: AudienceBuild,
    user_config: Path | None,
    user_data: dict[str, Any],
) -> Path:
    """The docs folder and a generated mkdocs.yml in ``staging``; returns the config path."""
    docs = staging / "docs"
    if build.files.folder != docs:  # else the files were written there as they were made
        if staging.exists():
            shutil.rmtree(staging)
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
        "extra_css": [
            *_as_list(user_data.get("extra_css")),
            *charts.RUNTIME_CSS,
            SITE_CSS,
            COMPARE_CSS,
        ],
        "extra_javascript": [
            *_as_list(user_data.get("extra_javascript")),
            *charts.RUNTIME_JAVASCRIPT,
            TABLES_JS,
            COMPARE_JS,
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


def _may_build_in_parts(user_data: dict[str, Any]) -> bool:
    """Whether the project's mkdocs.yml leaves each page's output independent of which other
    pages one MkDocs build makes (`scorecard.parts`): no plugin but the theme's search, no hooks
    and no exclusions of its own."""
    plugins = user_data.get("plugins") or ["search"]
    if isinstance(plugins, dict):
        names = list(plugins)
    else:
        names = [next(iter(p), None) if isinstance(p, dict) else p for p in _as_list(plugins)]
    if not set(names) <= {"search", "material/search"}:
        return False
    return not any(user_data.get(k) for k in ("hooks", "exclude_docs", "draft_docs", "not_in_nav"))


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
        a.audited for a in project.audits if included(project.institutions[a.institution], audience)
    ]
    return calendar.timegm(max(dates).timetuple()) if dates else 0


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH from the content while MkDocs runs, unless it is set already.

    MkDocs dates the sitemap (`lastmod`, and the gzip header of sitemap.xml.gz) by it, or
    else by the clock; from the content (``content_epoch``), the same content always gives the
    same site.
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if before:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _return_freed_memory() -> None:
    """Give the memory Python has freed back to the system (glibc keeps it otherwise), so
    that MkDocs, which holds every page at once, starts from what is still in use."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


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
    except ValueError as err:  # an OSError (a full disk) is told by build_site
        raise BuildError(f"MkDocs failed: {err}") from err
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    return collect.messages


def build_with_mkdocs(
    config_path: Path, build: AudienceBuild, *, strict: bool, in_parts: bool = True
) -> list[str]:
    """Build the staged site with MkDocs; returns its warnings. A site with many standalone
    pages is built in parts, one on each core (`scorecard.parts`), each in a forked process,
    where ``in_parts`` (the project's mkdocs.yml allows it: `_may_build_in_parts`)."""
    docs = config_path.parent / "docs"
    excludes = (
        parts.plan(docs, build.page_paths, build.standalone_pages, workers())
        if in_parts and can_fork()
        else []
    )
    if not excludes:
        return run_mkdocs(config_path, strict=strict)
    made = parts.write_configs(config_path, excludes)
    try:
        warnings = map_apart(functools.partial(run_part, strict=strict), made)
    except StoppedApart as err:
        raise BuildError(f"MkDocs stopped before its end ({err}); {KEPT}") from None
    finally:
        for part in made:
            part.config.unlink()
    parts.put_together(made[0].site, [part.site for part in made[1:]])
    # What the config says, each part says again; what a page says, only its part says.
    return list(dict.fromkeys(w for part in warnings for w in part))


def run_part(part: parts.Part, *, strict: bool) -> list[str]:
    return run_mkdocs(part.config, strict=strict)


# --- verify --------------------------------------------------------------------------------


def verify(
    site: Path, build: AudienceBuild, project: Project | PublicScan, directory_urls: bool = True
) -> None:
    """Check a built site before it may replace the previous one; ``directory_urls``: the
    project's use_directory_urls (a page is page/index.html, else page.html)."""
    missing = [p for p in build.page_paths if not (site / _html_path(p, directory_urls)).is_file()]
    if missing:
        raise BuildError(f"MkDocs did not write {len(missing)} pages, such as {missing[0]}")
    if build.audience == "internal":
        for path in site.rglob("*.html"):
            if ROBOTS_META not in path.read_text(encoding="utf-8", errors="replace"):
                if path.name == "404.html":
                    continue
                raise BuildError(f"internal page {path.relative_to(site)} lacks noindex")
        return
    scan = project if isinstance(project, PublicScan) else public_scan(project)
    try:
        leak = scan_site(site, scan)
    except StoppedApart as err:
        raise BuildError(f"checking the site stopped before its end ({err}); {KEPT}") from None
    if leak is not None and leak.internal_text is not None:
        raise BuildError(
            f"the public site would contain internal text ({leak.internal_text[:40]!r}) in "
            f"{leak.where}; the public build was stopped and the previous public site kept"
        )
    if leak is not None:
        raise BuildError(
            f"the public site would name the unpublished institution `{leak.unpublished_id}` "
            f"in {leak.where}; the previous public site was kept"
        )


def _html_path(md_path: str, directory_urls: bool = True) -> str:
    """The file MkDocs writes for a page."""
    address = page_address(md_path, directory_urls)
    return f"{address}index.html" if address.endswith("/") or not address else address


# --- swap ----------------------------------------------------------------------------------
#
# Each audience is built in ``out/.staging/<audience>/site`` and swapped in as ``out/<audience>``.
# Where the system can exchange two paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS
# renamex_np RENAME_SWAP), the swap is that single step: at any moment ``out/<audience>`` is
# the whole previous site or the whole new one, and the old one is left in the staging folder,
# which the build (or the next one, after a kill) deletes. Elsewhere the swap is two renames,
# and a build killed between them is finished by ``recover`` at the next build.

LOCK_FILE = ".lock"
STAGING = ".staging"


def _exchange_function() -> Callable[[bytes, bytes], int] | None:
    """The system's atomic exchange of two paths, where it has one."""
    import ctypes

    if sys.platform.startswith("linux"):
        name, args = "renameat2", True
    elif sys.platform == "darwin":
        name, args = "renamex_np", False
    else:
        return None
    try:
        func = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    func.restype = ctypes.c_int
    if args:  # renameat2(AT_FDCWD, old, AT_FDCWD, new, RENAME_EXCHANGE)
        path, fd = ctypes.c_char_p, ctypes.c_int
        func.argtypes = [fd, path, fd, path, ctypes.c_uint]
        return lambda a, b: int(func(-100, a, -100, b, 2))
    func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]  # RENAME_SWAP
    return lambda a, b: int(func(a, b, 2))


_EXCHANGE = _exchange_function()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system or file system cannot."""
    import ctypes

    if _EXCHANGE is None:
        return False
    if _EXCHANGE(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(out: Path) -> None:
    """Clean up after a build that was killed: staging folders go, a half swap is finished."""
    if not out.is_dir():
        return
    _remove(out / STAGING)
    for audience in AUDIENCES:
        old, target = out / f".old-{audience}", out / audience
        if not old.exists():
            continue
        if not target.exists() and not target.is_symlink():
            old.rename(target)
        else:
            _remove(old)


def swap_in(new_site: Path, target: Path) -> None:
    """Replace ``target`` with ``new_site`` in one step where the system allows (see above);
    ``new_site``'s path then holds the previous site, for the caller to delete."""
    if not target.exists() and not target.is_symlink():
        new_site.rename(target)
        return
    if exchange(new_site, target):
        return
    old = target.parent / f".old-{target.name}"
    _remove(old)
    target.rename(old)
    new_site.rename(target)
    _remove(old)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build at a time writes to ``out``: a lock on ``out/.lock``, freed when the build
    ends in any way, a kill included."""
    if sys.platform == "win32":  # pragma: no cover - no flock; builds are not serialised
        yield
        return
    import fcntl

    with (out / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"another build is writing to {out}; wait for it or use --out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def io_problem(err: OSError, out: Path) -> str:
    """What went wrong writing the site, in words, and what to do."""
    where = err.filename or out
    kept = KEPT
    if err.errno == errno.ENOSPC:
        return f"no space left on the device that holds {out}; free some space; {kept}"
    if err.errno == errno.EDQUOT:
        return f"disk quota exceeded writing {where}; free some space; {kept}"
    if err.errno == errno.EROFS:
        return f"{where} is on a read-only file system; choose another folder with --out; {kept}"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write {where}; choose another folder with --out; {kept}"
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"{where} (or a folder above it) is not a folder; choose another --out; {kept}"
    return f"cannot write {where}: {err.strerror or err}; {kept}"


# --- the whole build -----------------------------------------------------------------------


@dataclass
class Checked:
    """The first step of a build: what validation found, and whether the build goes on."""

    findings: list[Finding]
    ok: bool
    seconds: dict[str, float]


@dataclass
class Staged:
    """The second step: each audience's docs folder and mkdocs.yml, ready for MkDocs."""

    staged: list[tuple[AudienceBuild, Path]]
    epochs: dict[Audience, int]
    scan: PublicScan | None
    seconds: dict[str, float]
    in_parts: bool  # the project's mkdocs.yml lets MkDocs build in parts (`_may_build_in_parts`)
    directory_urls: bool  # its use_directory_urls: a page is page/index.html, else page.html


def prepare(
    root: Path, out: Path, audiences: tuple[Audience, ...], strict: bool, progress: Progress
) -> Iterator[Checked | Staged]:
    """The steps of a build before MkDocs: validate and score (`Checked`), then, once asked
    again (the caller holds the build lock), render every page into the staging folder
    (`Staged`)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def timed(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - clock
        clock = now

    # The Vega bundle, made on another core meanwhile; started while this process is small,
    # since a forked process holds on to the memory it shares as this one changes it.
    charts.start_runtime()
    progress("validating", 0, 1)
    project, findings = validate_project(root, audiences)
    ok = project is not None and not has_errors(findings, strict=strict)
    user_config, user_data = _user_config(root) if ok else (None, {})
    timed("validate")
    yield Checked(findings, ok, seconds)
    if project is None or not ok:
        return
    seconds = {}
    directory_urls = user_data.get("use_directory_urls", True) is not False
    env = environment(root / "site_templates", directory_urls=directory_urls)
    site_url = str(user_data.get("site_url") or "")
    staged: list[tuple[AudienceBuild, Path]] = []
    for audience in audiences:
        staging = out / STAGING / audience
        if staging.exists():
            shutil.rmtree(staging)
        # What the previous build of the audience published under another framework.
        previous = read_publications(
            out / audience / "data" / "scores.json", project.framework.sha256
        )
        # Pages go to the staging docs folder as they are rendered.
        build = gather_audience(
            project, audience, env, progress, previous, site_url, docs=staging / "docs"
        )
        timed("render")
        staged.append((build, write_staging(root, staging, build, user_config, user_data)))
        timed("write")
    epochs = {a: content_epoch(project, a) for a in audiences}
    scan = public_scan(project) if "public" in audiences else None
    del project  # MkDocs holds every page at once: what the project held is let go first
    in_parts = _may_build_in_parts(user_data)
    yield Staged(staged, epochs, scan, seconds, in_parts, directory_urls)


def build_site(
    root: Path,
    out: Path | None = None,
    audiences: Iterable[Audience] = AUDIENCES,
    *,
    strict: bool = False,
    progress: Progress = _noop,
    keep_docs: bool = False,
) -> BuildReport:
    """Validate, score and build the site of each audience into ``out/<audience>/``.

    Validating and rendering run in a process of their own where the system forks (see
    `scorecard.apart`): MkDocs, which holds every page at once, then starts without the
    memory they took. ``keep_docs`` keeps the generated docs folder and mkdocs.yml of each
    audience in ``out/.last-docs/<audience>/`` (for benchmarks and for debugging templates).
    """
    started = time.perf_counter()
    out = (out or root / "site").resolve()
    report = BuildReport(out)
    chosen = tuple(dict.fromkeys(audiences))
    with closing(steps_apart(lambda: prepare(root, out, chosen, strict, progress))) as steps:
        checked = _next_step(
            steps, Checked, "validating stopped before its end", "nothing was built"
        )
        report.findings = checked.findings
        report.stage_seconds.update(checked.seconds)
        if not checked.ok:
            raise BuildError(
                summary(checked.findings, strict=strict) + "; nothing was built",
                checked.findings,
            )
        staging_root = out / STAGING
        try:
            out.mkdir(parents=True, exist_ok=True)
            with build_lock(out):
                recover(out)
                try:
                    prepared = _next_step(
                        steps,
                        Staged,
                        "rendering stopped before its end",
                        KEPT,
                    )
                    steps.close()  # the process of the steps ends, and its memory is free
                    report.stage_seconds.update(prepared.seconds)
                    _build_staged(prepared, report, strict=strict, progress=progress)
                finally:
                    if keep_docs and staging_root.is_dir():
                        shutil.rmtree(out / LAST_DOCS, ignore_errors=True)
                        staging_root.rename(out / LAST_DOCS)
                    shutil.rmtree(staging_root, ignore_errors=True)
        except OSError as err:
            raise BuildError(io_problem(err, out)) from err
    report.seconds = time.perf_counter() - started
    return report


StepT = TypeVar("StepT", Checked, Staged)


def _next_step(
    steps: Iterator[Checked | Staged], kind: type[StepT], stopped: str, kept: str
) -> StepT:
    """The next step of `prepare`, of the kind expected; a process of the steps that ended
    without a word (killed for want of memory, say) is a `BuildError`."""
    try:
        step = next(steps)
    except StoppedApart as err:
        raise BuildError(f"{stopped} ({err}); {kept}") from None
    assert isinstance(step, kind)
    return step


def _build_staged(
    prepared: Staged, report: BuildReport, *, strict: bool, progress: Progress
) -> None:
    """MkDocs builds each staged audience, the built site is checked, and only when every
    audience passed are they swapped in."""
    gc.collect()
    _return_freed_memory()  # what the steps before held, when they ran in this process
    built: list[tuple[AudienceBuild, Path]] = []
    for build, config_path in prepared.staged:
        clock = time.perf_counter()
        progress(f"building {build.audience} site with MkDocs", 0, 1)
        with source_date(prepared.epochs[build.audience]):
            report.warnings += build_with_mkdocs(
                config_path, build, strict=strict, in_parts=prepared.in_parts
            )
        gc.collect()
        _return_freed_memory()  # what MkDocs held, before the site is read back
        now = time.perf_counter()
        report.stage_seconds["mkdocs"] = report.stage_seconds.get("mkdocs", 0.0) + now - clock
        progress(f"checking {build.audience} site", 0, 1)
        site = config_path.parent / "site"
        verify(site, build, prepared.scan or PublicScan([], []), prepared.directory_urls)
        report.stage_seconds["verify"] = (
            report.stage_seconds.get("verify", 0.0) + time.perf_counter() - now
        )
        built.append((build, site))
    for build, site in built:
        swap_in(site, report.out / build.audience)
        report.audiences[build.audience] = report.out / build.audience
        report.pages += len(build.page_paths)


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
    // Material's search is a dialog without a name; screen readers announce it as "Search".
    var search = document.querySelector(".md-search[role='dialog']:not([aria-label])");
    if (search) search.setAttribute("aria-label", "Search");
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

SITE_STYLE = """/* Grades: a letter in a badge, so a grade is never told by colour alone. */
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
/* Accessibility (WCAG 2.1 AA): links in text are underlined, not told by colour alone; the
   footer's small print and the sort headings' focus are visible on both palettes. */
.md-typeset p a, .md-typeset li a, .md-typeset td a { text-decoration: underline; }
.md-copyright { color: var(--md-footer-fg-color--light); }
.md-typeset table:not([class]) th[tabindex]:focus-visible { outline: 3px solid currentColor; }
.md-typeset .scorecard-summary { font-size: 1.05em; }
@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-search, .md-top, .md-dialog,
  .md-content__button, .headerlink { display: none !important; }
  .md-main__inner, .md-content__inner { margin: 0 !important; padding: 0 !important; }
  .md-content { max-width: none !important; }
  .md-typeset__scrollwrap, .md-typeset__table { overflow: visible !important; }
  .md-typeset__scrollwrap { margin: 1em 0 !important; }
  .md-typeset table:not([class]) { display: table; font-size: .7rem; }
  .md-typeset tr, .md-typeset thead { break-inside: avoid; page-break-inside: avoid; }
  .md-typeset thead { display: table-header-group; }
  .md-typeset h1, .md-typeset h2, .md-typeset h3 { break-after: avoid; page-break-after: avoid; }
  .md-typeset a[rel~="noopener"]::after, .md-typeset a[data-scorecard-outside]::after {
    content: " (" attr(href) ")"; font-size: .85em; word-break: break-all;
  }
}
"""
