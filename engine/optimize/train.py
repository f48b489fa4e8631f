"""Gradient descent on a program's chosen leaves until the loss settles.

Step 0 of the history is the starting point; step k is the point after k
updates, with its loss and the gradient there. The run stops when
|L_k − L_(k−1)| < tol (converged), after max_steps updates (max_steps), or
when the loss is no longer finite (diverged), or, given a validation set and
a patience, when the validation loss stopped improving (early_stopping: the
result's params are those of the best step); a caller's `should_stop` may
end it early with its own reason (cancelled, time_limit). Stopping is a
result, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..autodiff.backward import backward
from ..autodiff.numeric import Value, is_finite
from ..errors import LimitError, ProgramValueError, UndefinedNameError
from ..explain.trace import jsonable
from ..language.compile import compile_program
from ..limits import DEFAULT_LIMITS, Limits
from .fit import Fit
from .heldout import EarlyStopping, HeldOut, check_validation
from .optim import OptimizerConfig, worked_update
from .regularize import with_penalties


def train_program(program: str, params: list[str], optimizer: OptimizerConfig,
                  max_steps: int, tol: float, *, l1: float = 0.0, l2: float = 0.0,
                  values: dict | None = None, validation: dict | None = None,
                  patience: int | None = None, min_delta: float = 0.0,
                  limits: Limits = DEFAULT_LIMITS,
                  on_record: Callable[[dict], None] | None = None,
                  should_stop: Callable[[], str | None] | None = None) -> dict:
    """Train `params` of `program`; returns {history, stopped, params, program,
    best_step} where `program` is the text trained (with any penalty
    statements). With `validation` (values for the data leaves) each history
    entry also holds train_loss and validation_loss (data terms, no penalty);
    with `patience` too, the run stops early at a validation minimum."""
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 0:
        raise ProgramValueError("max_steps must be a whole number ≥ 0")
    if not (isinstance(tol, int | float) and math.isfinite(tol) and tol >= 0):
        raise ProgramValueError("tol must be a number ≥ 0")
    parser, output = compile_program(program, values, limits)  # errors at their places
    _check_params(params, parser)
    check_validation(validation, params, parser.leaves)
    if patience is not None and validation is None:
        raise ProgramValueError("early_stopping needs a validation set to watch")
    held_out = None
    if validation is not None:
        held_out = (HeldOut(program, params, values, limits, "values"),
                    HeldOut(program, params, {**(values or {}), **validation}, limits,
                            "validation"))
    early = EarlyStopping(patience, min_delta) if patience is not None else None
    program = with_penalties(program, params, l1, l2, values, limits)
    parser, output = compile_program(program, values, limits)
    graph = parser.graph
    leaf_ids = [parser.leaves[name] for name in params]
    numbers = sum(graph.size_of(i) for i in leaf_ids) * (max_steps + 1)
    if numbers > limits.max_total_elements:
        raise LimitError(f"the history would hold {numbers} parameter values, over the limit "
                         f"of {limits.max_total_elements}: train fewer steps or parameters")
    for i in leaf_ids:  # updates go in place: never into the caller's arrays
        if graph.values[i].__class__ is not float:
            graph.values[i] = graph.values[i].copy()

    opt = optimizer.build()
    fit = Fit.detect(program, values, params, parser, limits)
    every = max(1, max_steps // 100)  # curves sent per run: about 100
    history: list[dict] = []
    previous = None
    step = 0
    update = None  # the worked update that led to this step (none before step 1)
    while True:
        loss = graph.values[output]
        grads, _ = backward(graph, output, record=False)
        g = [grads[i] for i in leaf_ids]
        current = [graph.values[i] for i in leaf_ids]
        entry = _entry(step, loss, params, current, g)
        if update is not None:
            entry["update"] = update
        stopped = None
        if held_out is not None:
            validation_loss = held_out[1].loss(current)
            entry["train_loss"] = jsonable(held_out[0].loss(current))
            entry["validation_loss"] = jsonable(validation_loss)
            if early is not None and early.update(step, validation_loss):
                stopped = "early_stopping"
        stopped = _stop_reason(loss, previous, tol, step, max_steps) or stopped
        if fit is not None and (step % every == 0 or stopped is not None):
            entry["fit"] = fit.curve(current)
            if step == 0:
                entry["fit_data"] = fit.data()
        history.append(entry)
        if on_record is not None:
            on_record(entry)
        if stopped is None and should_stop is not None:
            stopped = should_stop()
        if stopped is not None:
            break
        old = [_first(graph.values[i]) for i in leaf_ids]  # arrays change in place
        before = [opt.buffers(k) for k in range(len(leaf_ids))]
        new = opt.step([graph.values[i] for i in leaf_ids], g)
        update = {name: _worked(opt, k, old[k], g[k], new[k], before[k])
                  for k, name in enumerate(params)}
        for i, value in zip(leaf_ids, new, strict=True):
            graph.values[i] = value
        graph.forward()
        previous = loss
        step += 1
    best_step = early.best_step if early is not None else None
    kept = history[best_step if stopped == "early_stopping" and best_step is not None else -1]
    return {"history": history, "stopped": stopped, "params": kept["params"],
            "program": program, "best_step": best_step}


def _first(x) -> float:
    return float(x) if x.__class__ is float else float(np.ravel(x)[0])


def _worked(opt, k: int, old: float, g, new, before: dict) -> dict:
    """The update of parameter k written out; an array shows its first
    element (`element`, the index), every other element follows the same rule."""
    out = {name: jsonable(v) if isinstance(v, float) else v
           for name, v in worked_update(opt, k, old, g, new, before).items()}
    out["element"] = None if new.__class__ is float else [0] * np.ndim(new)
    return out


def _check_params(params: list[str], parser) -> None:
    if not isinstance(params, list) or not params:
        raise ProgramValueError("params must name at least one leaf to train")
    if len(set(params)) != len(params):
        raise ProgramValueError("params names a leaf twice")
    for name in params:
        if name not in parser.leaves:
            raise UndefinedNameError(f"params: '{name}' is not a leaf of the program "
                                     f"(leaves: {', '.join(parser.leaves) or 'none'})")


def _stop_reason(loss: float, previous: float | None, tol: float, step: int,
                 max_steps: int) -> str | None:
    if not is_finite(loss):
        return "diverged"
    if previous is not None and abs(loss - previous) < tol:
        return "converged"
    if step >= max_steps:
        return "max_steps"
    return None


def _entry(step: int, loss: float, names: list[str], values: list[Value],
           grads: list[Value]) -> dict:
    with np.errstate(all="ignore"):
        squares = [float(g * g) if g.__class__ is float else float(np.vdot(g, g))
                   for g in grads]
    return {"step": step, "loss": jsonable(float(loss)),
            "params": {n: jsonable(v) for n, v in zip(names, values, strict=True)},
            "grad_norm": jsonable(math.sqrt(sum(squares))),
            "grad_norms": {n: jsonable(math.sqrt(s)) for n, s in zip(names, squares,
                                                                      strict=True)}}
