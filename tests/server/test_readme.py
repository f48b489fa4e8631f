"""The README's examples work against a real server, as a new user runs them."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)
    return next(b for b in blocks if containing in b)


def test_python_example_prints_gradients_at_each_point(live_server):
    url, _ = live_server
    code = block("python", "httpx").replace("http://127.0.0.1:8000", url)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 4
    # dL/dw = 2 (w x + b - y) x at x = 3, b = 1, y = 10
    for line, w in zip(lines, (0.0, 1.0, 2.0, 3.0), strict=True):
        assert f"dL/dw = {2 * (w * 3 + 1 - 10) * 3}" in line


def test_curl_example_body_is_answered(live_server):
    url, _ = live_server
    command = block("bash", "curl").replace("\\\n", " ")
    args = shlex.split(command)
    body = json.loads(args[args.index("-d") + 1])
    r = httpx.post(url + "/api/v1/graphs", json=body)
    assert r.status_code == 200 and r.json()["gradients"] == {"x": 6.0}
    assert r.json()["check"]["x"]["ok"] is True


def test_training_example_converges(live_server):
    url, _ = live_server
    body = json.loads(block("json", '"optimizer"'))
    r = httpx.post(url + "/api/v1/train", json=body, timeout=60)
    assert r.status_code == 200
    assert r.json()["stopped"] == "converged" and len(r.json()["history"]) - 1 == 56


def test_compare_example_has_newton_in_one_step(live_server):
    url, _ = live_server
    body = json.loads(block("json", '"methods"'))
    runs = httpx.post(url + "/api/v1/compare", json=body, timeout=60).json()["runs"]
    assert set(runs) == set(body["methods"])
    newton, gd = runs["newton"]["history"], runs["gd"]["history"]
    assert len(newton) == 2 and newton[-1]["loss"] <= gd[-1]["loss"]


def test_every_setting_is_in_the_limits_table():
    from chainrule.server.settings import Settings

    for name, field in Settings.model_fields.items():
        row = next((line for line in README.splitlines()
                    if line.startswith(f"| `CHAINRULE_{name.upper()}` |")), None)
        assert row is not None, name
        default = field.get_default(call_default_factory=True)
        if isinstance(default, int | float) and not isinstance(default, bool):
            assert f"| {default:.15g} |" in row, (name, row)
