"""The accumulation lesson: the backward pass replayed with `=` where it must
use `+=`. A node used n times receives n contributions; with `=` it keeps
only the last one to arrive, and every node upstream of it inherits the
error through the chain rule. The replay reuses the recorded steps: an edge
whose upstream is unchanged keeps its contribution, one whose upstream
changed is recomputed from the same local derivative (or VJP).
"""

from __future__ import annotations

import numpy as np

from ..autodiff.backward import edge
from ..autodiff.graph import LEAF, Graph
from ..autodiff.numeric import fit, shape_of
from .trace import jsonable


def overwrite_replay(graph: Graph, output: int, grads: list, steps: list) -> dict:
    """{fanout, wrong, gradients, edges}: the nodes with several consumers,
    each node whose gradient comes out wrong under `=` (why, its value and the
    largest difference from the true one, which the trace's node already
    holds), the leaves' gradients as `=` leaves them, and each edge whose
    contribution differs under `=` as [backward step, edge, contribution]."""
    uses: dict[int, int] = {}
    for _, _, edges in steps:
        for j, *_ in edges:
            uses[j] = uses.get(j, 0) + 1
    fanout = {j for j, n in uses.items() if n > 1}
    if not fanout:  # nothing is ever overwritten: `=` and `+=` agree everywhere
        return {"fanout": [], "wrong": [], "gradients": None, "edges": []}
    values, ops, inputs = graph.values, graph.ops, graph.inputs
    replayed: dict[int, object] = {output: 1.0}
    changed = []  # [step, edge, contribution] where `=` pushes another number than `+=`
    for s, (i, g, edges) in enumerate(steps):
        g_new = replayed.get(i, g)
        same = g_new is g or _equal(g_new, g)
        for e, (j, local, c, _, k) in enumerate(edges):
            if not same:
                args = (*[values[m] for m in inputs[i]], values[i])
                c_new = _again(ops[i], k, args, g_new, local, shape_of(values[j]))
                if not _equal(c_new, c):
                    changed.append([s, e, jsonable(c_new)])
                c = c_new
            replayed[j] = c  # the bug under study: `=` where backprop does `+=`
    wrong = []
    for j in sorted(replayed, reverse=True):
        if j == output or _equal(replayed[j], grads[j]):
            continue
        with np.errstate(all="ignore"):
            error = float(np.max(np.abs(np.asarray(replayed[j]) - np.asarray(grads[j]))))
        wrong.append({"node": f"n{j}", "label": graph.labels[j],
                      "cause": "fan-out" if j in fanout else "upstream",
                      "uses": uses.get(j, 0), "overwritten": jsonable(replayed[j]),
                      "error": jsonable(error)})
    leaves = {graph.labels[j]: jsonable(replayed.get(j, grads[j])) for j in range(len(values))
              if graph.kinds[j] == LEAF}
    return {"fanout": [{"node": f"n{j}", "label": graph.labels[j], "uses": uses[j]}
                       for j in sorted(fanout)],
            "wrong": wrong, "gradients": leaves, "edges": changed}


def _equal(a, b) -> bool:
    if a.__class__ is float and b.__class__ is float:
        return a == b or (a != a and b != b)
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def _again(op, k: int, args: tuple, g, local, shape):
    """The edge's contribution for a new upstream g: the same rule, applied again."""
    if local is not None and op.vjp is None:
        with np.errstate(all="ignore"):
            return fit(g * local, shape)
    return edge(op, k, args, g)[1]
