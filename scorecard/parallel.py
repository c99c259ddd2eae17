"""Work on every core: the one place that starts worker processes and holds what they share.

Workers are forked from the process that asks for them, so they start with everything it holds
(a project of a hundred thousand audits is never sent to them); what a task needs beyond its own
arguments is given as ``shared``, which this module alone keeps for the moment of the fork.

Workers never outlive the work, nor the process that started them: each asks the system to
end it when its parent ends (a kill included), and work that is given up (an error, a closed
iterator) stops its workers at once. Where the system cannot fork, or another thread runs in
this process (a fork copies none of them, and a lock one of them holds would stay held), the
same work runs in this process, one task after another, with the same results.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

#: What the workers being forked need: (function, shared), set only while they start.
_starting: tuple[Callable[..., Any], Any] | None = None
#: In a worker: what it was forked with.
_mine: tuple[Callable[..., Any], Any] | None = None


class WorkerStopped(Exception):
    """A worker process ended without a word (killed, say, for want of memory)."""


def workers() -> int:
    """How many processes work at once: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether work may run in forked processes: the system forks, and no other thread runs
    here."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _end_with_parent(parent: int) -> None:
    """Ask the system to kill this process when its parent ends (Linux); if the parent has
    already ended, end now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers end when their pipe closes
        pass
    if os.getppid() != parent:
        os._exit(1)


def _start_worker(parent: int) -> None:
    global _mine
    _end_with_parent(parent)
    _mine = _starting
    # What the parent held at the fork is left out of this worker's garbage collection: a
    # collection would write to every object, and so copy every page of memory they share.
    gc.freeze()


def _run(task: Any) -> Any:
    assert _mine is not None, "a task runs in a worker started by scorecard.parallel"
    function, shared = _mine
    return function(shared, task)


def map_shared(
    function: Callable[[S, T], R],
    shared: S,
    tasks: Sequence[T],
    *,
    processes: int | None = None,
) -> Generator[R, None, None]:
    """``function(shared, task)`` for each task, in order, as each is done.

    With more than one task, they run in ``processes`` (default: one per core) forked
    workers, which find ``shared`` as this process held it. A worker that ended without a word
    is `WorkerStopped`; an exception raised in a task is raised here. Closing the generator
    early, or an exception, stops the workers.
    """
    count = min(processes or workers(), len(tasks))
    if count < 2 or not can_fork():
        for task in tasks:
            yield function(shared, task)
        return
    global _starting
    pool = ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    _starting = (function, shared)
    try:
        pending = [pool.submit(_run, task) for task in tasks]  # the workers fork at the first
    except BaseException:
        _stop(pool)
        raise
    finally:
        _starting = None
    try:
        for done in pending:
            yield result_of(done)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def each_apart(function: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
    """``function`` of each task, in order, each in a forked process of its own (or here,
    where the system cannot fork)."""
    return list(map_shared(_call, function, tasks, processes=len(tasks)))


def _call(function: Callable[[T], R], task: T) -> R:
    return function(task)


def result_of(done: Future[T]) -> T:
    """A worker's result; `WorkerStopped` if its process ended without a word."""
    try:
        return done.result()
    except BrokenProcessPool as err:
        raise WorkerStopped(str(err) or "a worker process ended") from None


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers now: the work they do is no longer wanted. When this returns, no worker
    and no thread of the pool is left."""
    # The pool has no way to end a task under way: its processes are killed (their ids are
    # the keys of `_processes`, in every Python since 3.3), and the pool, seeing them gone,
    # fails what is left and ends its own thread, which shutdown waits for.
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    pool.shutdown(wait=True, cancel_futures=True)


def steps_apart(make: Callable[[], Iterator[T]]) -> Generator[T, None, None]:
    """The values ``make()`` yields, each made in a forked process that moves on to the next
    step only when this side asks for it; an exception raised there is raised here. The
    process ends with this generator, and with this process. Without a fork (`can_fork`),
    the steps run in this process.

    A step that takes much memory (reading and rendering a national site) gives it all back
    to the system when its process ends, so that what comes next starts small.
    """
    if not can_fork():
        yield from make()
        return
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    process = context.Process(
        target=_steps, args=(os.getpid(), here, there, make), name="scorecard-steps"
    )
    process.start()
    there.close()
    try:
        while True:
            try:
                kind, value = here.recv()
            except EOFError:
                process.join()
                raise WorkerStopped(f"it ended with exit code {process.exitcode}") from None
            if kind == "done":
                return
            if kind == "raised":
                raise value
            yield value
            here.send(True)
    finally:
        here.close()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def _steps(
    parent: int, here: Connection, there: Connection, make: Callable[[], Iterator[T]]
) -> None:
    _end_with_parent(parent)
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


def in_background(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """Start making a value in a forked process; returns the function that waits for it.
    Without a fork, the value is made when first asked for."""
    if not can_fork():
        return make
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe(duplex=False)
    process = context.Process(
        target=_background, args=(os.getpid(), here, there, make), name="scorecard-background"
    )
    process.start()
    there.close()
    made: list[bytes] = []

    def wait() -> bytes:
        if not made:
            try:
                made.append(here.recv_bytes())
            except EOFError:
                made.append(make())  # the process failed: make it here
            finally:
                here.close()
                process.join()
        return made[0]

    return wait


def _background(
    parent: int, here: Connection, there: Connection, make: Callable[[], bytes]
) -> None:
    _end_with_parent(parent)
    here.close()
    try:
        there.send_bytes(make())
    finally:
        there.close()
