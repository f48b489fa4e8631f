"""Real-browser tests: a live uvicorn on loopback, Debian's Chromium through
pytest-playwright, and every page test failing on any JS error or failed request."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server() -> str:
    """uvicorn serving the app factory; its URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "chainrule.server.app:create_app", "--factory",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).json() == {"status": "ok"}:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": LAUNCH_FLAGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def api(live_server: str):
    """The same API the page calls, for the expected numbers."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def examples(api) -> dict[str, dict]:
    return {e["id"]: e for e in api.get("/api/v1/examples").json()}


class PageProblems:
    """JS errors, console errors and failed requests seen by one page."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def add(self, what: str) -> None:
        self.seen.append(what)

    def unexpected(self) -> list[str]:
        return [s for s in self.seen if not any(p.search(s) for p in self.allowed)]


@pytest.fixture(autouse=True)
def page_problems(request):
    """Fail the test on any page error, console error, failed or erroring request."""
    if "page" not in request.fixturenames:
        yield None
        return
    page = request.getfixturevalue("page")
    problems = PageProblems()

    def on_console(m) -> None:
        if m.type == "error":
            problems.add(f"console: {m.text} @ {m.location.get('url')}")

    def on_response(r) -> None:
        if r.status >= 400:
            problems.add(f"http {r.status}: {r.request.method} {r.url}")

    page.on("pageerror", lambda e: problems.add(f"pageerror: {e}"))
    page.on("console", on_console)
    # net::ERR_ABORTED is the page's own cancel (a navigation, or a newer Build
    # aborting the older request's fetch), not a failure of the server.
    page.on("requestfailed", lambda r: r.failure == "net::ERR_ABORTED"
            or problems.add(f"requestfailed: {r.url} {r.failure}"))
    page.on("response", on_response)
    page.on("dialog", lambda d: (problems.add(f"dialog: {d.message}"), d.dismiss()))
    yield problems
    bad = problems.unexpected()
    assert not bad, "problems in the page:\n" + "\n".join(bad)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
