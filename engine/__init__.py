"""chainrule's engine: program text -> computation graph -> backward trace.

    >>> t = trace_program("w = 2.0; x = 3.0; loss = (w*x - 1)**2")
    >>> t["gradients"]["w"]
    30.0
"""

from __future__ import annotations

import gc

from .accumulate import overwrite_replay
from .check import gradient_check
from .cost import cost_of
from .errors import (
    LimitError,
    ParseError,
    ProgramError,
    ProgramValueError,
    ShapeError,
    UndefinedNameError,
)
from .graph import Graph
from .limits import DEFAULT_LIMITS, Limits
from .ops import OPS
from .program import Program
from .symbolic import symbolic_check
from .tensors import to_value
from .trace import FORMAT, build

__all__ = [
    "DEFAULT_LIMITS", "FORMAT", "OPS", "Graph", "LimitError", "Limits", "ParseError",
    "ProgramError", "ProgramValueError", "ShapeError", "UndefinedNameError", "compile_program",
    "trace_program",
]


def compile_program(program: str, values: dict | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> tuple[Program, int]:
    """Parse and evaluate a program: the Program holds the graph, its names,
    leaves and positions. Raises ProgramError for anything it cannot accept."""
    if not isinstance(program, str):
        raise ProgramValueError("the program must be text")
    if len(program) > limits.max_chars:
        line = program.count("\n", 0, limits.max_chars) + 1
        col = limits.max_chars - (program.rfind("\n", 0, limits.max_chars) + 1) + 1
        raise LimitError(f"the program is longer than {limits.max_chars} characters", line, col)
    values = dict(values or {})
    for name in values:
        if not isinstance(name, str) or not name.isidentifier():
            raise ProgramValueError(f"values has a key {name!r} that is not a name")
        values[name] = to_value(name, values[name], limits)
    prog = Program(program, values, limits)
    for name in values:
        if name not in prog.leaves:
            why = ("is computed by the program; values can set only leaves and free names"
                   if name in prog.names else "is not a name the program uses")
            raise UndefinedNameError(f"values['{name}'] {why}")
    out = prog.graph.values[prog.output]
    if out.__class__ is not float:
        raise ShapeError(f"the output has shape {out.shape}, but it must be a scalar: "
                         "wrap it in sum() or mean()", *prog.at(prog.output_start))
    return prog, prog.output


def trace_program(program: str, values: dict | None = None, check: bool = False, *,
                  limits: Limits = DEFAULT_LIMITS) -> dict:
    """The trace of `program` (format chainrule.trace/1), JSON-ready.

    `values` fills free names and overrides leaves; `check` adds central-
    difference gradients per leaf. Every rejection is a ProgramError."""
    # The trace is millions of fresh, acyclic containers on big programs; the
    # cyclic GC would rescan them over and over and find nothing to free.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        prog, output = compile_program(program, values, limits)
        graph = prog.graph
        grads, steps = graph.backward(output)
        trace = build(program, graph, output, grads, steps, prog.leaves, prog.line_starts)
        trace["cost"] = cost_of(graph, output)
        trace["overwrite"] = overwrite_replay(graph, output, grads, steps)
        if check:
            trace["check"] = gradient_check(graph, output, prog.leaves, grads)
            symbolic_check(graph, output, prog.leaves, trace["check"])
        return trace
    finally:
        if was_enabled:
            gc.enable()
