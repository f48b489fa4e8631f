"""uvicorn's h11 protocol with a deadline for a request's head: uvicorn
closes an idle kept-alive connection after `timeout_keep_alive`, but a client
that sends half a request line or half its headers and stops would hold its
connection (and a file descriptor) forever. Here the head must be complete
within CHAINRULE_CLIENT_SECONDS of its first byte (or of the connection),
else the connection is closed. A body that stalls is middleware.BodyLimit's
to time out: it answers 408 in the error shape."""

from __future__ import annotations

import os

from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_SECONDS = 10.0


def client_seconds() -> float:
    """CHAINRULE_CLIENT_SECONDS (checked by `chainrule serve` before it starts)."""
    try:
        return float(os.environ.get("CHAINRULE_CLIENT_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


class TimedH11Protocol(H11Protocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.head_seconds = client_seconds()
        self.head_timer = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.head_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first byte of a next request on a kept-alive connection
        super().data_received(data)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request's head arrived whole
            self._disarm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.head_timer = self.loop.call_later(self.head_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _too_slow(self) -> None:
        self.head_timer = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()
