"""The value of a symbolic derivative at the program's point, and its limit
at a pole, with work that stays bounded: sympy's evaluation runs in
mpmath and, on failure, in exact arithmetic, and both can run for minutes
on a huge power. So an IEEE pass over the expression comes first; where a
power or a magnitude is extreme, that is the value. Otherwise sympy
evaluates with 50-digit floats (strict: cancellation raises instead of
returning noise), then exactly with big powers turned into float powers.
"""

from __future__ import annotations

import math

import numpy as np

MAX_EXACT_POWER = 64  # x**k with a larger integer k is evaluated in floats
PROBES = (2.0 ** -60, 2.0 ** -120)  # one-sided steps towards a singular point
DIGITS = 50  # of the numeric evaluation: enough to see the probes' steps
EXTREME_POWER = 1e4  # exponents past this are evaluated in floats only


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
        raise ValueError(f"no float rule for {name}")
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
