"""API throughput: a real uvicorn on loopback, concurrent clients, bounded in
time. POST /api/v1/graphs with the seed program and with a 1,000-node
program, beside GET /healthz (the framework's own floor), in one run.

Target: the seed program at >= 0.5x the /healthz rate.

Uses wrk (Debian package `wrk`) when installed, else a Python client.
Run: python benchmarks/api_load.py [--seconds 5] [--connections 8]
"""

from __future__ import annotations

import argparse
import json
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

from chainrule.language.examples import example  # noqa: E402

from tests.server.live import running_server  # noqa: E402

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    load = with_wrk if shutil.which("wrk") else with_python
    cases = [("GET /healthz", "/healthz", None),
             ("POST graphs, seed program", "/api/v1/graphs",
              {"program": example("regression").program}),
             ("POST graphs, 1,000 nodes", "/api/v1/graphs", {"program": BIG})]
    with running_server() as (url, _):
        rows = {name: load(url, path, body, args.seconds, args.connections)
                for name, path, body in cases}
    print(f"{load.__name__[5:]} client, {args.connections} connections, "
          f"{args.seconds:g} s per case, one uvicorn worker")
    for name, r in rows.items():
        print(f"  {name:28s} {r['rate']:8.0f} req/s   p50 {r['p50']:7.2f} ms   "
              f"p99 {r['p99']:7.2f} ms   non-200: {r['errors']}")
    ratio = rows["POST graphs, seed program"]["rate"] / rows["GET /healthz"]["rate"]
    print(f"  ratio seed / healthz {ratio:.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
