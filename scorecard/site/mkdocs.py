"""Running MkDocs on a staged docs folder: the project's own ``mkdocs.yml`` read as MkDocs
reads it, the sitemap dated by the content, and a large site built in parts, one on each core
(`scorecard.site.parts`). Only this module imports MkDocs."""

from __future__ import annotations

import calendar
import ctypes
import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scorecard.audience import included, shown_date
from scorecard.model import Audience, Project
from scorecard.parallel import WorkerStopped, can_fork, each_apart, workers
from scorecard.site import parts
from scorecard.site.docs import AudienceBuild, plugins_of
from scorecard.site.report import KEPT, BuildError

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def read_user_config(root: Path) -> tuple[Path | None, dict[str, Any]]:
    """The project's own mkdocs.yml, read as MkDocs reads it: its path (None without one) and
    its data."""
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


def may_build_in_parts(user_data: dict[str, Any]) -> bool:
    """Whether the project's mkdocs.yml leaves each page's output independent of which other
    pages one MkDocs build makes (`scorecard.site.parts`): no plugin but the theme's search,
    no hooks and no exclusions of its own. Not the theme's offline plugin either, which
    writes the search index as a script after each part, from that part's pages alone."""
    if not set(plugins_of(user_data)) <= {"search", "material/search"}:
        return False
    return not any(user_data.get(k) for k in ("hooks", "exclude_docs", "draft_docs", "not_in_nav"))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def content_epoch(project: Project, audience: Audience) -> int:
    """Midnight (UTC) of the latest `audited:` date the audience sees; 0 without audits."""
    dates = [
        when
        for a in project.audits
        if included(project.institutions[a.institution], audience)
        and (when := shown_date(a, audience)) is not None
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


def return_freed_memory() -> None:
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
    pages is built in parts, one on each core (`scorecard.site.parts`), each in a forked process,
    where ``in_parts`` (the project's mkdocs.yml allows it: `may_build_in_parts`)."""
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
        warnings = each_apart(functools.partial(run_part, strict=strict), made)
    except WorkerStopped as err:
        raise BuildError(f"MkDocs stopped before its end ({err}); {KEPT}") from None
    finally:
        for part in made:
            part.config.unlink()
    parts.put_together(made[0].site, [part.site for part in made[1:]])
    # What the config says, each part says again; what a page says, only its part says.
    return list(dict.fromkeys(w for part in warnings for w in part))


def run_part(part: parts.Part, *, strict: bool) -> list[str]:
    return run_mkdocs(part.config, strict=strict)
