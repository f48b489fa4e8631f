"""The playground: a small dense network on the student's own points, trained
a few epochs per request. The server keeps nothing between requests: the
weights go back to the page after each chunk and come back with the next
(with whatever the student changed in between: points, learning rate, batch
size, L2, activation), so an edit enters the next epoch and two pages never
share a run. Plain minibatch SGD, as the familiar playground uses: its whole
state is the weights, and the batch order of epoch e is drawn from
(seed, e), so the same points, settings and seed give the same network
whether it was trained in one chunk or in many.

Classification: points (x1, x2, label 0/1), two logits, cross-entropy.
Regression: points (x, y), one output, mean squared error; x is x1.
The loss minimised is the training loss + l2·Σ‖W‖² (weights, not biases);
the losses reported are the data losses alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ProgramValueError
from ..explain.run import trace_program
from .datasets import DATASETS, make
from .dense import Dense
from .nn import init_weight

FEATURES = {
    "x1": lambda X: X[:, 0], "x2": lambda X: X[:, 1],
    "x1²": lambda X: X[:, 0] ** 2, "x2²": lambda X: X[:, 1] ** 2,
    "x1·x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: np.sin(X[:, 0]), "sin x2": lambda X: np.sin(X[:, 1]),
}
ONE_D = ("x1", "x1²", "sin x1")  # the features regression (one input) can use
ACTIVATIONS = ("tanh", "relu", "sigmoid")
TASKS = ("classify", "regress")
REGRESSION_DATASETS = ("sine", "parabola")
MAX_POINTS = 1000      # train + test
MAX_COORD = 10.0       # |x1|, |x2| and a regression target
MAX_LAYERS, MAX_UNITS = 6, 8
MAX_EPOCHS = 100       # per request
GRID = 40              # boundary cells per axis (classification)
NEURON_GRID = 16       # a hidden neuron's small heat map, cells per axis
CURVE = 100            # regression: prediction samples along x
DIVERGED = 1e6         # a data loss above this (or non-finite) stops training
MAX_SCALAR = 64        # weights and biases the scalar program writes out (~4 nodes each)


@dataclass
class Setup:
    task: str = "classify"
    train: list = field(default_factory=list)   # [[x1, x2, label]] or [[x, y]]
    test: list = field(default_factory=list)
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    lr: float = 0.03
    batch_size: int = 10
    l2: float = 0.0
    seed: int = 0
    epoch: int = 0           # epochs already taken by `weights`
    epochs: int = 1          # epochs to take now (0: only look)
    weights: list | None = None
    point: int | None = None  # the chosen training point, by index
    watch: tuple[int, int, int] = (0, 0, 0)  # the plotted weight: W_(k+1)[i][j]
    scalar: bool = False      # the point's program one multiply and add at a time


def check(s: Setup) -> None:
    """Every bad field as a ProgramValueError naming it (the server's 400)."""
    if s.task not in TASKS:
        raise ProgramValueError(f"task must be one of {TASKS}")
    if s.activation not in ACTIVATIONS:
        raise ProgramValueError(f"activation must be one of {ACTIVATIONS}")
    if not s.features or len(set(s.features)) != len(s.features):
        raise ProgramValueError("features: choose at least one, each once")
    allowed = ONE_D if s.task == "regress" else tuple(FEATURES)
    for f in s.features:
        if f not in allowed:
            raise ProgramValueError(f"features: {f!r} is not one of {', '.join(allowed)}"
                                    + (" (regression has one input, x1)" if s.task == "regress"
                                       else ""))
    if len(s.hidden) > MAX_LAYERS or any(not 1 <= u <= MAX_UNITS for u in s.hidden):
        raise ProgramValueError(f"hidden: at most {MAX_LAYERS} layers of 1 to {MAX_UNITS} "
                                "neurons")
    if len(s.train) + len(s.test) > MAX_POINTS:
        raise ProgramValueError(f"at most {MAX_POINTS} points in all (train + test)")
    if not s.train:
        raise ProgramValueError("train: add at least one training point")
    width = 3 if s.task == "classify" else 2
    for split in ("train", "test"):
        for i, p in enumerate(getattr(s, split)):
            where = f"{split} point {i}"
            if len(p) != width:
                raise ProgramValueError(f"{where}: give {width} numbers "
                                        + ("(x1, x2, label)" if width == 3 else "(x, y)"))
            if not all(isinstance(v, (int, float)) and math.isfinite(v) and abs(v) <= MAX_COORD
                       for v in p):
                raise ProgramValueError(f"{where}: numbers must be finite and within "
                                        f"±{MAX_COORD:g}")
            if width == 3 and p[2] not in (0, 1):
                raise ProgramValueError(f"{where}: the label must be 0 or 1")
    if not (math.isfinite(s.lr) and 0 < s.lr <= 10):
        raise ProgramValueError("lr must be in (0, 10]")
    if not 1 <= s.batch_size <= MAX_POINTS:
        raise ProgramValueError(f"batch_size must be 1 to {MAX_POINTS}")
    if not (math.isfinite(s.l2) and 0 <= s.l2 <= 1):
        raise ProgramValueError("l2 must be in [0, 1]")
    if not 0 <= s.epochs <= MAX_EPOCHS:
        raise ProgramValueError(f"epochs must be 0 to {MAX_EPOCHS} per request")
    if s.point is not None and not 0 <= s.point < len(s.train):
        raise ProgramValueError(f"point: there is no training point {s.point}")
    n = sum(a * b + b for a, b in zip(sizes(s), sizes(s)[1:], strict=False))
    if s.scalar and n > MAX_SCALAR:
        raise ProgramValueError(f"scalar: the scalar graph writes out at most {MAX_SCALAR} "
                                f"weights and biases; this network has {n} (fewer neurons, "
                                "or the tensor graph)")


def sizes(s: Setup) -> list[int]:
    return [len(s.features), *s.hidden, 2 if s.task == "classify" else 1]


def initial_weights(s: Setup) -> list[np.ndarray]:
    rng = np.random.default_rng(s.seed)
    init = "he" if s.activation == "relu" else "xavier"
    out = []
    for a, b in zip(sizes(s), sizes(s)[1:], strict=False):
        out += [init_weight(rng, a, b, init, np.float64), np.zeros(b)]
    return out


def given_weights(s: Setup) -> list[np.ndarray]:
    """The page's weights, checked against the network's shapes."""
    shapes = [shape for a, b in zip(sizes(s), sizes(s)[1:], strict=False)
              for shape in ((a, b), (b,))]
    if len(s.weights) != len(shapes):
        raise ProgramValueError(f"weights: {len(s.weights)} arrays for a network of "
                                f"{len(shapes)} (W and b per layer); reset to start afresh")
    out = []
    for k, (w, shape) in enumerate(zip(s.weights, shapes, strict=True)):
        name = f"{'Wb'[k % 2]}{k // 2 + 1}"
        try:
            a = np.array(w, dtype=np.float64)
        except (ValueError, TypeError):
            raise ProgramValueError(f"weights: {name} is not a rectangle of numbers") from None
        if a.shape != shape:
            raise ProgramValueError(f"weights: {name} has shape {a.shape}, the network needs "
                                    f"{shape}; reset to start afresh")
        if not np.isfinite(a).all():
            raise ProgramValueError(f"weights: {name} holds a non-finite number")
        out.append(a)
    return out


def featurize(features, X: np.ndarray) -> np.ndarray:
    return np.stack([FEATURES[f](X) for f in features], axis=1)


def as_arrays(s: Setup, points: list) -> tuple[np.ndarray, np.ndarray]:
    P = np.array(points, dtype=np.float64).reshape(-1, 3 if s.task == "classify" else 2)
    if s.task == "classify":
        return P[:, :2], P[:, 2].astype(int)
    return np.c_[P[:, 0], np.zeros(len(P))], P[:, 1]


def step(s: Setup) -> dict:
    """Train `epochs` epochs from `weights` (or the seed's initial ones) and
    describe the network after them: losses per epoch, boundary, each hidden
    neuron's map, the gradient of every weight, the chosen point's program."""
    check(s)
    weights = initial_weights(s) if s.weights is None else given_weights(s)
    net = Dense(weights, s.activation, s.task)
    X, y = as_arrays(s, s.train)
    Xt, yt = as_arrays(s, s.test)
    F, Ft = featurize(s.features, X), featurize(s.features, Xt)
    history = []
    if s.weights is None:
        history.append(_measure(net, s, F, y, Ft, yt, s.epoch))
    diverged = not _finite(history)
    for e in range(s.epoch, s.epoch + s.epochs):
        if diverged:
            break
        order = np.random.default_rng([s.seed, e]).permutation(len(y))
        for lo in range(0, len(y), s.batch_size):
            batch = order[lo:lo + s.batch_size]
            with np.errstate(all="ignore"):
                _, grads = net.loss_and_grads(F[batch], y[batch])
                for k, g in enumerate(grads):
                    if s.l2 and k % 2 == 0:
                        g = g + 2.0 * s.l2 * weights[k]
                    weights[k] -= s.lr * g  # in place: the net holds these arrays
        history.append(_measure(net, s, F, y, Ft, yt, e + 1))
        diverged = not _finite(history)
    epoch = history[-1]["epoch"] if history else s.epoch
    with np.errstate(all="ignore"):
        _, grads = net.loss_and_grads(F, y)
    return {
        "epoch": epoch, "diverged": diverged,
        "weights": [_clean(w) for w in weights], "grads": [_clean(g) for g in grads],
        "history": history, **_pictures(net, s, X, Xt),
        "point": None if s.point is None else point_program(net, s, X[s.point], y[s.point]),
    }


def _finite(history: list[dict]) -> bool:
    return not history or (history[-1]["train_loss"] is not None
                            and history[-1]["train_loss"] < DIVERGED)


def _measure(net: Dense, s: Setup, F, y, Ft, yt, epoch: int) -> dict:
    """The data losses (no L2) after `epoch` epochs, and the chosen point's
    loss and its gradient with respect to the watched weight."""
    with np.errstate(all="ignore"):
        entry = {"epoch": epoch, "train_loss": _num(net.loss(net.output(F), y)),
                 "test_loss": _num(net.loss(net.output(Ft), yt)) if len(yt) else None}
        if s.point is not None:
            k, i, j = s.watch
            loss, grads = net.loss_and_grads(F[s.point:s.point + 1], y[s.point:s.point + 1])
            W = grads[2 * k] if 2 * k < len(grads) else None
            inside = W is not None and i < W.shape[0] and j < W.shape[1]
            entry["point_loss"] = _num(loss)
            entry["point_grad"] = _num(W[i, j]) if inside else None
    return entry


def _num(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _clean(a: np.ndarray) -> list:
    return np.nan_to_num(a, nan=0.0, posinf=1e300, neginf=-1e300).tolist()


def plane(X: np.ndarray, Xt: np.ndarray) -> float:
    """Half the side of the square shown: the points with a margin, at least 1.5."""
    both = np.r_[X.ravel(), Xt.ravel()]
    return max(1.5, round(float(np.abs(both).max()) * 1.05, 2) if both.size else 1.5)


def _pictures(net: Dense, s: Setup, X: np.ndarray, Xt: np.ndarray) -> dict:
    """Classify: P(class 1) on a GRID² square and each hidden neuron's output on
    a coarser one; regress: the prediction and each neuron along x."""
    if s.task == "classify":
        half = plane(X, Xt)
        xs = np.linspace(-half, half, GRID)
        small = np.linspace(-half, half, NEURON_GRID)
        gx, gy = np.meshgrid(xs, xs)
        with np.errstate(all="ignore"):
            out = net.output(featurize(s.features, np.c_[gx.ravel(), gy.ravel()]))
            p1 = 1.0 / (1.0 + np.exp(out[:, 0] - out[:, 1]))
            sx, sy = np.meshgrid(small, small)
            cache = net.forward(featurize(s.features, np.c_[sx.ravel(), sy.ravel()]))
        n = NEURON_GRID
        neurons = [[_round(c[2][:, u].reshape(n, n)) for u in range(c[2].shape[1])]
                   for c in cache[:-1]]
        return {"grid": xs.tolist(), "neuron_grid": small.tolist(),
                "boundary": _round(p1.reshape(GRID, GRID)), "neurons": neurons}
    both = np.r_[X[:, 0], Xt[:, 0]]
    lo, hi = float(both.min()), float(both.max())
    pad = max(0.1, (hi - lo) * 0.05)
    xs = np.linspace(lo - pad, hi + pad, CURVE)
    with np.errstate(all="ignore"):
        cache = net.forward(featurize(s.features, np.c_[xs, np.zeros(CURVE)]))
    neurons = [[_round(c[2][:, u]) for u in range(c[2].shape[1])] for c in cache[:-1]]
    return {"grid": xs.tolist(), "curve": _round(cache[-1][2][:, 0]), "neurons": neurons}


def _round(a: np.ndarray) -> list:
    return np.round(np.nan_to_num(a, nan=0.0, posinf=1e6, neginf=-1e6), 4).tolist()


def point_program(net: Dense, s: Setup, x: np.ndarray, label) -> dict:
    """The chosen point's loss as a chainrule program with this moment's weights
    in full precision: the step-through traces it (no L2: one point's data loss).
    Tensor form: x @ W + b per layer. Scalar form (`s.scalar`): every weight a
    leaf W1_i_j (W1[i][j]), every neuron a sum of products, the cross-entropy
    written out as log(exp(z0) + exp(z1)) − z_label, as micrograd draws it."""
    write = _scalar_program if s.scalar else _tensor_program
    program = write(net, s, x, label)
    return {"index": s.point, "program": program, "trace": trace_program(program),
            "scalar": s.scalar}


def _tensor_program(net: Dense, s: Setup, x: np.ndarray, label) -> str:
    f = featurize(s.features, x[None, :])[0]
    named = ", ".join(s.features)
    lines = [f"x = [{_row(f)}]  # the point {_where(s, x)}: features {named}"]
    h = "x"
    act = s.activation
    for k in range(net.layers):
        W, b = net.weights[2 * k], net.weights[2 * k + 1]
        lines.append(f"W{k + 1} = [{', '.join(f'[{_row(r)}]' for r in W)}]")
        lines.append(f"b{k + 1} = [{_row(b)}]")
        if k < net.layers - 1:
            lines.append(f"h{k + 1} = {act}({h} @ W{k + 1} + b{k + 1})")
            h = f"h{k + 1}"
        else:
            out = "logits" if s.task == "classify" else "pred"
            lines.append(f"{out} = {h} @ W{k + 1} + b{k + 1}")
    if s.task == "classify":
        lines.append(f"loss = cross_entropy(logits, {int(label)})")
    else:
        lines.append(f"loss = mse(pred, {float(label)!r})")
    return "\n".join(lines)


# Each feature as an expression of the point's coordinates, and its name there.
SCALAR_FEATURES = {"x1": ("x1", None), "x2": ("x2", None), "x1²": ("x1sq", "x1**2"),
                   "x2²": ("x2sq", "x2**2"), "x1·x2": ("x1x2", "x1*x2"),
                   "sin x1": ("sinx1", "sin(x1)"), "sin x2": ("sinx2", "sin(x2)")}


def _scalar_program(net: Dense, s: Setup, x: np.ndarray, label) -> str:
    a, b = float(x[0]), float(x[1])
    lines = [f"# the point {_where(s, x)}, one multiply and add at a time",
             f"x1 = {a!r}"]
    if s.task == "classify":
        lines.append(f"x2 = {b!r}")
    h = []
    for f in s.features:
        name, expr = SCALAR_FEATURES[f]
        if expr:
            lines.append(f"{name} = {expr}")
        h.append(name)
    for k in range(net.layers):
        W, bias = net.weights[2 * k], net.weights[2 * k + 1]
        for i, row in enumerate(W):
            lines.append("  ".join(f"W{k + 1}_{i}_{j} = {float(w)!r}" for j, w in enumerate(row))
                         .replace("  ", "; "))
        lines.append("; ".join(f"b{k + 1}_{j} = {float(v)!r}" for j, v in enumerate(bias)))
        last = k == net.layers - 1
        out = []
        for j in range(W.shape[1]):
            total = " + ".join(f"{h[i]}*W{k + 1}_{i}_{j}" for i in range(W.shape[0]))
            name = (f"z{j}" if s.task == "classify" else "pred") if last else f"h{k + 1}_{j}"
            body = f"{total} + b{k + 1}_{j}"
            lines.append(f"{name} = {body}" if last else f"{name} = {s.activation}({body})")
            out.append(name)
        h = out
    if s.task == "classify":
        lines.append(f"loss = log(exp(z0) + exp(z1)) - z{int(label)}  # cross-entropy, "
                     f"class {int(label)}")
    else:
        lines.append(f"loss = (pred - {float(label)!r})**2")
    return "\n".join(lines)


def _where(s: Setup, x: np.ndarray) -> str:
    a, b = float(x[0]), float(x[1])
    return f"(x1, x2) = ({a!r}, {b!r})" if s.task == "classify" else f"x1 = {a!r}"


def _row(v: np.ndarray) -> str:
    return ", ".join(repr(float(a)) for a in v)


def dataset(name: str, points: int, noise: float, seed: int) -> dict:
    """A seeded starting dataset as the page holds points: [x1, x2, label] (or
    [x, y]) rounded to 3 decimals, so the URL's compact copy is exact; the
    first 30% are the test points."""
    if name in DATASETS:
        X, y = make(name, points, noise, seed)
        P = np.c_[np.round(X, 3), y]
    elif name in REGRESSION_DATASETS:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1, 1, points)
        clean = np.sin(3 * x) if name == "sine" else x * x * 1.5 - 0.5
        P = np.round(np.c_[x, clean + rng.standard_normal(points) * noise], 3)
    else:
        raise ProgramValueError(f"dataset must be one of {DATASETS + REGRESSION_DATASETS}")
    rows = [[float(a) for a in r[:-1]] + [int(r[-1]) if name in DATASETS else float(r[-1])]
            for r in P]
    n_test = round(0.3 * len(rows))
    return {"task": "classify" if name in DATASETS else "regress",
            "train": rows[n_test:], "test": rows[:n_test]}
