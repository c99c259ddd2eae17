"""An audience's docs folder: every page rendered from the templates, the project's own pages,
the data files, scripts and styles, and the generated ``mkdocs.yml`` that inherits the
project's own one (``INHERIT``); plain Markdown, so the same site builds with MkDocs'
successors. A large site's institution pages are rendered by forked worker processes."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from scorecard.comparing import ComparingPages
from scorecard.context import Page
from scorecard.evidence_page import EvidencePage
from scorecard.export import scores_csv_parts, scores_json_parts
from scorecard.facts import ScoreSet
from scorecard.model import Audience, Project
from scorecard.opendata import OpenData
from scorecard.pages import Gatherer
from scorecard.parallel import Work, can_fork, start, workers
from scorecard.publications import Publications
from scorecard.render import render_page
from scorecard.schema import schemas
from scorecard.site.assets import (
    COMPARE_CSS,
    COMPARE_JS,
    RUNTIME_CSS,
    RUNTIME_JAVASCRIPT,
    SITE_CSS,
    TABLES_JS,
    WORKER_SHIM,
    asset,
    site_files,
)
from scorecard.site.report import BuildError, Progress
from scorecard.text import ascii_page

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
    #: search index and the sitemap): MkDocs may build them apart (`scorecard.site.parts`).
    standalone_pages: list[str] = field(default_factory=list)


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
    scores: ScoreSet,
    env: jinja2.Environment,
    progress: Progress,
    publications: Publications | None = None,
    site_url: str = "",
    docs: Path | None = None,
    public: ScoreSet | None = None,
) -> AudienceBuild:
    """Every file of the docs folder of the audience ``scores`` are for; ``publications``:
    what the previous build published under another framework (``scorecard.publications``);
    ``site_url``: the site's address, for the snippets that embed badges; ``docs``: the folder
    to write them to as they are made (else they are kept in memory); ``public``: the public
    scores, which the internal site shows beside its own."""
    audience = scores.audience
    gatherer = Gatherer(project, scores, publications, site_url, public)
    opendata = OpenData(gatherer)
    files = DocsFiles(docs)
    page_paths: list[str] = []
    apart = institution_pages_apart(gatherer, env, files)
    # The evidence, computed once for the audience while workers render institution pages.
    compared = [
        *ComparingPages(gatherer).pages(),
        opendata.data_dictionary(),
        EvidencePage(gatherer).page(),
    ]
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
        for path in chain.from_iterable(apart.results()) if apart else ():
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
    _write_data_files(files, audience, scores, publications, opendata)

    fw = project.framework
    nav: list[Any] = [
        {"Overview": "index.md"},
        {"Institutions": "institutions/index.md"},
        {"Compare": "compare.md"},
        {"Peer groups": "peer-groups/index.md"},
        # The theme writes nav titles into every page as they are: escape them.
        {"Pillars": [{html.escape(p.name): f"pillars/{pid}.md"} for pid, p in fw.pillars.items()]},
        {"Evidence": "evidence.md"},
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
    opendata: OpenData,
) -> None:
    """Every score as JSON and CSV, the compare page's data, badges, schemas, scripts and
    styles; the large ones written a piece at a time."""

    def institution_file(inst_id: str, results: list[str]) -> None:
        files[f"data/institutions/{inst_id}.json"] = opendata.institution_json(inst_id, results)

    # Each result is written once, as JSON, into data/scores.json and its institution's file.
    parts = scores_json_parts(scores, publications, compact=True, each_institution=institution_file)
    files.write_parts("data/scores.json", parts)
    for path, text in opendata.data_texts():
        files.write_parts(path, text)
    files.update(opendata.badges())
    files.write_parts("data/scores.csv", scores_csv_parts(scores))
    for name, schema in schemas().items():
        files[f"data/schemas/{name}"] = (json.dumps(schema, indent=2) + "\n").encode("utf-8")
    files.update(site_files())
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


# --- institution pages rendered by workers -------------------------------------------------


#: From this many institutions up, their pages are rendered by forked worker processes while
#: this one renders the other pages and writes the data files.
RENDER_APART_FROM = 200


def institution_pages_apart(
    gatherer: Gatherer, env: jinja2.Environment, files: DocsFiles
) -> Work[list[str]] | None:
    """Start rendering every institution's page in worker processes, each page written to the
    docs folder there. None (the pages are rendered here) for a small site, for files kept in
    memory, or where workers cannot be forked."""
    ids = gatherer.shown_ids
    if len(ids) < RENDER_APART_FROM or files.folder is None or not can_fork():
        return None
    # This process renders the other pages and writes the data files meanwhile, on a core of
    # its own: at 6,000 institutions that takes about as long as their pages on the others.
    count = max(1, workers() - 1)
    size = max(1, min(100, len(ids) // (4 * count)))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    return start(_render_institutions, (gatherer, env, files), chunks, processes=count)


def _render_institutions(
    shared: tuple[Gatherer, jinja2.Environment, DocsFiles], ids: list[str]
) -> list[str]:
    gatherer, env, files = shared
    paths = []
    for inst_id in ids:
        page = gatherer.institution(inst_id)
        files[page.path] = page_text(env, page)
        paths.append(page.path)
        gatherer.latest_audit(inst_id).release()  # its page, written, is its only use here
    return paths


# --- the docs folder and mkdocs.yml --------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How a site is built, beyond what the project's mkdocs.yml says."""

    #: A site that works opened from files (`offline_config`).
    offline: bool = False
    #: The address the site is published at, in place of mkdocs.yml's ``site_url`` (the 404
    #: page, shown at any address, links from there); "" keeps mkdocs.yml's.
    site_url: str = ""


def _write_files(docs: Path, files: DocsFiles) -> None:
    written = DocsFiles(docs)
    written.update(files.items())


def write_staging(
    root: Path,
    staging: Path,
    build: AudienceBuild,
    user_config: Path | None,
    user_data: dict[str, Any],
    options: Options = Options(),  # noqa: B008 - frozen
) -> Path:
    """The docs folder and a generated mkdocs.yml in ``staging``; returns the config path."""
    docs = staging / "docs"
    if options.offline:
        build.files[WORKER_SHIM] = asset(WORKER_SHIM)
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
            *as_list(user_data.get("extra_css")),
            *RUNTIME_CSS,
            SITE_CSS,
            COMPARE_CSS,
        ],
        "extra_javascript": [
            *as_list(user_data.get("extra_javascript")),
            *RUNTIME_JAVASCRIPT,
            TABLES_JS,
            COMPARE_JS,
        ],
        "validation": {"nav": {"omitted_files": "info"}},
        # No web fonts from a CDN: internal sites run on networks without the internet.
        "theme": {"font": False},
    }
    if options.site_url:
        config["site_url"] = options.site_url
    if options.offline:
        config.update(offline_config(user_data))
    if build.audience == "internal":
        overrides = staging / "overrides"
        overrides.mkdir()
        (overrides / "main.html").write_text(OVERRIDE_MAIN, encoding="utf-8")
        config["theme"]["custom_dir"] = "overrides"
    config_path = staging / "mkdocs.yml"
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return config_path


#: The theme's plugin for a site opened from files: pages as files (``use_directory_urls:
#: false``), and the search index as a script.
OFFLINE = "offline"


def plugins_of(user_data: dict[str, Any]) -> dict[str, Any]:
    """The plugins a mkdocs.yml turns on (MkDocs' default: search), by name, with their
    options."""
    plugins = user_data.get("plugins", ["search"])
    if isinstance(plugins, dict):
        return dict(plugins)
    named: dict[str, Any] = {}
    for entry in as_list(plugins):
        if isinstance(entry, dict):
            named.update(entry)
        else:
            named[str(entry)] = None
    return named


def is_offline(user_data: dict[str, Any]) -> bool:
    """Whether a mkdocs.yml turns on the theme's offline plugin (and so pages are files)."""
    for name, options in plugins_of(user_data).items():
        if name in (OFFLINE, f"material/{OFFLINE}"):
            return not (isinstance(options, dict) and options.get("enabled") is False)
    return False


def offline_config(user_data: dict[str, Any]) -> dict[str, Any]:
    """What a generated mkdocs.yml adds to the project's for a site opened from files: pages
    as files, the theme's offline plugin (the search index as a script), and the shim that
    runs the search's worker from files, shipped in the site (`WORKER_SHIM`): the plugin
    would otherwise load it from a CDN, which an intranet cannot reach."""
    offline = (OFFLINE, f"material/{OFFLINE}")
    plugins: list[Any] = [
        name if options is None else {name: options}
        for name, options in plugins_of(user_data).items()
        if name not in offline
    ]
    extra = user_data.get("extra")
    polyfills = as_list(extra.get("polyfills")) if isinstance(extra, dict) else []
    return {
        "use_directory_urls": False,
        "plugins": [*plugins, OFFLINE],
        "extra": {"polyfills": [*polyfills, WORKER_SHIM]},
    }


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []
