"""Two-parameter programs for the optimizer comparison, each with step sizes
that let gradient descent converge (just) and what the picture teaches."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Landscape:
    id: str
    title: str
    lesson: str
    program: str
    params: tuple[str, str]
    lr: dict[str, float] = field(default_factory=dict)
    max_steps: int = 100
    minima: tuple[tuple[float, float], ...] = ()  # the true minima, marked on the contour


def _least_squares(x: list[float], y: list[float]) -> tuple[float, float]:
    w, b = np.polyfit(x, y, 1)
    return float(w), float(b)


_X, _Y = [1.0, 2.0, 3.0, 4.0], [3.1, 4.9, 7.2, 8.8]


LANDSCAPES: list[Landscape] = [
    Landscape("regression", "Linear regression: w and b",
              "A quadratic bowl: Newton lands on the least-squares fit in one step.",
              f"w = 0.0\nb = 0.0\nx = {_X}\ny = {_Y}\nloss = mean((w*x + b - y)**2)",
              ("w", "b"), {"gd": 0.05, "momentum": 0.02, "adam": 0.3, "newton": 1.0}, 60,
              (_least_squares(_X, _Y),)),
    Landscape("rosenbrock", "Rosenbrock's banana valley",
              "A curved, narrow valley: gradient steps zig-zag, Adam and Newton follow it.",
              "x = -1.2\ny = 1.0\nloss = (1 - x)**2 + 100*(y - x**2)**2",
              ("x", "y"), {"gd": 0.0015, "momentum": 0.0005, "adam": 0.05, "newton": 1.0}, 200,
              ((1.0, 1.0),)),
    Landscape("saddle", "A saddle between two minima",
              "Newton solves ∇L = 0 and jumps to the saddle; the first-order methods (they "
              "use only the gradient: GD, momentum, Adam) roll off.",
              "x = 1.0\ny = 0.1\nloss = x**2 - y**2 + y**4/4",
              ("x", "y"), {"gd": 0.1, "momentum": 0.05, "adam": 0.1, "newton": 1.0}, 80,
              ((0.0, -2 ** 0.5), (0.0, 2 ** 0.5))),  # ∂L/∂y = −2y + y³ = 0
    Landscape("ill_conditioned", "An ill-conditioned quadratic (κ = 50)",
              "Curvatures 4 and 200: one step size cannot suit both, except Newton's H⁻¹.",
              "x = -3.0\ny = -1.0\nloss = (x + y)**2 + 50*(x - y)**2",
              ("x", "y"), {"gd": 0.009, "momentum": 0.003, "adam": 0.3, "newton": 1.0}, 100,
              ((0.0, 0.0),)),
]


def landscapes_as_dicts() -> list[dict]:
    return [asdict(x) for x in LANDSCAPES]
