"""The trace as columns, `chainrule.trace/2`: one list per field instead of
one dict per node and per edge, and no ledger text (each edge's formula and
worked numbers follow from the op table, the names and the values, so
`expand` makes them when a reader wants trace/1). Building a dict per edge
cost more than micrograd's whole build and backward pass on a 10k-node chain;
a column is an append. Same numbers as trace/1: see docs/trace.md."""

from __future__ import annotations

import math
from itertools import chain

import numpy as np

from ..autodiff.backward import add_ieee, edge
from ..autodiff.graph import LEAF, OP, Graph
from ..autodiff.numeric import fit, is_finite, shape_of, zeros
from ..autodiff.ops import OPS
from .trace import _SIMPLE, FORMAT, TEXT_MAX, _shorten, jsonable
from .trace import _explained as explained
from .worked import worked

FORMAT_COLUMNS = "chainrule.trace/2"


def build_columns(program: str, graph: Graph, output: int, leaves: dict[str, int],
                  starts: list[int]) -> tuple[dict, list]:
    """The backward pass and the columns in one sweep: each edge is appended to
    the columns as it is computed, never held as a tuple to be walked again.
    Returns the document and every node's gradient (for `check`)."""
    n = len(graph)
    values, inputs, kinds, labels = graph.values, graph.inputs, graph.kinds, graph.labels
    warnings = {i: list(w) for i, w in graph.warnings.items()}
    texts = [program[s:e] if e - s <= TEXT_MAX else _shorten(program, s, e)
             for s, e in graph.spans]
    grads, back = _backward(graph, output, texts, warnings)
    needs = graph.needs_grad
    for i in range(n):
        if grads[i] is None and needs[i]:
            v = values[i]
            grads[i] = zeros(() if v.__class__ is float else v.shape)
            warnings.setdefault(i, []).append("not used by the output, so its gradient is 0")
    lines, cols, end_lines, end_cols = _positions(graph.spans, starts)
    return {
        "format": FORMAT_COLUMNS,
        "output": output,
        "nodes": {
            "op": [kind if op is None else op.name
                   for op, kind in zip(graph.ops, kinds, strict=True)],
            "kind": list(kinds),
            "label": list(labels),
            "text": texts,
            "inputs": list(inputs),  # tuples: JSON arrays all the same
            "shape": [[] if v.__class__ is float else list(v.shape) for v in values],
            "value": [v if v.__class__ is float and v - v == 0.0 else jsonable(v)
                      for v in values],
            "grad": [g if g.__class__ is float and g - g == 0.0 else jsonable(g)
                     for g in grads],
            "line": lines, "col": cols, "end_line": end_lines, "end_col": end_cols,
            "warnings": {str(i): w for i, w in sorted(warnings.items()) if w},
        },
        "backward": back,
        "gradients": {name: jsonable(grads[i]) for name, i in leaves.items()
                      if graph.kinds[i] is LEAF},
    }, grads


def _positions(spans: list[tuple[int, int]], starts: list[int]):
    """Each span's (line, col, end_line, end_col), 1-based, end_col just past
    the end: one searchsorted over all offsets instead of a bisect per node."""
    offsets = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    line_starts = np.asarray(starts, dtype=np.int64)
    line = np.searchsorted(line_starts, offsets, side="right")
    col = offsets - line_starts[line - 1] + 1
    return line[0::2].tolist(), col[0::2].tolist(), line[1::2].tolist(), col[1::2].tolist()


def _backward(graph: Graph, output: int, texts: list[str], warnings: dict):
    """chainrule.autodiff.backward.backward's sweep, the same operations in the
    same order (so the same numbers), writing each edge into the columns. The
    numbers go in raw; one check at the end (_make_jsonable) finds any that
    JSON cannot hold, so the common all-finite-floats case pays nothing per edge."""
    values, kinds, ops, inputs, needs = (
        graph.values, graph.kinds, graph.ops, graph.inputs, graph.needs_grad)
    grads: list = [None] * len(values)
    grads[output] = 1.0
    node, grad, count = [], [], []
    to, slot, local_col, contribution, grad_after = [], [], [], [], []
    add_node, add_grad, add_count = node.append, grad.append, count.append
    add_to, add_slot, add_local, add_c, add_after = (
        to.append, slot.append, local_col.append, contribution.append, grad_after.append)
    mixed = False  # a tensor, a None local or an IEEE answer from edge(): check each edge
    for i in range(output, -1, -1):
        g = grads[i]
        if g is None or kinds[i] is not OP:
            continue
        op = ops[i]
        ins = inputs[i]
        rules = op.local
        add_node(i)
        add_grad(g)
        if g.__class__ is float and rules is not None and not op.nondiff:
            # Scalar ops of one and two inputs, unrolled: the common case.
            if len(ins) == 2:
                j, m = ins
                a, b = values[j], values[m]
                if a.__class__ is float and b.__class__ is float:
                    out = values[i]
                    edges = 0
                    if needs[j]:
                        try:
                            local = rules[0](a, b, out)
                        except (ArithmeticError, ValueError):
                            local = None
                        if local.__class__ is float:
                            c = g * local
                        else:
                            local, c = edge(op, 0, (a, b, out), g)
                            mixed = True
                        prev = grads[j]
                        if prev is None:
                            grads[j] = after = c
                        elif prev.__class__ is float and c.__class__ is float:
                            grads[j] = after = prev + c
                        else:
                            grads[j] = after = add_ieee(prev, c)
                            mixed = True
                        edges = 1
                        add_to(j)
                        add_slot(0)
                        add_local(local)
                        add_c(c)
                        add_after(after)
                    if needs[m]:
                        try:
                            local = rules[1](a, b, out)
                        except (ArithmeticError, ValueError):
                            local = None
                        if local.__class__ is float:
                            c = g * local
                        else:
                            local, c = edge(op, 1, (a, b, out), g)
                            mixed = True
                        prev = grads[m]
                        if prev is None:
                            grads[m] = after = c
                        elif prev.__class__ is float and c.__class__ is float:
                            grads[m] = after = prev + c
                        else:
                            grads[m] = after = add_ieee(prev, c)
                            mixed = True
                        edges += 1
                        add_to(m)
                        add_slot(1)
                        add_local(local)
                        add_c(c)
                        add_after(after)
                    add_count(edges)
                    continue
            elif len(ins) == 1:
                j = ins[0]
                a, out = values[j], values[i]
                if a.__class__ is float and out.__class__ is float:
                    if needs[j]:
                        try:
                            local = rules[0](a, out)
                        except (ArithmeticError, ValueError):
                            local = None
                        if local.__class__ is float:
                            c = g * local
                        else:
                            local, c = edge(op, 0, (a, out), g)
                            mixed = True
                        prev = grads[j]
                        if prev is None:
                            grads[j] = after = c
                        elif prev.__class__ is float and c.__class__ is float:
                            grads[j] = after = prev + c
                        else:
                            grads[j] = after = add_ieee(prev, c)
                            mixed = True
                        add_to(j)
                        add_slot(0)
                        add_local(local)
                        add_c(c)
                        add_after(after)
                        add_count(1)
                    else:
                        add_count(0)
                    continue
        # Tensors, VJPs, inputs without a gradient: backward()'s general loop.
        mixed = True
        args = (*[values[j] for j in ins], values[i])
        scalars = (g.__class__ is float and rules is not None
                   and all(x.__class__ is float for x in args))
        edges = 0
        k = -1
        for j in ins:
            k += 1
            if not needs[j] or k in op.nondiff:
                continue
            c = None
            if scalars:
                try:
                    local = rules[k](*args)
                    if local.__class__ is float:
                        c = g * local
                except (ArithmeticError, ValueError):
                    pass
            if c is None:
                local, c = edge(op, k, args, g)
            prev = grads[j]
            if prev is None:
                after = c
            elif prev.__class__ is float and c.__class__ is float:
                after = prev + c
            else:
                after = add_ieee(prev, c)
            grads[j] = after
            edges += 1
            add_to(j)
            add_slot(k)
            add_local(local)
            add_c(c)
            add_after(after)
        add_count(edges)
    for i, kind in enumerate(kinds):
        if kind is LEAF and grads[i] is None:
            grads[i] = fit(0.0, shape_of(values[i]))
    back = {"node": node, "grad": grad, "edges": count, "to": to, "slot": slot,
            "local": local_col, "contribution": contribution, "grad_after": grad_after}
    if mixed or not _all_finite(grad, local_col, contribution, grad_after):
        _make_jsonable(graph, back, texts, warnings)
    return grads, back


def _all_finite(*columns: list) -> bool:
    """Columns of floats only: a NaN or an infinity makes its column's sum non-
    finite (a sum that overflows only sends the columns to the exact check)."""
    total = 0.0
    for column in columns:
        total += sum(column)
    return total - total == 0.0


def _make_jsonable(graph: Graph, back: dict, texts: list[str], warnings: dict) -> None:
    """Each number in the backward columns as JSON holds it, and the warning
    for each gradient made non-finite by its local derivative, in the order
    the sweep met them (trace/1's order)."""
    ops = graph.ops
    local_col, contribution, grad_after = back["local"], back["contribution"], back["grad_after"]
    at = 0
    for s, (i, g, count) in enumerate(zip(back["node"], back["grad"], back["edges"],
                                          strict=True)):
        for e in range(at, at + count):
            local, c, after = local_col[e], contribution[e], grad_after[e]
            if (c.__class__ is float and local.__class__ is float  # scalars: the common case
                    and c - c == 0.0 and after - after == 0.0 and local - local == 0.0):
                continue
            if not is_finite(c) and is_finite(g):
                op, k, j = ops[i], back["slot"][e], back["to"][e]
                formula = op.formula[k](_names(graph, i, texts), _inputs(graph, i))
                shown_local = "not finite" if local is None else jsonable(local)
                warnings.setdefault(j, []).append(
                    f"gradient not finite: local derivative {formula} of {op.name} "
                    f"is {shown_local}")
            local_col[e] = jsonable(local)
            contribution[e] = jsonable(c)
            grad_after[e] = jsonable(after)
        at += count
        if not (g.__class__ is float and g - g == 0.0):
            back["grad"][s] = jsonable(g)


def _name(label, text: str) -> str:
    """How a node is named inside a formula: its label, or its text in brackets."""
    return label or (text if _SIMPLE.fullmatch(text) else f"({text})")


def _names(graph: Graph, i: int, texts: list[str]) -> list[str]:
    return [_name(graph.labels[j], texts[j]) for j in graph.inputs[i]]


def _inputs(graph: Graph, i: int) -> list:
    return [graph.values[j] for j in graph.inputs[i]]


def _number(v):
    """A JSON-ready value back as the engine holds it: float or float array."""
    if v.__class__ is float:
        return v
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return np.array(_floats(v), dtype=float)


def _floats(v):
    if isinstance(v, list):
        return [_floats(x) for x in v]
    return _number(v) if isinstance(v, str) else v


def expand(doc: dict) -> dict:
    """A trace/2 document as trace/1 (its nodes, steps and gradients; any other
    field, such as `cost` or `check`, is passed on as it is): the ledger text is
    made here, from the op table, exactly as trace/1 makes it."""
    cols = doc["nodes"]
    n = len(cols["op"])
    ids = [f"n{i}" for i in range(n)]
    warnings = {int(i): w for i, w in cols["warnings"].items()}
    nodes = [{
        "id": ids[i], "op": cols["op"][i], "label": cols["label"][i], "kind": cols["kind"][i],
        "text": cols["text"][i], "inputs": [ids[j] for j in cols["inputs"][i]],
        "shape": cols["shape"][i], "value": cols["value"][i], "grad": cols["grad"][i],
        "span": {"line": cols["line"][i], "col": cols["col"][i],
                 "end_line": cols["end_line"][i], "end_col": cols["end_col"][i]},
        "warnings": warnings.get(i, []),
    } for i in range(n)]
    b = doc["backward"]
    numbers: dict[int, object] = {}

    def value(j):
        if j not in numbers:
            numbers[j] = _number(cols["value"][j])
        return numbers[j]

    steps = []
    at = 0
    uses = [0] * n  # contributions each node receives (a tensor edge's explain says so)
    for j in b["to"]:
        uses[j] += 1
    for i, g, count in zip(b["node"], b["grad"], b["edges"], strict=True):
        ins = cols["inputs"][i]
        op = OPS.get(cols["op"][i])
        names = [_name(cols["label"][j], cols["text"][j]) for j in ins]
        xs = [value(j) for j in ins]
        out = value(i)
        edges = []
        gn = _number(g)
        tensor = any(v.__class__ is not float for v in (gn, out, *xs))
        for e in range(at, at + count):
            k = b["slot"][e]
            local = b["local"][e]
            scalar = all(x.__class__ is float for x in (local, b["contribution"][e]))
            formula = op.formula[k](names, xs)
            edge = {
                "to": ids[b["to"][e]], "local": local,
                "local_formula": formula,
                "local_worked": (worked(op.name, k, names, xs, out)
                                 if scalar and _finite(b, e) else None),
                "contribution": b["contribution"][e], "grad_after": b["grad_after"][e]}
            c = _number(b["contribution"][e])
            if tensor or c.__class__ is not float:
                edge["explain"] = explained(
                    op.name, k, names, _name(cols["label"][i], cols["text"][i]), xs, out,
                    gn, None if local is None else _number(local), c,
                    formula, uses[b["to"][e]])
            edges.append(edge)
        at += count
        steps.append({"node": ids[i], "grad": g, "edges": edges})
    trace = {"format": FORMAT, "output": ids[doc["output"]], "nodes": nodes, "forward": ids,
             "backward": steps, "gradients": doc["gradients"]}
    for key, v in doc.items():
        if key not in trace and key not in ("nodes", "backward"):
            trace[key] = v
    return trace


def _finite(b: dict, e: int) -> bool:
    return all(b[f][e].__class__ is float for f in ("local", "contribution", "grad_after"))
