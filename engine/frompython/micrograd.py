"""micrograd graphs as they are, duck-typed (`data`, `grad`, `_prev`, `_op`,
optional `label`): micrograd itself is never imported.

micrograd keeps a node's inputs in a set, so their order is lost; that is
harmless for its own ops (+, * and ** with a number are symmetric or unary),
and the one ordered case, `**` with a Value exponent, is ordered by which
reading reproduces micrograd's value. An op micrograd variants add beyond
the op table is named in the error."""

from __future__ import annotations

import math

from .plan import LEAF, OP, Plan, topo

# micrograd's op strings -> chainrule's op table (variants from the lectures included)
UNARY = {"ReLU": "relu", "relu": "relu", "tanh": "tanh", "exp": "exp", "log": "log",
         "sigmoid": "sigmoid", "neg": "neg"}
SYMMETRIC = {"+": "add", "*": "mul"}
ORDERED = {"-": "sub", "/": "div"}


def is_micrograd(obj) -> bool:
    return all(hasattr(obj, a) for a in ("data", "grad", "_prev", "_op"))


def micrograd_plan(root) -> tuple[Plan, list]:
    """The micrograd graph under `root` as a Plan (the ** exponent as a
    constant), and the micrograd node behind each entry (None for constants)."""
    order = topo(root, lambda v: v._prev)
    index: dict[int, int] = {}
    plan = Plan()
    behind: list = []
    depth: list[int] = []  # longest path down to a leaf, per plan entry
    for v in order:
        prev = list(v._prev)
        op = v._op or ""
        label = getattr(v, "label", "") or None
        data = float(v.data)
        ins = [index[id(p)] for p in prev]
        if not op:
            k = plan.add(LEAF, None, (), data, label)
        elif op in UNARY and len(ins) == 1:
            k = plan.add(OP, UNARY[op], (ins[0],), data, label)
        elif op in SYMMETRIC and len(ins) in (1, 2):
            pair = (ins[0], ins[0]) if len(ins) == 1 else (ins[0], ins[1])  # x*x: one input
            if op == "+" and depth[pair[1]] > depth[pair[0]]:
                pair = (pair[1], pair[0])  # the set lost the order: a sum reads left-deep
            k = plan.add(OP, SYMMETRIC[op], pair, data, label)
        elif op in ORDERED and len(ins) == 2 and not isinstance(v._prev, set | frozenset):
            k = plan.add(OP, ORDERED[op], (ins[0], ins[1]), data, label)
        elif op.startswith("**") and len(ins) == 1:
            exponent = _number(op[2:], v)
            behind.append(None)
            c = plan.add("const", None, (), exponent, None)
            k = plan.add(OP, "pow", (ins[0], c), data, label)
        elif op.startswith("**") and len(ins) == 2:
            k = plan.add(OP, "pow", _power_order(prev, ins, data), data, label)
        else:
            raise NotImplementedError(
                f"micrograd op {op!r} with {len(ins)} input(s) (node {label or data!r}) is not "
                "one chainrule can map onto its op table: it knows +, *, **number, ReLU, tanh, "
                "exp, log, sigmoid, and - and / with ordered inputs")
        index[id(v)] = k
        behind.append(v)
        while len(depth) < len(plan):
            j = len(depth)
            depth.append(1 + max((depth[i] for i in plan.inputs[j]), default=-1))
    return plan, behind


def _number(text: str, v) -> float:
    try:
        return float(text)
    except ValueError:
        raise NotImplementedError(f"micrograd op '**{text}' (node {v.data!r}): the exponent "
                                  "is not a number chainrule can read") from None


def _power_order(prev: list, ins: list[int], data: float) -> tuple[int, int]:
    """Base and exponent of a ** between two Values, whose inputs micrograd
    keeps unordered: the order whose power is micrograd's value."""
    a, b = float(prev[0].data), float(prev[1].data)
    try:
        first = a ** b
    except (ArithmeticError, ValueError):
        first = math.nan
    return (ins[0], ins[1]) if first == data else (ins[1], ins[0])


def micrograd_grads(behind: list, root) -> tuple[list, bool]:
    """micrograd's gradient per plan entry, and whether its backward() has
    run (it sets the root's grad to 1; before that every grad is 0)."""
    known = float(root.grad) != 0.0
    return [None if v is None else float(v.grad) for v in behind], known
