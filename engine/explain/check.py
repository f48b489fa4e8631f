"""Gradient check: central differences per leaf element, against backprop.

A central difference cannot see below its own resolution: each forward
pass rounds, and the difference of two rounded passes divided by 2h carries
that rounding magnified by 1/h. Its size is estimated from the backward pass
itself: an op rounding its value v_k (relative error ≤ ε/2) moves the output
by about ε/2·|v_k·∂out/∂v_k|, so the two passes differ by at most
ε·Σ_k |v_k·g_k| over the nodes that depend on the leaf (a reduction or a
matrix product rounds its terms, so they count by their inputs' size). A
difference within tolerance plus that resolution is a match, said so in a note.

At a kink (relu or abs at 0, max at a tie with a NaN) the one-sided slopes
differ, and keep differing as the step shrinks; backprop then gives one of
them, or a value between. That is "not differentiable here", not a mismatch.
Every other disagreement gets a second look with steps 16 and 256 times
smaller before it is called one (a pole close by makes the first too coarse).
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.graph import OP, Graph
from ..autodiff.numeric import count, is_finite
from ..errors import LimitError, ProgramError
from .trace import jsonable

STEP = 6e-6  # ~ cube root of float64 eps: balances truncation and rounding error
TOLERANCE = 1e-4
EPS = float(np.finfo(np.float64).eps)
SAFETY = 2.0  # on the first-order rounding estimate
SMALLER = (16.0, 256.0)  # the second look's steps: STEP divided by these
KINK = "not differentiable here: one-sided derivatives differ"
RESOLVED = ("below the resolution of central differences here (±{:.1e}): the difference "
            "is the forward pass's rounding magnified by 1/step")
SMALLER_STEP = ("agrees at a smaller step: the function changes fast here (a pole close by), "
                "too fast for the first step")
REDUCTIONS = {"sum", "mean", "mse", "cross_entropy", "softmax", "log_softmax"}


class CheckTooCostly(LimitError):
    """The check's element operations are over the budget (a LimitError: a
    caller with a second, larger budget, as the server's small-check lane, can
    tell it apart and pass the work on)."""


def gradient_check(graph: Graph, output: int, leaves: dict[str, int], grads: list,
                   place=None) -> dict:
    """{leaf: {numeric, rel_error, ok, resolution, note?, one_sided?}}. `place`
    turns a character offset into (line, col) for a positioned limit error."""
    _budget(graph, output, leaves, place)
    saved = list(graph.values)
    f0 = graph.values[output]
    result = {}
    try:
        with np.errstate(all="ignore"):  # a non-finite leaf moved by a step: IEEE answers
            for name, i in leaves.items():
                result[name] = _check_leaf(graph, output, i, grads, f0)
                graph.values[:] = saved  # later leaves start from the unperturbed graph
    finally:
        graph.values[:] = saved
    return result


# ---- the budget: tensor elements, not nodes --------------------------------------
def _work(graph: Graph, k: int) -> int:
    """Element operations to recompute node k."""
    v = graph.values[k]
    op = graph.ops[k]
    if op.name == "matmul":
        a = graph.values[graph.inputs[k][0]]
        return count(v) * a.shape[-1]
    if op.name in REDUCTIONS:
        return max(count(graph.values[j]) for j in graph.inputs[k])
    return count(v)


def _budget(graph: Graph, output: int, leaves: dict[str, int], place) -> None:
    limit = graph.limits.max_check_evals
    after = [0] * (output + 2)  # after[i]: work of recomputing nodes i..output
    for k in range(output, -1, -1):
        after[k] = after[k + 1] + (_work(graph, k) if graph.kinds[k] is OP else 0)
    costs = {i: 2 * count(graph.values[i]) * after[i] for i in leaves.values() if i <= output}
    total = sum(costs.values())
    if total > limit:
        worst = max(costs, key=costs.get)
        where = place(graph.spans[worst][0]) if place is not None else (None, None)
        raise CheckTooCostly(f"the gradient check needs {total} element operations "
                         f"(2 forward passes per leaf element), over the limit of {limit}",
                         *where)


# ---- one leaf ---------------------------------------------------------------------
def _check_leaf(graph: Graph, output: int, i: int, grads: list, f0: float) -> dict:
    x = graph.values[i]
    analytic = grads[i]
    noise = _rounding(graph, output, i, grads)
    try:
        if x.__class__ is float:
            probes = [_probe(graph, output, i, lambda d: x + d, x, STEP * max(1.0, abs(x)), f0)]
        else:
            flat = x.ravel()
            probes = [_probe(graph, output, i, lambda d, k=k: _bumped(x, k, d), float(flat[k]),
                             STEP * max(1.0, abs(flat[k])), f0) for k in range(flat.size)]
    except ProgramError:
        return {"numeric": None, "rel_error": None, "ok": None, "resolution": None,
                "note": "no derivative: this leaf is a class index"}
    shape = () if x.__class__ is float else x.shape
    a = np.asarray(analytic, dtype=float).reshape(-1)
    numeric = np.array([p["central"] for p in probes])
    with np.errstate(all="ignore"):
        resolution = np.array([SAFETY * noise / p["span"] for p in probes])
        scale = float(max(np.max(np.abs(a)), np.max(np.abs(numeric))))
        floor = 1e-6 * max(1.0, abs(f0)) if is_finite(f0) else 1e-6
        allowed = TOLERANCE * max(scale, floor)
        err = np.abs(a - numeric)
    status = []
    for k, p in enumerate(probes):
        if err[k] <= allowed:
            status.append("ok")
        elif err[k] <= allowed + resolution[k]:
            status.append("resolution")
        else:
            verdict, central, res = _second_look(graph, output, i, x, k, a[k], p, noise,
                                                 allowed, f0)
            if verdict == "smaller step":  # show the slope that agreed, and its resolution
                numeric[k], resolution[k] = central, res
            status.append(verdict)
    with np.errstate(all="ignore"):
        err = np.abs(a - numeric)
        scale = float(max(np.max(np.abs(a)), np.max(np.abs(numeric))))
        rel = float(np.max(err)) / max(scale, floor)
    numeric_out = numeric.reshape(shape) if shape else float(numeric[0])
    entry = {"numeric": jsonable(numeric_out), "rel_error": jsonable(rel),
             "ok": False, "resolution": jsonable(float(np.max(resolution)))}
    if "mismatch" in status or not np.isfinite(rel):
        return entry
    if "kink" in status:
        left = np.array([p["left"] for p in probes])
        right = np.array([p["right"] for p in probes])
        entry.update(ok=None, note=KINK, one_sided={
            "left": jsonable(left.reshape(shape) if shape else float(left[0])),
            "right": jsonable(right.reshape(shape) if shape else float(right[0]))})
        return entry
    entry["ok"] = True
    if "smaller step" in status:
        entry["note"] = SMALLER_STEP
    elif "resolution" in status:
        entry["note"] = RESOLVED.format(float(np.max(resolution)))
    return entry


def _second_look(graph, output, i, x, k, analytic, probe, noise, allowed, f0) -> tuple:
    """(verdict, central, resolution): 'smaller step' when a smaller step agrees,
    'kink' when the one-sided slopes keep their gap and backprop lies between
    them, else 'mismatch'."""
    if not (math.isfinite(analytic) and math.isfinite(probe["central"])):
        return "mismatch", None, None
    x0 = x if x.__class__ is float else float(x.flat[k])
    at = (lambda d: x + d) if x.__class__ is float else (lambda d: _bumped(x, k, d))
    first = SAFETY * noise / probe["span"]
    for shrink in SMALLER:
        small = _probe(graph, output, i, at, x0, probe["span"] / 2 / shrink, f0)
        # held to the first step's resolution: a smaller step has more rounding
        # noise, which must not buy a wrong gradient a pass
        if abs(small["central"] - analytic) <= allowed + first:
            return "smaller step", small["central"], first
    gap, small_gap = probe["right"] - probe["left"], small["right"] - small["left"]
    one_sided = 2 * SAFETY * noise / small["span"]  # a one-sided slope's resolution
    lo, hi = min(probe["left"], probe["right"]), max(probe["left"], probe["right"])
    if (abs(gap) > 10 * (allowed + one_sided) and abs(small_gap) > 0.5 * abs(gap)
            and lo - allowed <= analytic <= hi + allowed):
        return "kink", None, None
    return "mismatch", None, None


def _probe(graph: Graph, output: int, i: int, at, x0: float, h: float, f0: float) -> dict:
    """Central and one-sided slopes with the steps as actually represented:
    (x + h) - x is not h in floating point."""
    x0, h = float(x0), float(h)  # Python floats: inf - inf is nan without a warning
    up_x, down_x = x0 + h, x0 - h
    graph.values[i] = at(h)
    up = graph.forward(i, output + 1)
    graph.values[i] = at(-h)
    down = graph.forward(i, output + 1)
    graph.values[i] = at(0.0)
    h_up, h_down = up_x - x0, x0 - down_x
    with np.errstate(all="ignore"):
        return {"central": _div(up - down, h_up + h_down), "left": _div(f0 - down, h_down),
                "right": _div(up - f0, h_up), "span": h_up + h_down}


def _div(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _bumped(x: np.ndarray, k: int, d: float) -> np.ndarray:
    y = x.copy()
    y.flat[k] += d
    return y


# ---- the rounding error of one forward pass, seen from the output ----------------
def _rounding(graph: Graph, output: int, i: int, grads: list) -> float:
    """ε·Σ_k |v_k·g_k| over the op nodes downstream of leaf i: first order,
    what rounding in one forward pass can move the output by; 0 (no slack)
    where that sum is not finite."""
    if i > output:  # a leaf defined after the output node: nothing downstream rounds
        return 0.0
    values, inputs, ops, kinds = graph.values, graph.inputs, graph.ops, graph.kinds
    downstream = bytearray(output + 1)
    downstream[i] = 1
    total = 0.0
    with np.errstate(all="ignore"):
        for k in range(i + 1, output + 1):
            if kinds[k] is not OP or not any(downstream[j] for j in inputs[k]):
                continue
            downstream[k] = 1
            g = grads[k]
            if g is None:
                continue
            total += _term(ops[k].name, values[k], g, [values[j] for j in inputs[k]])
    # Not finite (an infinite gradient on some branch): no estimate, so no slack.
    return EPS * total if math.isfinite(total) else 0.0


def _term(name: str, v, g, xs: list) -> float:
    if v.__class__ is float and g.__class__ is float and name not in REDUCTIONS:
        return abs(v * g)
    if name == "matmul":  # each entry a dot product of k terms, each rounded
        a, b = xs
        k = a.shape[-1]
        return float(np.sum(np.abs(g) * (np.abs(a) @ np.abs(b)))) * math.log2(k + 1)
    if name in REDUCTIONS:  # rounds the terms it adds, not just the result
        n = max(count(x) for x in xs)
        mags = sum(float(np.sum(np.abs(x))) for x in xs)
        return float(np.max(np.abs(g))) * (mags + abs(float(np.sum(v)))) * math.log2(n + 1)
    return float(np.sum(np.abs(np.asarray(v) * g)))
