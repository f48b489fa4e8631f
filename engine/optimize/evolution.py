"""A (1+λ) evolution strategy: no gradients, only loss values.

Each generation samples λ children x + σ·N(0, I) around the parent and keeps
the best of parent and children, so the loss never rises. σ follows the 1/5
success rule (Rechenberg): if more than a fifth of the children beat the
parent the steps are too timid and σ grows, otherwise it shrinks,
σ ← σ·exp((p_success − 1/5) / (1 − 1/5)). Seeded, so a run is reproducible.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ProgramValueError


class OnePlusLambdaES:
    def __init__(self, population: int = 8, sigma: float = 0.5, seed: int = 0):
        if not 1 <= population <= 1000:
            raise ProgramValueError("es population must be between 1 and 1000")
        if not (math.isfinite(sigma) and sigma > 0):
            raise ProgramValueError("es sigma must be a positive number")
        self.population = population
        self.sigma = sigma
        self.rng = np.random.default_rng(seed)
        self.parent_loss: float | None = None

    def evaluate(self, objective, x: np.ndarray) -> float:
        """The parent's loss: computed once at the start, then known from selection."""
        if self.parent_loss is None:
            self.parent_loss = objective.loss(x)
        return self.parent_loss

    def update(self, objective, x: np.ndarray) -> np.ndarray:
        children = x + self.sigma * self.rng.standard_normal((self.population, x.size))
        losses = np.array([objective.loss(c) for c in children])
        parent = self.parent_loss
        better = losses < parent  # NaN never wins
        success = float(better.mean())
        self.sigma *= math.exp((success - 0.2) / 0.8)
        if not better.any():
            return x
        best = int(np.nanargmin(np.where(better, losses, np.inf)))
        self.parent_loss = float(losses[best])
        return children[best]

    def converged(self, x: np.ndarray, tol: float) -> bool:
        # σ below the resolution of x: further children are the parent again.
        return self.sigma <= max(tol, 1e-15 * float(np.max(np.abs(x)) + 1.0))
