"""`chainrule serve --workers 2` as users run it behind a load balancer: traces,
streamed training and its cancel work whichever worker gets each request."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson
import pytest
from chainrule import trace_program
from chainrule.language.examples import EXAMPLES

from .hostile import TRAIN_LONG
from .live import running_server


@pytest.fixture(scope="module")
def two_workers():
    with running_server("--workers", "2", CHAINRULE_REQUEST_SECONDS="60") as (url, proc):
        yield url


def fresh(url: str) -> httpx.Client:
    """A new connection per request: the kernel hands each to either worker."""
    return httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


def test_traces_from_many_connections_are_right(two_workers):
    def trace(k: int) -> bool:
        example = EXAMPLES[k % len(EXAMPLES)]
        with fresh(two_workers) as client:
            r = client.post("/api/v1/graphs", json={"program": example.program,
                                                      "check": k % 2 == 1})
        return r.status_code == 200 and \
            r.json()["gradients"] == trace_program(example.program)["gradients"]

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(trace, range(24)))


def cancel_from_fresh_connections(url: str, body: dict) -> list[dict]:
    """Starts a streamed run, cancels it from new connections, returns its lines."""
    got = []
    with httpx.stream("POST", url + "/api/v1/train", json=body, timeout=60) as r:
        for line in r.iter_lines():
            if not line:
                continue
            got.append(orjson.loads(line))
            if got[-1]["type"] == "progress" and len(got) == 2:
                with fresh(url) as client:
                    assert client.post(got[0]["cancel"]).json() == {"cancelled": True}
    return got


def test_streamed_runs_are_cancelled_from_any_worker(two_workers):
    for _ in range(4):  # four runs, each cancelled over new connections
        got = cancel_from_fresh_connections(two_workers, TRAIN_LONG)
        assert got[0]["type"] == "start"
        assert got[-1]["type"] == "done"
        assert got[-1]["stopped"] == "cancelled"


def test_hanging_up_ends_a_run_and_its_cancel_path_with_it(two_workers):
    with httpx.stream("POST", two_workers + "/api/v1/train", json=TRAIN_LONG, timeout=60) as r:
        start = orjson.loads(next(r.iter_lines()))
    for _ in range(100):  # the worker notices the hang-up at its next write
        with fresh(two_workers) as client:
            status = client.post(start["cancel"]).status_code
        if status == 404:
            break
        time.sleep(0.1)
    assert status == 404


def test_unknown_and_malformed_run_ids_are_404(two_workers):
    with fresh(two_workers) as client:
        for run_id in ("nosuchrun", "..", "a" * 300):
            r = client.post(f"/api/v1/train/{run_id}/cancel")
            assert r.status_code == 404, run_id
            assert r.json()["error"]["type"] == "not_found"


def test_a_cancel_reaches_a_run_on_another_server_process(tmp_path):
    """Deterministic: two servers share a run folder, as a server's workers do;
    the run is on one, the cancel goes to the other."""
    shared = {"CHAINRULE_RUN_DIR": str(tmp_path), "CHAINRULE_REQUEST_SECONDS": "60"}
    with running_server(**shared) as (a, _), running_server(**shared) as (b, _):
        got = []
        with httpx.stream("POST", a + "/api/v1/train", json=TRAIN_LONG, timeout=60) as r:
            for line in r.iter_lines():
                got.append(orjson.loads(line))
                if got[-1]["type"] == "progress" and len(got) == 2:
                    assert httpx.post(b + got[0]["cancel"]).json() == {"cancelled": True}
    assert got[-1]["type"] == "done"
    assert got[-1]["stopped"] == "cancelled"
