"""Held-out data and early stopping: the loss a training run does not descend.

A validation set is the same program evaluated with other values for its data
leaves: at each step the trained parameters are copied in and the program is
run forward, never backward, so the validation loss can only report on the
parameters, never steer them. The training run's own `loss` includes any
penalty; `train_loss` here is the data term alone, comparable with
`validation_loss`.
"""

from __future__ import annotations

import math

from ..autodiff.numeric import Value, is_finite
from ..errors import ProgramError, ProgramValueError, UndefinedNameError
from ..language.compile import compile_program
from ..limits import Limits


class HeldOut:
    """The program's data loss (no penalty) at the given values, for any
    parameters."""

    def __init__(self, program: str, params: list[str], values: dict | None,
                 limits: Limits, what: str):
        try:
            prog, self.output = compile_program(program, values, limits)
        except ProgramError as err:
            raise type(err)(f"{what}: {err.message}", err.line, err.col) from None
        self.graph = prog.graph
        self.leaf_ids = [prog.leaves[name] for name in params]

    def loss(self, params: list[Value]) -> float:
        values = self.graph.values
        for i, value in zip(self.leaf_ids, params, strict=True):
            values[i] = value  # same leaf, same shape: validation cannot set parameters
        return float(self.graph.forward())


def check_validation(validation: dict | None, params: list[str], leaves: dict) -> None:
    """Validation values may replace data leaves and free names, never the
    parameters being trained (those come from the run)."""
    if validation is None:
        return
    if not isinstance(validation, dict) or not validation:
        raise ProgramValueError("validation must give values for the data leaves")
    for name in validation:
        if name in params:
            raise UndefinedNameError(f"validation['{name}'] is a trained parameter: validation "
                                     "sets data, the run sets the parameters")


class EarlyStopping:
    """Stop when the validation loss has not improved by more than
    `min_delta` for `patience` steps; remember the best step."""

    def __init__(self, patience: int, min_delta: float = 0.0):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ProgramValueError("early_stopping patience must be a whole number ≥ 1")
        if not (math.isfinite(min_delta) and min_delta >= 0):
            raise ProgramValueError("early_stopping min_delta must be a number ≥ 0")
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_step = math.inf, None

    def update(self, step: int, validation_loss: float) -> bool:
        """Record one step's validation loss; True when the run should stop."""
        if is_finite(validation_loss) and validation_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_step = validation_loss, step
        since = step - (self.best_step if self.best_step is not None else 0)
        return since >= self.patience
