"""A feed-forward network as a chainrule graph: the same Graph, op table and
backward pass that trace a typed program, built here with the Graph API so
a batch of data can be swapped in as the value of a node at every step.

    X → [ @ W1 + b1 → act ] → ... → @ WL + bL = logits → cross_entropy(logits, y)

X and y are constants (data needs no gradient, so backward skips dL/dX);
the weights and biases are leaves. float32 stays float32 through matmul,
add, relu and cross_entropy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..autodiff.backward import backward
from ..autodiff.graph import Graph
from ..autodiff.numeric import Value
from ..autodiff.ops import OPS
from ..limits import Limits

NO_SPAN = (0, 0)  # built in code: no source text to point at
INITS = ("naive", "xavier", "he")


@dataclass
class MLP:
    graph: Graph
    names: list[str]        # W1, b1, W2, b2, ... in layer order
    params: list[int]       # their leaf nodes
    X: int
    y: int
    logits: int
    loss: int

    def values(self) -> list[Value]:
        return [self.graph.values[i] for i in self.params]

    def set_values(self, values: list[Value]) -> None:
        for i, v in zip(self.params, values, strict=True):
            self.graph.values[i] = v

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[Value]]:
        """One forward and backward pass over a batch."""
        g = self.graph
        g.values[self.X], g.values[self.y] = X, y
        loss = g.forward()
        grads, _ = backward(g, self.loss, record=False)
        return loss, [grads[i] for i in self.params]

    def logits_of(self, X: np.ndarray) -> np.ndarray:
        """Forward up to the logits only: no labels needed."""
        g = self.graph
        g.values[self.X] = X
        return g.forward(stop=self.logits + 1)


def init_weight(rng: np.random.Generator, fan_in: int, fan_out: int, init: str,
                dtype) -> np.ndarray:
    """naive: N(0, 1); xavier (Glorot): N(0, 2/(fan_in + fan_out)), keeps
    tanh/sigmoid signals at one scale; he: N(0, 2/fan_in), the same for ReLU,
    which zeroes half its inputs."""
    std = {"naive": 1.0, "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
           "he": math.sqrt(2.0 / fan_in)}[init]
    return (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype)


def build_mlp(sizes: list[int], batch: int, *, activation: str = "relu", init: str = "he",
              seed: int = 0, dtype=np.float32, limits: Limits | None = None) -> MLP:
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}")
    largest = max(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    limits = limits or Limits(max_tensor_elements=max(largest, batch * max(sizes)),
                              max_total_elements=10 ** 9)
    rng = np.random.default_rng(seed)
    g = Graph(limits)
    X = g.const(np.zeros((batch, sizes[0]), dtype), "X", NO_SPAN)
    y = g.const(np.zeros(batch), "y", NO_SPAN)
    names, params, h = [], [], X
    layers = len(sizes) - 1
    for k, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
        W = g.leaf(init_weight(rng, fan_in, fan_out, init, dtype), f"W{k}", NO_SPAN)
        b = g.leaf(np.zeros(fan_out, dtype), f"b{k}", NO_SPAN)
        names += [f"W{k}", f"b{k}"]
        params += [W, b]
        h = g.apply(OPS["add"], (g.apply(OPS["matmul"], (h, W), NO_SPAN), b), NO_SPAN)
        if k < layers:
            h = g.apply(OPS[activation], (h,), NO_SPAN)
    loss = g.apply(OPS["cross_entropy"], (h, y), NO_SPAN)
    return MLP(g, names, params, X, y, h, loss)


def accuracy(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    return float((net.logits_of(X).argmax(axis=1) == y).mean())
