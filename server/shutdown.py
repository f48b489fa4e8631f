"""SIGTERM (or Ctrl+C) with work still going: uvicorn stops accepting and
waits `timeout_graceful_shutdown` (3 s) for open requests, then cancels them,
which would answer a plain-text 500 or cut a stream. So the signal is seen
here too: work gets SHUTDOWN_GRACE seconds to finish, then every request
still waiting for a worker or a run slot, or still being worked on, answers
503 in the error shape, and every streamed run ends with an `error` line.
"""

from __future__ import annotations

import asyncio
import signal
import threading

from chainrule import LimitError

SHUTDOWN_GRACE = 2.0  # seconds: under uvicorn's 3 s of graceful shutdown
MESSAGE = "the server is shutting down; send the request again in a moment"
_state: dict = {"loop": None, "event": None, "signalled": False}
_callbacks: list = []


class ShuttingDown(LimitError):
    """Answered 503: the request was fine, the server is going away."""

    def __init__(self):
        super().__init__(MESSAGE)


def error_dict() -> dict:
    return ShuttingDown().to_dict()


def install() -> None:
    """At startup, in the server's main thread: chain our handler before uvicorn's."""
    if threading.current_thread() is not threading.main_thread():
        return  # a test client's app: no signals to watch
    loop = asyncio.get_running_loop()
    _state.update(loop=loop, event=asyncio.Event(), signalled=False)
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous):
            if not _state["signalled"]:
                _state["signalled"] = True
                loop.call_soon_threadsafe(loop.call_later, SHUTDOWN_GRACE, _end_all)
            if callable(previous):
                previous(signum, frame)

        signal.signal(sig, handler)


def on_end(callback) -> None:
    """`callback()` runs on the event loop when the grace period is over."""
    _callbacks.append(callback)


def ended() -> asyncio.Event | None:
    """Set when the grace period is over; None where nothing watches signals
    or on another loop than the server's."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return _state["event"] if _state["loop"] is loop else None


def is_over() -> bool:
    event = ended()
    return event is not None and event.is_set()


def _end_all() -> None:
    _state["event"].set()
    for callback in _callbacks:
        callback()
