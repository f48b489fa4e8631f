"""Seeded 2-D toy datasets for the classification playground, in the spirit
of TensorFlow Playground: two classes (0 and 1), points in about [−1, 1]²,
Gaussian noise of standard deviation `noise` added to the coordinates after
the labels are fixed (so noise blurs the boundary). Pure numpy, no downloads.
"""

from __future__ import annotations

import math

import numpy as np

DATASETS = ("circle", "xor", "gaussian", "spiral")


def make(name: str, points: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X (points, 2) float64 and y (points,) of 0 and 1, half of each class."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}")
    rng = np.random.default_rng(seed)
    half = points // 2
    y = np.r_[np.zeros(points - half), np.ones(half)]
    X = {"circle": _circle, "xor": _xor, "gaussian": _gaussian, "spiral": _spiral}[name](
        rng, y)
    X = X + rng.standard_normal(X.shape) * noise
    order = rng.permutation(points)  # classes interleaved: any split holds both
    return X[order], y[order]


def _circle(rng, y):
    # Class 0 inside radius 0.5, class 1 on the ring 0.7..1.0: a gap of 0.2.
    r = np.where(y == 0, 0.5 * np.sqrt(rng.random(len(y))), rng.uniform(0.7, 1.0, len(y)))
    a = rng.uniform(0, 2 * math.pi, len(y))
    return np.c_[r * np.cos(a), r * np.sin(a)]


def _xor(rng, y):
    # The sign of x1·x2 is the class; points keep 0.05 from the axes.
    mag = rng.uniform(0.05, 1.0, (len(y), 2))
    s1 = rng.choice([-1.0, 1.0], len(y))
    s2 = np.where(y == 1, s1, -s1)  # class 1: same signs (x1·x2 > 0)
    return mag * np.c_[s1, s2]


def _gaussian(rng, y):
    centre = np.where(y[:, None] == 1, [0.5, 0.5], [-0.5, -0.5])
    return centre + rng.standard_normal((len(y), 2)) * 0.25


def _spiral(rng, y):
    # Two interleaved arms, each 1.5 turns from the centre outwards.
    t = rng.uniform(0.05, 1.0, len(y))
    a = 3 * math.pi * t + math.pi * y
    return np.c_[t * np.cos(a), t * np.sin(a)]
