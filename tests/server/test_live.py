"""A real uvicorn on loopback: concurrent mixed traffic, and liveness while
a heavy program is traced."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from chainrule import trace_program
from chainrule.language.examples import EXAMPLES

DEEP = "loss = " + "(" * 300 + "1" + ")" * 300

# (request body, expected status, check of the JSON answer)
MIX = [
    *[({"program": e.program}, 200,
       lambda b, e=e: b["gradients"] == trace_program(e.program)["gradients"])
      for e in EXAMPLES],
    ({"program": "w = 2\nloss = (w * "}, 400, lambda b: b["error"]["type"] == "parse_error"),
    ({"program": "loss = q"}, 400, lambda b: b["error"]["type"] == "name_error"),
    ({"program": DEEP}, 400, lambda b: b["error"]["type"] == "limit_error"),
    ({"program": 7}, 422, lambda b: b["error"]["type"] == "value_error"),
    ({"program": "x" * 3_100_000}, 413, lambda b: b["error"]["type"] == "limit_error"),
    ({"program": "loss = exp(1000)", "check": True}, 200,
     lambda b: b["nodes"][-1]["value"] == "Infinity"),
]


def test_eight_threads_of_mixed_requests_all_answered_right(live_server):
    url, proc = live_server

    def worker(seed: int) -> list[str]:
        wrong = []
        with httpx.Client(base_url=url, timeout=60) as client:
            for k in range(3 * len(MIX)):
                body, status, ok = MIX[(seed + k) % len(MIX)]
                r = client.post("/api/v1/graphs", json=body)
                if r.status_code != status or not ok(r.json()):
                    wrong.append(f"{body!r:.60} -> {r.status_code} {r.text[:120]}")
        return wrong

    with ThreadPoolExecutor(8) as pool:
        wrong = [w for ws in pool.map(worker, range(8)) for w in ws]
    assert wrong == []
    assert proc.poll() is None
    assert httpx.get(url + "/healthz").json() == {"status": "ok"}


def test_healthz_answers_while_a_heavy_program_is_traced(live_server):
    url, _ = live_server
    heavy = "x = 0.5\n" + "x = sin(x)\n" * 150_000
    done = threading.Event()
    result = {}

    def trace():
        result["status"] = httpx.post(url + "/api/v1/graphs", json={"program": heavy},
                                      timeout=120).status_code
        done.set()

    threading.Thread(target=trace).start()
    time.sleep(0.3)
    latencies = []
    while not done.is_set() and len(latencies) < 20:
        start = time.perf_counter()
        assert httpx.get(url + "/healthz", timeout=5).status_code == 200
        latencies.append(time.perf_counter() - start)
        time.sleep(0.05)
    done.wait(120)
    assert result["status"] == 200
    assert len(latencies) >= 3, "the heavy program finished too soon to test liveness"
    assert max(latencies) < 1.0
