"""Vanishing and exploding gradients: one backward pass through a deep,
narrow network, and the gradient norm that reaches each layer's weights.

Backprop multiplies, layer after layer, by Wᵀ and by the activation's
derivative. σ' ≤ 1/4 shrinks the gradient at every layer (vanishing);
N(0, 1) weights on 32 inputs scale it by ~√32 per layer (exploding); Xavier
(tanh, sigmoid) and He (ReLU) choose the weights' scale so each layer passes
the gradient on at roughly the size it came in.
"""

from __future__ import annotations

import numpy as np

from ..explain.trace import jsonable
from .nn import INITS, build_mlp

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def layer_gradient_norms(depth: int = 15, activation: str = "sigmoid", init: str = "naive",
                         width: int = 32, batch: int = 64, seed: int = 0) -> dict:
    """‖dL/dW_k‖ for k = 1 (next to the input) .. depth + 1 (the output layer)."""
    if not 1 <= depth <= 50:
        raise ValueError("depth must be from 1 to 50")
    if activation not in ACTIVATIONS or init not in INITS:
        raise ValueError(f"activation in {ACTIVATIONS}, init in {INITS}")
    net = build_mlp([width] * (depth + 1) + [10], batch, activation=activation, init=init,
                    seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, batch).astype(np.float64)
    with np.errstate(all="ignore"):
        loss, grads = net.loss_and_grads(X, y)
        norms = [float(np.linalg.norm(g)) for name, g in zip(net.names, grads, strict=True)
                 if name.startswith("W")]
    return {"depth": depth, "activation": activation, "init": init, "loss": jsonable(loss),
            "layers": [{"layer": k, "grad_norm": jsonable(n)}
                       for k, n in enumerate(norms, start=1)]}
