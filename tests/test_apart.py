"""Steps run in a process of their own give their memory back and report as if run here."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from scorecard.apart import StoppedApart, can_fork, steps_apart
from scorecard.findings import Finding
from scorecard.site import BuildError

pytestmark = pytest.mark.skipif(not can_fork(), reason="steps run apart only where one forks")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


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


def test_an_error_of_a_step_is_raised_here_with_its_findings() -> None:
    finding = Finding("content/audits/a.yml", 3, 5, "E101", "metrics", "value is not a number")

    def steps() -> Iterator[str]:
        yield "checked"
        raise BuildError("content/audits/a.yml:3:5: value is not a number", [finding])

    with closing(steps_apart(steps)) as values:
        assert next(values) == "checked"
        with pytest.raises(BuildError) as raised:
            next(values)
    assert str(raised.value) == "content/audits/a.yml:3:5: value is not a number"
    assert raised.value.findings == [finding]


def test_a_process_killed_midway_is_told() -> None:
    def steps() -> Iterator[int]:
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    with closing(steps_apart(steps)) as values:
        assert next(values) == 1
        with pytest.raises(StoppedApart, match="exit code -9"):
            next(values)


def test_a_step_not_asked_for_is_never_made(tmp_path) -> None:
    def steps() -> Iterator[int]:
        yield 1
        (tmp_path / "second").write_text("made", encoding="utf-8")
        yield 2

    with closing(steps_apart(steps)) as values:
        assert next(values) == 1
    assert not (tmp_path / "second").exists()


def test_with_another_thread_running_the_steps_run_here() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert list(steps_apart(lambda: iter([os.getpid()]))) == [os.getpid()]
    finally:
        stop.set()
        thread.join()


def _square_or_die(n: int) -> int:
    if n < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


def test_work_mapped_apart_comes_back_in_order_and_a_killed_process_is_told() -> None:
    from scorecard.apart import map_apart

    assert map_apart(_square_or_die, [3, 1, 2]) == [9, 1, 4]
    with pytest.raises(StoppedApart):
        map_apart(_square_or_die, [1, -1])
