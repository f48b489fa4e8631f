"""One training step (forward, backward, Adam) of a 784-128-64-10 ReLU MLP,
float32, one thread: chainrule's graph engine beside PyTorch CPU and a
hand-written numpy step; then the digits classifier's wall time to 95%.

    python benchmarks/mlp_step.py [--repeat 300]
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # before numpy loads its BLAS: one thread, like torch below

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from chainrule.nets.digits import DigitsConfig, train_digits  # noqa: E402
from chainrule.nets.nn import build_mlp  # noqa: E402
from chainrule.optimize.optim import Adam  # noqa: E402

SIZES = [784, 128, 64, 10]


def timed(step, repeat: int) -> float:
    """Median over 5 rounds of the mean step time, in ms, after a warm-up."""
    for _ in range(20):
        step()
    rounds = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeat):
            step()
        rounds.append((time.perf_counter() - t) / repeat * 1e3)
    return float(np.median(rounds))


def chainrule_step(X, y):
    net = build_mlp(SIZES, len(y), seed=0)
    opt = Adam(1e-3)
    yf = y.astype(np.float64)

    def step():
        _, grads = net.loss_and_grads(X, yf)
        net.set_values(opt.step(net.values(), grads))
    return step


def numpy_step(X, y):
    """The same maths written out by hand: the floor for a numpy engine."""
    rng = np.random.default_rng(0)
    Ws = [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32)
          for a, b in zip(SIZES, SIZES[1:], strict=False)]
    bs = [np.zeros(b, np.float32) for b in SIZES[1:]]
    params = [p for pair in zip(Ws, bs, strict=True) for p in pair]
    opt = Adam(1e-3)
    rows = np.arange(len(y))

    def step():
        hs, h = [X], X
        for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            h = h @ W + b
            if k < len(Ws) - 1:
                h = np.maximum(h, 0)
            hs.append(h)
        p = np.exp(h - h.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[rows, y] -= 1
        g, grads = p / len(y), []
        for k in range(len(Ws) - 1, -1, -1):
            grads[:0] = [hs[k].T @ g, g.sum(axis=0)]
            if k:
                g = (g @ Ws[k].T) * (hs[k] > 0)
        opt.step(params, grads)
    return step


def torch_step(X, y):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for k, (a, b) in enumerate(zip(SIZES, SIZES[1:], strict=False)):
        layers.append(torch.nn.Linear(a, b))
        if k < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))

    def step():
        opt.zero_grad()
        loss_fn(net(Xt), yt).backward()
        opt.step()
    return step


def digits_to_95(seed: int = 0) -> tuple[float, int]:
    """Seconds of training (evaluation included) until the held-out accuracy is ≥ 95%."""
    reached = {}

    def on_epoch(e):
        if e["test_accuracy"] >= 0.95 and not reached:
            reached.update(seconds=e["seconds"], epoch=e["epoch"])
    train_digits(DigitsConfig(epochs=40, seed=seed), on_epoch=on_epoch,
                 should_stop=lambda: "reached" if reached else None)
    return reached.get("seconds", float("nan")), reached.get("epoch", -1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    print(f"MLP {'-'.join(map(str, SIZES))}, float32, one thread, ms per step "
          "(forward + backward + Adam), median of 5 rounds")
    print(f"{'batch':>5}  {'chainrule':>9}  {'torch':>7}  {'numpy':>7}  {'chainrule/torch':>15}")
    for batch in (64, 256):
        X = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
        y = rng.integers(0, 10, batch)
        ours = timed(chainrule_step(X, y), args.repeat)
        theirs = timed(torch_step(X, y), args.repeat)
        floor = timed(numpy_step(X, y), args.repeat)
        print(f"{batch:>5}  {ours:>9.3f}  {theirs:>7.3f}  {floor:>7.3f}  {ours / theirs:>14.2f}×")
    runs = [digits_to_95(seed) for seed in range(5)]
    seconds = sorted(s for s, _ in runs)
    print(f"digits 64-32-10 to ≥ 95% test accuracy (5 seeds): median {np.median(seconds):.3f} s, "
          f"max {seconds[-1]:.3f} s, epochs {[e for _, e in runs]}")


if __name__ == "__main__":
    main()
