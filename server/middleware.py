"""Pure ASGI middleware: security headers on every response, and a body-size
limit enforced while the body streams in, before anything parses it."""

from __future__ import annotations

import logging

import anyio
import orjson
from starlette.exceptions import HTTPException

from .pool import ClientGone

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
log = logging.getLogger("chainrule.server")


class SecurityHeaders:
    def __init__(self, app, csp_for=None):
        self.app = app
        self.csp_for = csp_for or (lambda path: CSP)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = self.csp_for(scope["path"]).encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS,
                                      (b"content-security-policy", csp)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """An HTTPException, so the framework's body reader passes it on untouched."""

    def __init__(self, max_bytes: int):
        super().__init__(413, f"the request body is over {max_bytes} bytes")


class BodyStalled(HTTPException):
    """The client stopped sending its body (an HTTPException: passed on untouched)."""

    def __init__(self, seconds: float):
        super().__init__(408, f"the request body stopped arriving for {seconds:g} s")


class BodyLimit:
    """The body's size, counted as it streams in, and its pace: a body that
    stops arriving for `seconds` (CHAINRULE_CLIENT_SECONDS) answers 408."""

    def __init__(self, app, max_bytes: int, seconds: float = 10.0):
        self.app = app
        self.max_bytes = max_bytes
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                return await self.refuse(send)
        seen = 0
        started = False
        body_done = False

        async def counted_receive():
            nonlocal seen, body_done
            if body_done:  # after the body, receive() waits for a hang-up: no deadline
                return await receive()
            with anyio.move_on_after(self.seconds) as waited:
                message = await receive()
            if waited.cancelled_caught:
                raise BodyStalled(self.seconds)
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(send)
        except BodyStalled as err:
            if not started:
                await self.refuse(send, 408, str(err.detail))

    async def refuse(self, send, status: int = 413, message: str = ""):
        body = orjson.dumps({"error": {"type": "limit_error", "message": message or
                                       f"the request body is over {self.max_bytes} bytes"}})
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class InternalErrors:
    """An exception no handler answered becomes a 500 in the error shape (inside
    SecurityHeaders, so it carries the headers), with its traceback in the log.
    After a response has started, nothing can be sent: the traceback is logged
    and the connection closed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except ClientGone:
            return  # nobody to answer, nothing wrong
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            body = orjson.dumps({"error": {
                "type": "internal_error",
                "message": "an unexpected error on the server; it has been logged"}})
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """HEAD answers as GET would, without the body (link checkers and uptime
    probes send HEAD /). The inner app sees a copy of the scope: the server's
    own scope keeps saying HEAD."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)
