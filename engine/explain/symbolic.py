"""The symbolic check (optional extra `symbolic`, sympy): the output rebuilt
as a sympy expression node by node from the graph — never by parsing user
text — then differentiated by sympy per scalar leaf, a third opinion beside
backprop and central differences.

Scalar leaves become real symbols; tensor leaves and constants become their
numbers (object arrays of sympy numbers, so numpy's broadcasting and @ apply
elementwise). Small programs only: expression size grows with fan-out, and
simplify has no time bound of its own.
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.graph import CONST, LEAF, Graph
from .trace import jsonable

MAX_NODES = 300
MAX_TREE = 3000  # nodes of the expression written out as a tree (fan-out repeated)
MAX_ELEMENTS = 64  # per tensor
SIMPLIFY_BELOW = 200  # operations in a derivative worth tidying
MAX_TEXT = 4000  # characters of a derivative worth showing
NOTE = "no symbolic derivative: {}"


class Unsupported(Exception):
    pass


def symbolic_check(graph: Graph, output: int, leaves: dict[str, int], checks: dict) -> None:
    """Add `derivative` {text, latex} and `symbolic` (its value here) to each
    scalar leaf's entry of `checks`; a note instead when the program is out of reach."""
    try:
        import sympy as sp
    except ImportError:  # the extra is not installed: the check stays numeric
        return
    scalar = {n: i for n, i in leaves.items()
              if graph.values[i].__class__ is float and n in checks}
    try:
        _guard(graph, output)
        out = _expression(sp, graph, output)
    except Unsupported as why:
        for name in scalar:
            checks[name].setdefault("note", NOTE.format(why))
        return
    for name in scalar:
        symbol = sp.Symbol(name, real=True)
        d = sp.diff(out, symbol)
        if sp.count_ops(d) <= SIMPLIFY_BELOW:
            # Pull common factors out: 2*x*(b + w*x - y). sympy's simplify() would try
            # more and take seconds on a tanh neuron, too slow for an interactive check.
            d = sp.factor_terms(d)
        here = {sp.Symbol(n, real=True): graph.values[j] for n, j in scalar.items()}
        checks[name]["symbolic"] = jsonable(_number(d, here))
        # Printed with plain symbols: on real ones the LaTeX printer asks sign questions
        # that sympy answers by numeric evaluation, seconds on a sigmoid chain.
        with sp.evaluate(False):  # keep 2*(b + w*x - y) from distributing again
            plain = d.xreplace({s: sp.Symbol(s.name) for s in d.free_symbols})
        text = sp.sstr(plain, full_prec=False)
        if len(text) <= MAX_TEXT:
            checks[name]["derivative"] = {"text": text,
                                          "latex": sp.latex(plain, full_prec=False)}
        else:
            checks[name].setdefault("note", NOTE.format("the derivative is too long to show"))


def _guard(graph: Graph, output: int) -> None:
    if output + 1 > MAX_NODES:
        raise Unsupported(f"the program has more than {MAX_NODES} nodes")
    tree = [1] * (output + 1)
    for i in range(output + 1):
        tree[i] = 1 + sum(tree[j] for j in graph.inputs[i])
        if tree[i] > MAX_TREE:
            raise Unsupported("the expression written out is too large")
        v = graph.values[i]
        if v.__class__ is not float and v.size > MAX_ELEMENTS:
            raise Unsupported(f"a tensor has more than {MAX_ELEMENTS} elements")


def _number(expr, here: dict) -> float:
    try:
        value = complex(expr.evalf(subs=here))
    except (TypeError, ArithmeticError):  # 1/0 in mpmath, zoo, or a symbol left over
        return math.nan
    return value.real if value.imag == 0 else math.nan


def _expression(sp, graph: Graph, output: int):
    rules = _rules(sp)
    exprs: list = [None] * (output + 1)
    for i in range(output + 1):
        kind, v, label = graph.kinds[i], graph.values[i], graph.labels[i]
        if kind is LEAF and v.__class__ is float:
            exprs[i] = sp.Symbol(label, real=True)
        elif kind is CONST and label in ("pi", "e") and v in (math.pi, math.e):
            exprs[i] = sp.pi if v == math.pi else sp.E
        elif kind in (LEAF, CONST):
            exprs[i] = _literal(sp, v)
        else:
            rule = rules.get(graph.ops[i].name)
            if rule is None:
                raise Unsupported(f"{graph.ops[i].name} has no symbolic rule")
            exprs[i] = rule(*[exprs[j] for j in graph.inputs[i]])
    return exprs[output]


def _literal(sp, v):
    def one(x: float):
        return sp.Integer(int(x)) if x.is_integer() and abs(x) < 1e15 else sp.Float(x)
    if v.__class__ is float:
        return one(v)
    return np.vectorize(lambda x: one(float(x)), otypes=[object])(v)


def _rules(sp) -> dict:
    def each(f):  # elementwise over object arrays, plain on scalars
        vf = np.vectorize(f, otypes=[object])
        return lambda *xs: vf(*xs) if any(isinstance(x, np.ndarray) for x in xs) else f(*xs)

    def total(x):
        return sp.Add(*x.flat) if isinstance(x, np.ndarray) else x

    def size(x) -> int:
        return x.size if isinstance(x, np.ndarray) else 1

    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b, "pow": each(lambda a, b: a ** b), "neg": lambda x: -x,
        "max": each(sp.Max), "min": each(sp.Min), "exp": each(sp.exp), "log": each(sp.log),
        "sqrt": each(sp.sqrt), "sin": each(sp.sin), "cos": each(sp.cos), "tanh": each(sp.tanh),
        "sigmoid": each(lambda x: 1 / (1 + sp.exp(-x))), "relu": each(lambda x: sp.Max(0, x)),
        "abs": each(sp.Abs), "sum": total, "mean": lambda x: total(x) / size(x),
        "mse": lambda p, t: total(each(lambda d: d ** 2)(p - t)) / size(p - t),
        "matmul": lambda a, b: np.matmul(a, b),
    }
