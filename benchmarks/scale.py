"""How long a build takes at scale, stage by stage, and against a bare MkDocs build.

    python benchmarks/scale.py --institutions 100 --periods 4
    python benchmarks/scale.py --institutions 6000 --periods 20 --out /dev/shm/scale

Writes a deterministic synthetic project of that size (``scorecard.sample``, lean), builds
the public site cold (no cache), changes one audit and builds again warm, then runs a bare
``mkdocs build`` of the same generated docs folder. Prints seconds per stage, peak memory (of
the build and every process it starts, together), site size, and the ratio of each build to
the bare MkDocs build.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scorecard.sample import write_sample_project
from scorecard.site import LAST_DOCS


def first_quarter(periods: int, today: datetime.date) -> str:
    """The first of ``periods`` quarters ending with the last one whose audits (up to 45 days
    after its end) are all before ``today``, so that no audit date lies in the future."""
    index = (today.year * 4 + (today.month - 1) // 3) - 1  # the quarter before this one
    if today - datetime.date(index // 4, 3 * (index % 4) + 3, 1) < datetime.timedelta(days=77):
        index -= 1
    index -= periods - 1
    return f"{index // 4}-Q{index % 4 + 1}"


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def change_one_audit(root: Path) -> Path:
    """Bump one value in the last audit of the first institution, as a contributor would."""
    folder = sorted((root / "content" / "audits").iterdir())[0]
    audit = sorted(folder.glob("*.yml"))[-1]
    text = audit.read_text(encoding="utf-8")
    changed = re.sub(r"(admin\.ehr_time_per_8h: \{value: )([0-9.]+)", r"\g<1>7.7", text, count=1)
    if changed == text:
        changed = text.rstrip("\n") + "\n"  # still a new mtime and hash
        changed = changed.replace("auditor:", "auditor: ", 1)
    audit.write_text(changed, encoding="utf-8")
    return audit


_BUILD = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from scorecard.site import build_site
report = build_site(Path(sys.argv[1]), Path(sys.argv[2]), ["public"], keep_docs=True)
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "stages": report.stage_seconds,
    "pages": report.pages,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def tree_mb(pid: int) -> float:
    """The memory a process and all its descendants use together now (their proportional set
    sizes, so that pages a forked worker shares with its parent count once), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


def run_watched(command: list[str], **options: Any) -> tuple[str, float]:
    """Run ``command``; its output and the peak memory of it with every process it started
    (workers included), sampled every 0.2 s. Without /proc, the peak of the process itself."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, **options)
    peak = 0.0
    watching = Path("/proc/self/smaps_rollup").exists()
    while watching and process.poll() is None:
        peak = max(peak, tree_mb(process.pid))
        time.sleep(0.2)
    output, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, output)
    return output, peak


def timed_build(root: Path, out: Path) -> tuple[float, dict[str, float], int, float]:
    """One public build in a process of its own, as `scorecard build` runs: its seconds
    (imports included), seconds per stage, pages, and the peak memory of the build's processes
    together."""
    output, peak = run_watched([sys.executable, "-c", _BUILD, str(root), str(out)])
    report = json.loads(output.strip().splitlines()[-1])
    return report["seconds"], report["stages"], report["pages"], max(peak, report["peak_mb"])


_BARE = """
import resource, sys
from mkdocs.__main__ import cli
try:
    cli(["build", "-q", "-f", "mkdocs.yml"])
except SystemExit as done:
    if done.code:
        raise
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bare_mkdocs(out: Path) -> tuple[float, float]:
    """A plain ``mkdocs build`` of the docs folder and config the last build generated: its
    seconds and the peak memory of its process."""
    kept = out / LAST_DOCS / "public"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    output, peak = run_watched([sys.executable, "-c", _BARE], env=env, cwd=kept)
    seconds = time.perf_counter() - started
    return seconds, max(peak, float(output.strip().splitlines()[-1]))


def print_build(name: str, seconds: float, stages: dict[str, float], peak: float) -> None:
    shown = ", ".join(f"{stage} {value:.1f}" for stage, value in stages.items())
    print(f"  {name} build: {seconds:.1f} s ({shown}); peak memory {peak:,.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=100)
    parser.add_argument("--periods", type=int, default=4)
    parser.add_argument("--out", type=Path, default=None, help="work folder (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--warm-only",
        action="store_true",
        help="reuse the project, site and cache of an earlier run in --out: only change one "
        "audit, build warm and run the bare MkDocs build",
    )
    args = parser.parse_args()

    work = args.out or Path(tempfile.mkdtemp(prefix="scorecard-scale-"))
    root, out = work / "project", work / "site"
    os.environ["SCORECARD_CACHE_DIR"] = str(work / "cache")
    cold = 0.0
    if args.warm_only:
        if not (root / "content").is_dir() or not (out / "public").is_dir():
            parser.error(f"--warm-only needs an earlier run's project and site in {work}")
        files = sum(1 for _ in (root / "content").rglob("*.yml"))
        print(f"project: {root} = {files:,} files (warm only)", flush=True)
    else:
        for folder in (root, out, work / "cache"):
            shutil.rmtree(folder, ignore_errors=True)  # cold: no cache of audits or charts
        started = time.perf_counter()
        first = first_quarter(args.periods, datetime.date.today())
        write_sample_project(
            root,
            institutions=args.institutions,
            periods=args.periods,
            rich=False,
            first_period=first,
        )
        generated = time.perf_counter() - started
        files = sum(1 for _ in (root / "content").rglob("*.yml"))
        print(
            f"project: {args.institutions} institutions x {args.periods} periods = {files:,} files"
        )
        print(f"  generated in {generated:.1f} s", flush=True)

        started = time.perf_counter()
        checked = subprocess.run(
            [sys.executable, "-m", "scorecard", "validate", "--project", str(root)],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        said = (checked.stderr.strip().splitlines() or ["no findings"])[-1]
        print(f"  scorecard validate (cold, whole command): {seconds:.1f} s ({said})", flush=True)

        cold, cold_stages, pages, cold_peak = timed_build(root, out)
        print(f"  pages: {pages:,}; public site: {size_mb(out / 'public'):,.0f} MB")
        print_build("cold", cold, cold_stages, cold_peak)

    change_one_audit(root)
    warm, warm_stages, _, warm_peak = timed_build(root, out)
    print_build("warm (one audit changed)", warm, warm_stages, warm_peak)
    bare, bare_peak = bare_mkdocs(out)
    print(f"  bare mkdocs build of the same docs: {bare:.1f} s; peak memory {bare_peak:,.0f} MB")
    ratios = (
        f"warm {warm / bare:.2f}" if not cold else f"cold {cold / bare:.2f}, warm {warm / bare:.2f}"
    )
    print(f"  ratio to bare MkDocs: {ratios}")
    if not args.keep and args.out is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
