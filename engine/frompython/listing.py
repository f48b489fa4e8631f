"""A Plan written out as a chainrule program, the way a person would write it:
leaves first (`w = 2.0`), then one statement per named node, with unnamed
nodes used once written inline (`pred = w*x + b`). trace_program on this text
is the step-through of the Python graph, so the page, the ledger, the checks
and the `=` replay are the same code as for typed programs.

Names come from labels (`label=` as in micrograd) and the caller's variable
names (`e`, `pi` and function names may be assigned, as in Python); a
label that is not a name in the language (micrograd's `'x1*w1 + x2*w2'`)
leaves the node unnamed, so it is written as its expression, which is what
such a label says anyway."""

from __future__ import annotations

import keyword
import math

import numpy as np

from .plan import CONST, LEAF, Plan

SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@", "pow": "**"}
PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "matmul": 2, "neg": 3, "pow": 4}
UNARY, ATOM = 3, 5
INLINE_CHARS = 60   # a longer expression gets a name of its own: the page shows 80
INLINE_LITERAL = 64  # tensor leaves up to this many elements are written in the text


def is_name(label) -> bool:
    return (isinstance(label, str) and label.isidentifier() and not keyword.iskeyword(label))


class Listing:
    """The program text, values for leaves the text cannot hold (big or
    non-finite tensors), each plan node's place in the text, and the names."""

    def __init__(self, plan: Plan, names: dict[int, str] | None = None):
        self.plan = plan
        self.values: dict = {}
        self.names: list[str | None] = [None] * len(plan)
        self.line: list[int] = [0] * len(plan)   # the statement holding the node
        self.text: list[str] = [""] * len(plan)  # the node's text (a name once named)
        self.expr: list[str] = [""] * len(plan)  # the node's expression, as the trace shows it
        self._taken: set[str] = set()
        self._counter = 0
        self._name_all(names or {})
        self.lines: list[str] = []
        self._write()
        self.program = "\n".join(self.lines)

    # ---- names ------------------------------------------------------------
    def _name_all(self, extra: dict[int, str]) -> None:
        plan = self.plan
        for i, label in enumerate(plan.labels):
            label = label if is_name(label) else extra.get(i)
            if plan.kinds[i] != CONST and is_name(label) and label not in self._taken:
                self.names[i] = label
                self._taken.add(label)

    def _fresh(self, stem: str) -> str:
        while True:
            self._counter += 1
            name = f"{stem}{self._counter}"
            if name not in self._taken:
                self._taken.add(name)
                return name

    # ---- text -------------------------------------------------------------
    def _write(self) -> None:
        plan = self.plan
        n = len(plan)
        uses = [0] * n
        for ins in plan.inputs:
            for j in ins:
                uses[j] += 1
        prec = [ATOM] * n
        pending: list[list[int]] = [[] for _ in range(n)]  # inlined nodes inside node i
        for i in range(n):
            kind = plan.kinds[i]
            if kind == LEAF:
                self._leaf(i)
                continue
            if kind == CONST:
                self.text[i], prec[i] = literal(plan.data[i])
                continue
            text, prec[i] = self._expression(i, prec)
            self.expr[i] = text
            inside = [i]
            for j in plan.inputs[i]:
                if self.names[j] is None:
                    inside += pending[j]
                    pending[j] = []
            named = (self.names[i] is not None or uses[i] != 1 or i == n - 1
                     or len(text) > INLINE_CHARS)
            if not named:
                self.text[i], pending[i] = text, inside
                continue
            if self.names[i] is None:
                self.names[i] = self._fresh("t") if i < n - 1 or "out" in self._taken else "out"
            self.lines.append(f"{self.names[i]} = {text}")
            for k in inside:
                self.line[k] = len(self.lines)
            self.text[i], prec[i] = self.names[i], ATOM

    def _leaf(self, i: int) -> None:
        if self.names[i] is None:
            self.names[i] = self._fresh("x")
        name, v = self.names[i], self.plan.data[i]
        self.text[i] = name
        finite = math.isfinite(v) if v.__class__ is float else bool(np.isfinite(v).all())
        if finite and (v.__class__ is float or v.size <= INLINE_LITERAL):
            self.lines.append(f"{name} = {literal(v)[0]}")
            self.line[i] = len(self.lines)
        else:
            self.values[name] = v  # a free name: a leaf given through values
            self.line[i] = 0

    def _expression(self, i: int, prec: list[int]) -> tuple[str, int]:
        op, ins, t = self.plan.ops[i], self.plan.inputs[i], self.text
        if op in SYMBOL:
            p = PREC[op]
            a, b = ins
            if op == "pow":  # atom ** unary, right-associative
                left, right = _wrap(t[a], prec[a], ATOM), _wrap(t[b], prec[b], UNARY)
                return f"{left}**{right}", p
            left, right = _wrap(t[a], prec[a], p), _wrap(t[b], prec[b], p + 1)
            space = " " if p == 1 else ""
            return f"{left}{space}{SYMBOL[op]}{space}{right}", p
        if op == "neg":
            return f"-{_wrap(t[ins[0]], prec[ins[0]], UNARY + 1)}", UNARY
        return f"{op}({', '.join(t[j] for j in ins)})", ATOM


def _wrap(text: str, have: int, need: int) -> str:
    return text if have >= need else f"({text})"


def literal(v) -> tuple[str, int]:
    """A constant as program text, and its precedence (a negative number is a
    sign before a number: it binds like unary minus)."""
    if v.__class__ is float:
        if not math.isfinite(v):
            raise ValueError(f"the constant {v} cannot be written in a program: "
                             "give it as a leaf (a Value) instead")
        return repr(v), (UNARY if v < 0 or repr(v).startswith("-") else ATOM)
    if not np.isfinite(v).all():
        raise ValueError("a constant tensor holds NaN or ±inf: give it as a leaf (a Tensor)")
    return _rows(v), ATOM


def _rows(v: np.ndarray) -> str:
    if v.ndim == 1:
        return "[" + ", ".join(repr(float(x)) for x in v) + "]"
    return "[" + ", ".join(_rows(row) for row in v) + "]"
