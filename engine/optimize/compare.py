"""Optimizers side by side on one program's two scalar leaves: gradient
descent, momentum and Adam (engine/optim.py's rules), Newton's method with
the exact Hessian (engine/hessian.py) and a (1+λ) evolution strategy
(engine/evolution.py), each from the same start with its cost counted.

Newton's step solves H·d = −g. On a quadratic L = ½xᵀAx + bᵀx + c the
gradient is Ax + b and H = A, so x − A⁻¹(Ax + b) = −A⁻¹b: the stationary
point, in one step, whatever the conditioning. A singular H (a valley of
minima) takes the least-squares step, which lands on the valley floor.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import LimitError, ProgramValueError
from ..explain.trace import jsonable
from ..language.compile import compile_program
from ..limits import DEFAULT_LIMITS, Limits
from .contour import contour
from .evolution import OnePlusLambdaES
from .objective import Objective, OutOfTime, scalar_leaves
from .optim import SGD, Adam, Momentum

METHODS = ("gd", "momentum", "adam", "newton", "es")
DEFAULT_LR = {"gd": 0.01, "momentum": 0.01, "adam": 0.1, "newton": 1.0}
PASSES_PER_STEP = {"gd": 2, "momentum": 2, "adam": 2, "newton": 10}  # node sweeps per step


@dataclass(frozen=True, slots=True)
class CompareConfig:
    methods: tuple[str, ...] = METHODS
    max_steps: int = 100
    lr: dict[str, float] = field(default_factory=dict)  # per method; DEFAULT_LR fills gaps
    momentum: float = 0.9
    es_population: int = 8
    es_sigma: float = 0.5
    seed: int = 0
    tol: float = 1e-10  # stop when the gradient norm (ES: σ) is this small
    grid: int = 48
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def __post_init__(self) -> None:
        if not self.methods or len(set(self.methods)) != len(self.methods):
            raise ProgramValueError("methods must name each method at most once, at least one")
        for m in self.methods:
            if m not in METHODS:
                raise ProgramValueError(f"unknown method {m!r}: use " + ", ".join(METHODS))
        for m, lr in self.lr.items():
            if m not in DEFAULT_LR or not (math.isfinite(lr) and lr > 0):
                raise ProgramValueError(f"lr[{m!r}] must be a positive step size of "
                                        + ", ".join(DEFAULT_LR))
        if not 0 <= self.momentum < 1:
            raise ProgramValueError("momentum must be in [0, 1)")
        if not (math.isfinite(self.tol) and self.tol >= 0):
            raise ProgramValueError("tol must be a number ≥ 0")
        if not 2 <= self.grid <= 200:
            raise ProgramValueError("grid must be between 2 and 200 points per axis")
        for lo, hi in self.bounds or ():
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and math.isfinite(hi - lo)):
                raise ProgramValueError("bounds must be finite [low, high] pairs with low < high")

    def step_size(self, method: str) -> float:
        return self.lr.get(method, DEFAULT_LR[method])


class FirstOrder:
    """gd, momentum or Adam: one gradient per step."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.grad = None

    def evaluate(self, objective: Objective, x: np.ndarray) -> float:
        loss, self.grad = objective.gradient(x)
        return loss

    def update(self, objective: Objective, x: np.ndarray) -> np.ndarray:
        return np.array(self.optimizer.step([float(v) for v in x], [float(g) for g in self.grad]))

    def converged(self, x: np.ndarray, tol: float) -> bool:
        with np.errstate(all="ignore"):  # a gradient of 1e308 has an infinite norm
            return bool(np.linalg.norm(self.grad) <= tol)


class Newton(FirstOrder):
    def __init__(self, lr: float):
        super().__init__(None)
        self.lr = lr
        self.h = None

    def evaluate(self, objective: Objective, x: np.ndarray) -> float:
        loss, self.grad, self.h = objective.newton_terms(x)
        return loss

    def update(self, objective: Objective, x: np.ndarray) -> np.ndarray:
        if not (np.all(np.isfinite(self.h)) and np.all(np.isfinite(self.grad))):
            return x + math.nan
        step = np.linalg.lstsq(self.h, -self.grad, rcond=None)[0]
        return x + self.lr * step


def _method(name: str, config: CompareConfig):
    lr = config.step_size(name) if name in DEFAULT_LR else 0.0
    if name == "gd":
        return FirstOrder(SGD(lr))
    if name == "momentum":
        return FirstOrder(Momentum(lr, config.momentum))
    if name == "adam":
        return FirstOrder(Adam(lr))
    if name == "newton":
        return Newton(lr)
    return OnePlusLambdaES(config.es_population, config.es_sigma, config.seed)


def compare_program(program: str, params: list[str], config: CompareConfig, *,
                    values: dict | None = None, limits: Limits = DEFAULT_LIMITS,
                    max_steps_limit: int = 10_000, deadline: float | None = None) -> dict:
    """{params, runs: {method: {history, cost, stopped}}, contour} for `program`."""
    if isinstance(config.max_steps, bool) or not 0 <= config.max_steps <= max_steps_limit:
        raise LimitError(f"max_steps must be between 0 and {max_steps_limit}")
    prog, output = compile_program(program, values, limits)
    ids = scalar_leaves(prog, params)
    graph = prog.graph
    nodes = output + 1
    planned = nodes * (config.grid ** 2 + sum(
        (PASSES_PER_STEP.get(m, config.es_population) * (config.max_steps + 1)) for m in
        config.methods))
    if planned > limits.max_check_evals:
        raise LimitError(f"the comparison would spend about {planned} node evaluations, over "
                         f"the limit of {limits.max_check_evals}: ask for fewer steps, methods "
                         f"or grid points")
    objective = Objective(graph, output, ids, deadline, budget=2 * planned)
    start = np.array([graph.values[i] for i in ids])
    if not np.all(np.isfinite(start)):
        raise ProgramValueError("params must start at finite numbers")
    runs = {}
    for k, m in enumerate(config.methods):
        if deadline is not None:  # each method gets a fair share of the time left
            objective.deadline = time.monotonic() + (deadline - time.monotonic()) / (
                len(config.methods) - k)
        runs[m] = _run(m, _method(m, config), objective, start, params, config)
    objective.deadline = None  # the grid is bounded by the node budget, not the clock
    grid = contour(objective, params, start, runs, config.grid, config.bounds)
    return {"params": params, "start": {n: float(v) for n, v in zip(params, start, strict=True)},
            "runs": runs, "contour": grid}


def _run(name: str, method, objective: Objective, x: np.ndarray, params: list[str],
         config: CompareConfig) -> dict:
    objective.reset()
    began = time.perf_counter()
    history = []
    stopped = "max_steps"
    try:
        for step in range(config.max_steps + 1):
            loss = method.evaluate(objective, x)
            history.append(_entry(step, loss, params, x, objective.evaluations))
            if not (math.isfinite(loss) and np.all(np.isfinite(x))):
                stopped = "diverged"
                break
            if method.converged(x, config.tol):
                stopped = "converged"
                break
            if step == config.max_steps:
                break
            x = method.update(objective, x)
    except OutOfTime:
        stopped = "time_limit"
    except (ArithmeticError, np.linalg.LinAlgError):  # an overflow the IEEE paths missed
        stopped = "diverged"
    cost = {**objective.cost(), "seconds": time.perf_counter() - began}
    end = end_point(objective, history[-1], params, stopped)
    return {"history": history, "cost": cost, "stopped": stopped, "end": end}


def end_point(objective: Objective, last: dict, params: list[str], stopped: str) -> dict:
    """What kind of point a run stopped at, from the Hessian's eigenvalues
    there: all positive a minimum, all negative a maximum, both signs a
    saddle. "unknown" where that cannot be said: a point that is not yet
    stationary (the Newton step to the nearest ∇L = 0 of the local quadratic
    is over 1% of the point's scale: the run is still moving), a zero
    eigenvalue (a flat direction), a diverged run, a run cut short by the clock
    (no time is left to spend on a Hessian), or a program without second
    derivatives. Not counted in the run's cost."""
    unknown = {"kind": "unknown", "eigenvalues": [], "gradient_norm": None,
               "stationary": False}
    x = np.array([last["params"][n] for n in params], dtype=object)
    finite = all(isinstance(v, float) and math.isfinite(v) for v in x)
    if stopped in ("diverged", "time_limit") or not finite:
        return unknown
    deadline, objective.deadline = objective.deadline, None  # one Hessian: always affordable
    try:
        _, g, h = objective.newton_terms(np.array(x, dtype=float))
    except (ProgramValueError, LimitError, ArithmeticError, np.linalg.LinAlgError):
        return unknown
    finally:
        objective.deadline = deadline
    if not (np.all(np.isfinite(h)) and np.all(np.isfinite(g))):
        return unknown
    x = np.array(x, dtype=float)
    with np.errstate(all="ignore"):  # huge curvature overflows: then nothing can be said
        try:
            eig = np.linalg.eigvalsh((h + h.T) / 2)
            newton_step = np.linalg.lstsq(h, -g, rcond=None)[0]
            step, size, grad = (np.linalg.norm(newton_step), np.linalg.norm(x),
                                np.linalg.norm(g))
        except np.linalg.LinAlgError:
            return unknown
    if not all(map(math.isfinite, (step, size, grad, *eig))):
        return unknown
    stationary = bool(step <= 1e-2 * (1.0 + size))
    return {"kind": point_kind(eig) if stationary else "unknown",
            "eigenvalues": [float(e) for e in eig], "gradient_norm": float(grad),
            "stationary": stationary}


def point_kind(eigenvalues: np.ndarray) -> str:
    """Signs of the curvature, a relative tolerance deciding what counts as 0."""
    zero = 1e-8 * max(1.0, float(np.max(np.abs(eigenvalues))))
    if np.all(eigenvalues > zero):
        return "minimum"
    if np.all(eigenvalues < -zero):
        return "maximum"
    if np.any(eigenvalues > zero) and np.any(eigenvalues < -zero):
        return "saddle"
    return "unknown"


def _entry(step: int, loss: float, params: list[str], x: np.ndarray, evaluations: int) -> dict:
    return {"step": step, "loss": jsonable(float(loss)),
            "params": {n: jsonable(float(v)) for n, v in zip(params, x, strict=True)},
            "evaluations": evaluations}
