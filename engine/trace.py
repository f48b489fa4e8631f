"""The graph after its backward pass, as the `chainrule.trace/1` document:
only dict/list/str/int/float/bool/None, non-finite numbers as the strings
"NaN", "Infinity" and "-Infinity", so strict JSON always works."""

from __future__ import annotations

import math
import re

import numpy as np

from .graph import LEAF, OP, Graph
from .numeric import is_finite, zeros
from .tokens import line_col

FORMAT = "chainrule.trace/1"
_SIMPLE = re.compile(r"-?[\w.]+")


def nonfinite(x: float) -> str:
    return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")


def jsonable(v):
    """A float, an array or None, as JSON-ready data."""
    if v.__class__ is float:
        return v if v - v == 0.0 else nonfinite(v)
    if v is None:
        return None
    if isinstance(v, np.ndarray):
        out = v.tolist()
        if v.ndim == 0:
            return jsonable(float(out))
        return out if np.isfinite(v).all() else _replace(out)
    return jsonable(float(v))


def _replace(items: list) -> list:
    return [_replace(x) if x.__class__ is list else
            (x if math.isfinite(x) else nonfinite(x)) for x in items]


def build(program: str, graph: Graph, output: int, grads: list, steps: list,
          leaves: dict[str, int], starts: list[int]) -> dict:
    n = len(graph)
    ids = [f"n{i}" for i in range(n)]
    kinds, ops, labels, spans, values = (
        graph.kinds, graph.ops, graph.labels, graph.spans, graph.values)
    warnings = {i: list(w) for i, w in graph.warnings.items()}
    for i in range(n):
        if grads[i] is None and graph.needs_grad[i]:
            grads[i] = zeros(values[i].shape if values[i].__class__ is not float else ())
            warnings.setdefault(i, []).append("not used by the output, so its gradient is 0")
    texts = [program[s:e] for s, e in spans]
    shown = [None] * n  # how a node is named inside a formula

    def name(j: int) -> str:
        if shown[j] is None:
            t = labels[j] or texts[j]
            shown[j] = t if _SIMPLE.fullmatch(t) or labels[j] else f"({t})"
        return shown[j]

    backward = []
    for i, g, edges in steps:
        op = ops[i]
        xs = [values[j] for j in graph.inputs[i]]
        names = [name(j) for j in graph.inputs[i]]
        out_edges = []
        for j, local, c, after, k in edges:
            formula = op.formula[k](names, xs)
            if not is_finite(c) and is_finite(g):
                warnings.setdefault(j, []).append(
                    f"gradient not finite: local derivative {formula} of {op.name} "
                    f"is {jsonable(local) if local is not None else 'not finite'}")
            out_edges.append({"to": ids[j], "local": jsonable(local), "local_formula": formula,
                              "contribution": jsonable(c), "grad_after": jsonable(after)})
        backward.append({"node": ids[i], "grad": jsonable(g), "edges": out_edges})

    nodes = []
    for i in range(n):
        s, e = spans[i]
        line, col = line_col(starts, s)
        end_line, end_col = line_col(starts, e)
        v = values[i]
        nodes.append({
            "id": ids[i], "op": ops[i].name if kinds[i] is OP else kinds[i],
            "label": labels[i], "kind": kinds[i], "text": texts[i],
            "inputs": [ids[j] for j in graph.inputs[i]],
            "shape": [] if v.__class__ is float else list(v.shape),
            "value": jsonable(v), "grad": jsonable(grads[i]),
            "span": {"line": line, "col": col, "end_line": end_line, "end_col": end_col},
            "warnings": warnings.get(i, []),
        })
    return {
        "format": FORMAT,
        "output": ids[output],
        "nodes": nodes,
        "forward": ids,
        "backward": backward,
        "gradients": {name: jsonable(grads[i]) for name, i in leaves.items()
                      if kinds[i] is LEAF},
    }
