"""Every worked text (`local_worked`) read as arithmetic equals the edge's
`local`, over a table of edge cases: ties, zeros, x**0, 0**y, signs, NaN
inputs. The text's numbers have 4 significant digits, so the comparison
allows that rounding (relative 1e-2, exact at 0)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from chainrule import trace_program
from chainrule.explain.worked import WORKED

# one program per line; every edge whose worked text is shown is evaluated
CASES = [
    "a = 1.0\nb = 1.0\nloss = max(a, b)",
    "a = 1.0\nb = 1.0\nloss = min(a, b)",
    "a = 2.0\nb = 1.0\nloss = max(a, b) + min(a, b)",
    "a = -3.0\nb = 0.0\nloss = max(a, b) * min(b, a)",
    "a = 0.0\nb = -0.0\nloss = max(a, b) + min(a, b)",
    "x = 0.0\ny = 2.0\nloss = x**y",
    "x = 0.0\ny = 0.0\nloss = x**y",
    "x = 0.0\nloss = x**0",
    "x = 3.0\nloss = x**0",
    "x = -2.0\nloss = x**0 + x**1 + x**2 + x**3",
    "x = 0.0\nloss = x**1 + x**2 + x**3",
    "x = 0.0\nloss = 0**x",
    "x = 0.0\nloss = 2**x",
    "x = 1.5\ny = -2.0\nloss = x**y",
    "x = -2.0\ny = 3.0\nloss = x**y",
    "x = 2.0\ny = 0.5\nloss = x**y",
    "x = 0.0\ny = 3.0\nloss = x*y + x/y + y/x*0 + 1/y",
    "x = -2.0\ny = 4.0\nloss = x/y",
    "x = 0.0\nloss = relu(x) + abs(x) + relu(x - 1) + abs(x - 2)",
    "x = 0.0\nloss = exp(x) + sin(x) + cos(x) + tanh(x) + sigmoid(x)",
    "x = -1.25\nloss = exp(x) + sin(x) + cos(x) + tanh(x) + sigmoid(x) + log(-x) + sqrt(-x)",
    "x = 0.5\ny = 0.5\nloss = mse(x, y) + mse(y, 2.0)",
    "x = 1e-7\nloss = log(x) + x**2",
    "x = 12345.0\nloss = x**2 + 1/x",
    "a = 1.0\nloss = max(a, sqrt(-1.0)) + min(a, sqrt(-1.0)) + a*2",
]

_SUBS = [("−", "-"), ("×", "*"), ("²", "**2"), ("^", "**"), ("≥", ">="), ("≤", "<="),
         (" = ", " == "), ("[", "float("), ("]", ")")]
_NUMBER = re.compile(r"(?<![\w.])(\d+\.?\d*(?:e-?\d+)?|inf|nan)")
_NAMES = {"F": np.float64, "float": float, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
          "sin": np.sin, "cos": np.cos, "sign": np.sign}


def evaluate(text: str) -> float:
    """The worked text as arithmetic, in IEEE floats (0**-1 is inf, not an error)."""
    for a, b in _SUBS:
        text = text.replace(a, b)
    text = _NUMBER.sub(lambda m: f"F('{m[1]}')", text)
    with np.errstate(all="ignore"):
        return float(eval(text, {"__builtins__": {}}, _NAMES))  # noqa: S307 (our own text)


def _close(shown: float, local: float) -> bool:
    if math.isnan(local) or math.isnan(shown):
        return math.isnan(local) and math.isnan(shown)
    if local == 0.0 or shown == 0.0 or math.isinf(local):
        return shown == local
    return abs(shown - local) <= 1e-2 * abs(local)


def _edges(program: str):
    trace = trace_program(program)
    ops = {n["id"]: n["op"] for n in trace["nodes"]}
    inputs = {n["id"]: n["inputs"] for n in trace["nodes"]}
    for step in trace["backward"]:
        for e in step["edges"]:
            yield ops[step["node"]], inputs[step["node"]].index(e["to"]), e


@pytest.mark.parametrize("program", CASES, ids=lambda p: p.replace("\n", "; "))
def test_every_worked_text_evaluates_to_local(program):
    shown = 0
    for op, k, e in _edges(program):
        if e["local_worked"] is None:
            continue
        shown += 1
        value = evaluate(e["local_worked"])
        assert _close(value, e["local"]), (op, k, e["local_worked"], value, e["local"])
    assert shown, "the case must show at least one worked text"


def test_the_table_reaches_every_worked_rule():
    reached = {(op, k) for p in CASES for op, k, e in _edges(p) if e["local_worked"] is not None}
    assert set(WORKED) <= reached, set(WORKED) - reached


@pytest.mark.parametrize(("program", "text"), [
    ("a = 1.0\nb = 1.0\nloss = max(a, b)", "[1.0 = 1.0]/2"),
    ("x = 0.0\nloss = x**0", "0"),
    ("x = 0.0\ny = 2.0\nloss = x**y", "0"),
])
def test_ties_and_zeros_read_as_their_value(program, text):
    assert text in [e["local_worked"] for _, _, e in _edges(program)]
