"""Program text (and values for its free names) -> a Program holding the
evaluated graph: the one entry point from text to autodiff."""

from __future__ import annotations

import re

from ..errors import LimitError, ParseError, ProgramValueError, ShapeError, UndefinedNameError
from ..limits import DEFAULT_LIMITS, Limits
from .program import Program
from .tensors import to_value
from .tokens import line_col, line_starts

# Half of a UTF-16 pair on its own (a JSON body may carry "\ud800"): not a
# character, and no UTF-8 encoder will write it back out, so not even a comment
# may hold one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_surrogates(program: str) -> None:
    bad = _SURROGATE.search(program)
    if bad is not None:
        raise ParseError(f"a lone surrogate (\\u{ord(bad[0]):04x}) is not a character: "
                         "the text was cut inside a UTF-16 pair",
                         *line_col(line_starts(program), bad.start()))


def normalize_text(program: str) -> str:
    r"""One newline convention: `\r\n` and a lone `\r` end a line as `\n` does
    (so a `\` before CRLF continues it), and a UTF-8 byte-order mark at the
    start, which editors do not show, is not part of the program. Line and
    column numbers stay those an editor shows."""
    if program.startswith("\ufeff"):
        program = program[1:]
    if "\r" in program:
        program = program.replace("\r\n", "\n").replace("\r", "\n")
    return program


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
    program = normalize_text(program)
    refuse_surrogates(program)
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
