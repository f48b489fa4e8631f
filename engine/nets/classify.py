"""The classification playground: a small network on a 2-D dataset, trained
full-batch by chainrule's own graph and backward pass (engine/nets/nn.py)
with one of the optimizers of engine/optimize/optim.py.

Epoch k of the history is the network after k updates (epoch 0 is the
start). Every `every` epochs (and at 0 and the end) a snapshot adds the
decision boundary, P(class 1) on a grid over the data, and the program of one
training sample's loss with the weights of that moment, which the
step-through view traces and steps through. With l2 > 0 the loss is
cross_entropy + l2·Σ‖W‖² over the weight matrices (not the biases): its
gradient 2·l2·W is added to the backward pass's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..errors import ProgramValueError
from ..explain.trace import jsonable
from ..optimize.optim import OptimizerConfig
from .datasets import DATASETS, make
from .dense import Dense

ACTIVATIONS = ("tanh", "relu", "sigmoid")
GRID = 40       # boundary cells per axis
SNAPSHOTS = 50  # boundaries sent per run, at most (plus the first and last)


@dataclass(frozen=True, slots=True)
class ClassifyConfig:
    dataset: str = "circle"
    noise: float = 0.05
    hidden: tuple[int, ...] = (8,)
    activation: str = "tanh"
    optimizer: OptimizerConfig = OptimizerConfig("adam", lr=0.03)
    epochs: int = 300
    l2: float = 0.0
    seed: int = 0
    points: int = 200
    test_fraction: float = 0.3
    # Your own points instead of the dataset: ((x1, x2, label), ...) each.
    train_points: tuple[tuple[float, float, int], ...] | None = None
    test_points: tuple[tuple[float, float, int], ...] = ()

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {DATASETS}")
        if self.train_points is not None:
            check_points(self.train_points, "train")
            check_points(self.test_points, "test")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}")


@dataclass
class Grid:
    """The square grid the boundary is drawn on: xs on both axes, and its
    cells as rows of (x1, x2) for one forward pass."""
    xs: np.ndarray
    cells: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        gx, gy = np.meshgrid(self.xs, self.xs)
        self.cells = np.c_[gx.ravel(), gy.ravel()]


MAX_POINTS, MAX_COORD = 1000, 10.0


def check_points(points, split: str) -> None:
    """(x1, x2, label) rows, finite, within ±MAX_COORD, labels 0 or 1: a
    ProgramValueError (the server's 400) naming the first bad one."""
    if not points:  # both: the accuracies are of these
        raise ProgramValueError(f"{split}: give at least one {split} point (test: held out, "
                                "for the test accuracy)")
    if len(points) > MAX_POINTS:
        raise ProgramValueError(f"{split}: at most {MAX_POINTS} points")
    for i, p in enumerate(points):
        if len(p) != 3:
            raise ProgramValueError(f"{split} point {i}: give 3 numbers (x1, x2, label)")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) and abs(v) <= MAX_COORD
                   for v in p):
            raise ProgramValueError(f"{split} point {i}: numbers must be finite and within "
                                    f"±{MAX_COORD:g}")
        if p[2] not in (0, 1):
            raise ProgramValueError(f"{split} point {i}: the label must be 0 or 1")


def split(config: ClassifyConfig):
    if config.train_points is not None:
        def arrays(points):
            P = np.array(points, dtype=np.float64).reshape(-1, 3)
            return P[:, :2], P[:, 2].astype(int)
        return (*arrays(config.train_points), *arrays(config.test_points))
    X, y = make(config.dataset, config.points, config.noise, config.seed)
    n_test = round(config.test_fraction * len(y))
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test]


def train_classifier(config: ClassifyConfig = ClassifyConfig(), *,
                     on_epoch: Callable[[dict], None] | None = None,
                     should_stop: Callable[[], str | None] | None = None) -> dict:
    X, y, X_test, y_test = split(config)
    init = "he" if config.activation == "relu" else "xavier"
    sizes = [2, *config.hidden, 2]
    # The fused dense pass: the op table's rules layer by layer, the numbers of
    # build_mlp's graph (tests/engine/test_playground.py), without its per-node cost.
    net = Dense.initial(sizes, config.activation, init, config.seed)
    opt = config.optimizer.build()
    half = max(1.5, float(np.abs(np.r_[X.ravel(), X_test.ravel()]).max()) * 1.05)
    grid = Grid(np.linspace(-half, half, GRID))
    every = max(1, config.epochs // SNAPSHOTS)
    weights = [k for k, name in enumerate(net.names) if name.startswith("W")]
    history, stopped = [], "max_steps"
    start = time.perf_counter()
    for epoch in range(config.epochs + 1):
        loss, grads = net.loss_and_grads(X, y)
        train_acc = float((net.last_output.argmax(axis=1) == y).mean())
        if config.l2:
            values = net.values()
            loss += config.l2 * sum(float(np.vdot(values[k], values[k])) for k in weights)
            for k in weights:
                grads[k] = grads[k] + 2.0 * config.l2 * values[k]
        entry = {"epoch": epoch, "loss": jsonable(float(loss)), "train_accuracy": train_acc,
                 "test_accuracy": float((net.logits_of(X_test).argmax(axis=1) == y_test).mean()),
                 "seconds": time.perf_counter() - start}
        last = epoch == config.epochs or not np.isfinite(loss) or (
            should_stop is not None and (reason := should_stop()))
        if epoch % every == 0 or last:
            entry["boundary"] = boundary(net, grid)
            entry["sample"] = sample_program(net, config.activation, X[0], int(y[0]))
        if epoch == 0:
            entry["data"] = {"train": {"X": X.tolist(), "y": y.astype(int).tolist()},
                             "test": {"X": X_test.tolist(), "y": y_test.astype(int).tolist()},
                             "grid": grid.xs.tolist()}
        history.append(entry)
        if on_epoch is not None:
            on_epoch(entry)
        if last:
            if not np.isfinite(loss):
                stopped = "diverged"
            elif epoch < config.epochs:
                stopped = reason
            break
        net.set_values(opt.step(net.values(), grads))
    final = history[-1]
    return {"history": history, "stopped": stopped, "seconds": time.perf_counter() - start,
            "train_accuracy": final["train_accuracy"], "test_accuracy": final["test_accuracy"],
            "data": history[0]["data"], "boundary": final["boundary"]}


def boundary(net: Dense, grid: Grid) -> list[list[float]]:
    """P(class 1) at each grid cell: rows go up the y axis, columns along x."""
    logits = net.logits_of(grid.cells)
    with np.errstate(all="ignore"):
        p1 = 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))  # softmax's second column
    n = len(grid.xs)
    return np.round(np.nan_to_num(p1, nan=0.5), 3).reshape(n, n).tolist()


def sample_program(net: Dense, activation: str, x: np.ndarray, label: int) -> str:
    """One training sample's loss as a chainrule program, with the weights of
    this moment written in full precision (the step-through view retraces it)."""
    values = dict(zip(net.names, net.values(), strict=True))
    layers = len(net.names) // 2
    lines = [f"x = [{_row(x)}]  # one training sample, class {label}"]
    h = "x"
    for k in range(1, layers + 1):
        W, b = values[f"W{k}"], values[f"b{k}"]
        lines.append(f"W{k} = [{', '.join(f'[{_row(r)}]' for r in W)}]")
        lines.append(f"b{k} = [{_row(b)}]")
        if k < layers:
            lines.append(f"h{k} = {activation}({h} @ W{k} + b{k})")
            h = f"h{k}"
        else:
            lines.append(f"logits = {h} @ W{k} + b{k}")
    lines.append(f"loss = cross_entropy(logits, {label})")
    return "\n".join(lines)


def _row(v: np.ndarray) -> str:
    return ", ".join(repr(float(a)) for a in v)
