"""The symbolic check (optional extra `symbolic`, sympy): the output rebuilt
as a sympy expression node by node from the graph — never by parsing user
text — then differentiated by sympy per scalar leaf, a third opinion beside
backprop and central differences.

Scalar leaves become real symbols; tensor leaves and constants become their
numbers (object arrays of sympy numbers, so numpy's broadcasting and @ apply
elementwise). Small programs only: expression size grows with fan-out, and
simplify has no time bound of its own.

Bounded by construction, since sympy calls cannot be interrupted: a part of
the program that depends on no scalar leaf enters as the float the graph
computed for it when exact arithmetic could be huge (a power, or a value
past 1e15: `9**9**9` is never an exact integer), the expression tree has a
size budget, big and extreme powers are evaluated in floats (symbolic_value.py),
and the whole check has a time budget that stops sympy where it stands, inside
one leaf's derivative too (budget.py): leaves not finished by then get a note,
and the numeric check beside them is untouched. Whatever sympy raises on one
leaf (`max(x, sqrt(-1))` is "not comparable") becomes that leaf's note.
"""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.graph import CONST, LEAF, Graph
from .budget import OutOfTime, time_budget
from .symbolic_value import value_at
from .trace import jsonable

MAX_NODES = 300
MAX_TREE = 3000  # nodes of the expression written out as a tree (fan-out repeated)
MAX_ELEMENTS = 64  # per tensor
SIMPLIFY_BELOW = 200  # operations in a derivative worth tidying
MAX_TEXT = 4000  # characters of a derivative worth showing
MAX_EXACT = 1e15  # constants past this enter as floats, never as exact integers
MAX_NAME = 40  # characters of a folded constant's source text used as its name
SECONDS = 2.0  # the whole symbolic check, all leaves
NOTE = "no symbolic derivative: {}"
OUT_OF_TIME = "the symbolic check ran out of time"


class Unsupported(Exception):
    pass


def symbolic_check(graph: Graph, output: int, leaves: dict[str, int], checks: dict,
                   program: str = "", seconds: float = SECONDS) -> None:
    """Add `derivative` {text, latex} and `symbolic` (its value here) to each
    scalar leaf's entry of `checks`; a note instead when the program is out of
    reach or `seconds` run out."""
    try:
        import sympy as sp
    except ImportError:  # the extra is not installed: the check stays numeric
        return
    scalar = {n: i for n, i in leaves.items()
              if graph.values[i].__class__ is float and n in checks}
    done: set[str] = set()
    try:
        with time_budget(seconds):
            _check_all(sp, graph, output, scalar, checks, program, done)
    except OutOfTime:
        for name in scalar:
            if name not in done:  # stopped before or inside its work: nothing half-written
                checks[name].pop("derivative", None)
                checks[name].pop("symbolic", None)
                add_note(checks[name], NOTE.format(OUT_OF_TIME))


def _check_all(sp, graph: Graph, output: int, scalar: dict, checks: dict, program: str,
               done: set) -> None:
    try:
        _guard(graph, output)
        constants: dict = {}
        with np.errstate(all="ignore"):  # object arrays of sympy numbers meet numpy's checks
            out = _expression(sp, graph, output, program, constants)
    except Unsupported as why:
        for name in scalar:
            add_note(checks[name], NOTE.format(why))
            done.add(name)
        return
    except Exception as err:  # noqa: BLE001 (sympy raises many kinds; each is a note)
        for name in scalar:
            add_note(checks[name], NOTE.format(_failure(err)))
            done.add(name)
        return
    here = {sp.Symbol(n, real=True): graph.values[j] for n, j in scalar.items()}
    here.update(constants)
    for name in scalar:
        try:
            _one_leaf(sp, out, sp.Symbol(name, real=True), here, checks[name])
        except Exception as err:  # noqa: BLE001 (a sympy failure is this leaf's note)
            checks[name].pop("derivative", None)
            checks[name].pop("symbolic", None)
            add_note(checks[name], NOTE.format(_failure(err)))
        done.add(name)


def add_note(entry: dict, text: str) -> None:
    """Beside the numeric check's own note, if it has one."""
    entry["note"] = f"{entry['note']}; {text}" if entry.get("note") else text


def _failure(err: Exception) -> str:
    return f"sympy could not work with this program ({type(err).__name__})"


def _one_leaf(sp, out, symbol, here: dict, entry: dict) -> None:
    d = sp.diff(out, symbol)
    if _size(d) <= SIMPLIFY_BELOW:
        # Pull common factors out: 2*x*(b + w*x - y). sympy's simplify() would try
        # more and take seconds on a tanh neuron, too slow for an interactive check.
        d = sp.factor_terms(d)
    entry["symbolic"] = jsonable(value_at(sp, d, out, symbol, here))
    # Printed with plain symbols: on real ones the LaTeX printer asks sign questions
    # that sympy answers by numeric evaluation, seconds on a sigmoid chain.
    with sp.evaluate(False):  # keep 2*(b + w*x - y) from distributing again
        plain = d.xreplace({s: sp.Symbol(s.name) for s in d.free_symbols})
    text = sp.sstr(plain, full_prec=False)
    if len(text) <= MAX_TEXT:
        names = {s: r"\mathtt{" + _tex_escape(s.name) + "}" for s in plain.free_symbols
                 if not s.name.isidentifier()}
        entry["derivative"] = {"text": text, "latex": sp.latex(plain, full_prec=False,
                                                               symbol_names=names)}
    else:
        add_note(entry, NOTE.format("the derivative is too long to show"))


def _tex_escape(text: str) -> str:
    return "".join("\\" + c if c in "#$%&_{}" else
                   ("\\textasciicircum{}" if c == "^" else c) for c in text)


def _size(expr) -> int:
    n = 0
    for _ in _preorder(expr):
        n += 1
        if n > SIMPLIFY_BELOW:
            break
    return n


def _preorder(expr):
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        stack.extend(e.args)


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


# ---- the expression ---------------------------------------------------------------
def _expression(sp, graph: Graph, output: int, program: str, constants: dict):
    """The output as a sympy expression; `constants` receives the folded
    constants' symbols and their float values."""
    rules = _rules(sp)
    exprs: list = [None] * (output + 1)
    symbolic = [False] * (output + 1)  # depends on a scalar leaf
    for i in range(output + 1):
        kind, v, label = graph.kinds[i], graph.values[i], graph.labels[i]
        if kind is LEAF and v.__class__ is float:
            exprs[i] = sp.Symbol(label, real=True)
            symbolic[i] = True
        elif kind is CONST and label in ("pi", "e") and v in (math.pi, math.e):
            exprs[i] = sp.pi if v == math.pi else sp.E
        elif kind in (LEAF, CONST):
            exprs[i] = _literal(sp, v)
        else:
            ins = graph.inputs[i]
            name = graph.ops[i].name
            symbolic[i] = any(symbolic[j] for j in ins)
            if not symbolic[i] and _fold(name, v):
                exprs[i] = _constant(sp, graph, i, program, constants)
                continue
            rule = rules.get(name)
            if rule is None:
                raise Unsupported(f"{name} has no symbolic rule")
            exprs[i] = rule(*[exprs[j] for j in ins])
    return exprs[output]


def _fold(name: str, v) -> bool:
    """A constant part enters as the graph's float if exact arithmetic on it
    could be huge or sympy would not compute it as IEEE does."""
    if name == "pow":
        return True
    a = np.asarray(v)
    return not bool(np.all(np.isfinite(a))) or bool(np.any(np.abs(a) > MAX_EXACT))


def _constant(sp, graph: Graph, i: int, program: str, constants: dict):
    """A folded scalar constant is an atom named by its source text (`9**9**9`):
    d/dx (x + 9**9**9) is 1, as in exact arithmetic, where a float inf would
    absorb x and make it 0. Its value is the float the graph computed."""
    v = graph.values[i]
    if v.__class__ is not float:
        return _literal(sp, v)  # a tensor: its numbers
    s, e = graph.spans[i]
    text = program[s:e].strip() if program else ""
    if not text or len(text) > MAX_NAME or any(c.isspace() for c in text):
        text = f"c{i}"
    symbol = sp.Symbol(f"({text})" if not text.isalnum() else text)
    constants[symbol] = v
    return symbol


def _literal(sp, v):
    def one(x: float):
        if not math.isfinite(x):
            return sp.nan if x != x else (sp.oo if x > 0 else -sp.oo)
        return sp.Integer(int(x)) if x.is_integer() and abs(x) < MAX_EXACT else sp.Float(x)
    if v.__class__ is float:
        return one(v)
    with np.errstate(all="ignore"):  # vectorize probes NaN entries with a comparison
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
