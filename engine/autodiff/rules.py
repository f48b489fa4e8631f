"""Rules too long for one row of the op table. Each works on floats and on
float64 arrays; shapes are checked by the caller where broadcasting applies."""

from __future__ import annotations

import math

import numpy as np

from ..errors import ProgramValueError, ShapeError
from .numeric import fit, normalize


# ---- elementwise ------------------------------------------------------------
def sigmoid(x):
    """1/(1+exp(-x)) without overflow: exp of a non-positive number only."""
    if x.__class__ is float:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def relu(x):
    if x.__class__ is float:
        return 0.0 if x <= 0.0 else x  # nan stays nan
    return np.maximum(x, 0.0)  # maximum propagates nan: nan stays nan, in one pass


def relu_local(x, out):
    # The kink at 0 takes derivative 0, PyTorch's convention.
    if x.__class__ is float:
        return 1.0 if x > 0.0 else 0.0
    return (x > 0).astype(x.dtype)  # keeps a float32 network in float32


def sign(x):
    if x.__class__ is float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
    return np.sign(x)


def tie_split(a, b):
    """d max(a, b)/da: 1 where a wins, 1/2 at a tie (what central differences see),
    0 where b wins. PyTorch's rule: with a NaN neither wins, and both pass the
    gradient (which the NaN output has already made NaN downstream)."""
    if a.__class__ is float and b.__class__ is float:
        return 0.5 if a == b else (0.0 if a < b else 1.0)
    return np.where(a == b, 0.5, np.where(a < b, 0.0, 1.0))


# ---- softmax family (over the last axis) ------------------------------------
def _vector(x, name: str) -> np.ndarray:
    if x.__class__ is not np.ndarray or not x.ndim:  # a float, or np.float64 from call()
        raise ShapeError(f"{name} needs a vector or a matrix, not a scalar")
    return x


def softmax(x):
    x = _vector(x, "softmax")
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def log_softmax(x):
    x = _vector(x, "log_softmax")
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_vjp(x, out, g):
    return out * (g - (g * out).sum(axis=-1, keepdims=True))


def log_softmax_vjp(x, out, g):
    return g - np.exp(out) * g.sum(axis=-1, keepdims=True)


def _class_indices(logits, target) -> tuple[np.ndarray, np.ndarray]:
    logits = _vector(logits, "cross_entropy")
    if logits.ndim > 2:
        raise ShapeError("cross_entropy takes logits of shape (C,) or (N, C)")
    batch = logits.reshape(1, -1) if logits.ndim == 1 else logits
    t = np.atleast_1d(np.asarray(target, dtype=np.float64))
    if t.ndim != 1 or t.shape[0] != batch.shape[0]:
        raise ShapeError(f"cross_entropy needs one class index per row of logits: "
                         f"{batch.shape[0]} rows, {t.size} indices")
    if not np.all(np.isfinite(t) & (t == np.round(t)) & (t >= 0) & (t < batch.shape[1])):
        raise ProgramValueError(f"class indices must be integers from 0 to {batch.shape[1] - 1}")
    return batch, t.astype(np.intp)


def cross_entropy(logits, target) -> float:
    """Mean negative log-likelihood of the target classes (PyTorch's default)."""
    batch, t = _class_indices(logits, target)
    logp = log_softmax(batch)
    return float(-logp[np.arange(t.size), t].mean())


def cross_entropy_local(logits, target, out):
    batch, t = _class_indices(logits, target)
    d = softmax(batch)
    d[np.arange(t.size), t] -= 1.0
    return (d / t.size).reshape(logits.shape)


# ---- mean squared error ------------------------------------------------------
def mse(pred, target) -> float:
    d = pred - target
    return d * d if d.__class__ is float else float((d * d).mean())


def mse_local(pred, target):
    d = pred - target
    return 2.0 * d if d.__class__ is float else 2.0 * d / d.size


# ---- matrix product ----------------------------------------------------------
def _as_matrices(a, b, g):
    """Promote numpy's 1-D matmul cases to matrices so one rule covers them."""
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        raise ShapeError("@ needs tensors of at least one dimension on both sides")
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.asarray(g)
    if a.ndim == 1:
        g2 = g2[..., None, :] if b.ndim > 1 else g2[..., None]
    if b.ndim == 1:
        g2 = g2[..., None]
    return a2, b2, g2


def matmul_vjp_a(a, b, out, g):
    a2, b2, g2 = _as_matrices(a, b, g)
    ga = g2 @ np.swapaxes(b2, -1, -2)
    if a.ndim == 1:
        ga = ga[..., 0, :]
    return normalize(fit(ga, a.shape))


def matmul_vjp_b(a, b, out, g):
    a2, b2, g2 = _as_matrices(a, b, g)
    gb = np.swapaxes(a2, -1, -2) @ g2
    if b.ndim == 1:
        gb = gb[..., 0]
    return normalize(fit(gb, b.shape))


def matmul_shape(sa: tuple, sb: tuple) -> tuple:
    if not sa or not sb:
        raise ShapeError("@ needs tensors of at least one dimension on both sides")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ShapeError(f"@ shapes {_fmt(sa)} and {_fmt(sb)} do not align: {k_a} ≠ {k_b}")
    batch = broadcast_shape(sa[:-2], sb[:-2]) if len(sa) > 2 or len(sb) > 2 else ()
    rows = () if len(sa) == 1 else (sa[-2],)
    cols = () if len(sb) == 1 else (sb[-1],)
    return tuple(batch) + rows + cols


def broadcast_shape(sa: tuple, sb: tuple) -> tuple:
    try:
        return np.broadcast_shapes(sa, sb)
    except ValueError:
        raise ShapeError(f"shapes {_fmt(sa)} and {_fmt(sb)} cannot be broadcast together") from None


def _fmt(shape: tuple) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
