"""The loss on a grid over the two parameters, for the contour plot: a box
around the start and every trajectory that did not diverge, padded."""

from __future__ import annotations

import math

import numpy as np

from ..explain.trace import jsonable

PAD = 0.15  # of the span, on each side, so no trajectory ends on the frame
BIG = 1e300


def box(start: np.ndarray, runs: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    points = [start]
    for run in runs.values():
        if run["stopped"] == "diverged":
            continue
        for entry in run["history"]:
            p = [entry["params"][k] for k in entry["params"]]
            if all(isinstance(v, float) and math.isfinite(v) for v in p):
                points.append(np.array(p))
    pts = np.array(points)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    with np.errstate(all="ignore"):  # near ±1e308 these overflow: handled just below
        span = np.maximum(hi - lo, np.maximum(1.0, np.abs(start)) * 0.5)  # never a flat box
        mid = (lo + hi) / 2
        half = span * (0.5 + PAD)
        if not (np.all(np.isfinite(mid - half)) and np.all(np.isfinite(mid + half))):
            mid, half = start, np.maximum(1.0, np.abs(start)) * 0.5  # past float range
    return ((float(mid[0] - half[0]), float(mid[0] + half[0])),
            (float(mid[1] - half[1]), float(mid[1] + half[1])))


def contour(objective, params: list[str], start: np.ndarray, runs: dict, n: int,
            bounds=None) -> dict:
    """{x, y, xs, ys, loss}: loss[r][c] is the loss at (xs[c], ys[r])."""
    (x0, x1), (y0, y1) = bounds if bounds is not None else box(start, runs)
    # Kept inside float range so the grid's coordinates are numbers (strict JSON).
    xs = np.linspace(*np.clip([x0, x1], -BIG, BIG), n)
    ys = np.linspace(*np.clip([y0, y1], -BIG, BIG), n)
    loss = np.empty((n, n))
    for r, y in enumerate(ys):
        for c, x in enumerate(xs):
            loss[r, c] = objective.loss(np.array([x, y]), counted=False)
    objective.loss(start, counted=False)  # leave the graph at the start point
    finite = loss[np.isfinite(loss)]
    return {"x": params[0], "y": params[1], "xs": xs.tolist(), "ys": ys.tolist(),
            "loss": jsonable(loss),
            "min": jsonable(float(finite.min())) if finite.size else None,
            "max": jsonable(float(finite.max())) if finite.size else None}
