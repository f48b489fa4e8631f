"""The backward pass: reverse-mode accumulation over the graph's creation
order, which is a topological order, so a plain loop from the output down
visits each node after every node that uses it."""

from __future__ import annotations

import numpy as np

from .codes import LEAF_KIND as LEAF
from .codes import OP_KIND as OP
from .graph import Graph
from .numeric import Value, call, fit, shape_of
from .ops import Op


def backward(graph: Graph, output: int, record: bool = True):
    """Reverse-mode sweep from `output`. Returns the gradient of every node
    (None where it needs none) and, if `record`, the steps: for each op
    node, in reverse order, (node, upstream, [(input, local, contribution,
    grad_after, position)])."""
    if not record:
        return _sweep(graph, output), []
    values, kinds, ops, inputs, needs = (
        graph.values, graph.kinds, graph.ops, graph.inputs, graph.needs_grad)
    grads: list[Value | None] = [None] * len(values)
    grads[output] = 1.0
    steps = []
    for i in range(output, -1, -1):
        g = grads[i]
        if g is None or kinds[i] is not OP:
            continue
        op = ops[i]
        ins = inputs[i]
        # The inlined rule runs on plain floats only: with a tensor among the
        # args it would meet numpy outside edge()'s errstate.
        if len(ins) == 2:
            a, b = values[ins[0]], values[ins[1]]
            args = (a, b, values[i])
            scalars = a.__class__ is float and b.__class__ is float
        else:
            args = (*[values[j] for j in ins], values[i])
            scalars = all(x.__class__ is float for x in args)
        scalars = scalars and g.__class__ is float and op.local is not None
        edges = [] if record else None
        k = -1
        for j in ins:
            k += 1
            if not needs[j] or k in op.nondiff:
                continue
            c = None
            if scalars:
                try:  # scalars, the common case, inlined
                    local = op.local[k](*args)
                    if local.__class__ is float:
                        c = g * local
                except (ArithmeticError, ValueError):
                    pass
            if c is None:
                local, c = edge(op, k, args, g)
            prev = grads[j]
            if prev is None:
                grads[j] = c
            elif prev.__class__ is float and c.__class__ is float:
                grads[j] = prev + c
            else:
                with np.errstate(all="ignore"):
                    grads[j] = prev + c
            if record:
                edges.append((j, local, c, grads[j], k))
        if record:
            steps.append((i, g, edges))
    for i, kind in enumerate(kinds):
        if kind is LEAF and grads[i] is None:
            grads[i] = fit(0.0, shape_of(values[i]))
    return grads, steps


def _sweep(graph: Graph, output: int) -> list:
    """backward() without the record, for training and the gradient check: the
    same operations in the same order (so the same numbers), with the scalar
    ops of one and two inputs unrolled, no loop over inputs, no args tuple."""
    values, kinds, ops, inputs, needs = (
        graph.values, graph.kinds, graph.ops, graph.inputs, graph.needs_grad)
    grads: list[Value | None] = [None] * len(values)
    grads[output] = 1.0
    for i in range(output, -1, -1):
        g = grads[i]
        if g is None or kinds[i] is not OP:
            continue
        op = ops[i]
        ins = inputs[i]
        rules = op.local
        if g.__class__ is float and rules is not None and not op.nondiff:
            if len(ins) == 2:
                j, m = ins
                a, b = values[j], values[m]
                if a.__class__ is float and b.__class__ is float:
                    out = values[i]
                    if needs[j]:
                        try:
                            local = rules[0](a, b, out)
                        except (ArithmeticError, ValueError):
                            local = None
                        c = (g * local if local.__class__ is float
                             else edge(op, 0, (a, b, out), g)[1])
                        prev = grads[j]
                        grads[j] = (c if prev is None else prev + c
                                    if prev.__class__ is float and c.__class__ is float
                                    else add_ieee(prev, c))
                    if needs[m]:
                        try:
                            local = rules[1](a, b, out)
                        except (ArithmeticError, ValueError):
                            local = None
                        c = (g * local if local.__class__ is float
                             else edge(op, 1, (a, b, out), g)[1])
                        prev = grads[m]
                        grads[m] = (c if prev is None else prev + c
                                    if prev.__class__ is float and c.__class__ is float
                                    else add_ieee(prev, c))
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
                        c = g * local if local.__class__ is float else edge(op, 0, (a, out), g)[1]
                        prev = grads[j]
                        grads[j] = (c if prev is None else prev + c
                                    if prev.__class__ is float and c.__class__ is float
                                    else add_ieee(prev, c))
                    continue
        # tensors, VJPs, non-differentiable inputs: backward()'s general loop
        args = (*[values[j] for j in ins], values[i])
        scalars = (g.__class__ is float and rules is not None
                   and all(x.__class__ is float for x in args))
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
                c = edge(op, k, args, g)[1]
            prev = grads[j]
            grads[j] = (c if prev is None else prev + c
                        if prev.__class__ is float and c.__class__ is float else add_ieee(prev, c))
    for i, kind in enumerate(kinds):
        if kind is LEAF and grads[i] is None:
            grads[i] = fit(0.0, shape_of(values[i]))
    return grads


def add_ieee(prev: Value, c: Value) -> Value:
    """prev + c where a tensor is involved: numpy's IEEE answers, no warnings."""
    with np.errstate(all="ignore"):
        return prev + c


def edge(op: Op, k: int, args: tuple, g: Value) -> tuple[Value | None, Value]:
    """One edge's local derivative and contribution, in general: tensors,
    broadcasting, and IEEE answers where Python would raise."""
    if op.vjp is not None:
        return None, call(op.vjp[k], [*args, g])
    local = call(op.local[k], args)
    x = args[k]
    if g.__class__ is float and local.__class__ is float and x.__class__ is float:
        return local, g * local
    with np.errstate(all="ignore"):
        return local, fit(g * local, shape_of(x))
