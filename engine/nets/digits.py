"""The 8×8 handwritten digits, classified by a 64-32-10 ReLU network that
chainrule's own graph and backward pass train with Adam (minibatches,
float32). See engine/nets/data/README.md for the data's source and licence."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..explain.trace import jsonable
from ..optimize.optim import OptimizerConfig
from .nn import accuracy, build_mlp

DATA = Path(__file__).resolve().parent / "data" / "digits.npz"


@cache
def load() -> tuple[np.ndarray, np.ndarray]:
    """Pixels scaled to [0, 1] as float32, and labels as integers."""
    with np.load(DATA) as f:
        return (f["images"] / np.float32(16.0)).astype(np.float32), f["labels"].astype(np.intp)


def split(seed: int, test_fraction: float = 0.25):
    """A shuffled, class-stratified split: every digit in the test set in
    proportion."""
    X, y = load()
    rng = np.random.default_rng(seed)
    test = np.concatenate([rng.permutation(np.flatnonzero(y == c))[
        : round(test_fraction * np.sum(y == c))] for c in range(10)])
    train = np.setdiff1d(np.arange(len(y)), test)
    return X[train], y[train], X[test], y[test]


def subset(X: np.ndarray, y: np.ndarray, n: int, seed: int):
    """`n` training images, as many of each digit as n allows (seeded)."""
    rng = np.random.default_rng(seed + 2)
    per_class = [rng.permutation(np.flatnonzero(y == c)) for c in range(10)]
    rows = np.concatenate([np.array([c[k] for c in per_class if k < len(c)], dtype=np.intp)
                           for k in range(max(map(len, per_class)))])[:n]
    return X[rows], y[rows]


@dataclass(frozen=True, slots=True)
class DigitsConfig:
    epochs: int = 20
    seed: int = 0
    optimizer: OptimizerConfig = OptimizerConfig("adam", lr=0.01)
    batch: int = 32
    hidden: int = 32
    train_size: int | None = None  # a class-balanced subset, to make overfitting visible
    weight_decay: float = 0.0  # λ: each gradient gets + λ·w, as torch.optim's weight_decay


def train_digits(config: DigitsConfig = DigitsConfig(), *,
                 on_epoch: Callable[[dict], None] | None = None,
                 should_stop: Callable[[], str | None] | None = None) -> dict:
    """Train and report per epoch: mean loss, accuracies, per-layer gradient
    norms. Returns the history, the final accuracies, seconds, and the test
    set's predictions."""
    X, y, X_test, y_test = split(config.seed)
    if config.train_size is not None:
        X, y = subset(X, y, config.train_size, config.seed)
    net = build_mlp([64, config.hidden, 10], config.batch, seed=config.seed)
    opt = config.optimizer.build()
    rng = np.random.default_rng(config.seed + 1)
    yf, history, stopped = y.astype(np.float64), [], "max_steps"
    start = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(len(y))
        losses, squares = [], np.zeros(len(net.names))
        for at in range(0, len(y), config.batch):
            rows = order[at:at + config.batch]
            loss, grads = net.loss_and_grads(X[rows], yf[rows])
            if config.weight_decay:
                grads = [g + np.float32(config.weight_decay) * w
                         for g, w in zip(grads, net.values(), strict=True)]
            losses.append(loss)
            squares += [float(np.vdot(g, g)) for g in grads]
            net.set_values(opt.step(net.values(), grads))
        batches = len(losses)
        mean_loss = float(np.mean(losses))
        entry = {"epoch": epoch, "loss": jsonable(mean_loss),
                 "train_accuracy": accuracy(net, X, y),
                 "test_accuracy": accuracy(net, X_test, y_test),
                 "seconds": time.perf_counter() - start,
                 # root-mean-square over the epoch's batches, per parameter tensor
                 "grad_norms": {n: jsonable(v) for n, v in zip(
                     net.names, np.sqrt(squares / batches).tolist(), strict=True)}}
        history.append(entry)
        if on_epoch is not None:
            on_epoch(entry)
        if not np.isfinite(mean_loss):
            stopped = "diverged"
            break
        if should_stop is not None and (reason := should_stop()):
            stopped = reason
            break
    seconds = time.perf_counter() - start
    predicted = net.logits_of(X_test).argmax(axis=1)
    return {"history": history, "stopped": stopped, "seconds": seconds,
            "train_accuracy": accuracy(net, X, y), "test_accuracy": accuracy(net, X_test, y_test),
            "test_images": (X_test * 16).round().astype(int).tolist(),
            "test_labels": y_test.tolist(), "predictions": predicted.tolist(),
            "confusion": confusion(y_test, predicted, 10),
            "sample": digit_program(net, X_test[0], int(y_test[0])), "sample_index": 0}


def digit_program(net, x: np.ndarray, label: int) -> str:
    """The trained network on one test digit as a chainrule program: the same
    64-32-10 ReLU layers and cross-entropy, the trained weights (7 significant
    digits: float32 holds about that many), so the step-through retraces it."""
    values = dict(zip(net.names, net.values(), strict=True))

    def row(v) -> str:
        return ", ".join(f"{float(a):.7g}" for a in np.ravel(v))

    def matrix(m) -> str:
        return ", ".join(f"[{row(r)}]" for r in m)

    return "\n".join([
        f"x = [{row(x)}]  # one test digit: 8×8 pixels row by row, 0 to 1; class {label}",
        f"W1 = [{matrix(values['W1'])}]",
        f"b1 = [{row(values['b1'])}]",
        f"W2 = [{matrix(values['W2'])}]",
        f"b2 = [{row(values['b2'])}]",
        "h = relu(x @ W1 + b1)",
        "logits = h @ W2 + b2",
        f"loss = cross_entropy(logits, {label})"])


def confusion(labels: np.ndarray, predicted: np.ndarray, classes: int) -> list[list[int]]:
    """confusion[i][j]: test images of digit i the network called j."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    return counts.tolist()
