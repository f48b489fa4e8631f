"""A deadline is a deadline: past CHAINRULE_REQUEST_SECONDS the request answers a
limit_error and its work stops using the CPU (the worker process is ended, not
abandoned), whatever the work: a gradient check, the symbolic check, a
comparison's contour grid or a training run. /healthz answers meanwhile."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from .hostile import CHECK_BUDGET, HEAVY, TRAIN_LONG
from .live import cpu_seconds, running_server

SECONDS = 2


@pytest.fixture(scope="module")
def server():
    with running_server(CHAINRULE_REQUEST_SECONDS=str(SECONDS), **CHECK_BUDGET) as (url, proc):
        yield url, proc


def answer(url: str, path: str, body: dict) -> tuple[int, list[dict]]:
    """The status and the JSON objects of the answer (one, or NDJSON lines)."""
    with httpx.stream("POST", url + path, json=body, timeout=60) as r:
        text = r.read().decode()
    return r.status_code, [httpx.Response(200, text=line).json()
                           for line in text.splitlines() if line]


@pytest.mark.parametrize(("name", "path", "body"), HEAVY, ids=[h[0] for h in HEAVY])
def test_work_stops_at_the_deadline_and_healthz_answers_meanwhile(server, name, path, body):
    url, proc = server
    result = {}

    def send():
        result["answer"] = answer(url, path, body)

    sender = threading.Thread(target=send)
    sender.start()
    health = []
    while sender.is_alive():
        health.append(httpx.get(url + "/healthz", timeout=10).status_code)
        time.sleep(0.1)
    sender.join()
    status, objects = result["answer"]
    last = objects[-1]
    error = last.get("error")
    if name.startswith("symbolic"):  # may well finish in time: then it is a right answer
        assert status == 200 or error["type"] == "limit_error"
    else:
        assert error is not None and error["type"] == "limit_error", (status, last)
        assert f"{SECONDS:g} s" in error["message"]
    assert health and set(health) == {200}
    # Nothing keeps computing once the answer is out (the server gets a moment
    # to start a fresh worker, then must be idle).
    time.sleep(1.0)
    before = cpu_seconds(proc.pid)
    time.sleep(2.0)
    assert cpu_seconds(proc.pid) - before < 0.3


HANG_UPS = [*(h for h in HEAVY if "train" not in h[0] and "symbolic" not in h[0]),
            ("train, not streamed", "/api/v1/train", {**TRAIN_LONG, "stream": False}),
            ("train, streamed", "/api/v1/train", TRAIN_LONG)]


@pytest.mark.parametrize(("name", "path", "body"), HANG_UPS, ids=[h[0] for h in HANG_UPS])
def test_hanging_up_stops_the_work_long_before_the_deadline(name, path, body):
    with running_server(CHAINRULE_REQUEST_SECONDS="120", **CHECK_BUDGET) as (url, proc):
        if body.get("stream"):  # read the start line, then hang up
            with httpx.stream("POST", url + path, json=body, timeout=30) as r:
                next(r.iter_lines())
        else:
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(url + path, json=body, timeout=httpx.Timeout(30, read=1.5))
        time.sleep(1.0)
        before = cpu_seconds(proc.pid)
        time.sleep(2.0)
        assert cpu_seconds(proc.pid) - before < 0.3
