"""Playground responsiveness: the time from a click on the plane (a new point)
to the updated boundary drawn, in headless Chromium against a live uvicorn.
The page sends the points and weights (POST /api/v1/playground/step, epochs 0),
the server answers the prediction, every neuron's map and, with a point chosen,
its traced program; the time ends at the first frame after the answer is drawn.

Run:  python benchmarks/playground_click.py [--clicks 20]
Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

# A click at (x, y) in the plane's pixels, then frames until no request is pending.
CLICK = """async ([x, y]) => {
  const svg = document.querySelector('svg#boundary');
  const r = svg.getBoundingClientRect();
  const before = +svg.dataset.points;
  const t0 = performance.now();
  const at = { clientX: r.left + x, clientY: r.top + y, bubbles: true, button: 0, pointerId: 1 };
  svg.dispatchEvent(new PointerEvent('pointerdown', at));
  for (;;) {
    await new Promise((ok) => requestAnimationFrame(ok));
    if (document.body.dataset.pending === '0' && +svg.dataset.points === before + 1) break;
  }
  await new Promise((ok) => requestAnimationFrame(ok));
  return performance.now() - t0;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=20)
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "chainrule.server.app:create_app",
                               "--factory", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(url + "/playground?data=circle&hidden=4,4")
            page.wait_for_selector("svg#boundary [data-point]")
            page.wait_for_function("() => document.body.dataset.pending === '0'")
            results = {}
            for chosen in (False, True):
                if chosen:
                    page.locator("svg#boundary [data-split=train]").first.click()
                    page.wait_for_function("() => document.body.dataset.pending === '0'")
                times = [page.evaluate(CLICK, [60 + 7 * (k % 30), 60 + 5 * (k % 20)])
                         for k in range(args.clicks)]
                results[chosen] = times
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"playground, circle (200 points), 2-4-4-2 tanh, 1280x800, {args.clicks} clicks each")
    for chosen, times in results.items():
        what = "with a chosen point (its trace too)" if chosen else "no point chosen"
        print(f"  click -> boundary drawn, {what:36} median {statistics.median(times):6.1f} ms"
              f"   max {max(times):6.1f} ms")


if __name__ == "__main__":
    main()
