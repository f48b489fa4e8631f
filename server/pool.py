"""Heavy work runs in worker processes, which can be stopped: a thread cannot
be (sympy or a big matmul holds it, and the GIL with it), a process can be
terminated, and its memory goes with it.

The pools are pebble's ProcessPool: per-task timeouts, cancelling a running
task terminates its worker and starts a fresh one, a worker that dies is
replaced and its task fails instead of hanging. Workers start from a fork
server that has already imported the engine (a fresh worker is ready in
milliseconds, and no worker is forked from the threaded event-loop process).

Three lanes of CHAINRULE_CONCURRENT_JOBS workers each: "light" for short
programs without a check, whose work is bounded to a fraction of a second,
"check" for the checks of small programs (what the page asks on every Build),
within a small budget of element operations and CHAINRULE_SYMBOLIC_SECONDS of
sympy, and "heavy" for other checks, long programs and comparisons, so heavy
requests queue behind each other and never in front of a light one or a small
check. Heavy workers run at a lower CPU priority (nice 5), so they take the
cores only when nothing else wants them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout

import anyio
from chainrule import LimitError, ProgramError
from fastapi import Request
from pebble import ProcessExpired, ProcessPool

from . import shutdown, work

GRACE = 1.0  # seconds past the request time before a job's worker is terminated
_context = None
_pools: dict[tuple[str, int], ProcessPool] = {}
_lock = threading.Lock()


class WorkerProgramError(ProgramError):
    """A ProgramError raised in a worker, carried back as its dict."""

    def __init__(self, error: dict):
        super().__init__(error.get("message", ""), error.get("line"), error.get("col"))
        self.type = error.get("type", "program_error")


class ClientGone(Exception):
    """The client hung up: nobody is left to answer (the server logs nothing)."""


class WorkerCrashed(RuntimeError):
    """A bug in a worker: the message is the worker's traceback."""


class WorkerDied(RuntimeError):
    """A worker ended without an answer (killed from outside, or out of memory)."""


def context():
    global _context
    if _context is None:
        # The fork server is a fresh `python -c ...`, whose sys.path starts with the
        # working directory: a folder named chainrule/ there (the clone, seen from
        # its parent) would be imported instead of the installed package. Safe-path
        # mode (Python 3.11+) leaves the working directory out.
        os.environ["PYTHONSAFEPATH"] = "1"
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["chainrule.server.work"])
    return _context


def pool(lane: str, size: int) -> ProcessPool:
    with _lock:
        found = _pools.get((lane, size))
        if found is None or not found.active:
            # Heavy workers yield the CPU to everything else; light ones are the
            # ordinary requests and keep the normal priority.
            found = _pools[(lane, size)] = ProcessPool(
                max_workers=size, context=context(),
                initializer=work.lower_priority if lane == "heavy" else None)
        return found


def stop_pools() -> None:
    """At shutdown: workers are terminated, not waited for."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for p in pools:
        p.stop()
    for p in pools:
        p.join(timeout=5)


async def hung_up(request: Request) -> None:
    """Returns when the client hangs up. The body is read by then: the next
    message is the client leaving (or nothing, while it waits)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def run_job(request: Request, lane: str, function, *args):
    """`function(*args)` in a worker of `lane`; its answer, or the ProgramError it
    raised. Within a second past CHAINRULE_REQUEST_SECONDS (waiting in the
    queue included), or when the client hangs up, the worker is terminated."""
    settings = request.app.state.settings
    seconds = settings.request_seconds
    size = settings.concurrent_jobs
    # Work that watches the clock itself (a comparison) answers by the deadline;
    # the rest is stopped GRACE later, the time a fresh worker may take to start.
    future = pool(lane, size).schedule(work.job, (function, *args), timeout=seconds + GRACE)
    outcome = {}

    async def answer(scope: anyio.CancelScope):
        try:
            outcome["answer"] = await asyncio.wrap_future(future)
        except Exception as err:  # noqa: BLE001 (handed to the request, below)
            outcome["raised"] = err
        scope.cancel()

    async def hang_up(scope: anyio.CancelScope):
        await hung_up(request)
        outcome["gone"] = True
        scope.cancel()

    async def shut_down(scope: anyio.CancelScope, event):
        await event.wait()
        outcome["shutdown"] = True
        scope.cancel()

    try:
        with anyio.move_on_after(seconds + GRACE):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(answer, tasks.cancel_scope)
                tasks.start_soon(hang_up, tasks.cancel_scope)
                if (event := shutdown.ended()) is not None:
                    tasks.start_soon(shut_down, tasks.cancel_scope, event)
    finally:
        future.cancel()  # a no-op once done; otherwise the worker is terminated
    if "answer" in outcome:
        kind, answer = outcome["answer"]
        if kind == "error":
            raise WorkerProgramError(answer)
        if kind == "crash":
            raise WorkerCrashed(answer)
        return answer
    err = outcome.get("raised")
    if isinstance(err, ProcessExpired):
        raise WorkerDied(f"a worker process ended without an answer (exit code "
                         f"{err.exitcode})") from err
    if err is not None and not isinstance(err, FutureTimeout):
        raise err
    if outcome.get("gone"):
        raise ClientGone
    if outcome.get("shutdown"):
        raise shutdown.ShuttingDown
    raise LimitError(f"the program took longer than {seconds:g} s and was stopped")
