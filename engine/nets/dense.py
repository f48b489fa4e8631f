"""A dense network's forward and backward pass in one fused loop, for the
playground's many small epochs: the same op-table rules the graph uses
(each op's forward, its local derivative or VJP), called layer by layer
without building a graph node per op. engine/nets/nn.py's graph MLP gives
the same numbers (tests/nets/test_dense.py checks); this path skips the
per-node bookkeeping, which is most of an epoch's time on 200 points.

    F → [ @ W_k + b_k → act ] → ... → @ W_L + b_L = out
    classify: cross_entropy(out, y), out (N, 2) logits
    regress:  mse(out, y), out (N, 1) predictions
"""

from __future__ import annotations

import numpy as np

from ..autodiff.ops import OPS
from .nn import init_weight

MATMUL = OPS["matmul"]
ADD = OPS["add"]
LOG_SOFTMAX = OPS["log_softmax"]


class Dense:
    def __init__(self, weights: list[np.ndarray], activation: str, task: str = "classify"):
        self.weights = weights  # W1, b1, W2, b2, ...
        self.act = OPS[activation]
        self.task = task
        self.names = [f"{'Wb'[k % 2]}{k // 2 + 1}" for k in range(len(weights))]
        self.last_output: np.ndarray | None = None  # the batch's output of the last pass

    @classmethod
    def initial(cls, sizes: list[int], activation: str, init: str, seed: int,
                task: str = "classify") -> Dense:
        """The weights build_mlp draws for the same sizes, init and seed."""
        rng = np.random.default_rng(seed)
        weights = []
        for a, b in zip(sizes, sizes[1:], strict=False):
            weights += [init_weight(rng, a, b, init, np.float64), np.zeros(b)]
        return cls(weights, activation, task)

    def values(self) -> list[np.ndarray]:
        return self.weights

    def set_values(self, values: list[np.ndarray]) -> None:
        self.weights[:] = values

    @property
    def layers(self) -> int:
        return len(self.weights) // 2

    def forward(self, F: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per layer (input, pre-activation z, output): the last layer's output is z."""
        cache, h = [], F
        for k in range(self.layers):
            W, b = self.weights[2 * k], self.weights[2 * k + 1]
            z = ADD.forward(MATMUL.forward(h, W), b)
            out = self.act.forward(z) if k < self.layers - 1 else z
            cache.append((h, z, out))
            h = out
        return cache

    def output(self, F: np.ndarray) -> np.ndarray:
        return self.forward(F)[-1][2]

    logits_of = output  # as the graph MLP names it

    def loss(self, out: np.ndarray, y: np.ndarray) -> float:
        if self.task == "classify":
            return OPS["cross_entropy"].forward(out, y)
        return OPS["mse"].forward(out, y.reshape(-1, 1))

    def loss_and_grads(self, F: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        cache = self.forward(F)
        out = self.last_output = cache[-1][2]
        if self.task == "classify":
            # cross_entropy's forward and local rule share one log_softmax here (the
            # op table's two rules each compute it and re-check the labels, which
            # were checked once where the points came in): loss −mean(log p[t]),
            # local (softmax − onehot)/N, as rules.cross_entropy_local.
            logp = LOG_SOFTMAX.forward(out)
            t = y.astype(np.intp)
            rows = np.arange(t.size)
            loss = float(-logp[rows, t].mean())
            g = np.exp(logp)
            g[rows, t] -= 1.0
            g /= t.size
        else:
            loss = self.loss(out, y)
            g = OPS["mse"].local[0](out, y.reshape(-1, 1), loss)
        grads: list[np.ndarray] = [None] * len(self.weights)  # type: ignore[list-item]
        for k in range(self.layers - 1, -1, -1):
            h, z, a = cache[k]
            if k < self.layers - 1:
                g = g * self.act.local[0](z, a)  # elementwise: the activation's local
            W = self.weights[2 * k]
            grads[2 * k] = MATMUL.vjp[1](h, W, None, g)
            grads[2 * k + 1] = g.sum(axis=0)  # the bias broadcast over the batch
            if k:
                g = MATMUL.vjp[0](h, W, None, g)
        return loss, grads
