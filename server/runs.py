"""A long run (training; any streamed job) in its own process, its progress
carried to the event loop as NDJSON lines, and its ways to stop: the client
going away, an explicit cancel, the request-time limit, the server shutting
down.

Use from a route:

    run = Run(app)
    await run.start(function, *args)   # function(progress, *args) -> dict, at module level
    first = await first_event(run)     # a rejected program raises here (a 400)
    return StreamingResponse(ndjson(run, first), ...)

In the run's process `progress.emit("entry", e)` sends a progress entry,
`progress.emit("ready", None)` says nothing is left to reject, and
`progress.should_stop()` answers "cancelled", "time_limit" or None.

The process is pebble's `concurrent.process` (the run's own process, killed
when the run is dropped, CHAINRULE_REQUEST_SECONDS + GRACE at the latest).
A run is marked by a file in CHAINRULE_RUN_DIR and cancelled by another file
beside it, so `POST /api/v1/train/{id}/cancel` works on whichever worker of
`chainrule serve --workers N` receives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import signal
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import orjson
from chainrule import LimitError
from fastapi import FastAPI, Request
from pebble import concurrent

from . import shutdown, work
from .pool import ClientGone, WorkerProgramError, context, hung_up

log = logging.getLogger("chainrule.server")
GRACE = 1.0  # seconds a run may take past its deadline to stop itself before it is killed
RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
INTERNAL = {"type": "internal_error",
            "message": "an unexpected error stopped the run; the server logged it"}
_live: set[Run] = set()
_waiting: set[Run] = set()  # for a run slot


def run_dir(app: FastAPI) -> Path:
    folder = app.state.settings.run_dir or os.path.join(
        tempfile.gettempdir(), f"chainrule-runs-{os.getuid()}")
    path = Path(folder)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class Run:
    def __init__(self, app: FastAPI):
        self.id = secrets.token_urlsafe(9)
        self.app = app
        self.seconds = app.state.settings.request_seconds
        self.deadline = time.monotonic() + self.seconds
        self.queue: asyncio.Queue = asyncio.Queue()
        folder = run_dir(app)
        self.marker = folder / self.id
        self.cancel_file = folder / f"{self.id}.cancel"
        self.future = None
        self.pipe = None
        self.pid: int | None = None
        self.ended = False

    async def start(self, function, *args) -> None:
        """Waits for a free slot (CHAINRULE_CONCURRENT_JOBS runs at once per worker),
        then starts `function(progress, *args)` in a new process."""
        slots = _slots(self.app)
        acquired = False
        with anyio.move_on_after(self.seconds) as self.waiting:
            _waiting.add(self)
            try:
                await slots.acquire()
                acquired = True
            finally:
                _waiting.discard(self)
        if not acquired:
            self.ended = True
            over = shutdown.is_over()
            self.queue.put_nowait(("error", shutdown.error_dict() if over else
                                   _limit(self.seconds)))
            return
        self.marker.write_text(str(os.getpid()))
        reader, writer = context().Pipe(duplex=False)
        progress = work.Progress(writer, self.deadline, str(self.cancel_file))
        left = max(0.0, self.deadline - time.monotonic())
        launch = concurrent.process(timeout=left + GRACE, context=context())(work.run_entry)
        try:
            self.future = launch(progress, function, *args)
        except BaseException:
            slots.release()
            raise
        writer.close()  # the child holds the only writing end: its exit is our EOF
        self.pipe = reader
        loop = asyncio.get_running_loop()
        self.future.add_done_callback(lambda _: _on_loop(loop, slots.release))
        _live.add(self)
        asyncio.get_running_loop().add_reader(reader.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            while self.pipe.poll():
                kind, payload = self.pipe.recv()
                if kind == "pid":
                    self.pid = payload
                    continue
                if kind == "crash":
                    log.error("a run failed:\n%s", payload)
                    kind, payload = "error", INTERNAL
                self.queue.put_nowait((kind, payload))
                if kind in ("done", "error"):
                    self.ended = True
        except (EOFError, OSError):
            self._close()
            if not self.ended:  # killed: by its deadline, or from outside
                self.ended = True
                late = time.monotonic() >= self.deadline
                self.queue.put_nowait(("error", _limit(self.seconds) if late else INTERNAL))

    def _close(self) -> None:
        if self.pipe is not None:
            asyncio.get_running_loop().remove_reader(self.pipe.fileno())
            self.pipe.close()
            self.pipe = None

    def stop(self) -> None:
        """Ends the run now: its process is terminated if still running."""
        if self.future is not None and not self.ended:  # once ended, it exits by itself
            self.future.cancel()
            if self.pid is not None:  # now, not from pebble's thread: at shutdown,
                with contextlib.suppress(ProcessLookupError):  # no thread runs on
                    os.kill(self.pid, signal.SIGKILL)
        if self.pipe is not None:
            self._close()
        _live.discard(self)
        for path in (self.marker, self.cancel_file):
            path.unlink(missing_ok=True)


def _slots(app: FastAPI) -> anyio.Semaphore:
    """The run slots of the running event loop. A server has one loop; a test
    client without `with` runs each request on a loop of its own, and a
    semaphore (and its releases) belong to one loop."""
    loop = asyncio.get_running_loop()
    slots = getattr(app.state, "run_slots", None)
    if slots is None or getattr(app.state, "loop", None) is not loop:
        slots = app.state.run_slots = anyio.Semaphore(app.state.settings.concurrent_jobs)
        app.state.loop = loop
    return slots


def _on_loop(loop: asyncio.AbstractEventLoop, callback) -> None:
    """From pebble's thread: `callback` on the run's event loop, unless it has closed."""
    with contextlib.suppress(RuntimeError):  # the loop is gone (shutdown), slots with it
        loop.call_soon_threadsafe(callback)


def _limit(seconds: float) -> dict:
    return LimitError(f"the run took longer than {seconds:g} s and was stopped").to_dict()


def _shut_down() -> None:
    """The server is going away: waiting runs stop waiting, running ones end
    with an error line (their process is ended as the stream closes)."""
    for run in list(_waiting):
        run.waiting.cancel()
    for run in list(_live):
        if not run.ended:
            run.ended = True
            run.queue.put_nowait(("error", shutdown.error_dict()))


shutdown.on_end(_shut_down)


def stop_runs() -> None:
    """At shutdown: every run still going is terminated."""
    for run in list(_live):
        run.stop()


def cancel(app: FastAPI, run_id: str) -> bool:
    """Asks the run `run_id` to stop, whichever worker runs it; False if no such run."""
    if not RUN_ID.fullmatch(run_id):
        return False
    folder = run_dir(app)
    marker = folder / run_id
    try:
        pid = int(marker.read_text() or 0)
    except (OSError, ValueError):
        return False
    if not _alive(pid):  # its server worker died without cleaning up
        marker.unlink(missing_ok=True)
        return False
    (folder / f"{run_id}.cancel").touch()
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


async def first_event(run: Run) -> tuple[str, object]:
    """The run's first event; a program the engine rejects raises here, so it
    is answered with a 400 before any streaming starts."""
    try:
        kind, payload = await run.queue.get()
        if kind == "error":
            raise _error(payload)
    except BaseException:
        run.stop()
        raise
    return kind, payload


async def result(run: Run, request: Request | None = None) -> dict:
    """The run's final answer, for a caller that does not stream; if the
    client of `request` hangs up first, the run ends then (ClientGone)."""
    end = {}

    async def last(scope: anyio.CancelScope):
        kind, payload = await run.queue.get()
        while kind in ("ready", "entry"):
            kind, payload = await run.queue.get()
        end["event"] = kind, payload
        scope.cancel()

    async def gone(scope: anyio.CancelScope):
        await hung_up(request)
        scope.cancel()

    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(last, tasks.cancel_scope)
            if request is not None:
                tasks.start_soon(gone, tasks.cancel_scope)
    finally:
        run.stop()
    if "event" not in end:
        raise ClientGone
    kind, payload = end["event"]
    if kind == "error":
        raise _error(payload)
    if payload["stopped"] == "time_limit":
        raise LimitError(f"training took longer than {run.seconds:g} s")
    return payload


def _error(payload: dict) -> Exception:
    if payload == shutdown.error_dict():
        return shutdown.ShuttingDown()
    if payload.get("type") == "internal_error":
        return RuntimeError(payload["message"])
    return WorkerProgramError(payload)


async def ndjson(run: Run, first: tuple[str, object]) -> AsyncIterator[bytes]:
    """start, then progress lines (each holding every entry recorded since
    the last line, so a fast run is not one line per step), then done or
    error. Leaving early (the client went away) ends the run."""
    try:
        yield _line({"type": "start", "run": run.id,
                     "cancel": f"/api/v1/train/{run.id}/cancel"})
        event: tuple | None = None if first[0] == "ready" else first
        while True:
            batch, end = [], None
            while event is not None:
                if event[0] != "entry":
                    end = event
                    break
                batch.append(event[1])
                event = None if run.queue.empty() else run.queue.get_nowait()
            if batch:
                yield _line({"type": "progress", "history": batch})
            if end is not None:
                yield _line(_ending(run, *end))
                return
            event = await run.queue.get()
    finally:
        run.stop()


def _ending(run: Run, kind: str, payload) -> dict:
    if kind == "error":
        return {"type": "error", "error": payload}
    if payload["stopped"] == "time_limit":
        return {"type": "error", "error": LimitError(
            f"training took longer than {run.seconds:g} s and was stopped").to_dict()}
    payload = {k: v for k, v in payload.items() if k != "history"}
    return {"type": "done", **payload}


def _line(obj: dict) -> bytes:
    return orjson.dumps(obj) + b"\n"
