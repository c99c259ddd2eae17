"""Work on every core: results in order, errors told, and no worker outlives its work or the
process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from scorecard.findings import Finding
from scorecard.parallel import WorkerStopped, can_fork, each_apart, map_shared, steps_apart

pytestmark = pytest.mark.skipif(not can_fork(), reason="workers are forked where one forks")


def _alive(pid: int) -> bool:
    """Whether a process is running (a zombie, ended but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _power(shared: int, task: int) -> tuple[int, int]:
    if task < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    if task == 13:
        raise ValueError("thirteen")
    return task**shared, os.getpid()


def test_results_come_in_order_from_workers_that_share_what_this_process_held() -> None:
    out = list(map_shared(_power, 2, [3, 1, 2, 5]))
    assert [value for value, _ in out] == [9, 1, 4, 25]
    assert os.getpid() not in {pid for _, pid in out}


def test_one_task_runs_here() -> None:
    assert list(map_shared(_power, 3, [2])) == [(8, os.getpid())]


def test_an_error_in_a_task_is_raised_here_and_a_killed_worker_is_told() -> None:
    assert can_fork(), "a thread runs in the tests' process: the task would kill it"
    with pytest.raises(ValueError, match="thirteen"):
        list(map_shared(_power, 1, [1, 13, 2]))
    assert threading.active_count() == 1  # the pool is gone: the next work forks again
    with pytest.raises(WorkerStopped):
        list(map_shared(_power, 1, [1, -1]))
    assert each_apart(abs, [-3, 4]) == [3, 4]


def _slow(shared: Path, task: int) -> int:
    if task:
        (shared / f"{os.getpid()}.pid").write_text(str(os.getpid()), encoding="ascii")
        time.sleep(60)
    return task


def test_work_given_up_stops_its_workers_at_once(tmp_path: Path) -> None:
    work = map_shared(_slow, tmp_path, [0, 1, 2, 3], processes=2)
    with pytest.raises(TimeoutError):
        with closing(work):
            assert next(work) == 0
            deadline = time.monotonic() + 20
            while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            raise TimeoutError  # as a build that failed meanwhile would
    pids = [int(p.read_text(encoding="ascii")) for p in tmp_path.glob("*.pid")]
    assert len(pids) == 2
    assert not [pid for pid in pids if _alive(pid)]


_ORPHAN = """
import os, sys, time
from pathlib import Path
from scorecard.parallel import map_shared, steps_apart

folder = Path(sys.argv[1])

def slow(shared, task):
    (folder / f"{os.getpid()}.pid").write_text(str(os.getpid()))
    time.sleep(120)

def steps():
    list(map_shared(slow, None, [1, 2]))  # workers of the process of the steps
    yield 1

if sys.argv[2] == "steps":
    list(steps_apart(steps))
else:
    list(map_shared(slow, None, [1, 2]))
"""


@pytest.mark.parametrize("how", ["workers", "steps"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_workers_end_with_the_process_that_started_them(
    tmp_path: Path, how: str, sig: signal.Signals
) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(textwrap.dedent(_ORPHAN), encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path), how])
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        pids = [int(p.read_text(encoding="ascii")) for p in tmp_path.glob("*.pid")]
        assert len(pids) == 2
        parent.send_signal(sig)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)]
    finally:
        parent.kill()
        parent.wait()


# --- steps in a process of their own -----------------------------------------------------


def test_each_step_is_made_apart_when_asked_for() -> None:
    made: list[int] = []

    def steps() -> Iterator[tuple[int, int]]:
        for step in range(3):
            made.append(step)  # in the other process: this side's list stays empty
            yield step, os.getpid()

    values = list(steps_apart(steps))
    assert [step for step, _ in values] == [0, 1, 2]
    assert {pid for _, pid in values} != {os.getpid()}
    assert made == []


def test_the_memory_of_the_steps_is_given_back() -> None:
    def steps() -> Iterator[int]:
        held = [bytes(1024) + bytes([i % 256]) for i in range(300_000)]  # about 330 MB
        yield len(held)

    before = _rss_mb()
    assert list(steps_apart(steps)) == [300_000]
    assert _rss_mb() < before + 50


class _Failed(Exception):
    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings

    def __reduce__(self) -> tuple[object, ...]:
        return (_Failed, (str(self), self.findings))


def test_an_error_of_a_step_is_raised_here_with_what_it_carries() -> None:
    finding = Finding("content/audits/a.yml", 3, 5, "E101", "metrics", "value is not a number")

    def steps() -> Iterator[str]:
        yield "checked"
        raise _Failed("content/audits/a.yml:3:5: value is not a number", [finding])

    with closing(steps_apart(steps)) as values:
        assert next(values) == "checked"
        with pytest.raises(_Failed) as raised:
            next(values)
    assert str(raised.value) == "content/audits/a.yml:3:5: value is not a number"
    assert raised.value.findings == [finding]


def test_a_process_of_steps_killed_midway_is_told() -> None:
    assert can_fork(), "a thread runs in the tests' process: the steps would kill it"

    def steps() -> Iterator[int]:
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    with closing(steps_apart(steps)) as values:
        assert next(values) == 1
        with pytest.raises(WorkerStopped, match="exit code -9"):
            next(values)


def test_a_step_not_asked_for_is_never_made(tmp_path: Path) -> None:
    def steps() -> Iterator[int]:
        yield 1
        (tmp_path / "second").write_text("made", encoding="utf-8")
        yield 2

    with closing(steps_apart(steps)) as values:
        assert next(values) == 1
    assert not (tmp_path / "second").exists()


def test_with_another_thread_running_the_work_runs_here() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert list(steps_apart(lambda: iter([os.getpid()]))) == [os.getpid()]
        assert {pid for _, pid in map_shared(_power, 1, [1, 2, 3])} == {os.getpid()}
    finally:
        stop.set()
        thread.join()
