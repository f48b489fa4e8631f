"""The graph after its backward pass, as the `chainrule.trace/1` document:
only dict/list/str/int/float/bool/None, non-finite numbers as the strings
"NaN", "Infinity" and "-Infinity", so strict JSON always works."""

from __future__ import annotations

import math
import re
from bisect import bisect_right

import numpy as np

from ..autodiff.graph import LEAF, Graph
from ..autodiff.numeric import is_finite, zeros
from .tensor_text import explain
from .worked import worked

FORMAT = "chainrule.trace/1"
_SIMPLE = re.compile(r"-?[\w.]+")
TEXT_MAX = 80
NOT_FINITE = "gradient not finite"


def _shorten(program: str, start: int, end: int) -> str:
    half = TEXT_MAX // 2 - 2
    return f"{program[start:start + half]} … {program[end - half:end]}"


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
    warnings = {i: list(w) for i, w in graph.warnings.items()}
    for i in range(n):
        if grads[i] is None and graph.needs_grad[i]:
            v = graph.values[i]
            grads[i] = zeros(() if v.__class__ is float else v.shape)
            warnings.setdefault(i, []).append("not used by the output, so its gradient is 0")
    # A long chain's nodes each span most of it: shorten, or the trace grows as n².
    texts = [program[s:e] if e - s <= TEXT_MAX else _shorten(program, s, e)
             for s, e in graph.spans]
    # The steps first: they add warnings (a gradient not finite) the nodes list.
    backward = _steps(graph, steps, ids, texts, warnings)
    return {
        "format": FORMAT,
        "output": ids[output],
        "nodes": _nodes(graph, grads, ids, texts, warnings, starts),
        "forward": ids,
        "backward": backward,
        "gradients": {name: jsonable(grads[i]) for name, i in leaves.items()
                      if graph.kinds[i] is LEAF},
    }


def _steps(graph: Graph, steps: list, ids: list[str], texts: list[str], warnings: dict):
    ops, labels, values, inputs = graph.ops, graph.labels, graph.values, graph.inputs
    shown = {}  # how a node is named inside a formula: its label, or its text in brackets
    out = []
    uses = None

    def shown_name(i):
        t = labels[i] or texts[i]
        return t if labels[i] or _SIMPLE.fullmatch(t) else f"({t})"
    for i, g, edges in steps:
        op = ops[i]
        ins = inputs[i]
        names = []
        for j in ins:
            t = shown.get(j)
            if t is None:
                t = labels[j] or texts[j]
                t = shown[j] = t if labels[j] or _SIMPLE.fullmatch(t) else f"({t})"
            names.append(t)
        xs = [values[ins[0]], values[ins[1]]] if len(ins) == 2 else [values[j] for j in ins]
        out_value = values[i]
        out_edges = []
        for j, local, c, after, k in edges:
            formula = op.formula[k](names, xs)
            if (c.__class__ is float and local.__class__ is float  # scalars: the common case
                    and g.__class__ is float
                    and c - c == 0.0 and after - after == 0.0 and local - local == 0.0):
                out_edges.append({"to": ids[j], "local": local, "local_formula": formula,
                                  "local_worked": worked(op.name, k, names, xs, out_value),
                                  "contribution": c, "grad_after": after})
                continue
            if not is_finite(c) and is_finite(g):
                shown_local = "not finite" if local is None else jsonable(local)
                warnings.setdefault(j, []).append(
                    f"gradient not finite: local derivative {formula} of {op.name} "
                    f"is {shown_local}")
            elif not is_finite(c) and not any(w.startswith(NOT_FINITE)
                                              for w in warnings.get(j, ())):
                # Carried from further down (0 * Infinity is NaN): said once per node.
                warnings.setdefault(j, []).append(
                    f"{NOT_FINITE}: the gradient of {labels[i] or texts[i]} ({op.name}), "
                    "which it feeds, is not finite")
            row = {"to": ids[j], "local": jsonable(local), "local_formula": formula,
                   "local_worked": None,
                   "contribution": jsonable(c), "grad_after": jsonable(after)}
            if any(v.__class__ is not float for v in (g, c, out_value, *xs)):
                if uses is None:  # counted once, and only for a program with tensors
                    uses = _uses(len(values), steps)
                row["explain"] = _explained(op.name, k, names, shown_name(i), xs, out_value,
                                            g, local, c, formula, uses[j])
            out_edges.append(row)
        out.append({"node": ids[i], "grad": jsonable(g), "edges": out_edges})
    return out


def _uses(n: int, steps: list) -> list[int]:
    """How many contributions each node receives: more than one makes an edge's
    worked entry 'the contribution to' the gradient rather than all of it."""
    uses = [0] * n
    for _, _, edges in steps:
        for edge in edges:
            uses[edge[0]] += 1
    return uses


def _explained(*args) -> dict | None:
    """The edge's explanation; a rule that cannot word a case (a shape it does not
    know) leaves the edge without one rather than failing the trace."""
    try:
        with np.errstate(all="ignore"):
            out = explain(*args)
    except (ValueError, IndexError, TypeError, OverflowError):
        return None
    if out["worked"] is not None:  # NaN and ±inf as strings, as everywhere in the trace
        out["worked"]["value"] = jsonable(float(out["worked"]["value"]))
    return out


def _nodes(graph: Graph, grads: list, ids: list[str], texts: list[str], warnings: dict,
           starts: list[int]) -> list[dict]:
    kinds, labels, spans, values, inputs = (
        graph.kinds, graph.labels, graph.spans, graph.values, graph.inputs)
    op_names = [kind if op is None else op.name for op, kind in zip(graph.ops, kinds, strict=True)]
    nodes = []
    for i in range(len(values)):
        s, e = spans[i]
        line = bisect_right(starts, s)
        end_line = line if line == len(starts) or e < starts[line] else bisect_right(starts, e)
        v = values[i]
        g = grads[i]
        ins = inputs[i]
        scalar = v.__class__ is float
        nodes.append({
            "id": ids[i], "op": op_names[i],
            "label": labels[i], "kind": kinds[i], "text": texts[i],
            "inputs": [ids[ins[0]], ids[ins[1]]] if len(ins) == 2 else [ids[j] for j in ins],
            "shape": [] if scalar else list(v.shape),
            "value": v if scalar and v - v == 0.0 else jsonable(v),
            "grad": g if g.__class__ is float and g - g == 0.0 else jsonable(g),
            "span": {"line": line, "col": s - starts[line - 1] + 1,
                     "end_line": end_line, "end_col": e - starts[end_line - 1] + 1},
            "warnings": warnings.get(i) or [],
        })
    return nodes
