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

MATMUL = OPS["matmul"]
ADD = OPS["add"]


class Dense:
    def __init__(self, weights: list[np.ndarray], activation: str, task: str):
        self.weights = weights  # W1, b1, W2, b2, ...
        self.act = OPS[activation]
        self.task = task

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

    def loss(self, out: np.ndarray, y: np.ndarray) -> float:
        if self.task == "classify":
            return OPS["cross_entropy"].forward(out, y)
        return OPS["mse"].forward(out, y.reshape(-1, 1))

    def loss_and_grads(self, F: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        cache = self.forward(F)
        out = cache[-1][2]
        loss = self.loss(out, y)
        if self.task == "classify":
            g = OPS["cross_entropy"].local[0](out, y, loss)
        else:
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
