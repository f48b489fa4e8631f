"""Errors are always the error shape: an exception no handler expects answers
500 {"error": {"type": "internal_error", ...}} with the security headers, and
the server logs its traceback. No plain-text 500s, in the event loop or in a
worker process."""

from __future__ import annotations

import logging

from chainrule.server.app import create_app
from chainrule.server.pool import run_job
from chainrule.server.settings import Settings
from fastapi import Request
from fastapi.testclient import TestClient

SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy",
            "x-frame-options")


def broken(n: int) -> bytes:  # runs in a worker process
    return {}["no such key"]  # a KeyError: a bug, not a ProgramError


def app_with_failing_routes() -> TestClient:
    app = create_app(Settings())

    @app.get("/fails")
    async def fails():
        raise ValueError("a bug in a route")

    @app.post("/fails-in-a-worker")
    async def fails_in_a_worker(request: Request):
        return await run_job(request, "light", broken, 1)

    return TestClient(app)


def assert_internal_error(r) -> None:
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": {"type": "internal_error", "message":
                                  "an unexpected error on the server; it has been logged"}}
    for header in SECURITY:
        assert header in r.headers, header


def test_an_exception_in_a_route_is_the_error_shape_and_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="chainrule.server"):
        r = app_with_failing_routes().get("/fails")
    assert_internal_error(r)
    record = next(rec for rec in caplog.records if rec.name == "chainrule.server")
    assert "/fails" in record.getMessage()
    assert record.exc_info[0] is ValueError
    assert "a bug in a route" in caplog.text  # the traceback, message included


def test_an_exception_in_a_worker_process_is_the_error_shape_and_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="chainrule.server"):
        r = app_with_failing_routes().post("/fails-in-a-worker")
    assert_internal_error(r)
    assert "KeyError" in caplog.text
    assert "no such key" in caplog.text
    assert 'return {}["no such key"]' in caplog.text  # the worker's own traceback


def test_ordinary_errors_keep_their_own_shape(client):
    r = client.post("/api/v1/graphs", json={"program": "loss = q"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "name_error"
