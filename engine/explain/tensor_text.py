"""What a tensor edge does backward, said from the op itself: a reduction
copies the upstream back (× 1/n for mean), a forward broadcast is undone by a
sum over the broadcast axes, `@` multiplies by the other factor transposed,
the softmax family has a closed form. Each explanation carries one entry
worked out with its numbers, so a reader can check it by hand.

Only tensor edges reach this module (trace.py calls it outside the scalar
fast path). The page recomputes the worked entry for any other entry with
the same rules (static/js/tensor-worked.js).
"""

from __future__ import annotations

import math

import numpy as np

from .worked import MINUS
from .worked import factor as _factor
from .worked import number as _number


def number(v: float) -> str:
    """4 significant digits (worked.number), and 0 for −0: a relu blocks, it has no sign."""
    return _number(0.0 if v == 0 else v)


def factor(v: float) -> str:
    return _factor(0.0 if v == 0 else v)


SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MAX_TERMS = 12  # a worked sum longer than this is written with "…"


def shape_text(shape) -> str:
    """(3, 1), (2,) or scalar: numpy's way, as the ledger prints shapes."""
    shape = tuple(shape)
    if not shape:
        return "scalar"
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def entry(name: str, index) -> str:
    """A₀₁ for a simple name and one-digit indices, else A[10, 2]."""
    index = tuple(int(i) for i in index)
    if not index:
        return name
    if all(i < 10 for i in index) and (name.isidentifier() or name == "g"):
        return name + "".join(str(i) for i in index).translate(SUB)
    return f"{name}[{', '.join(map(str, index))}]"


def _shape(v) -> tuple:
    return () if v.__class__ is float or np.ndim(v) == 0 else tuple(np.shape(v))


def _arr(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


def explain(op: str, k: int, names: list[str], out_name: str, xs: list, out, g, local, c,
            formula: str, uses: int) -> dict:
    """The `explain` field of one tensor edge (see docs/trace.md)."""
    name = _plain(names[k])
    grad = f"∂L/∂{name}" if uses == 1 else f"the contribution to ∂L/∂{name}"
    x_shape = _shape(xs[k])
    if op in ("sum", "mean"):
        return _reduction(op, name, grad, x_shape, g, c)
    if op == "matmul":
        return _matmul(k, names, out_name, xs, g, c, grad, uses)
    if op in ("softmax", "log_softmax"):
        return _softmax_family(op, name, grad, xs[0], out, g, c)
    if op == "cross_entropy":
        return _cross_entropy(name, grad, xs, g, local, c)
    return _elementwise(op, name, grad, out_name, x_shape, g, local, c, formula, uses)


def _plain(name: str) -> str:
    """The name as the formulas show it: a label, or source text in brackets."""
    return name


def _first_nonzero(c) -> tuple:
    a = _arr(c)
    if a.ndim == 0:
        return ()
    nz = np.flatnonzero(np.isfinite(a) & (a != 0))
    flat = int(nz[0]) if nz.size else 0
    return tuple(int(i) for i in np.unravel_index(flat, a.shape))


def _value(c, index) -> float:
    a = _arr(c)
    return float(a[index]) if a.ndim else float(a)


# ---- reductions: a copy backward -------------------------------------------
def _reduction(op, name, grad, x_shape, g, c) -> dict:
    n = math.prod(x_shape)
    gv = float(g) if np.ndim(g) == 0 else None
    up = number(gv) if gv is not None else "g"
    if op == "mean":
        text = (f"mean averages the n = {n} entries of {name}, so backward it copies the upstream "
                f"{up} to every entry, each × 1/{n}: {grad} = {up} × 1/{n} = "
                f"{number(_value(c, (0,) * len(x_shape)))} in all {n} entries. "
                f"A copy, not a sum.")
        shapes = f"upstream scalar → copied to {shape_text(x_shape)}, each × 1/{n}"
        worked_text = f"{grad} = {up} × 1/{n}"
    else:
        text = (f"sum adds the {n} entries of {name}, so backward it copies the upstream "
                f"{up} to every entry (local derivative 1): {grad} = {up} in all {n} entries. "
                f"A copy, not a sum.")
        shapes = f"upstream scalar → copied to {shape_text(x_shape)}"
        worked_text = f"{grad} = {up} × 1"
    index = (0,) * len(x_shape)
    value = _value(c, index)
    return {"rule": op, "text": text, "shapes": shapes, "sum_over": None,
            "worked": {"entry": list(index),
                       "text": f"{_sym(grad, name, index)} = {worked_text.split(' = ', 1)[1]} "
                               f"= {number(value)}",
                       "value": value}}


def _sym(grad: str, name: str, index) -> str:
    """∂L/∂A₀₀, or 'the contribution to ∂L/∂A₀₀' at a node used more than once."""
    target = "∂L/∂" + entry(name, index)
    return target if grad.startswith("∂") else f"the contribution to {target}"


# ---- elementwise ops, and the sum that undoes a broadcast --------------------
def _elementwise(op, name, grad, out_name, x_shape, g, local, c, formula, uses) -> dict:
    g_shape, l_shape = _shape(g), _shape(local) if local is not None else ()
    product = tuple(np.broadcast_shapes(g_shape, l_shape))
    constant = local.__class__ is float
    if constant and local == 1.0:
        how = "copies the upstream entry by entry (local derivative 1)"
    elif constant and local == -1.0:
        how = "passes the upstream back negated, entry by entry (local derivative −1)"
    else:
        how = f"multiplies the upstream by its local derivative {formula}, entry by entry"
    text = f"{op} is elementwise: backward it {how}."
    if op == "mse":  # a mean of squares: the 1/n is in the local derivative
        n = math.prod(product) or 1
        text = (f"mse is the mean of the {n} squared differences, so backward each entry gets "
                f"the upstream × its local derivative {formula} (the 1/{n} of the mean "
                f"included).")
    shown_local = shape_text(l_shape) if not constant else _constant(local)
    shapes = f"upstream {shape_text(g_shape)} ⊙ local {shown_local} → {shape_text(product)}"
    sum_over = None
    # Only a real copy is undone by a sum: (4,) → (1, 4) adds an axis of length 1, copies nothing.
    if product != tuple(x_shape) and math.prod(product) != math.prod(x_shape):
        axes = _broadcast_axes(product, x_shape)
        sum_over = {"axes": axes, "from_shape": list(product), "to_shape": list(x_shape),
                    "text": f"{shape_text(product)} → {shape_text(x_shape)}"}
        copies = math.prod(product) // max(1, math.prod(x_shape))
        text += (f" {name} {shape_text(x_shape)} was broadcast to {shape_text(product)} in the "
                 f"forward pass (each entry copied {copies} "
                 f"times), so its gradient sums the product over axis"
                 f"{'' if len(axes) == 1 else 'es'} {', '.join(map(str, axes))}: "
                 f"{sum_over['text']}.")
    index = _first_nonzero(c)
    return {"rule": "broadcast" if sum_over else "elementwise", "text": text, "shapes": shapes,
            "sum_over": sum_over, "worked": _worked_elementwise(name, grad, index, product,
                                                                x_shape, g, local, c)}


def _broadcast_axes(product: tuple, x_shape: tuple) -> list[int]:
    lead = len(product) - len(x_shape)
    return list(range(lead)) + [lead + i for i, n in enumerate(x_shape)
                                if n == 1 and product[lead + i] != 1]


def _worked_elementwise(name, grad, index, product, x_shape, g, local, c) -> dict:
    """One input entry: the sum, over the output entries it was copied to, of g × local."""
    lead = len(product) - len(x_shape)
    # The output entries this input entry was copied to: every index along the axes
    # it was broadcast over, its own index elsewhere. Only the terms shown are built.
    ranges = [range(n) if a < lead or x_shape[a - lead] == 1 else [index[a - lead]]
              for a, n in enumerate(product)]
    count = math.prod(len(r) for r in ranges)
    picks = range(count) if count <= MAX_TERMS else [0, 1, 2, count - 1]
    sizes = [len(r) for r in ranges]
    positions = [tuple(r[i] for r, i in zip(ranges, np.unravel_index(k, sizes), strict=True))
                 for k in picks] if ranges else [()]
    gb = np.broadcast_to(_arr(g), product)
    constant = local.__class__ is float
    lb = None if constant else np.broadcast_to(_arr(local), product)
    syms, nums = [], []
    for p in positions:
        if constant and local == 1.0:
            syms.append(entry("g", p))
            nums.append(factor(float(gb[p])) if len(positions) > 1 else number(float(gb[p])))
        elif constant:
            syms.append(f"{entry('g', p)}·({_constant(local)})")
            nums.append(f"{factor(float(gb[p]))}·({_constant(local)})")
        else:
            syms.append(f"{entry('g', p)}·{entry('local', p)}")
            nums.append(f"{factor(float(gb[p]))}·{factor(float(lb[p]))}")
    value = _value(c, index)
    shown = [_join(syms, count), _join(nums, count), number(value)]
    if shown[1] == shown[2]:  # one term that is the upstream itself: say it once
        shown.pop(1)
    return {"entry": list(index), "text": f"{_sym(grad, name, index)} = {' = '.join(shown)}",
            "value": value}


def _constant(v: float) -> str:
    """A local derivative that is one number for every entry: 1, −1, or 4 digits."""
    return {1.0: "1", -1.0: MINUS + "1"}.get(v) or number(v)


def _join(terms: list[str], count: int | None = None) -> str:
    """The terms of a sum; past MAX_TERMS the first three, …, and the last."""
    count = len(terms) if count is None else count
    if count <= MAX_TERMS:
        return " + ".join(terms)
    return f"{' + '.join(terms[:3])} + … + {terms[-1]} ({count} terms)"


# ---- the matrix product --------------------------------------------------------
def _matmul(k, names, out_name, xs, g, c, grad, uses) -> dict:
    a, b = _arr(xs[0]), _arr(xs[1])
    an, bn, cn = _plain(names[0]), _plain(names[1]), _plain(out_name)
    g2 = _arr(g)
    if k == 0:
        formula = f"∂L/∂{an} = ∂L/∂{cn} · {bn}ᵀ"
        shapes = (f"{formula}: {shape_text(g2.shape)}·{shape_text(_t(b.shape))} → "
                  f"{shape_text(a.shape)}")
        text = (f"{an} @ {bn}: each entry of {an} multiplies a row of {bn}, so its gradient "
                f"is the upstream g = ∂L/∂{cn} times {bn} transposed. Entry (i, p) adds "
                f"g[i, j]·{bn}[p, j] over j.")
    else:
        formula = f"∂L/∂{bn} = {an}ᵀ · ∂L/∂{cn}"
        shapes = (f"{formula}: {shape_text(_t(a.shape))}·{shape_text(g2.shape)} → "
                  f"{shape_text(b.shape)}")
        text = (f"{an} @ {bn}: each entry of {bn} multiplies a column of {an}, so its gradient "
                f"is {an} transposed times the upstream g = ∂L/∂{cn}. Entry (p, j) adds "
                f"{an}[i, p]·g[i, j] over i.")
    worked = None
    if a.ndim <= 2 and b.ndim <= 2:
        worked = matmul_worked(k, an, bn, a, b, g2, _first_nonzero(c), uses)
    else:
        text += " The batch axes are summed too, for the factor that was broadcast over them."
    return {"rule": "matmul", "text": text, "shapes": shapes, "sum_over": None, "worked": worked}


def _t(shape: tuple) -> tuple:
    return tuple(shape) if len(shape) < 2 else (*shape[:-2], shape[-1], shape[-2])


def matmul_worked(k, an, bn, a, b, g, index, uses=1) -> dict:
    """∂L/∂A[i, p] = Σ_j g[i, j]·B[p, j], or ∂L/∂B[p, j] = Σ_i A[i, p]·g[i, j],
    written out with every term (1-D factors as numpy promotes them)."""
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    m, n = a2.shape[0], b2.shape[1]
    g2 = np.reshape(g, (m, n))

    def a_ix(i, p):
        return (p,) if a.ndim == 1 else (i, p)

    def b_ix(p, j):
        return (p,) if b.ndim == 1 else (p, j)

    def g_ix(i, j):
        return tuple(x for x, keep in ((i, a.ndim > 1), (j, b.ndim > 1)) if keep)

    syms, nums, total = [], [], 0.0
    if k == 0:
        i, p = (0, index[0]) if a.ndim == 1 else index
        name = an
        for j in range(n):
            gv, bv = float(g2[i, j]), float(b2[p, j])
            syms.append(f"{entry('g', g_ix(i, j))}·{entry(bn, b_ix(p, j))}")
            nums.append(f"{factor(gv)}·{factor(bv)}")
            total += gv * bv
    else:
        p, j = (index[0], 0) if b.ndim == 1 else index
        name = bn
        for i in range(m):
            av, gv = float(a2[i, p]), float(g2[i, j])
            syms.append(f"{entry(an, a_ix(i, p))}·{entry('g', g_ix(i, j))}")
            nums.append(f"{factor(av)}·{factor(gv)}")
            total += av * gv
    sym = _sym(f"∂L/∂{name}" if uses == 1 else "contribution", name, index)
    return {"entry": [int(x) for x in index],
            "text": f"{sym} = {_join(syms)} = {_join(nums)} = {number(total)}",
            "value": total}


# ---- the softmax family: closed forms ----------------------------------------
def _row(v) -> str:
    return "[" + ", ".join(number(float(x)) for x in np.ravel(v)) + "]"


def _softmax_family(op, name, grad, z, out, g, c) -> dict:
    z, s, g = _arr(z), _arr(out), _arr(g)
    first = (0,) * (z.ndim - 1)
    s_row = s[first] if op == "softmax" else np.exp(s[first])
    g_row = np.broadcast_to(g, z.shape)[first]
    c_row = _arr(c)[first]
    where = "" if z.ndim == 1 else " (row 0 shown; every row alike)"
    if op == "softmax":
        dot = float((g_row * s_row).sum())
        text = (f"softmax mixes a row's entries, so its backward pass is a vector-Jacobian "
                f"product, in closed form: {grad} = s ⊙ (g − Σⱼ gⱼ·sⱼ) with s = softmax({name}) "
                f"and g the upstream{where}: s = {_row(s_row)}, Σⱼ gⱼ·sⱼ = {number(dot)}, so "
                f"{grad} = {_row(c_row)}.")
        formula = f"{grad} = s ⊙ (g − Σⱼ gⱼ·sⱼ)"
    else:
        total = float(g_row.sum())
        text = (f"log_softmax subtracts the row's log-sum-exp, so its vector-Jacobian product "
                f"is, in closed form: {grad} = g − softmax({name})·Σⱼ gⱼ{where}: "
                f"softmax({name}) = {_row(s_row)}, Σⱼ gⱼ = {number(total)}, so "
                f"{grad} = {_row(c_row)}.")
        formula = f"{grad} = g − softmax({name})·Σⱼ gⱼ"
    return {"rule": op, "text": text,
            "shapes": f"{formula}: {shape_text(z.shape)} → {shape_text(z.shape)}",
            "sum_over": None, "worked": None}


def _cross_entropy(name, grad, xs, g, local, c) -> dict:
    z = _arr(xs[0])
    t = np.atleast_1d(_arr(xs[1])).astype(int)
    batch = z.reshape(1, -1) if z.ndim == 1 else z
    n = batch.shape[0]
    s = np.exp(batch - batch.max(axis=-1, keepdims=True))
    s = s / s.sum(axis=-1, keepdims=True)
    onehot = np.zeros_like(batch)
    onehot[np.arange(n), t] = 1.0
    row = _arr(local).reshape(batch.shape)[0] * n
    gv = float(g)
    scale = "" if n == 1 else f", divided by the batch size N = {n} (the loss is a mean over rows)"
    times = "" if gv == 1.0 else f", times the upstream {number(gv)}"
    where = "" if n == 1 else f" Row 0 (class {t[0]}): "
    text = (f"cross_entropy is the mean over rows of −log softmax(row)[y]; its gradient with "
            f"respect to {name} has the closed form softmax({name}) − onehot(y)"
            f"{scale}{times}.{where or ' '}softmax = {_row(s[0])}, onehot({t[0]}) = "
            f"{_row(onehot[0])}, difference {_row(row)}"
            + (f", / {n} = {_row(row / n)}" if n > 1 else "") + ".")
    index = (int(t[0]),) if z.ndim == 1 else (0, int(t[0]))
    value = _value(c, index)
    sm = float(s[0, t[0]])
    worked_rhs = f"{number(sm)} {MINUS} 1"
    if n > 1 or gv != 1.0:
        worked_rhs = f"({worked_rhs})" + (f"/{n}" if n > 1 else "") + \
            (f" × {factor(gv)}" if gv != 1.0 else "")
    return {"rule": "cross_entropy", "text": text,
            "shapes": f"{grad} = (softmax({name}) − onehot(y)) / N: {shape_text(z.shape)}, N = {n}",
            "sum_over": None,
            "worked": {"entry": list(index),
                       "text": f"{_sym(grad, name, index)} = {worked_rhs} = {number(value)}",
                       "value": value}}
