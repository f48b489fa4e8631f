"""Gradient check: central differences per leaf element, against backprop."""

from __future__ import annotations

import numpy as np

from ..autodiff.graph import Graph
from ..autodiff.numeric import count, is_finite
from ..errors import LimitError, ProgramError
from .trace import jsonable

STEP = 6e-6  # ~ cube root of float64 eps: balances truncation and rounding error
TOLERANCE = 1e-4


def gradient_check(graph: Graph, output: int, leaves: dict[str, int], grads: list) -> dict:
    cost = sum(2 * count(graph.values[i]) * (output - i + 1) for i in leaves.values())
    if cost > graph.limits.max_check_evals:
        raise LimitError(f"the gradient check needs {cost} node evaluations, over the limit of "
                         f"{graph.limits.max_check_evals}")
    saved = list(graph.values)
    f0 = graph.values[output]
    result = {}
    try:
        for name, i in leaves.items():
            result[name] = _check_leaf(graph, output, i, grads[i], f0)
            graph.values[:] = saved  # later leaves start from the unperturbed graph
    finally:
        graph.values[:] = saved
    return result


def _check_leaf(graph: Graph, output: int, i: int, analytic, f0: float) -> dict:
    x = graph.values[i]
    try:
        if x.__class__ is float:
            numeric = _central(graph, output, i, lambda d: x + d, max(1.0, abs(x)))
        else:
            flat = x.ravel()
            numeric = np.empty(x.shape)
            for k in range(flat.size):
                numeric.flat[k] = _central(graph, output, i,
                                           lambda d, k=k: _bumped(x, k, d), max(1.0, abs(flat[k])))
    except ProgramError:
        return {"numeric": None, "rel_error": None, "ok": None,
                "note": "no derivative: this leaf is a class index"}
    err = float(np.max(np.abs(np.asarray(analytic) - numeric)))
    scale = float(max(np.max(np.abs(analytic)), np.max(np.abs(numeric))))
    floor = 1e-6 * max(1.0, abs(f0)) if is_finite(f0) else 1e-6
    rel = err / max(scale, floor)
    ok = bool(rel <= TOLERANCE) if np.isfinite(rel) else False
    return {"numeric": jsonable(numeric), "rel_error": jsonable(float(rel)), "ok": ok}


def _central(graph: Graph, output: int, i: int, at, size: float) -> float:
    h = STEP * size
    graph.values[i] = at(h)
    up = graph.forward(i, output + 1)
    graph.values[i] = at(-h)
    down = graph.forward(i, output + 1)
    graph.values[i] = at(0.0)
    return (up - down) / (2 * h)


def _bumped(x: np.ndarray, k: int, d: float) -> np.ndarray:
    y = x.copy()
    y.flat[k] += d
    return y
