"""A long fuzz run: the strategies and checks of tests/test_fuzz.py, with many more examples.

    python benchmarks/fuzz.py --examples 5000

Each fuzz test gets its share of the examples (whole builds through MkDocs get few, loading
and the inert-text check get them all). Prints, per test, the number of examples and the
time, then the total and the peak memory; exits 1 on the first failure, with the smallest
failing example Hypothesis found.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples for a full share")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed, to repeat a run")
    parser.add_argument("--only", default="", help="run the tests whose name holds this text")
    args = parser.parse_args(argv)

    # Hypothesis's failure report may touch a deprecated typing helper; that is no finding.
    warnings.simplefilter("ignore", DeprecationWarning)
    sys.path.insert(0, str(TESTS))
    from hypothesis import given, seed, settings
    from test_fuzz import REGISTRY

    total_examples, started = 0, time.perf_counter()
    for name, (body, strategies, config, share) in REGISTRY.items():
        if args.only not in name:
            continue
        count = max(1, round(args.examples * share))
        test = settings(config, max_examples=count)(given(**strategies)(body))
        if args.seed is not None:
            test = seed(args.seed)(test)
        began = time.perf_counter()
        try:
            test()
        except Exception as err:  # noqa: BLE001 - report any failure and stop
            print(f"{name}: FAILED after {time.perf_counter() - began:.1f} s: {err!r}")
            return 1
        seconds = time.perf_counter() - began
        total_examples += count
        print(f"{name}: {count} examples in {seconds:.1f} s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"total: {total_examples} examples in {time.perf_counter() - started:.1f} s; "
        f"peak memory {peak:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
