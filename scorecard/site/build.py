"""The whole build: validate and score, gather every page into a staging docs folder, run
MkDocs, verify, swap in.

Each audience is rendered into a staging folder beside the output, page by page, and built
there; only a build that MkDocs finished and that passed its checks replaces the previous
site, so a failed build leaves the last good site as it was.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from scorecard.audience import AUDIENCES, public_scan
from scorecard.facts import facts_of
from scorecard.findings import Finding, has_errors, summary
from scorecard.leaks import PublicScan
from scorecard.model import Audience
from scorecard.parallel import WorkerStopped, steps_apart
from scorecard.project import open_project
from scorecard.publications import read_publications
from scorecard.render import environment
from scorecard.site.assets import start_runtime
from scorecard.site.docs import (
    AudienceBuild,
    Options,
    gather_audience,
    is_offline,
    offline_config,
    write_staging,
)
from scorecard.site.mkdocs import (
    build_with_mkdocs,
    content_epoch,
    may_build_in_parts,
    read_user_config,
    return_freed_memory,
    source_date,
)
from scorecard.site.publish import LAST_DOCS, STAGING, build_lock, io_problem, recover, swap_in
from scorecard.site.report import KEPT, BuildError, BuildReport, Progress
from scorecard.site.verify import verify


def _noop(stage: str, done: int, total: int) -> None:
    pass


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
    in_parts: bool  # the project's mkdocs.yml lets MkDocs build in parts (`may_build_in_parts`)
    directory_urls: bool  # its use_directory_urls: a page is page/index.html, else page.html


def prepare(
    root: Path,
    out: Path,
    audiences: tuple[Audience, ...],
    strict: bool,
    progress: Progress,
    options: Options = Options(),  # noqa: B008 - frozen
) -> Iterator[Checked | Staged]:
    """The steps of a build before MkDocs: open the project (`Checked`), then, once asked
    again (the caller holds the build lock), score it and render every page into the staging
    folder (`Staged`)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def timed(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - clock
        clock = now

    # The Vega bundle, made on another core meanwhile; started while this process is small,
    # since a forked process holds on to the memory it shares as this one changes it.
    start_runtime()
    progress("validating", 0, 1)
    project, findings = open_project(root)
    ok = project is not None and not has_errors(findings, strict=strict)
    user_config, user_data = read_user_config(root) if ok else (None, {})
    timed("validate")
    yield Checked(findings, ok, seconds)
    if project is None or not ok:
        return
    seconds = {}
    # The internal site shows beside each score the public one: the public is scored with it.
    facts = facts_of(project, ("public", *audiences) if "internal" in audiences else audiences)
    timed("score")
    # Opened from files (the project's mkdocs.yml may turn the theme's offline plugin on too),
    # pages are files: the addresses of links that MkDocs does not rewrite follow.
    options = replace(options, offline=options.offline or is_offline(user_data))
    directory_urls = not options.offline and user_data.get("use_directory_urls", True) is not False
    env = environment(root / "site_templates", directory_urls=directory_urls)
    site_url = options.site_url or str(user_data.get("site_url") or "")
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
            project,
            facts[audience],
            env,
            progress,
            previous,
            site_url,
            docs=staging / "docs",
            public=facts.scores.get("public"),
        )
        timed("render")
        config = write_staging(root, staging, build, user_config, user_data, options)
        staged.append((build, config))
        timed("write")
    epochs = {a: content_epoch(project, a) for a in audiences}
    scan = public_scan(facts.project, facts.texts) if "public" in audiences else None
    del project, facts  # MkDocs holds every page at once: what these held is let go first
    in_parts = may_build_in_parts(
        {**user_data, **offline_config(user_data)} if options.offline else user_data
    )
    yield Staged(staged, epochs, scan, seconds, in_parts, directory_urls)


def build_site(
    root: Path,
    out: Path | None = None,
    audiences: Iterable[Audience] = AUDIENCES,
    *,
    strict: bool = False,
    progress: Progress = _noop,
    keep_docs: bool = False,
    options: Options = Options(),  # noqa: B008 - frozen
) -> BuildReport:
    """Validate, score and build the site of each audience into ``out/<audience>/``.

    Validating and rendering run in a process of their own where the system forks (see
    `scorecard.parallel`): MkDocs, which holds every page at once, then starts without the
    memory they took. ``keep_docs`` keeps the generated docs folder and mkdocs.yml of each
    audience in ``out/.last-docs/<audience>/`` (for benchmarks and for debugging templates);
    ``options``: how the site is built beyond what the project's mkdocs.yml says.
    """
    started = time.perf_counter()
    out = (out or root / "site").resolve()
    report = BuildReport(out)
    chosen = tuple(dict.fromkeys(audiences))
    with closing(
        steps_apart(lambda: prepare(root, out, chosen, strict, progress, options))
    ) as steps:
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
    except WorkerStopped as err:
        raise BuildError(f"{stopped} ({err}); {kept}") from None
    assert isinstance(step, kind)
    return step


def _build_staged(
    prepared: Staged, report: BuildReport, *, strict: bool, progress: Progress
) -> None:
    """MkDocs builds each staged audience, the built site is checked, and only when every
    audience passed are they swapped in."""
    gc.collect()
    return_freed_memory()  # what the steps before held, when they ran in this process
    built: list[tuple[AudienceBuild, Path]] = []
    for build, config_path in prepared.staged:
        clock = time.perf_counter()
        progress(f"building {build.audience} site with MkDocs", 0, 1)
        with source_date(prepared.epochs[build.audience]):
            report.warnings += build_with_mkdocs(
                config_path, build, strict=strict, in_parts=prepared.in_parts
            )
        gc.collect()
        return_freed_memory()  # what MkDocs held, before the site is read back
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
