"""Classification playground speed: full-batch epochs per second on the
spiral (200 points, 2 → 16 → 16 → 2, tanh, Adam, float64): chainrule's graph
engine, its fused dense pass (the op table's rules layer by layer, what the
playground and /api/v1/classify train with) and the same network written out
in plain numpy, in one run; then a whole /api/v1/classify run (boundary
snapshots and accuracies included); then the playground's click → boundary
time: one /api/v1/playground/step answer of one epoch on 200 points with the
chosen point's trace, as the page asks after a click.

    python benchmarks/classify_epochs.py [--epochs 2000]
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # before numpy loads its BLAS: one thread each

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from chainrule.nets.classify import ClassifyConfig, train_classifier  # noqa: E402
from chainrule.nets.datasets import make  # noqa: E402
from chainrule.nets.dense import Dense  # noqa: E402
from chainrule.nets.nn import build_mlp, init_weight  # noqa: E402
from chainrule.nets.playground import Setup, dataset, step  # noqa: E402
from chainrule.optimize.optim import Adam, OptimizerConfig  # noqa: E402

SIZES = [2, 16, 16, 2]
LR = 0.03


def adam_epochs(net, X, y):
    """One full-batch Adam epoch of `net` per call (either network: same interface)."""
    opt = Adam(LR)

    def epoch():
        loss, grads = net.loss_and_grads(X, y)
        net.set_values(opt.step(net.values(), grads))
        return loss
    return epoch


def chainrule_epoch(X, y):
    net = build_mlp(SIZES, len(y), activation="tanh", init="xavier", seed=0, dtype=np.float64)
    return adam_epochs(net, X, y)


def fused_epoch(X, y):
    return adam_epochs(Dense.initial(SIZES, "tanh", "xavier", 0), X, y)


def click_to_boundary(rounds: int = 20) -> float:
    """Median seconds of one playground answer: one epoch, boundary, neuron maps,
    the chosen point's program traced (what a click while paused asks for)."""
    data = dataset("circle", 200, 0.05, 0)
    first = step(Setup(train=data["train"], test=data["test"], epochs=0))
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        step(Setup(train=data["train"], test=data["test"], epochs=1, weights=first["weights"],
                   point=3))
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def numpy_epoch(X, y):
    """The same network, loss and Adam by hand: forward, backward, update."""
    rng = np.random.default_rng(0)
    params = []
    for a, b in zip(SIZES, SIZES[1:], strict=False):
        params += [init_weight(rng, a, b, "xavier", np.float64), np.zeros(b)]
    opt = Adam(LR)
    onehot = np.eye(SIZES[-1])[y.astype(int)]
    n = len(y)

    def epoch():
        W1, b1, W2, b2, W3, b3 = params
        h1 = np.tanh(X @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        z = h2 @ W3 + b3
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), y.astype(int)]).mean()
        dz = (p - onehot) / n
        dh2 = (dz @ W3.T) * (1 - h2 * h2)
        dh1 = (dh2 @ W2.T) * (1 - h1 * h1)
        grads = [X.T @ dh1, dh1.sum(0), h1.T @ dh2, dh2.sum(0), h2.T @ dz, dz.sum(0)]
        params[:] = opt.step(params, grads)
        return loss
    return epoch


def rounds(epochs_of: dict, epochs: int, n: int = 5) -> tuple[dict, dict, dict]:
    """Each implementation's epochs per second, n rounds interleaved (round k of
    every one runs before round k+1 of any: on a shared machine a busy spell
    slows all of them, not one); medians of the rates and of the per-round
    ratios to numpy; the last losses."""
    for epoch in epochs_of.values():
        for _ in range(20):  # warm-up
            epoch()
    rates = {name: [] for name in epochs_of}
    losses = {}
    for _ in range(n):
        for name, epoch in epochs_of.items():
            t = time.perf_counter()
            for _ in range(epochs):
                losses[name] = epoch()
            rates[name].append(epochs / (time.perf_counter() - t))
    ratios = {name: float(np.median(np.array(r) / np.array(rates["numpy"])))
              for name, r in rates.items()}
    return {k: float(np.median(v)) for k, v in rates.items()}, ratios, losses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2000)
    args = ap.parse_args()
    X, y = make("spiral", 200, 0.05, 0)
    rate, ratio, loss = rounds({"graph": chainrule_epoch(X, y), "fused": fused_epoch(X, y),
                                "numpy": numpy_epoch(X, y)}, args.epochs)
    print(f"spiral, 200 points, 2-16-16-2 tanh, Adam, full batch, {args.epochs} epochs x 5, "
          "interleaved")
    for name, what in (("graph", "chainrule graph"), ("fused", "chainrule fused"),
                       ("numpy", "plain numpy")):
        print(f"  {what:17}  {rate[name]:9.0f} epochs/s   ratio to numpy {ratio[name]:5.2f}   "
              f"(loss after: {loss[name]:.4g})")
    config = ClassifyConfig(dataset="spiral", hidden=(16, 16), epochs=1000,
                            optimizer=OptimizerConfig("adam", lr=LR))
    t = time.perf_counter()
    run = train_classifier(config)
    seconds = time.perf_counter() - t
    print(f"  whole classify run (1000 epochs, 140 train points, 51 boundaries): "
          f"{seconds:.2f} s = {1000 / seconds:.0f} epochs/s, train accuracy "
          f"{run['train_accuracy']:.3f}")
    print(f"  playground click -> boundary (server side, 1 epoch, 200 points, the point's "
          f"trace): {click_to_boundary() * 1000:.1f} ms (median of 20)")


if __name__ == "__main__":
    main()
