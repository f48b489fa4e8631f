"""The overfitting lesson: a polynomial of high degree fitted to a dozen noisy
points drawn from sin(πx), with a larger validation set from the same curve.

The model is a chainrule program, `loss = mean((X @ w - y)**2)`, where the
rows of X are the powers 1, x, …, x^degree of each point: training it is an
ordinary /api/v1/train run, and the fitted curve is Σ w_k x^k."""

from __future__ import annotations

import math

import numpy as np

from ..errors import ProgramValueError


def truth(x: np.ndarray) -> np.ndarray:
    return np.sin(math.pi * x)


def features(x: np.ndarray, degree: int) -> np.ndarray:
    return np.stack([x ** k for k in range(degree + 1)], axis=1)


def overfit_lesson(seed: int = 0, degree: int = 9, points: int = 12, noise: float = 0.25,
                   validation_points: int = 40) -> dict:
    """Program, training values, validation values and the points to draw."""
    if not 1 <= degree <= 15:
        raise ProgramValueError("degree must be between 1 and 15")
    if not 2 <= points <= 200 or not 2 <= validation_points <= 400:
        raise ProgramValueError("points must be between 2 and 200 (validation: 400)")
    if not (math.isfinite(noise) and 0 <= noise <= 2):
        raise ProgramValueError("noise must be between 0 and 2")
    rng = np.random.default_rng(seed)

    def sample(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        return x, truth(x) + rng.normal(0.0, noise, n)

    x, y = sample(points)
    xv, yv = sample(validation_points)
    grid = np.linspace(-1.0, 1.0, 101)
    program = (f"# degree-{degree} polynomial: row i of X is 1, x_i, …, x_i^{degree}\n"
               f"w = {[0.0] * (degree + 1)}\n"
               "pred = X @ w\n"
               "loss = mean((pred - y)**2)\n")
    return {"program": program, "params": ["w"], "degree": degree,
            "values": {"X": features(x, degree).tolist(), "y": y.tolist()},
            "validation": {"X": features(xv, degree).tolist(), "y": yv.tolist()},
            "train_points": np.stack([x, y], 1).tolist(),
            "validation_points": np.stack([xv, yv], 1).tolist(),
            "truth": np.stack([grid, truth(grid)], 1).tolist()}
