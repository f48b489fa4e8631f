"""Training never hangs: every failure inside a run reaches the client (an error
line in the stream, or the error shape), and the server shuts down cleanly on
SIGTERM with runs in flight."""

from __future__ import annotations

import os
import signal
import time

import httpx
import orjson
import pytest
from chainrule.server.app import create_app
from chainrule.server.runs import Run, first_event, ndjson, result
from chainrule.server.settings import Settings
from fastapi import Request
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from .hostile import TRAIN_LONG
from .live import descendants, running_server

DIVIDE_BY_ZERO = "w = 1.0\nx = [1.0, 2.0]\nloss = sum(x*w/0) + w*w"


# ---- run bodies, at module level: they run in the run's own process ----------
def raises(progress) -> dict:
    progress.emit("ready", None)
    progress.emit("entry", {"step": 0})
    raise RuntimeError("a bug in the run")


def hangs(progress) -> dict:
    progress.emit("ready", None)
    progress.emit("entry", {"pid": os.getpid()})
    while True:
        time.sleep(1)


def rejects(progress) -> dict:
    from chainrule import ShapeError
    raise ShapeError("shapes do not fit", 2, 5)


def app_running(function) -> TestClient:
    app = create_app(Settings(request_seconds=30))

    @app.post("/run")
    async def run_route(request: Request, stream: bool = True):
        run = Run(request.app)
        await run.start(function)
        if not stream:
            return await result(run)
        first = await first_event(run)
        return StreamingResponse(ndjson(run, first), media_type="application/x-ndjson")

    return TestClient(app)


def lines(response) -> list[dict]:
    return [orjson.loads(line) for line in response.text.splitlines() if line]


@pytest.mark.parametrize("stream", [False, True])
def test_division_by_zero_in_training_answers(client, stream):
    r = client.post("/api/v1/train", json={"program": DIVIDE_BY_ZERO, "params": ["w"],
                                           "max_steps": 5, "stream": stream})
    if not stream or r.status_code != 200:
        body = r.json()
        assert "error" in body or body["stopped"] in ("diverged", "max_steps", "converged")
        if "error" in body:
            assert body["error"]["type"] in ("internal_error", "value_error", "limit_error")
    else:
        last = lines(r)[-1]
        assert last["type"] in ("done", "error")


def test_a_bug_in_a_streamed_run_is_an_error_line():
    r = app_running(raises).post("/run")
    got = lines(r)
    assert [g["type"] for g in got] == ["start", "progress", "error"]
    assert got[-1]["error"]["type"] == "internal_error"


def test_a_bug_in_a_run_that_does_not_stream_is_the_error_shape():
    r = app_running(raises).post("/run", params={"stream": False})
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "internal_error"


def test_a_rejected_program_is_a_positioned_400():
    r = app_running(rejects).post("/run")
    assert r.status_code == 400
    assert r.json()["error"] == {"type": "shape_error", "message": "shapes do not fit",
                                 "line": 2, "col": 5}


def test_a_run_process_killed_from_outside_is_an_error_line():
    with app_running(hangs).stream("POST", "/run") as r:
        got = []
        for line in r.iter_lines():
            if not line:
                continue
            got.append(orjson.loads(line))
            if got[-1]["type"] == "progress":
                os.kill(got[-1]["history"][0]["pid"], signal.SIGKILL)
    assert got[-1]["type"] == "error"
    assert got[-1]["error"]["type"] == "internal_error"


def test_sigterm_with_a_run_in_flight_exits_and_leaves_no_process():
    with running_server(CHAINRULE_REQUEST_SECONDS="120") as (url, proc):
        with httpx.stream("POST", url + "/api/v1/train", json=TRAIN_LONG, timeout=60) as r:
            stream = r.iter_lines()
            assert orjson.loads(next(stream))["type"] == "start"
            assert orjson.loads(next(stream))["type"] == "progress"
            children = descendants(proc.pid)
            assert children  # the run's process, and the fork server
            proc.send_signal(signal.SIGTERM)
            # uvicorn re-raises the signal once it has shut down
            assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
        for _ in range(100):  # the fork server notices its parent is gone
            left = [pid for pid in children if _running(pid)]
            if not left:
                break
            time.sleep(0.1)
        assert left == []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
