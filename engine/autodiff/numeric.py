"""Numbers in the graph: scalars are Python floats (a float op costs ~15 ns, a
numpy call ~300 ns), tensors are float64 numpy arrays. The helpers here keep
that split and give IEEE results (inf, nan) where Python would raise."""

from __future__ import annotations

import math

import numpy as np

Value = float | np.ndarray


def shape_of(x: Value) -> tuple[int, ...]:
    return () if x.__class__ is float else x.shape


def normalize(r) -> Value:
    """A numpy scalar or 0-d array becomes a float; arrays stay arrays."""
    if r.__class__ is float:
        return r
    if isinstance(r, np.ndarray) and r.ndim:
        return r
    return float(r)


def call(fn, args) -> Value:
    """fn(*args) with IEEE semantics: Python raises on 1/0, exp(1000) or
    log(0); numpy answers inf or nan. Floats take the fast path first. With
    a tensor among the args, the floats become np.float64 too: a rule mixing
    both (1.0/b with b a float, out an array) must not meet Python's raise."""
    for a in args:
        if a.__class__ is not float:
            args = [np.float64(x) if x.__class__ is float else x for x in args]
            with np.errstate(all="ignore"):
                return normalize(fn(*args))
    try:
        r = fn(*args)
    except (ArithmeticError, ValueError):
        with np.errstate(all="ignore"):
            r = fn(*[np.float64(a) for a in args])
    if r.__class__ is complex:  # (-8.0) ** (1/3) in Python is complex
        return math.nan
    return r if r.__class__ is float else normalize(r)


def dual(scalar_fn, array_fn):
    """One function for both kinds: math for floats, numpy otherwise (np.float64
    included, which is how call() falls back)."""
    return lambda x: scalar_fn(x) if x.__class__ is float else array_fn(x)


def is_finite(x: Value) -> bool:
    if x.__class__ is float:
        return x - x == 0.0  # inf - inf and nan - nan are nan
    return bool(np.isfinite(x).all())


def fit(c: Value, shape: tuple[int, ...]) -> Value:
    """Bring a contribution to an input's shape: sum over the axes that
    broadcasting added or stretched (the VJP of broadcasting), or spread a
    reduction's scalar upstream over the input."""
    if c.__class__ is float:
        return c if not shape else np.full(shape, c)
    if c.shape == shape:
        return c
    if c.ndim < len(shape) or (c.ndim == len(shape) and c.size < math.prod(shape)):
        return np.broadcast_to(c, shape).copy()
    lead = c.ndim - len(shape)
    if lead:
        c = c.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and c.shape[i] != 1)
    if stretched:
        c = c.sum(axis=stretched, keepdims=True)
    return normalize(c) if not shape else c


def zeros(shape: tuple[int, ...]) -> Value:
    return 0.0 if not shape else np.zeros(shape)


def count(x: Value) -> int:
    return 1 if x.__class__ is float else x.size


def any_of(cond) -> bool:
    return bool(np.any(cond))
