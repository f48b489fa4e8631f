"""Every gradient that is not finite carries the warning docs/trace.md names,
whether or not its node already had a forward warning: through the engine
(with and without the check), POST /api/v1/graphs and `chainrule grad`."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from chainrule import trace_program

from .conftest import make_client

# one program per line; each has at least one gradient that is not finite
PROGRAMS = [
    "x = 0.0\nloss = sqrt(x)",
    "x = 0.0\nloss = log(x)",
    "x = -1.0\nloss = sqrt(x)",
    "x = 0.0\nloss = abs(x)**0.5",
    "x = [0.0, 1.0]\nloss = sum(sqrt(x))",
    "x = 0.0\ny = sqrt(x)\nloss = y*2",
    "x = 0.0\ny = x*2\nloss = sqrt(y)*3",
    "x = [0.0, 1.0]\nloss = sum(sqrt(relu(x)))",
    "x = 1000.0\nloss = exp(exp(x))",
    "x = 0.0\nloss = 1/x",
    "x = 0.0\nloss = x**0.5 + x**-1.0",
]


def _finite(v) -> bool:
    if isinstance(v, list):
        return all(_finite(x) for x in v)
    return isinstance(v, float | int) and math.isfinite(v)


def _assert_warned(trace: dict) -> None:
    bad = [n for n in trace["nodes"] if n["grad"] is not None and not _finite(n["grad"])]
    assert bad, "the case must have a gradient that is not finite"
    for n in bad:
        assert any(w.startswith("gradient not finite") for w in n["warnings"]), n


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.replace("\n", "; "))
def test_every_non_finite_gradient_is_warned(program):
    _assert_warned(trace_program(program))
    _assert_warned(trace_program(program, check=True))
    client = make_client()
    for check in (False, True):
        r = client.post("/api/v1/graphs", json={"program": program, "check": check})
        assert r.status_code == 200
        _assert_warned(r.json())
    run = subprocess.run([sys.executable, "-m", "chainrule", "grad", "-"], input=program,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "warning: " in run.stderr
    assert "gradient not finite" in run.stderr
