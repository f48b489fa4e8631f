"""The sum over paths for tensor leaves: each path's own contribution to the
leaf's gradient, as a tensor of the leaf's shape, so the page can list, for
any entry, one number per path that adds up to that entry's gradient.

A path's contribution is the upstream 1 at the output pushed back through
the path's edges only (each edge's VJP, the same rule the backward pass
uses). Their sum over the paths is the gradient: the chain rule's sum over
paths, with Jacobians in place of numbers. Only tensor leaves with at most
MAX_PATHS paths get one (paths grow exponentially with fan-out).
"""

from __future__ import annotations

import numpy as np

from ..autodiff.backward import edge
from ..autodiff.graph import LEAF, OP, Graph
from .trace import jsonable

MAX_PATHS = 24  # as the page lists them (static/js/paths.js MAX_LISTED)


def tensor_paths(graph: Graph, output: int, leaves: dict[str, int]) -> list | None:
    """[{"leaf", "nodes": [ids output first], "slots": [...], "contribution"}] for
    every path of every leaf; None when the program has no tensor."""
    if graph.elements == 0:  # no tensor anywhere (counted as the graph grew): O(1) for scalars
        return None
    # In a program with tensors even a scalar leaf's paths can cross tensor edges.
    named = {name: i for name, i in leaves.items() if graph.kinds[i] is LEAF}
    counts = _path_counts(graph, output)
    out = []
    for name, leaf in named.items():
        if 0 < counts[leaf] <= MAX_PATHS:
            out += [{"leaf": name, **_contribution(graph, nodes, slots)}
                    for nodes, slots in _paths(graph, output, leaf)]
    return out


def _path_counts(graph: Graph, output: int) -> list[int]:
    counts = [0] * len(graph)
    counts[output] = 1
    for i in range(output, -1, -1):
        if counts[i] == 0 or graph.kinds[i] is not OP:
            continue
        op = graph.ops[i]
        for k, j in enumerate(graph.inputs[i]):
            if graph.needs_grad[j] and k not in op.nondiff:
                counts[j] += counts[i]
    return counts


def _paths(graph: Graph, output: int, leaf: int):
    """Every path from the output down to `leaf`: (node ids, input slots)."""
    reaches = [False] * len(graph)
    reaches[leaf] = True
    for i in range(leaf + 1, output + 1):
        op = graph.ops[i]
        reaches[i] = graph.kinds[i] is OP and any(
            reaches[j] for k, j in enumerate(graph.inputs[i]) if k not in op.nondiff)
    stack = [([output], [])]
    while stack:
        nodes, slots = stack.pop()
        i = nodes[-1]
        if i == leaf:
            yield nodes, slots
            continue
        op = graph.ops[i]
        for k, j in reversed(list(enumerate(graph.inputs[i]))):
            if reaches[j] and k not in op.nondiff:
                stack.append(([*nodes, j], [*slots, k]))


def _contribution(graph: Graph, nodes: list[int], slots: list[int]) -> dict:
    g = 1.0
    values = graph.values
    with np.errstate(all="ignore"):
        for i, k in zip(nodes, slots, strict=False):
            args = (*[values[j] for j in graph.inputs[i]], values[i])
            g = edge(graph.ops[i], k, args, g)[1]
    return {"nodes": [f"n{i}" for i in nodes], "slots": slots, "contribution": jsonable(g)}
