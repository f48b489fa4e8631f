"""The gradient check on programs whose statement order is not the graph's:
an output that aliases an earlier node, leaves nobody uses, leaves defined
after the output. One line per case, through the engine (with and without the
check), POST /api/v1/graphs, the HTML export, `chainrule grad --check` and
`chainrule export`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from chainrule import trace_program

from .conftest import make_client

# program, the leaf the output depends on (its gradient is not 0)
CASES = [
    ("x = 1.0\ny = 2.0\nloss = x", "x"),
    ("x = 1.0\ny = 2.0\nloss = y", "y"),
    ("x = 1.0\nloss = x\ny = 2.0", "y"),
    ("a = 2.0\nb = a\nc = 3.0\nloss = b", "a"),
    ("x = 1.5\ny = 2.0\nz = x*y\nw = 3.0\nloss = z", "x"),
    ("x = [1.0, 2.0]\nz = sum(x)\nw = [3.0, 4.0]\nv = 5.0\nloss = z", "x"),
    ("x = 0.5\nloss = tanh(x)\nu = [1.0, 2.0]\nv = 3.0", "v"),
    ("w = 2.0\nx = 3.0\nloss = w\nb = 1.0\nc = b*b", "b"),
]
IDS = [p.replace("\n", "; ") for p, _ in CASES]


def _zero(g) -> bool:
    return all(v == 0.0 for v in (g if isinstance(g, list) else [g]))


@pytest.mark.parametrize(("program", "used"), CASES, ids=IDS)
def test_engine_with_and_without_the_check(program, used):
    plain = trace_program(program)
    checked = trace_program(program, check=True)
    assert checked["gradients"] == plain["gradients"]
    assert set(checked["check"]) == set(plain["gradients"])
    for name, entry in checked["check"].items():
        assert entry["ok"] is True, (name, entry)
        assert _zero(entry["numeric"]) == (name != used and _zero(plain["gradients"][name]))


@pytest.mark.parametrize(("program", "used"), CASES, ids=IDS)
def test_http_trace_and_html_export(program, used):
    client = make_client()
    for check in (False, True):
        r = client.post("/api/v1/graphs", json={"program": program, "check": check})
        assert r.status_code == 200, r.text
        assert ("check" in r.json()) == check
    r = client.post("/api/v1/graphs/html", json={"program": program})
    assert r.status_code == 200, r.text
    data = re.search(r'id="chainrule-data">(.*?)</script>', r.text, re.S)[1]
    assert set(json.loads(data)["trace"]["check"]) == set(trace_program(program)["gradients"])


def _cli(*args: str, stdin: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "chainrule", *args], input=stdin,
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return run


@pytest.mark.parametrize(("program", "used"), CASES, ids=IDS)
def test_cli_grad_check_and_export(program, used):
    run = _cli("grad", "-", "--check", "--json", stdin=program)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["check"][used]["ok"] is True
    run = _cli("export", "-", "-o", "-", stdin=program)
    assert run.returncode == 0, run.stderr
    assert 'id="chainrule-data"' in run.stdout
