"""What a program that fits data has learned: when a program has a data
vector x and targets y (leaves it does not train, 1-D and of one length),
its prediction is the node computed from x and the trained leaves, never
from y, that the loss compares with y. Evaluated on a fine grid of x with
the parameters of any step, it is the model's curve through the data.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.graph import OP
from ..language.compile import compile_program
from ..limits import Limits

POINTS = 80  # the curve's samples across the data's x range


class Fit:
    def __init__(self, program: str, values: dict | None, params: list[str], prog,
                 limits: Limits):
        graph = prog.graph
        x, y = (graph.values[prog.leaves[n]] for n in ("x", "y"))
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        lo, hi = float(self.x.min()), float(self.x.max())
        pad = 0.05 * (hi - lo)
        self.grid = np.linspace(lo - pad, hi + pad, POINTS)
        grid_values = {**(values or {}), "x": self.grid.tolist(), "y": [0.0] * POINTS}
        self.prog, _ = compile_program(program, grid_values, limits)
        self.params = [self.prog.leaves[n] for n in params]
        self.node = prediction_node(self.prog.graph, self.prog.leaves["x"],
                                    self.prog.leaves["y"], self.params)

    @classmethod
    def detect(cls, program: str, values: dict | None, params: list[str], prog,
               limits: Limits) -> Fit | None:
        """A Fit if the program fits data (x, y) with a prediction node; else None."""
        leaves = prog.leaves
        if "x" not in leaves or "y" not in leaves or {"x", "y"} & set(params):
            return None
        x, y = (prog.graph.values[leaves[n]] for n in ("x", "y"))
        if not (isinstance(x, np.ndarray) and x.ndim == 1 and 2 <= x.size <= 10_000
                and isinstance(y, np.ndarray) and y.shape == x.shape):
            return None
        try:
            fit = cls(program, values, params, prog, limits)
        except Exception:  # noqa: BLE001 - no curve is an answer, never an error
            return None
        return fit if fit.node is not None else None

    def data(self) -> dict:
        return {"x": self.x.tolist(), "y": self.y.tolist()}

    def curve(self, param_values: list) -> dict:
        """The prediction across the grid with these parameter values."""
        graph = self.prog.graph
        for i, v in zip(self.params, param_values, strict=True):
            graph.values[i] = v if v.__class__ is float else np.array(v)
        with np.errstate(all="ignore"):
            graph.forward()
            pred = np.broadcast_to(np.asarray(graph.values[self.node], dtype=float),
                                   self.grid.shape)
        return {"x": self.grid.tolist(),
                "y": [float(v) if np.isfinite(v) else None for v in pred]}


def prediction_node(graph, x: int, y: int, params: list[int]) -> int | None:
    """The last node that depends on x and a parameter but not on y, used by
    a node that depends on y: `w*x + b` in `(w*x + b - y)**2`."""
    n = len(graph.values)
    on_x, on_y, on_p = [False] * n, [False] * n, [False] * n
    on_x[x], on_y[y] = True, True
    for p in params:
        on_p[p] = True
    found = None
    for i in range(n):
        if graph.kinds[i] != OP:
            continue
        ins = graph.inputs[i]
        on_x[i] = any(on_x[j] for j in ins)
        on_y[i] = any(on_y[j] for j in ins)
        on_p[i] = any(on_p[j] for j in ins)
        if on_y[i]:
            for j in ins:
                if on_x[j] and on_p[j] and not on_y[j] and np.ndim(graph.values[j]) == 1:
                    found = j if found is None else max(found, j)
    return found


# Programs for /train that fit data, so the page can draw what the model learned.
FIT_EXAMPLES = [
    {"id": "fit_line", "title": "Fit a line to 8 points",
     "description": "w and b move until the line passes through the middle of the points.",
     "program": "w = 0.0\nb = 0.0\nx = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5]\n"
                "y = [-1.2, -0.1, 0.9, 2.2, 2.8, 4.1, 5.2, 5.8]\n"
                "pred = w*x + b\nloss = mean((pred - y)**2)"},
    {"id": "fit_tanh", "title": "Fit an S-curve: a·tanh(w·x + c)",
     "description": "A one-unit network: the curve bends to follow the data.",
     "program": "a = 0.5\nw = 0.3\nc = 0.0\n"
                "x = [-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0]\n"
                "y = [-1.9, -1.8, -1.6, -1.1, -0.5, 0.2, 0.9, 1.4, 1.7, 1.9, 2.0]\n"
                "pred = a*tanh(w*x + c)\nloss = mean((pred - y)**2)"},
]
