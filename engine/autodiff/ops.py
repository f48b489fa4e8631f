"""The op table: for each op its forward, its local derivative (or VJP) per
input, the local derivative as text for the ledger, and the cause of a
non-finite result. Adding an op is adding one row here and one test line.

`local[i](*xs, out)` is the elementwise local derivative d out / d xs[i]
(a number, or an array broadcast against the output); the backward pass
multiplies it by the upstream gradient and fits the product to the input's
shape. Ops whose Jacobian is not elementwise (matmul, softmax, log_softmax)
give `vjp[i](*xs, out, upstream)` instead. `formula[i](names, xs)` renders
the local derivative with the inputs' names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ShapeError
from .numeric import any_of, dual
from .rules import (
    cross_entropy,
    cross_entropy_local,
    log_softmax,
    log_softmax_vjp,
    matmul_vjp_a,
    matmul_vjp_b,
    mse,
    mse_local,
    relu,
    relu_local,
    sigmoid,
    sign,
    softmax,
    softmax_vjp,
    tie_split,
)


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    forward: Callable
    formula: tuple[Callable, ...]
    local: tuple[Callable, ...] | None = None
    vjp: tuple[Callable, ...] | None = None
    why: Callable | None = None  # (*xs) -> cause, asked only when out is non-finite
    nondiff: frozenset[int] = frozenset()  # inputs without a gradient (class indices)
    broadcasts: bool = False  # elementwise over broadcast inputs: check shapes first

    @property
    def arity(self) -> int:
        return len(self.formula)


_exp = dual(math.exp, np.exp)
_log = dual(math.log, np.log)
_sqrt = dual(math.sqrt, np.sqrt)
_sin = dual(math.sin, np.sin)
_cos = dual(math.cos, np.cos)
_tanh = dual(math.tanh, np.tanh)
_abs = dual(abs, np.abs)


# NaN wins, whichever argument holds it (torch.maximum, np.maximum): a comparison
# with NaN is False, so `a if a >= b else b` alone would drop a NaN held by a.
def _max(a, b):
    if a.__class__ is b.__class__ is float:
        return a if a >= b or a != a else b
    return np.maximum(a, b)


def _min(a, b):
    if a.__class__ is b.__class__ is float:
        return a if a <= b or a != a else b
    return np.minimum(a, b)


def _matmul(a, b):
    if a.__class__ is float or b.__class__ is float:
        raise ShapeError("@ needs tensors of at least one dimension on both sides")
    return a @ b


# PyTorch's pow rules (derivatives.yaml, pow_backward_self/_exponent): d/da is 0
# where b == 0 (so x**0 at x = 0 has gradient 0, not 0*0**-1 = NaN), and d/db is
# 0 where a == 0 and b >= 0 (the limit of a**b*log(a) from the right).
def _pow_local_base(a, b, out):
    if b.__class__ is not np.ndarray:
        return 0.0 if b == 0.0 else b * a ** (b - 1.0)
    return np.where(b == 0, 0.0, b * a ** (b - 1.0))


def _pow_local_exponent(a, b, out):
    if a.__class__ is float:
        return 0.0 if a == 0.0 and b >= 0.0 else out * _log(a)
    return np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))  # 0**-1: inf·log 0 = -inf


def _pow_formula(n, x):
    a, b = n
    k = x[1]
    if _is_literal(b) and k.__class__ is float and k.is_integer() and abs(k) < 1e6:  # x**2 -> 2*x
        k = int(k)
        return f"2*{a}" if k == 2 else f"{k}*{a}**{k - 1}"
    return f"{b}*{a}**({b} - 1)"


def _is_literal(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _why_pow(a, b):
    if any_of((np.asarray(a) == 0) & (np.asarray(b) < 0)):
        return "0 raised to a negative power"
    if any_of((np.asarray(a) < 0) & (np.mod(b, 1) != 0)):
        return "negative number raised to a fractional power"
    return "overflow in power"


def _why_log(x):
    return "log of 0" if any_of(np.asarray(x) == 0) else "log of a negative number"


def _bare(s: str) -> str:
    return s[1:-1] if s.startswith("(") and s.endswith(")") else s


def _fn(name: str) -> Callable:
    return lambda n, x: f"{name}({_bare(n[0])})"


def _const(text: str) -> Callable:
    return lambda n, x: text


def _size(x) -> int:
    return 1 if x.__class__ is float else x.size


OPS: dict[str, Op] = {op.name: op for op in [
    # ---- binary elementwise, numpy broadcasting --------------------------
    Op("add", lambda a, b: a + b, (_const("1"), _const("1")),
       local=(lambda a, b, out: 1.0, lambda a, b, out: 1.0),
       why=lambda a, b: "overflow in addition", broadcasts=True),
    Op("sub", lambda a, b: a - b, (_const("1"), _const("-1")),
       local=(lambda a, b, out: 1.0, lambda a, b, out: -1.0),
       why=lambda a, b: "overflow in subtraction", broadcasts=True),
    Op("mul", lambda a, b: a * b, (lambda n, x: n[1], lambda n, x: n[0]),
       local=(lambda a, b, out: b, lambda a, b, out: a),
       why=lambda a, b: "overflow in multiplication", broadcasts=True),
    Op("div", lambda a, b: a / b,
       (lambda n, x: f"1/{n[1]}", lambda n, x: f"-{n[0]}/{n[1]}**2"),
       # -(a/b)/b, as PyTorch computes it: -a/(b*b) underflows b*b to 0 at b = 1e-170.
       local=(lambda a, b, out: 1.0 / b, lambda a, b, out: -out / b),
       why=lambda a, b: "division by zero" if any_of(np.asarray(b) == 0) else "overflow in /",
       broadcasts=True),
    Op("pow", lambda a, b: a ** b,
       (_pow_formula, lambda n, x: f"{n[0]}**{n[1]}*log({_bare(n[0])})"),
       local=(_pow_local_base, _pow_local_exponent),
       why=_why_pow, broadcasts=True),
    Op("max", _max, (lambda n, x: f"[{n[0]} ≥ {n[1]}]", lambda n, x: f"[{n[1]} ≥ {n[0]}]"),
       local=(lambda a, b, out: tie_split(a, b), lambda a, b, out: tie_split(b, a)),
       broadcasts=True),
    Op("min", _min, (lambda n, x: f"[{n[0]} ≤ {n[1]}]", lambda n, x: f"[{n[1]} ≤ {n[0]}]"),
       local=(lambda a, b, out: tie_split(b, a), lambda a, b, out: tie_split(a, b)),
       broadcasts=True),
    # ---- unary elementwise -----------------------------------------------
    Op("neg", lambda x: -x, (_const("-1"),), local=(lambda x, out: -1.0,)),
    Op("exp", _exp, (_fn("exp"),), local=(lambda x, out: out,),
       why=lambda x: "overflow in exp"),
    Op("log", _log, (lambda n, x: f"1/{n[0]}",), local=(lambda x, out: 1.0 / x,), why=_why_log),
    Op("sqrt", _sqrt, (lambda n, x: f"1/(2*sqrt({_bare(n[0])}))",),
       local=(lambda x, out: 0.5 / out,), why=lambda x: "square root of a negative number"),
    Op("sin", _sin, (_fn("cos"),), local=(lambda x, out: _cos(x),)),
    Op("cos", _cos, (lambda n, x: f"-sin({_bare(n[0])})",), local=(lambda x, out: -_sin(x),)),
    Op("tanh", _tanh, (lambda n, x: f"1 - tanh({_bare(n[0])})**2",),
       local=(lambda x, out: 1.0 - out * out,)),
    Op("sigmoid", sigmoid, (lambda n, x: f"σ({_bare(n[0])})*(1 - σ({_bare(n[0])}))",),
       local=(lambda x, out: out * (1.0 - out),)),
    Op("relu", relu, (lambda n, x: f"[{n[0]} > 0]",), local=(relu_local,)),
    Op("abs", _abs, (lambda n, x: f"sign({_bare(n[0])})",), local=(lambda x, out: sign(x),)),
    # ---- reductions to a scalar ------------------------------------------
    Op("sum", lambda x: x if x.__class__ is float else float(x.sum()), (_const("1"),),
       local=(lambda x, out: 1.0,), why=lambda x: "overflow in sum"),
    Op("mean", lambda x: x if x.__class__ is float else float(x.mean()),
       (lambda n, x: f"1/{_size(x[0])}",), local=(lambda x, out: 1.0 / _size(x),),
       why=lambda x: "overflow in mean"),
    Op("mse", mse, (lambda n, x: f"2*({_bare(n[0])} - {_bare(n[1])})/{_size(x[0])}",
                    lambda n, x: f"-2*({_bare(n[0])} - {_bare(n[1])})/{_size(x[0])}"),
       local=(lambda p, t, out: mse_local(p, t), lambda p, t, out: -mse_local(p, t)),
       why=lambda p, t: "overflow in mse", broadcasts=True),
    Op("cross_entropy", cross_entropy,
       (lambda n, x: f"(softmax({_bare(n[0])}) - onehot({_bare(n[1])}))/N", _const("none")),
       local=(cross_entropy_local, None), nondiff=frozenset({1})),
    # ---- not elementwise: the VJP itself -----------------------------------
    Op("matmul", _matmul, (lambda n, x: f"upstream @ {n[1]}ᵀ",
                                      lambda n, x: f"{n[0]}ᵀ @ upstream"),
       vjp=(matmul_vjp_a, matmul_vjp_b), why=lambda a, b: "overflow in matmul"),
    Op("softmax", softmax, (lambda n, x: "s*(upstream - Σ upstream*s), s = softmax",),
       vjp=(softmax_vjp,)),
    Op("log_softmax", log_softmax,
       (lambda n, x: "upstream - softmax*Σ upstream",), vjp=(log_softmax_vjp,)),
]}

# What the language calls them: operators and functions.
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "^": "pow", "@": "matmul"}
FUNCTIONS = {name: OPS[name] for name in (
    "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "max", "min",
    "sum", "mean", "softmax", "log_softmax", "cross_entropy", "mse")}
CONSTANTS = {"pi": math.pi, "e": math.e}
