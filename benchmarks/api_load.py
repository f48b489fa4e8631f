"""API throughput: a real uvicorn on loopback, concurrent clients, bounded in
time. POST /api/v1/graphs with the seed program and with a 1,000-node
program, beside GET /healthz (the framework's own floor), in one run.
Then the hostile mix: the built-in programs from 8 connections, calm, then
while 2 more connections send the heaviest requests the limits allow
(tests/server/hostile.py) one after another; and /healthz while each of those
runs alone.

Then check starvation: two clients send the heaviest checks the default
limits allow (tests/server/hostile.py HEAVY_CHECKS) back to back while a third
checks the seed program, as the page does on every Build.

Targets: the seed program at >= 0.5x the /healthz rate; ordinary p99 in the
hostile mix within 3x calm; /healthz p99 under 100 ms beside any one request;
the third client's check: no error, p99 <= 2 s.

Uses wrk (Debian package `wrk`) when installed, else a Python client (the mix
always uses the Python client: it rotates programs).
Run: python benchmarks/api_load.py [--seconds 5] [--connections 8] [--request-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chainrule.language.examples import EXAMPLES, example  # noqa: E402

from tests.server.hostile import HEAVY, HEAVY_CHECKS  # noqa: E402
from tests.server.live import rss_bytes, running_server  # noqa: E402

BIG = "w = 0.9\nb = 0.05\nh = 1.0\n" + "h = relu(h*w + b)\n" * 333  # 1,002 nodes


def with_wrk(url: str, path: str, body: dict | None, seconds: float, conns: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
                         'wrk.headers["Content-Type"] = "application/json"\n')
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{max(1, round(seconds))}s", "--latency",
                          "-s", script.name, url + path],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    ms = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": ms["50"], "p99": ms["99"],
            "errors": int(errors.group(1)) if errors else 0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def with_python(url: str, path: str, body: dict | None, seconds: float, conns: int) -> dict:
    latencies, errors = [], [0]
    deadline = time.perf_counter() + seconds

    def client():
        with httpx.Client(base_url=url) as c:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                r = c.post(path, json=body) if body is not None else c.get(path)
                latencies.append((time.perf_counter() - start) * 1e3)
                errors[0] += r.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100)
    return {"rate": len(latencies) / seconds, "p50": q[49], "p99": q[98], "errors": errors[0]}


def heavy_request(client: httpx.Client, path: str, body: dict) -> None:
    with client.stream("POST", path, json=body) as r:
        r.read()


def mix(url: str, seconds: float, conns: int, hostile: int) -> dict:
    """Built-in programs from `conns` connections while `hostile` connections
    send HEAVY requests back to back; ordinary latencies and the peak RSS of
    the server with its worker processes."""
    latencies, errors, peak = [], [0], [0]
    stop = threading.Event()

    def ordinary(k: int):
        with httpx.Client(base_url=url, timeout=60) as c:
            while not stop.is_set():
                program = EXAMPLES[k % len(EXAMPLES)].program
                k += 1
                start = time.perf_counter()
                r = c.post("/api/v1/graphs", json={"program": program})
                latencies.append((time.perf_counter() - start) * 1e3)
                errors[0] += r.status_code != 200

    def heavy(k: int):
        with httpx.Client(base_url=url, timeout=120) as c:
            while not stop.is_set():
                _, path, body = HEAVY[k % len(HEAVY)]
                k += 1
                heavy_request(c, path, body)

    def memory(pid: int):
        while not stop.is_set():
            peak[0] = max(peak[0], rss_bytes(pid))
            time.sleep(0.1)

    hostiles = [threading.Thread(target=heavy, args=(k,), daemon=True) for k in range(hostile)]
    for t in hostiles:
        t.start()
    time.sleep(1.0 if hostile else 0)  # let the heavy work start first
    threads = [threading.Thread(target=ordinary, args=(k,)) for k in range(conns)]
    threads.append(threading.Thread(target=memory, args=(mix.pid,)))
    latencies.clear()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads + hostiles:  # the heavy ones end with their current request
        t.join()
    q = statistics.quantiles(latencies, n=100)
    return {"rate": len(latencies) / seconds, "p50": q[49], "p99": q[98], "errors": errors[0],
            "rss": peak[0]}


def check_starvation(url: str, seconds: float) -> dict:
    """The seed program's check, sent back to back by one client while two
    others send HEAVY_CHECKS back to back: its latencies and non-200 answers."""
    stop = threading.Event()
    latencies, errors, heavy_sent = [], [0], [0]
    seed = {"program": example("regression").program, "check": True}

    def heavy(k: int):
        with httpx.Client(base_url=url, timeout=120) as c:
            while not stop.is_set():
                heavy_request(c, "/api/v1/graphs", HEAVY_CHECKS[k % len(HEAVY_CHECKS)][1])
                heavy_sent[0] += 1
                k += 1

    with httpx.Client(base_url=url, timeout=120) as c:
        c.post("/api/v1/graphs", json=seed)  # a cold lane's first worker is not the point
        hostiles = [threading.Thread(target=heavy, args=(k,), daemon=True) for k in (0, 1)]
        for t in hostiles:
            t.start()
        time.sleep(1.0)  # let the heavy work start first
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            r = c.post("/api/v1/graphs", json=seed)
            latencies.append((time.perf_counter() - start) * 1e3)
            errors[0] += r.status_code != 200 or "check" not in r.json()
    stop.set()
    for t in hostiles:
        t.join()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"p50": q[49], "p99": q[98], "max": max(latencies), "n": len(latencies),
            "errors": errors[0], "heavy": heavy_sent[0]}


def healthz_beside(url: str, path: str | None, body: dict | None) -> dict:
    """/healthz every 20 ms while one heavy request runs alone (path None: for
    5 s with nothing else, the machine's own noise)."""
    done = threading.Event()

    def send():
        if path is None:
            time.sleep(5)
        else:
            with httpx.Client(base_url=url, timeout=120) as c:
                heavy_request(c, path, body)
        done.set()

    threading.Thread(target=send).start()
    latencies = []
    with httpx.Client(base_url=url, timeout=10) as c:
        while not done.is_set():
            start = time.perf_counter()
            c.get("/healthz")
            latencies.append((time.perf_counter() - start) * 1e3)
            time.sleep(0.02)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"p50": q[49], "p99": q[98], "max": max(latencies), "n": len(latencies)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--request-seconds", type=float, default=10,
                    help="CHAINRULE_REQUEST_SECONDS of the server (default 20 in production)")
    ap.add_argument("--only-starvation", action="store_true",
                    help="run the check-starvation case alone (default limits, 20 s deadline)")
    args = ap.parse_args()
    if args.only_starvation:
        with running_server() as (url, _proc):
            starved = check_starvation(url, args.seconds * 4)
        print_starvation(starved, args.seconds * 4)
        return
    load = with_wrk if shutil.which("wrk") else with_python
    cases = [("GET /healthz", "/healthz", None),
             ("POST graphs, seed program", "/api/v1/graphs",
              {"program": example("regression").program}),
             ("POST graphs, 1,000 nodes", "/api/v1/graphs", {"program": BIG})]
    with running_server(CHAINRULE_REQUEST_SECONDS=f"{args.request_seconds:g}") as (url, proc):
        rows = {name: load(url, path, body, args.seconds, args.connections)
                for name, path, body in cases}
        mix.pid = proc.pid
        calm = mix(url, args.seconds * 2, args.connections, 0)
        hostile = mix(url, args.seconds * 2, args.connections, 2)
        beside = {name: healthz_beside(url, path, body)
                  for name, path, body in [("nothing else (the floor)", None, None), *HEAVY]}
        starved = check_starvation(url, args.seconds * 4)
    print(f"{load.__name__[5:]} client, {args.connections} connections, "
          f"{args.seconds:g} s per case, one uvicorn worker")
    for name, r in rows.items():
        print(f"  {name:28s} {r['rate']:8.0f} req/s   p50 {r['p50']:7.2f} ms   "
              f"p99 {r['p99']:7.2f} ms   non-200: {r['errors']}")
    ratio = rows["POST graphs, seed program"]["rate"] / rows["GET /healthz"]["rate"]
    print(f"  ratio seed / healthz {ratio:.2f}  (target >= 0.5)")
    print(f"hostile mix: the {len(EXAMPLES)} built-in programs from {args.connections} "
          f"connections (Python client), {args.seconds * 2:g} s, "
          f"CHAINRULE_REQUEST_SECONDS={args.request_seconds:g}")
    for name, r in (("calm", calm), ("2 heavy connections", hostile)):
        print(f"  {name:28s} {r['rate']:8.0f} req/s   p50 {r['p50']:7.2f} ms   "
              f"p99 {r['p99']:7.2f} ms   non-200: {r['errors']}   "
              f"peak RSS {r['rss'] / 2**20:6.0f} MB")
    print(f"  ordinary p99, hostile / calm {hostile['p99'] / calm['p99']:.2f}  (target <= 3)")
    print(f"/healthz beside one heavy request (every 20 ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for name, r in beside.items():
        print(f"  {name:34s} p50 {r['p50']:6.2f} ms   p99 {r['p99']:6.2f} ms   "
              f"max {r['max']:6.2f} ms   ({r['n']} probes; target p99 < 100 ms)")
    print_starvation(starved, args.seconds * 4)


def print_starvation(r: dict, seconds: float) -> None:
    print(f"check starvation: the seed program's check from 1 client while 2 clients send "
          f"the heaviest checks back to back ({', '.join(n for n, _ in HEAVY_CHECKS)}), "
          f"{seconds:g} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  seed check   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms   "
          f"max {r['max']:7.1f} ms   ({r['n']} checks, {r['heavy']} heavy ones beside)   "
          f"errors: {r['errors']}  (target: none, p99 <= 2000 ms)")


if __name__ == "__main__":
    main()
