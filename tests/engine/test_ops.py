"""Every op: value against numpy, gradient against central differences,
scalar and tensor, broadcasting included. One line per case."""

from __future__ import annotations

import json

import numpy as np
import pytest
from chainrule import OPS, trace_program

from .gradcheck import check_grad, logsumexp

A = [[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]]      # (2, 3)
B = [[1.1, 0.4, -0.6], [-0.9, 2.2, 0.8]]      # (2, 3)
ROW = [0.3, -0.8, 1.7]                        # (3,) broadcasts over A's rows
COL = [[2.0], [-1.5]]                         # (2, 1) broadcasts over A's columns
POS = [[0.5, 1.2, 2.0], [1.5, 0.3, 0.7]]      # positive, for log, sqrt, fractional powers
M = [[0.2, -0.4], [0.5, 0.3], [-0.6, 0.1]]    # (3, 2)

# (op, program, values, numpy reference for the output)
CASES = [
    ("add", "loss = a + b", dict(a=1.5, b=-2.0), lambda a, b: a + b),
    ("add", "loss = sum(a + r)", dict(a=A, r=ROW), lambda a, r: np.sum(a + r)),
    ("sub", "loss = a - b", dict(a=1.5, b=-2.0), lambda a, b: a - b),
    ("sub", "loss = sum((a - c)**2)", dict(a=A, c=COL), lambda a, c: np.sum((a - c) ** 2)),
    ("mul", "loss = a * b", dict(a=1.5, b=-2.0), lambda a, b: a * b),
    ("mul", "loss = sum(a * c * r)", dict(a=A, c=COL, r=ROW), lambda a, c, r: np.sum(a * c * r)),
    ("mul", "loss = sum(s * a)", dict(s=0.7, a=A), lambda s, a: np.sum(s * a)),
    ("div", "loss = a / b", dict(a=1.5, b=-2.0), lambda a, b: a / b),
    ("div", "loss = sum(a / p)", dict(a=A, p=POS), lambda a, p: np.sum(a / p)),
    ("div", "loss = sum(r / c)", dict(r=ROW, c=COL), lambda r, c: np.sum(r / c)),
    ("pow", "loss = a ** 3", dict(a=-1.3), lambda a: a ** 3),
    ("pow", "loss = p ** q", dict(p=1.7, q=-0.4), lambda p, q: p ** q),
    ("pow", "loss = sum(p ** r)", dict(p=POS, r=ROW), lambda p, r: np.sum(p ** r)),
    ("pow", "loss = a ^ 2", dict(a=-1.3), lambda a: a ** 2),
    ("max", "loss = max(a, b)", dict(a=1.5, b=-2.0), max),
    ("max", "loss = sum(max(a, b))", dict(a=A, b=B), lambda a, b: np.sum(np.maximum(a, b))),
    ("min", "loss = min(a, b)", dict(a=1.5, b=-2.0), min),
    ("min", "loss = sum(min(a, c))", dict(a=A, c=COL), lambda a, c: np.sum(np.minimum(a, c))),
    ("neg", "loss = -a * b", dict(a=1.5, b=-2.0), lambda a, b: -a * b),
    ("neg", "loss = sum(-a * b)", dict(a=A, b=B), lambda a, b: np.sum(-a * b)),
    ("exp", "loss = exp(a)", dict(a=0.8), np.exp),
    ("exp", "loss = sum(exp(a))", dict(a=A), lambda a: np.sum(np.exp(a))),
    ("log", "loss = log(p)", dict(p=1.7), np.log),
    ("log", "loss = sum(log(p) * b)", dict(p=POS, b=B), lambda p, b: np.sum(np.log(p) * b)),
    ("sqrt", "loss = sqrt(p)", dict(p=1.7), np.sqrt),
    ("sqrt", "loss = sum(sqrt(p))", dict(p=POS), lambda p: np.sum(np.sqrt(p))),
    ("sin", "loss = sin(a)", dict(a=0.8), np.sin),
    ("sin", "loss = sum(sin(a) * b)", dict(a=A, b=B), lambda a, b: np.sum(np.sin(a) * b)),
    ("cos", "loss = cos(a)", dict(a=0.8), np.cos),
    ("cos", "loss = sum(cos(a) * b)", dict(a=A, b=B), lambda a, b: np.sum(np.cos(a) * b)),
    ("tanh", "loss = tanh(a)", dict(a=0.8), np.tanh),
    ("tanh", "loss = sum(tanh(a) * b)", dict(a=A, b=B), lambda a, b: np.sum(np.tanh(a) * b)),
    ("sigmoid", "loss = sigmoid(a)", dict(a=-0.8), lambda a: 1 / (1 + np.exp(-a))),
    ("sigmoid", "loss = sum(sigmoid(a) * b)", dict(a=A, b=B),
     lambda a, b: np.sum(b / (1 + np.exp(-a)))),
    ("relu", "loss = relu(a) + relu(b)", dict(a=0.8, b=-0.3), lambda a, b: max(a, 0) + max(b, 0)),
    ("relu", "loss = sum(relu(a) * b)", dict(a=A, b=B), lambda a, b: np.sum(np.maximum(a, 0) * b)),
    ("abs", "loss = abs(a) * b", dict(a=-0.8, b=1.3), lambda a, b: abs(a) * b),
    ("abs", "loss = sum(abs(a) * b)", dict(a=A, b=B), lambda a, b: np.sum(np.abs(a) * b)),
    ("sum", "loss = sum(a) * sum(s)", dict(a=A, s=0.5), lambda a, s: np.sum(a) * s),
    ("mean", "loss = mean(a * b) + mean(s)", dict(a=A, b=B, s=0.5),
     lambda a, b, s: np.mean(a * b) + s),
    ("mse", "loss = mse(a, b)", dict(a=A, b=B), lambda a, b: np.mean((a - b) ** 2)),
    ("mse", "loss = mse(a, r)", dict(a=A, r=ROW), lambda a, r: np.mean((a - r) ** 2)),
    ("mse", "loss = mse(s, t)", dict(s=0.5, t=-1.5), lambda s, t: (s - t) ** 2),
    ("matmul", "loss = sum((a @ m)**2)", dict(a=A, m=M), lambda a, m: np.sum((a @ m) ** 2)),
    ("matmul", "loss = sum(r @ m)", dict(r=ROW, m=M), lambda r, m: np.sum(r @ m)),
    ("matmul", "loss = a @ r", dict(a=[1.0, 2.0, -1.0], r=ROW), lambda a, r: a @ r),
    ("matmul", "loss = sum((m @ c) * [1, 2, 3])", dict(m=M, c=[1.5, -0.5]),
     lambda m, c: np.sum((m @ c) * [1, 2, 3])),
    ("softmax", "loss = sum(softmax(a) * b)", dict(a=A, b=B),
     lambda a, b: np.sum(np.exp(a - logsumexp(a)) * b)),
    ("softmax", "loss = sum(softmax(r) * r)", dict(r=ROW),
     lambda r: np.sum(np.exp(r - logsumexp(r)) * r)),
    ("log_softmax", "loss = sum(log_softmax(a) * b)", dict(a=A, b=B),
     lambda a, b: np.sum((a - logsumexp(a)) * b)),
    ("cross_entropy", "loss = cross_entropy(a, [2, 0])", dict(a=A),
     lambda a: -np.mean((a - logsumexp(a))[[0, 1], [2, 0]])),
    ("cross_entropy", "loss = cross_entropy(r, 1)", dict(r=ROW),
     lambda r: -(r - logsumexp(r))[1]),
]


@pytest.mark.parametrize(("op", "program", "values", "reference"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_op(op, program, values, reference):
    trace = check_grad(program, **values)
    json.dumps(trace, allow_nan=False)  # JSON-ready: no numpy values, no NaN tokens
    out = next(n for n in trace["nodes"] if n["id"] == trace["output"])
    assert op in {n["op"] for n in trace["nodes"]}
    args = [np.array(values[k]) if isinstance(values[k], list) else values[k] for k in values]
    assert out["value"] == pytest.approx(float(reference(*args)), rel=1e-12, abs=1e-12)


def test_every_op_in_the_table_has_a_case():
    covered = {op for op, *_ in CASES}
    assert set(OPS) - covered == set()


def test_cases_use_the_op_they_name():
    for op, program, values, _ in CASES:
        ops = {n["op"] for n in trace_program(program, values)["nodes"]}
        assert op in ops, program
