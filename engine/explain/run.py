"""trace_program: text -> graph -> backward pass -> the JSON-ready trace with
its cost, the `=` replay and, on request, the gradient checks."""

from __future__ import annotations

import gc

from ..autodiff.backward import backward
from ..errors import ProgramValueError
from ..language.compile import compile_program
from ..limits import DEFAULT_LIMITS, Limits
from .accumulate import overwrite_replay
from .check import gradient_check
from .columns import FORMAT_COLUMNS, build_columns
from .cost import cost_of
from .size import refuse_if_too_big
from .symbolic import symbolic_check
from .tensor_paths import tensor_paths
from .trace import FORMAT, build


def trace_program(program: str, values: dict | None = None, check: bool = False, *,
                  limits: Limits = DEFAULT_LIMITS, format: str = FORMAT,  # noqa: A002
                  max_bytes: int | None = None, cost: bool | None = None,
                  overwrite: bool | None = None) -> dict:
    """The trace of `program` (format chainrule.trace/1), JSON-ready.

    `values` fills free names and overrides leaves; `check` adds central-
    difference gradients per leaf; `format="chainrule.trace/2"` gives the
    columns (docs/trace.md); a trace predicted to be over `max_bytes` in JSON
    is refused before it is built. `cost` and `overwrite` add those fields: by
    default trace/1 has them and trace/2 does not (on a big graph they cost
    as much as the columns). Every rejection is a ProgramError."""
    if format not in (FORMAT, FORMAT_COLUMNS):
        raise ProgramValueError(f"format must be {FORMAT!r} or {FORMAT_COLUMNS!r}")
    # The trace is millions of fresh, acyclic containers on big programs; the
    # cyclic GC would rescan them over and over and find nothing to free.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        prog, output = compile_program(program, values, limits)
        graph = prog.graph
        program = prog.text  # line endings and a byte-order mark normalized
        if format == FORMAT:
            grads, steps = backward(graph, output)
            if max_bytes is not None:  # predicts trace/1's size
                refuse_if_too_big(graph, grads, steps, check, max_bytes, prog.at)
            trace = build(program, graph, output, grads, steps, prog.leaves, prog.line_starts)
        else:  # the sweep writes the columns itself: no steps kept
            trace, grads = build_columns(program, graph, output, prog.leaves, prog.line_starts)
            steps = None
        if cost if cost is not None else format == FORMAT:
            trace["cost"] = cost_of(graph, output)
        if overwrite if overwrite is not None else format == FORMAT:
            if steps is None:  # the replay walks the recorded steps: record them now
                steps = backward(graph, output)[1]
            trace["overwrite"] = overwrite_replay(graph, output, grads, steps)
        paths = tensor_paths(graph, output, prog.leaves)
        if paths is not None:  # only programs with a tensor leaf
            trace["paths"] = paths
        if check:
            trace["check"] = gradient_check(graph, output, prog.leaves, grads, prog.at)
            symbolic_check(graph, output, prog.leaves, trace["check"], program,
                           seconds=limits.symbolic_seconds)
        return trace
    finally:
        if was_enabled:
            gc.enable()
