"""Steps of work in a process of their own, so that the memory they took is given back.

A national build reads 120,000 audits and renders 6,000 pages before MkDocs, which holds every
page at once, starts. Python keeps what it has freed in its own heaps, so in one process MkDocs
would start on top of all that. Run in a forked process, the reading and rendering give their
memory back to the system when they end, and MkDocs starts small.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")
A = TypeVar("A")


class StoppedApart(Exception):
    """A process doing work apart ended without a word (killed, say, for want of memory)."""


def workers() -> int:
    """How many processes work at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def fork_pool(processes: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one, so that they start with what it holds (use
    where `can_fork`); a task's function finds there what a module global held at the fork."""
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))


def map_apart(function: Callable[[A], T], tasks: Sequence[A]) -> list[T]:
    """``function`` of each task, in order, each in a forked process of its own; a process
    that ended without a word (killed, say, for want of memory) is `StoppedApart`."""
    with fork_pool(len(tasks)) as pool:
        return [result_of(done) for done in [pool.submit(function, task) for task in tasks]]


def result_of(done: Future[T]) -> T:
    """A forked worker's result; `StoppedApart` if its process ended without a word."""
    try:
        return done.result()
    except BrokenProcessPool as err:
        raise StoppedApart(str(err) or "a worker process ended") from None


def can_fork() -> bool:
    """Whether steps may run in a forked process: the system forks, and no other thread runs
    here (a fork copies none of them, and a lock one of them holds would stay held)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def steps_apart(make: Callable[[], Iterator[T]]) -> Generator[T, None, None]:
    """The values ``make()`` yields, each made in a forked process that moves on to the next
    step only when this side asks for it; an exception raised there is raised here. Without a
    fork (`can_fork`), the steps run in this process."""
    if not can_fork():
        yield from make()
        return
    here, there = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=_run, args=(here, there, make), name="scorecard-steps"
    )
    process.start()
    there.close()
    try:
        while True:
            try:
                kind, value = here.recv()
            except EOFError:
                process.join()
                raise StoppedApart(f"it ended with exit code {process.exitcode}") from None
            if kind == "done":
                return
            if kind == "raised":
                raise value
            yield value
            here.send(True)
    finally:
        here.close()
        process.join()


def _run(here: Connection, there: Connection, make: Callable[[], Iterator[T]]) -> None:
    here.close()  # the fork's copy of the other end: else this end never hears it close
    try:
        for value in make():
            there.send(("value", value))
            there.recv()  # the next step, when asked for; EOFError when no longer wanted
        there.send(("done", None))
    except EOFError:
        pass
    except BaseException as err:  # noqa: BLE001 - every failure is the other side's to report
        try:
            there.send(("raised", err))
        except Exception:  # noqa: BLE001 - an exception that does not pickle: its words do
            there.send(("raised", RuntimeError(f"{type(err).__name__}: {err}")))
