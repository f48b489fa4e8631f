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
size budget, integer exponents past MAX_EXACT_POWER are evaluated in floats,
and the whole check has a time budget between steps. Whatever sympy raises
on one leaf (`max(x, sqrt(-1))` is "not comparable") becomes that leaf's note.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..autodiff.graph import CONST, LEAF, Graph
from .trace import jsonable

MAX_NODES = 300
MAX_TREE = 3000  # nodes of the expression written out as a tree (fan-out repeated)
MAX_ELEMENTS = 64  # per tensor
SIMPLIFY_BELOW = 200  # operations in a derivative worth tidying
MAX_TEXT = 4000  # characters of a derivative worth showing
MAX_EXACT = 1e15  # constants past this enter as floats, never as exact integers
MAX_NAME = 40  # characters of a folded constant's source text used as its name
MAX_EXACT_POWER = 64  # x**k with a larger integer k is evaluated in floats
SECONDS = 2.0  # no new leaf is started after this much symbolic work
PROBES = (2.0 ** -60, 2.0 ** -120)  # one-sided steps towards a singular point
DIGITS = 50  # of the numeric evaluation: enough to see the probes' steps
EXTREME_POWER = 1e4  # exponents past this are evaluated in floats only
NOTE = "no symbolic derivative: {}"


class Unsupported(Exception):
    pass


def symbolic_check(graph: Graph, output: int, leaves: dict[str, int], checks: dict,
                   program: str = "") -> None:
    """Add `derivative` {text, latex} and `symbolic` (its value here) to each
    scalar leaf's entry of `checks`; a note instead when the program is out of reach."""
    try:
        import sympy as sp
    except ImportError:  # the extra is not installed: the check stays numeric
        return
    began = time.monotonic()
    scalar = {n: i for n, i in leaves.items()
              if graph.values[i].__class__ is float and n in checks}
    try:
        _guard(graph, output)
        constants: dict = {}
        with np.errstate(all="ignore"):  # object arrays of sympy numbers meet numpy's checks
            out = _expression(sp, graph, output, program, constants)
    except Unsupported as why:
        for name in scalar:
            add_note(checks[name], NOTE.format(why))
        return
    except Exception as err:  # noqa: BLE001 (sympy raises many kinds; each is a note)
        for name in scalar:
            add_note(checks[name], NOTE.format(_failure(err)))
        return
    here = {sp.Symbol(n, real=True): graph.values[j] for n, j in scalar.items()}
    here.update(constants)
    for name in scalar:
        if time.monotonic() - began > SECONDS:
            add_note(checks[name], NOTE.format("the symbolic check ran out of time"))
            continue
        try:
            _one_leaf(sp, out, sp.Symbol(name, real=True), here, checks[name])
        except Exception as err:  # noqa: BLE001 (a sympy failure is this leaf's note)
            checks[name].pop("derivative", None)
            checks[name].pop("symbolic", None)
            add_note(checks[name], NOTE.format(_failure(err)))


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


# ---- the value of a derivative at the point ----------------------------------
def value_at(sp, d, f, symbol, here: dict) -> float:
    """d at `here`, the true value: exact where floats cancel (1/(x - 3) at
    x = 3.0 is a pole, not 7e134), and at a pole the limit from the side(s)
    where f is real: ±inf when they agree, NaN when they do not or d is
    undefined there."""
    quick, extreme = float_value(sp, d, here)
    if extreme:  # mpmath and exact powers stall on these: the IEEE value it is
        return quick
    point = {s: _exact(sp, v) for s, v in here.items()}
    value = _evaluate(sp, d, point)
    if value is not None:
        return value
    sides = []
    for sign in (1, -1):
        moved = []
        for step in PROBES:
            near = dict(point)
            near[symbol] = point[symbol] + sign * _exact(sp, step * max(1.0, abs(here[symbol])))
            fv = _evaluate(sp, f, near)
            if fv is None or fv != fv:
                moved = None  # f is not real on this side: its limit does not count
                break
            moved.append(_evaluate(sp, d, near))
        if moved is not None:
            sides.append(moved)
    limits = {_diverges(m) for m in sides}
    if len(limits) == 1 and None not in limits:
        return limits.pop()
    return math.nan


_FLOAT_RULES = {
    "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
    "Abs": np.abs, "sign": np.sign, "Heaviside": lambda x, *_: np.heaviside(x, 0.5),
}


def float_value(sp, expr, values: dict) -> tuple[float, bool]:
    """(expr in IEEE floats at `values`, whether a step was extreme: a power
    past EXTREME_POWER or a magnitude past 1e±200, where sympy's own
    evaluation can run for minutes). Bounded: one pass over the tree."""
    memo: dict = {}
    extreme = False
    with np.errstate(all="ignore"):
        for e in sp.postorder_traversal(expr):
            if e in memo:
                continue
            v = _float_node(sp, e, memo, values)
            if e.is_Pow and abs(memo[e.exp]) > EXTREME_POWER:
                extreme = True
            if math.isfinite(v) and v != 0 and not 1e-200 < abs(v) < 1e200:
                extreme = True
            memo[e] = v
    return memo[expr], extreme


def _float_node(sp, e, memo: dict, values: dict) -> float:
    if e.is_Symbol:
        return float(values[e])
    if e.is_number and not e.args:  # numbers and constants: pi, E, oo, zoo, nan
        if e in (sp.zoo, sp.nan):
            return math.nan
        return float(e) if e.is_real else math.nan
    xs = [memo[a] for a in e.args]
    if e.is_Add:
        return float(np.sum(np.array(xs, dtype=np.float64)))
    if e.is_Mul:
        return float(np.prod(np.array(xs, dtype=np.float64)))
    if e.is_Pow:
        return float(np.float64(xs[0]) ** np.float64(xs[1]))
    name = type(e).__name__
    if name in ("Max", "Min"):
        pick = np.maximum if name == "Max" else np.minimum
        out = np.float64(xs[0])
        for x in xs[1:]:
            out = pick(out, x)
        return float(out)
    rule = _FLOAT_RULES.get(name)
    if rule is None:
        raise Unsupported(f"no float rule for {name}")
    return float(rule(np.float64(xs[0]), *xs[1:]))


def _diverges(values: list) -> float | None:
    """±inf if the values move out to infinity as the step shrinks."""
    a, b = values
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return a if a is not None and b == a and not math.isfinite(a) and a == a else None
    if abs(b) > 2 * abs(a) > 0 and (a > 0) == (b > 0):
        return math.copysign(math.inf, b)
    return None


def _exact(sp, v: float):
    if math.isfinite(v):
        return sp.Rational(v)  # the float's exact binary value
    return sp.nan if v != v else (sp.oo if v > 0 else -sp.oo)


def _evaluate(sp, expr, point: dict) -> float | None:
    """The number expr takes at `point` (exact rationals), or None where it is
    undefined (0/0, a pole approached from both sides: sympy's zoo or nan)."""
    try:  # numeric first; strict raises instead of returning noise from cancellation.
        # Floats, not rationals: evalf falls back to subs, and 3**a at an exact
        # a = -1e308 would be computed as an exact power. 50 digits keep the
        # probes' 2**-120 steps.
        floats = {s: sp.Float(v, DIGITS) if v.is_Rational else v for s, v in point.items()}
        v = expr.evalf(DIGITS // 3, subs=floats, strict=True)
    except Exception:  # noqa: BLE001 (PrecisionExhausted, or values sympy cannot order)
        try:  # substituted unevaluated, tamed, then evaluated: 3**y at y = 1e8 stays a float
            with sp.evaluate(False):
                v = expr.xreplace(point)
            v = _tame(sp, v).doit()
            v = v.evalf(strict=False) if v.is_number else v
        except Exception:  # noqa: BLE001
            return None
    if v in (sp.oo, -sp.oo):
        return math.inf if v == sp.oo else -math.inf
    if v.has(sp.zoo, sp.nan) or not v.is_number:
        return None
    re, im = v.as_real_imag()
    if im != 0:
        return math.nan  # a complex value: not a real derivative
    return float(re)


def _tame(sp, expr):
    """Big integer powers as float powers, so exact evaluation stays small
    (also those a leaf's value put there: x**y at y = 1e8)."""
    def big(e) -> bool:
        x = e.exp
        return x.is_Rational is True and (abs(x.p) > MAX_EXACT_POWER or x.q > MAX_EXACT_POWER)
    return expr.replace(lambda e: e.is_Pow and big(e),
                        lambda e: sp.Pow(e.base, sp.Float(e.exp, DIGITS), evaluate=False))


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
