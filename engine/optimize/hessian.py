"""The exact Hessian of the output with respect to a few scalar leaves, by
forward-over-reverse: push a tangent ẋ (the direction e_p) through the forward
pass, then run the backward pass on pairs (g, ġ), where ġ = d g / d t along
the tangent. Each edge of the backward pass is g·L (L the local derivative),
so its tangent is

    ġ·L + g·L̇,   L̇ = Σ_m ∂L/∂x_m · ẋ_m = Σ_m ∂²out/∂x_k∂x_m · ẋ_m

which needs the op table's first derivatives and the second derivatives in
SECOND below. After the sweep, ġ at leaf q is ∂²L/∂p∂q: one sweep per
parameter gives one row of the Hessian. Tangents that are structurally zero
are None, so a constant exponent never multiplies log of a negative base.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.backward import backward
from ..autodiff.graph import OP, Graph
from ..autodiff.numeric import call, fit, shape_of
from ..errors import ProgramValueError


def _pow_second(a, b, out):
    # ∂²(a^b): aa = b(b−1)a^(b−2), ab = a^(b−1)(1 + b ln a), bb = a^b ln²a
    with np.errstate(all="ignore"):
        log_a = np.log(np.asarray(a, dtype=float))
        return (b * (b - 1.0) * a ** (b - 2.0), a ** (b - 1.0) * (1.0 + b * log_a),
                out * log_a * log_a)


def _size(x) -> int:
    return 1 if x.__class__ is float else x.size


# Second derivatives, elementwise: binary ops give (∂²/∂a², ∂²/∂a∂b, ∂²/∂b²) of
# (a, b, out); unary ops give (∂²/∂x²,) of (x, out). Kinks (relu, abs, max, min)
# have 0 almost everywhere, which is what the first derivatives already assume.
SECOND = {
    "add": lambda a, b, out: (0.0, 0.0, 0.0),
    "sub": lambda a, b, out: (0.0, 0.0, 0.0),
    "mul": lambda a, b, out: (0.0, 1.0, 0.0),
    "div": lambda a, b, out: (0.0, -1.0 / (b * b), 2.0 * a / (b * b * b)),
    "pow": _pow_second,
    "max": lambda a, b, out: (0.0, 0.0, 0.0),
    "min": lambda a, b, out: (0.0, 0.0, 0.0),
    "mse": lambda p, t, out: (2.0 / _size(p), -2.0 / _size(p), 2.0 / _size(p)),
    "neg": lambda x, out: (0.0,),
    "exp": lambda x, out: (out,),
    "log": lambda x, out: (-1.0 / (x * x),),
    "sqrt": lambda x, out: (-0.25 / (out * out * out),),
    "sin": lambda x, out: (-out,),
    "cos": lambda x, out: (-out,),
    "tanh": lambda x, out: (-2.0 * out * (1.0 - out * out),),
    "sigmoid": lambda x, out: (out * (1.0 - out) * (1.0 - 2.0 * out),),
    "relu": lambda x, out: (0.0,),
    "abs": lambda x, out: (0.0,),
    "sum": lambda x, out: (0.0,),
    "mean": lambda x, out: (0.0,),
}
BILINEAR = {"matmul"}  # second derivatives through the VJP itself: (a@b)' = ȧ@b + a@ḃ


def supports(graph: Graph, output: int) -> str | None:
    """The name of the first op the Hessian cannot go through, or None."""
    for i in range(output + 1):
        op = graph.ops[i]
        if op is not None and op.name not in SECOND and op.name not in BILINEAR:
            return op.name
    return None


def hessian(graph: Graph, output: int, leaves: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(gradient, Hessian) of the output with respect to scalar `leaves`, at the
    graph's current values (run graph.forward() after changing them)."""
    unsupported = supports(graph, output)
    if unsupported is not None:
        raise ProgramValueError(f"the exact Hessian has no second derivative for "
                                f"{unsupported}: Newton's method cannot run on this program")
    grads, _ = backward(graph, output, record=False)
    rows = [_row(graph, output, grads, p, leaves) for p in leaves]
    gradient = np.array([float(grads[i]) for i in leaves])
    return gradient, np.array(rows, dtype=float)


def _row(graph: Graph, output: int, grads: list, p: int, leaves: list[int]) -> list[float]:
    tangents = _forward_tangents(graph, output, p)
    dgrads = _backward_tangents(graph, output, grads, tangents)
    return [0.0 if dgrads[q] is None else float(np.sum(dgrads[q])) for q in leaves]


def _forward_tangents(graph: Graph, output: int, p: int) -> list:
    """ẋ for every node along e_p: Σ_k L_k·ẋ_k, summed to the output's shape."""
    values, ops, inputs = graph.values, graph.ops, graph.inputs
    dots: list = [None] * (output + 1)
    dots[p] = 1.0
    with np.errstate(all="ignore"):
        for i in range(p + 1, output + 1):
            if graph.kinds[i] is not OP:
                continue
            ins = inputs[i]
            if all(dots[j] is None for j in ins):
                continue
            args = (*[values[j] for j in ins], values[i])
            op = ops[i]
            if op.name == "matmul":
                a, b = args[0], args[1]
                da, db = dots[ins[0]], dots[ins[1]]
                dots[i] = ((0.0 if da is None else da @ b) + (0.0 if db is None else a @ db))
                continue
            total = 0.0
            for k, j in enumerate(ins):
                if dots[j] is not None:
                    total = total + call(op.local[k], args) * dots[j]
            dots[i] = fit(total, shape_of(values[i]))
    return dots


def _backward_tangents(graph: Graph, output: int, grads: list, dots: list) -> list:
    """ġ for every node: the tangent of the backward pass (ġ_output = 0)."""
    values, ops, inputs, needs = graph.values, graph.ops, graph.inputs, graph.needs_grad
    dgrads: list = [None] * (output + 1)
    with np.errstate(all="ignore"):
        for i in range(output, -1, -1):
            if graph.kinds[i] is not OP or grads[i] is None:
                continue
            ins = inputs[i]
            args = (*[values[j] for j in ins], values[i])
            op = ops[i]
            g, dg = grads[i], dgrads[i]
            if op.name == "matmul":
                terms = _matmul_terms(op, args, g, dg, [dots[j] for j in ins])
            else:
                wanted = [needs[j] and k not in op.nondiff for k, j in enumerate(ins)]
                terms = _elementwise_terms(op, args, g, dg, [dots[j] for j in ins], wanted)
            for k, j in enumerate(ins):
                if terms[k] is None or not needs[j]:
                    continue
                c = fit(terms[k], shape_of(values[j]))
                dgrads[j] = c if dgrads[j] is None else dgrads[j] + c
    return dgrads


def _second(name: str, args: tuple) -> tuple:
    # Floats first (fast); numpy for IEEE answers where Python raises (1/0 at
    # log's pole, overflow in a power) or turns complex ((-2.5)**(1.5 - 2.0)).
    try:
        out = SECOND[name](*args)
        if not any(t.__class__ is complex for t in out):
            return out
    except ArithmeticError:
        pass
    return SECOND[name](*[np.float64(a) if a.__class__ is float else a for a in args])


def _elementwise_terms(op, args, g, dg, dots, wanted) -> list:
    second = _second(op.name, args)
    n = len(dots)
    terms: list = []
    for k in range(n):
        if not wanted[k]:  # a constant input: its local rule may not even be defined
            terms.append(None)
            continue
        t = None if dg is None else dg * call(op.local[k], args)
        for m in range(n):
            if dots[m] is None:
                continue
            h = second[k + m] if n == 2 else second[0]  # (aa, ab, bb) indexed by k + m
            t = g * h * dots[m] if t is None else t + g * h * dots[m]
        terms.append(t)
    return terms


def _matmul_terms(op, args, g, dg, dots) -> list:
    a, b, out = args
    da, db = dots
    vjp_a, vjp_b = op.vjp
    ta = None if dg is None else vjp_a(a, b, out, dg)
    tb = None if dg is None else vjp_b(a, b, out, dg)
    if db is not None:  # d/dt (g @ bᵀ) picks up g @ ḃᵀ
        extra = vjp_a(a, db, out, g)
        ta = extra if ta is None else ta + extra
    if da is not None:
        extra = vjp_b(da, b, out, g)
        tb = extra if tb is None else tb + extra
    return [ta, tb]

