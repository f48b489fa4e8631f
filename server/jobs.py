"""CPU work runs in worker threads, a bounded number at once, so the event
loop (and /healthz) keeps answering while a program is traced."""

from __future__ import annotations

import anyio
from chainrule import LimitError
from fastapi import FastAPI


async def run_job(app: FastAPI, work):
    seconds = app.state.settings.request_seconds
    with anyio.move_on_after(seconds) as scope:
        # abandon_on_cancel: past the deadline the answer goes out at once; the
        # thread finishes its bounded work in the background and is dropped.
        return await anyio.to_thread.run_sync(work, limiter=app.state.jobs,
                                              abandon_on_cancel=True)
    if scope.cancelled_caught:
        raise LimitError(f"the program took longer than {seconds:g} s")
