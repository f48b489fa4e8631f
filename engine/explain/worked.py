"""A scalar local derivative worked out: its formula with this point's
numbers put in, so the ledger can read `2*(w*x + b - y) = 2 × (−3) = −6`.
One row per op and input, beside the op table's formula; None where the
formula holds no number to put in (`1`, `-1`, `1/N`) or the edge is a tensor.
"""

from __future__ import annotations

from collections.abc import Callable

MINUS = "\u2212"


def number(v: float) -> str:
    """4 significant digits, a true minus sign: what the page shows."""
    s = f"{v:.4g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    elif "." not in s and "inf" not in s and "nan" not in s:
        s += ".0"
    return s.replace("-", MINUS)


def factor(v: float) -> str:
    """A number inside a product: negatives in parentheses."""
    s = number(v)
    return f"({s})" if s.startswith(MINUS) else s


def _is_literal(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pow_base(n, x, out):
    a, b = x
    if b == 0.0:  # x**0 is the constant 1: its slope is 0, even where x**-1 is not finite
        return "0"
    if _is_literal(n[1]) and b.is_integer() and abs(b) < 1e6:  # the formula reads 2*x, k*x**(k-1)
        k = int(b)
        return f"2 × {factor(a)}" if k == 2 else f"{k} × {factor(a)}^{k - 1}"
    return f"{factor(b)} × {factor(a)}^({number(b)} {MINUS} 1)"


def _pow_exponent(n, x, out):
    a, b = x
    if a == 0.0 and b >= 0.0:  # 0**y is 0 (or 1 at y = 0) on that side: slope 0, not 0·log 0
        return "0"
    return f"{factor(out)} × log({number(a)})"


def _chosen(a: float, b: float, sign: str) -> str | None:
    """d max(a, b)/da as an Iverson bracket; a tie splits the gradient, so it halves."""
    if a != a or b != b:  # NaN compares false every way: no bracket reads right
        return None
    if a == b:
        return f"[{number(a)} = {number(b)}]/2"
    return f"[{number(a)} {sign} {number(b)}]"


# (op name, input index) -> (names, input values, output value) -> worked text
WORKED: dict[tuple[str, int], Callable[[list[str], list[float], float], str | None]] = {
    ("mul", 0): lambda n, x, out: number(x[1]),
    ("mul", 1): lambda n, x, out: number(x[0]),
    ("div", 0): lambda n, x, out: f"1/{factor(x[1])}",
    ("div", 1): lambda n, x, out: f"{MINUS}{factor(x[0])}/{factor(x[1])}²",
    ("pow", 0): _pow_base,
    ("pow", 1): _pow_exponent,
    ("max", 0): lambda n, x, out: _chosen(x[0], x[1], "≥"),
    ("max", 1): lambda n, x, out: _chosen(x[1], x[0], "≥"),
    ("min", 0): lambda n, x, out: _chosen(x[0], x[1], "≤"),
    ("min", 1): lambda n, x, out: _chosen(x[1], x[0], "≤"),
    ("exp", 0): lambda n, x, out: f"exp({number(x[0])})",
    ("log", 0): lambda n, x, out: f"1/{factor(x[0])}",
    ("sqrt", 0): lambda n, x, out: f"1/(2 × sqrt({number(x[0])}))",
    ("sin", 0): lambda n, x, out: f"cos({number(x[0])})",
    ("cos", 0): lambda n, x, out: f"{MINUS}sin({number(x[0])})",
    # tanh′ and σ′ read the node's output, not its input: the numbers say so.
    ("tanh", 0): lambda n, x, out: f"1 {MINUS} {factor(out)}²",
    ("sigmoid", 0): lambda n, x, out: f"{number(out)} × {number(1.0 - out)}",
    ("relu", 0): lambda n, x, out: f"[{number(x[0])} > 0]",
    ("abs", 0): lambda n, x, out: f"sign({number(x[0])})",
    ("mse", 0): lambda n, x, out: f"2 × ({number(x[0])} {MINUS} {factor(x[1])})/1",
    ("mse", 1): lambda n, x, out: f"{MINUS}2 × ({number(x[0])} {MINUS} {factor(x[1])})/1",
}


def worked(op: str, k: int, names: list[str], xs: list, out) -> str | None:
    """The local derivative of `op` with respect to input k, numbers put in."""
    rule = WORKED.get((op, k))
    if rule is None or out.__class__ is not float or any(v.__class__ is not float for v in xs):
        return None
    try:
        return rule(names, xs, out)
    except (ValueError, OverflowError):  # a non-finite exponent: the number alone says it
        return None
