"""A deterministic generator of sample scorecard projects.

`write_sample_project` writes a complete project (``mkdocs.yml``, institutions, audits and an
about page) in the layout of SPEC.md, with values drawn around the published benchmarks of the
built-in framework. The same arguments always give byte-identical files. Every institution is
fictional: names are built from invented place names.

The package depends only on the standard library and PyYAML, and imports nothing from
``scorecard`` outside itself, so that tests and benchmarks can use it on its own::

    python -m scorecard.sample DIR [--institutions N] [--periods P] [--seed S] [--lean]

Its modules: ``metrics`` (the framework's metrics as the simulation draws them), ``periods``,
``institutions`` (who the institutions are and how they change from period to period),
``writing`` (the text of the institution and audit files) and ``texts`` (the fixed names and
notes, and the site's own files, kept as data in ``data/``).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from scorecard.sample.institutions import _make_institutions
from scorecard.sample.metrics import FRAMEWORK_PATH, _load_metrics
from scorecard.sample.periods import _periods
from scorecard.sample.texts import _site_file
from scorecard.sample.writing import _audit_text, _institution_text, _s

__all__ = ["FRAMEWORK_PATH", "main", "write_sample_project"]


def write_sample_project(
    root: Path,
    *,
    institutions: int = 10,
    periods: int = 8,
    seed: int = 7,
    rich: bool = True,
    first_period: str = "2024-Q4",
) -> None:
    """Write a sample scorecard project under `root`.

    The project has `institutions` fictional institutions, each audited every period for
    `periods` periods from `first_period` (quarters like ``2025-Q1``; ``2025-H1`` and ``2025``
    also work). The same arguments always give byte-identical files. With `rich` false the
    files keep the same formats but leave out units, actions, notes, not-applicable
    entries and the institutions' responses. Existing files with the same paths are
    overwritten; nothing else is removed.
    """
    if institutions < 0 or periods < 0:
        raise ValueError("institutions and periods must not be negative")
    rng = random.Random(seed)
    metrics = _load_metrics()
    period_list = _periods(first_period, periods)
    insts = _make_institutions(institutions, periods, rich, metrics, rng)

    root = Path(root)
    content = root / "content"
    (content / "institutions").mkdir(parents=True, exist_ok=True)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    audits = content / "audits"
    site_name = "Regional Physician Wellbeing Scorecard"
    _write(root / "mkdocs.yml", _site_file("mkdocs.yml").format(site_name=_s(site_name)))
    _write(
        content / "pages" / "about.md",
        _site_file("about.md").format(
            network="Tamberlane Valley Physician Network", count=institutions
        ),
    )
    for index, inst in enumerate(insts):
        _write(content / "institutions" / f"{inst.id}.yml", _institution_text(inst))
        folder = audits / inst.id
        if period_list:
            folder.mkdir(parents=True, exist_ok=True)
        for t, period in enumerate(period_list):
            # Some institutions respond to their latest results, from a generator of their own.
            last = rich and t == len(period_list) - 1 and index % 4 < 2
            respond = random.Random(f"responses:{seed}:{inst.id}") if last else None
            text = _audit_text(inst, t, period, rich, rng, respond)
            _write(folder / f"{period.label}.yml", text)


def _write(path: Path, text: str) -> None:
    # os-level calls: a fresh file per audit, with as few system calls as possible
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scorecard.sample", description="Write a deterministic sample project."
    )
    parser.add_argument("root", type=Path, help="folder to write the project into")
    parser.add_argument("--institutions", type=int, default=10)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first-period", default="2024-Q4")
    parser.add_argument("--lean", action="store_true", help="no units, actions or notes")
    args = parser.parse_args(argv)
    try:
        write_sample_project(
            args.root,
            institutions=args.institutions,
            periods=args.periods,
            seed=args.seed,
            rich=not args.lean,
            first_period=args.first_period,
        )
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
