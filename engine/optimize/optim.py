"""Optimizers with PyTorch's update rules, over a list of parameter values
(Python floats or numpy arrays) and their gradients.

    SGD       p ← p − lr·g
    momentum  v ← μ·v + g;  p ← p − lr·v          (torch.optim.SGD, dampening 0)
    Adam      m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
              p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)   (ε outside the root)

`step(params, grads)` returns the new values. Arrays are updated in place
(the graph's leaves and the optimizer share them, so no copy per step);
floats are immutable, so a new float comes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..autodiff.numeric import Value
from ..errors import ProgramValueError

NAMES = ("sgd", "momentum", "adam")


@dataclass(frozen=True, slots=True)
class OptimizerConfig:
    name: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        if self.name not in NAMES:
            raise ProgramValueError(f"unknown optimizer {self.name!r}: use one of "
                                    + ", ".join(NAMES))
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ProgramValueError("lr must be a positive number")
        for field in ("momentum", "beta1", "beta2"):
            x = getattr(self, field)
            if not 0 <= x < 1:
                raise ProgramValueError(f"{field} must be in [0, 1)")
        if not (math.isfinite(self.eps) and self.eps > 0):
            raise ProgramValueError("eps must be a positive number")

    def build(self) -> Optimizer:
        if self.name == "sgd":
            return SGD(self.lr)
        if self.name == "momentum":
            return Momentum(self.lr, self.momentum)
        return Adam(self.lr, self.beta1, self.beta2, self.eps)


class Optimizer:
    def __init__(self, lr: float):
        self.lr = lr
        self.t = 0  # updates taken so far

    def step(self, params: list[Value], grads: list[Value]) -> list[Value]:
        self.t += 1
        with np.errstate(all="ignore"):  # a diverging run overflows: that is its result
            return [self.update(i, p, g) for i, (p, g) in enumerate(zip(params, grads,
                                                                         strict=True))]

    def update(self, i: int, p: Value, g: Value) -> Value:
        raise NotImplementedError

    def buffers(self, i: int) -> dict[str, float]:
        """Parameter i's optimizer state as scalars (an array's first element):
        what a worked update writes out. Empty for plain SGD."""
        return {}


class SGD(Optimizer):
    def update(self, i, p, g):
        if p.__class__ is float:
            return p - self.lr * g
        p -= self.lr * g
        return p


class Momentum(Optimizer):
    def __init__(self, lr: float, momentum: float = 0.9):
        super().__init__(lr)
        self.mu = momentum
        self.velocity: dict[int, Value] = {}

    def update(self, i, p, g):
        # PyTorch starts the buffer at g itself, which equals μ·0 + g.
        v = self.velocity.get(i)
        if p.__class__ is float:
            v = g if v is None else self.mu * v + g
            self.velocity[i] = v
            return p - self.lr * v
        if v is None:
            v = self.velocity[i] = np.array(g, dtype=p.dtype)
        else:
            v *= self.mu
            v += g
        p -= self.lr * v
        return p

    def buffers(self, i):
        return {"v": _first(self.velocity.get(i, 0.0))}


class Adam(Optimizer):
    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: dict[int, Value] = {}
        self.v: dict[int, Value] = {}

    def update(self, i, p, g):
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1.0 - b1 ** self.t)
        root_bc2 = math.sqrt(1.0 - b2 ** self.t)
        if p.__class__ is float:
            m = self.m[i] = b1 * self.m.get(i, 0.0) + (1.0 - b1) * g
            v = self.v[i] = b2 * self.v.get(i, 0.0) + (1.0 - b2) * g * g
            return p - step_size * m / (math.sqrt(v) / root_bc2 + self.eps)
        if i not in self.m:
            self.m[i] = np.zeros_like(p)
            self.v[i] = np.zeros_like(p)
        m, v = self.m[i], self.v[i]
        # In place, as torch's foreach kernels do: no new arrays but one scratch.
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        denom = np.sqrt(v)
        denom *= 1.0 / root_bc2
        denom += self.eps
        np.divide(m, denom, out=denom)
        denom *= step_size
        p -= denom
        return p

    def buffers(self, i):
        return {"m": _first(self.m.get(i, 0.0)), "v": _first(self.v.get(i, 0.0))}


def _first(x: Value) -> float:
    return float(x) if x.__class__ is float else float(np.ravel(x)[0])


def worked_update(opt: Optimizer, i: int, p: Value, g: Value, new: Value,
                  before: dict[str, float]) -> dict:
    """One parameter's update with the numbers the rule used, for the first
    element of an array: `before` is opt.buffers(i) taken before the step.
    SGD  {p, g, lr, new}; momentum adds mu, v_prev, v; Adam adds beta1, beta2,
    eps, t, m_prev, m, v_prev, v and the bias-corrected m_hat, v_hat."""
    out = {"rule": type(opt).__name__.lower(), "lr": opt.lr, "p": _first(p),
           "g": _first(g), "new": _first(new)}
    after = opt.buffers(i)
    if isinstance(opt, Momentum):
        out.update(mu=opt.mu, v_prev=before["v"], v=after["v"])
    elif isinstance(opt, Adam):
        out.update(beta1=opt.beta1, beta2=opt.beta2, eps=opt.eps, t=opt.t,
                   m_prev=before["m"], m=after["m"], v_prev=before["v"], v=after["v"],
                   m_hat=after["m"] / (1.0 - opt.beta1 ** opt.t),
                   v_hat=after["v"] / (1.0 - opt.beta2 ** opt.t))
    return out
