"""A training run in a worker thread, its progress carried to the event loop
as NDJSON lines, and its ways to stop early: the client going away, an
explicit cancel, or the request-time limit."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable

import anyio
import orjson
from chainrule import LimitError, ProgramError
from fastapi import FastAPI


class Run:
    def __init__(self, app: FastAPI):
        self.id = secrets.token_urlsafe(9)
        self.app = app
        self.seconds = app.state.settings.request_seconds
        self.deadline = time.monotonic() + self.seconds
        self.cancelled = threading.Event()
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue = asyncio.Queue()

    def should_stop(self) -> str | None:
        """Asked by the training loop between updates."""
        if self.cancelled.is_set():
            return "cancelled"
        if time.monotonic() > self.deadline:
            return "time_limit"
        return None

    def emit(self, kind: str, payload) -> None:
        """From the worker thread: hand one event to the event loop."""
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (kind, payload))

    def start(self, train: Callable[[Run], dict]) -> asyncio.Task:
        def work():
            try:
                self.emit("done", train(self))
            except ProgramError as err:
                self.emit("error", err)
        # The task holds its own reference until the thread returns.
        return asyncio.ensure_future(anyio.to_thread.run_sync(
            work, limiter=self.app.state.jobs, abandon_on_cancel=True))


def registry(app: FastAPI) -> dict[str, Run]:
    runs = getattr(app.state, "train_runs", None)
    if runs is None:
        runs = app.state.train_runs = {}
    return runs


async def first_event(run: Run) -> tuple[str, object]:
    """The run's first event; a program the engine rejects raises here, so it
    is answered with a 400 before any streaming starts."""
    kind, payload = await run.queue.get()
    if kind == "error":
        raise payload
    return kind, payload


async def ndjson(run: Run, first: tuple[str, object]) -> AsyncIterator[bytes]:
    """start, then progress lines (each holding every entry recorded since
    the last line, so a fast run is not one line per step), then done or
    error. Leaving early (the client went away) cancels the run."""
    runs = registry(run.app)
    runs[run.id] = run
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
        run.cancelled.set()
        runs.pop(run.id, None)


def _ending(run: Run, kind: str, payload) -> dict:
    if kind == "error":
        return {"type": "error", "error": payload.to_dict()}
    if payload["stopped"] == "time_limit":
        err = LimitError(f"training took longer than {run.seconds:g} s and was stopped")
        return {"type": "error", "error": err.to_dict()}
    payload = {k: v for k, v in payload.items() if k != "history"}
    return {"type": "done", **payload}


def _line(obj: dict) -> bytes:
    return orjson.dumps(obj) + b"\n"
