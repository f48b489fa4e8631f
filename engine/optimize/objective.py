"""A program's loss as a function of two (or more) scalar leaves, counting what
each optimizer spends: forward passes, gradients (forward + backward) and
Hessians (forward-over-reverse, one sweep per parameter)."""

from __future__ import annotations

import time

import numpy as np

from ..autodiff.backward import backward
from ..autodiff.graph import Graph
from ..errors import LimitError, ProgramValueError, UndefinedNameError
from .hessian import hessian


class OutOfTime(Exception):
    """The caller's deadline passed: the run stops with what it has."""


class Objective:
    def __init__(self, graph: Graph, output: int, leaf_ids: list[int],
                 deadline: float | None = None, budget: int | None = None):
        self.graph, self.output, self.ids = graph, output, leaf_ids
        self.first = min(leaf_ids)  # nodes before the first parameter never change
        self.deadline = deadline
        self.budget = budget  # node evaluations left, shared by every run and the grid
        self.reset()

    def reset(self) -> None:
        self.function_evals = self.gradient_evals = self.hessian_evals = 0

    @property
    def evaluations(self) -> int:
        return self.function_evals + self.gradient_evals + self.hessian_evals

    def cost(self) -> dict:
        return {"gradient_evals": self.gradient_evals, "function_evals": self.function_evals,
                "hessian_evals": self.hessian_evals}

    def _set(self, point: np.ndarray, passes: int) -> None:
        # A run's first point is always evaluated: every history has its step 0.
        if self.deadline is not None and self.evaluations and time.monotonic() > self.deadline:
            raise OutOfTime
        nodes = self.output + 1 - self.first
        if self.budget is not None:
            self.budget -= passes * nodes
            if self.budget < 0:
                raise LimitError("the comparison needs more node evaluations than the limit "
                                 "allows: ask for fewer steps, methods or grid points")
        values = self.graph.values
        for i, x in zip(self.ids, point, strict=True):
            values[i] = float(x)
        self.graph.forward(self.first, self.output + 1)

    def loss(self, point: np.ndarray, counted: bool = True) -> float:
        self._set(point, 1)
        self.function_evals += counted
        return self.graph.values[self.output]

    def gradient(self, point: np.ndarray) -> tuple[float, np.ndarray]:
        self._set(point, 2)
        self.gradient_evals += 1
        grads, _ = backward(self.graph, self.output, record=False)
        return self.graph.values[self.output], np.array([float(grads[i]) for i in self.ids])

    def newton_terms(self, point: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        self._set(point, 2 + 4 * len(self.ids))  # a backward, then per row a tangent sweep
        self.hessian_evals += 1
        g, h = hessian(self.graph, self.output, self.ids)
        return self.graph.values[self.output], g, h


def scalar_leaves(prog, params) -> list[int]:
    """The node ids of two distinct scalar leaves named in `params`."""
    if not isinstance(params, list) or len(params) != 2:
        raise ProgramValueError("params must name exactly two leaves (the plot's two axes)")
    if params[0] == params[1]:
        raise ProgramValueError("params names the same leaf twice")
    ids = []
    for name in params:
        if name not in prog.leaves:
            raise UndefinedNameError(f"params: '{name}' is not a leaf of the program "
                                     f"(leaves: {', '.join(prog.leaves) or 'none'})")
        i = prog.leaves[name]
        if prog.graph.values[i].__class__ is not float:
            raise ProgramValueError(f"params: '{name}' is a tensor; the comparison moves two "
                                    "scalar leaves", *prog.at(prog.graph.spans[i][0]))
        ids.append(i)
    return ids
