"""check_grad: backprop's gradients against central differences computed
here, independently of the engine's own check, by re-tracing the program
with each leaf element nudged through `values`."""

from __future__ import annotations

import numpy as np
from chainrule import trace_program

H = 1e-6


def output_value(program: str, values: dict) -> float:
    t = trace_program(program, values)
    return next(n["value"] for n in t["nodes"] if n["id"] == t["output"])


def numeric_gradient(program: str, values: dict, name: str) -> np.ndarray:
    x = np.array(values[name], dtype=float)
    grad = np.zeros_like(x)
    for k in range(x.size):
        def at(d, k=k):
            y = x.copy()
            y.flat[k] += d
            return output_value(program, {**values, name: y.tolist()})
        h = H * max(1.0, abs(x.flat[k]))
        grad.flat[k] = (at(h) - at(-h)) / (2 * h)
    return grad


def check_grad(program: str, rtol: float = 1e-5, atol: float = 1e-7, **values) -> dict:
    """Trace `program` with `values` and assert every leaf's gradient matches
    central differences. Returns the trace."""
    trace = trace_program(program, values)
    for name, grad in trace["gradients"].items():
        if name not in values:
            continue
        numeric = numeric_gradient(program, values, name)
        np.testing.assert_allclose(np.array(grad, dtype=float), numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of {name} in {program!r}")
    return trace


def logsumexp(x: np.ndarray) -> np.ndarray:
    """Over the last axis, kept for broadcasting (numpy has no logsumexp)."""
    m = x.max(axis=-1, keepdims=True)
    return m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
