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
from typing import Any, Generic, TypeVar

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


class Work(Generic[R]):
    """Tasks under way in forked workers, or to be done here one after another."""

    def __init__(
        self,
        pool: ProcessPoolExecutor | None,
        pending: list[Future[R]],
        here: Iterator[R] | None = None,
    ) -> None:
        self.pool = pool
        self.pending = pending
        self.here = here

    def results(self) -> Iterator[R]:
        """Each task's result, in order, as each is done; an error of a task is raised here
        (and the caller calls `stop`)."""
        if self.here is not None:
            yield from self.here
            return
        for done in self.pending:
            yield result_of(done)
        if self.pool is not None:
            self.pool.shutdown()

    def stop(self) -> None:
        """End the workers now: the work is no longer wanted (an error, here or in a task)."""
        if self.pool is not None:
            _stop(self.pool)


def start(
    function: Callable[[S, T], R],
    shared: S,
    tasks: Sequence[T],
    *,
    processes: int | None = None,
) -> Work[R]:
    """Start ``function(shared, task)`` for each task in ``processes`` (default: one per core)
    forked workers, which find ``shared`` as this process holds it now; with one task, or
    where processes cannot be forked, the tasks are done here when their results are asked
    for."""
    count = min(processes or workers(), len(tasks))
    if len(tasks) < 2 or count < 1 or not can_fork():
        return Work(None, [], (function(shared, task) for task in tasks))
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
    return Work(pool, pending)


def map_shared(
    function: Callable[[S, T], R],
    shared: S,
    tasks: Sequence[T],
    *,
    processes: int | None = None,
) -> Generator[R, None, None]:
    """``function(shared, task)`` for each task, in order, as each is done, on every core
    (`start`). A worker that ended without a word is `WorkerStopped`; an exception raised in a
    task is raised here. Closing the generator early, or an exception, stops the workers."""
    if processes is None and len(tasks) >= 2:
        processes = min(workers(), len(tasks))
    if (processes or 0) < 2:
        for task in tasks:
            yield function(shared, task)
        return
    work = start(function, shared, tasks, processes=processes)
    try:
        yield from work.results()
    except BaseException:
        work.stop()
        raise


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


#: Values being made in the background, by name: the process and the end its value comes by.
_background: dict[str, tuple[multiprocessing.process.BaseProcess, Connection]] = {}


def start_in_background(name: str, make: Callable[[], bytes | None]) -> bool:
    """Start making a value, known as ``name``, in a forked process, while this one goes on;
    `background_result` gives it. False where processes cannot be forked, or when one is
    making it already. ``make`` may return None, having kept what it made elsewhere (a cache)."""
    if name in _background or not can_fork():
        return False
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_background_run,
        args=(os.getpid(), receiving, sending, make),
        name=f"scorecard-{name}",
        daemon=True,
    )
    process.start()
    sending.close()
    _background[name] = (process, receiving)
    return True


def background_result(name: str) -> bytes | None:
    """What the process making ``name`` made, once it has; None when none was started, or it
    sent nothing (it kept its value elsewhere, or failed)."""
    started = _background.pop(name, None)
    if started is None:
        return None
    process, receiving = started
    try:
        return receiving.recv_bytes()
    except EOFError:
        return None
    finally:
        receiving.close()
        process.join()


def _background_run(
    parent: int, receiving: Connection, sending: Connection, make: Callable[[], bytes | None]
) -> None:
    _end_with_parent(parent)
    receiving.close()
    try:
        made = make()
        if made is not None:
            sending.send_bytes(made)
    finally:
        sending.close()
