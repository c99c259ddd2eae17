"""What the evidence finds in a sample project, how long it takes, and whether it recovers a
link planted in the audits.

    python benchmarks/evidence.py --institutions 300 --periods 8
    python benchmarks/evidence.py --institutions 300 --periods 8 --plant -0.5
    python benchmarks/evidence.py --institutions 1000 --periods 8 --audience internal

Writes a deterministic synthetic project of that size (``scorecard.sample``, lean), scores
one audience and prints every pillar/outcome association, strongest evidence first, with the
seconds that ``evidence_of`` took. With ``--plant SLOPE``, the burnout of every audit the
audience sees is first rewritten so that it moves SLOPE points for each point that the
institution's safety score, as the audience sees it, moved since its previous audit with a
safety score, plus normal noise (``--noise``, in points), from its first value on; the project
is then read and scored again, so the planted link goes through scoring, visibility and
suppression like any other value. The line of safety and burnout then shows the slope planted
beside the one found.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from scorecard.evidence import Association, ChangeRow, Estimate, LevelRow, evidence_of
from scorecard.facts import facts_of
from scorecard.model import Audience, Project
from scorecard.project import open_project
from scorecard.sample import write_sample_project

BURNOUT = re.compile(r"(outcomes\.burnout: \{value: )([0-9.]+)")


def opened(root: Path) -> Project:
    project, findings = open_project(root)
    errors = [f for f in findings if f.severity == "error"]
    if project is None or errors:
        sys.exit("\n".join(f.format() for f in errors) or "the project could not be read")
    return project


def plant(
    root: Path, project: Project, audience: Audience, slope: float, noise: float, seed: int
) -> int:
    """Rewrite the burnout of every audit the audience sees as the planted link says, on the
    safety scores that audience sees; the number of audits changed."""
    scores = facts_of(project, [audience])[audience]
    seen_as = {real: identity.id for real, identity in scores.identities.items()}
    safety = {(r.institution, r.period): r.pillars.get("safety") for r in scores.results}
    rng = random.Random(seed)
    changed = 0
    value: dict[str, float] = {}
    last_safety: dict[str, float] = {}
    for audit in sorted(project.audits, key=lambda a: (a.institution, a.period)):
        path = root / audit.file
        text = path.read_text(encoding="utf-8")
        match = BURNOUT.search(text)
        inst = audit.institution
        if match is None or inst not in seen_as:
            continue
        pillar = safety.get((seen_as[inst], audit.period.label))
        score = pillar.score if pillar is not None else None
        if inst not in value:
            value[inst] = float(match.group(2))
        else:
            step = score - last_safety[inst] if score is not None and inst in last_safety else 0.0
            value[inst] = min(100.0, max(0.0, value[inst] + slope * step + rng.gauss(0, noise)))
        if score is not None:
            last_safety[inst] = score
        path.write_text(BURNOUT.sub(rf"\g<1>{value[inst]:.2f}", text, count=1), encoding="utf-8")
        changed += 1
    return changed


def shown(e: Estimate[ChangeRow] | Estimate[LevelRow]) -> str:
    counts = f"{e.institutions:>5} inst {e.points:>5} pts"
    if e.per_10 is None or e.ci95 is None:
        return f"{counts}  {e.status} (needs {e.needed_institutions} and {e.needed_points})"
    low, high = e.ci95
    return (
        f"{counts}  {e.per_10:+7.2f} [{low:+7.2f}, {high:+7.2f}]  {e.verdict:<13} "
        f"strength {e.strength:5.2f}"
    )


def line(a: Association) -> str:
    return (
        f"{a.pillar:<12}{a.outcome.removeprefix('outcomes.'):<16}"
        f"changes: {shown(a.changes)}  | latest: {shown(a.latest)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=300)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--audience", choices=["public", "internal"], default="public")
    parser.add_argument(
        "--plant",
        type=float,
        default=None,
        metavar="SLOPE",
        help="points of burnout per point of safety, e.g. -0.5",
    )
    parser.add_argument("--noise", type=float, default=2.0, help="planted noise, in points")
    parser.add_argument("--seed", type=int, default=7, help="of the sample and of the noise")
    parser.add_argument("--out", type=Path, default=None, help="folder for the project")
    args = parser.parse_args(argv)
    os.environ.setdefault("SCORECARD_CACHE_DIR", "0")  # cold, and nothing left behind
    audience: Audience = args.audience

    with tempfile.TemporaryDirectory(prefix="scorecard-evidence-") as scratch:
        root = args.out or Path(scratch) / "project"
        write_sample_project(
            root,
            institutions=args.institutions,
            periods=args.periods,
            seed=args.seed,
            rich=False,
            first_period="2020-Q1",
        )
        project = opened(root)
        audits = len(project.audits)
        if args.plant is not None:
            planted = plant(root, project, audience, args.plant, args.noise, args.seed)
            project = opened(root)
            print(
                f"planted: burnout {args.plant:+g} per point of safety, "
                f"noise {args.noise:g} points, in {planted} audits"
            )
        start = time.perf_counter()
        scores = facts_of(project, [audience])[audience]
        scored = time.perf_counter() - start
        start = time.perf_counter()
        evidence = evidence_of(scores)
        took = time.perf_counter() - start

    pairs = max((a.changes.points for a in evidence.associations), default=0)
    print(
        f"{args.institutions} institutions x {args.periods} periods ({audits} audits), "
        f"{audience}: {len(scores.results)} results, up to {pairs} pairs; "
        f"{evidence.resamples} resamples, latest period {evidence.latest_period}"
    )
    print("slopes: outcome change per 10 points of pillar score, 95 % interval")
    for a in evidence.ranked():
        print(line(a))
    if args.plant is not None:
        found = next(
            a
            for a in evidence.associations
            if (a.pillar, a.outcome) == ("safety", "outcomes.burnout")
        )
        print(f"planted {10 * args.plant:+.2f} per 10 points; found {shown(found.changes)}")
    print(f"scoring {scored:.2f} s; evidence {took:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
