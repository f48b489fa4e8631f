"""Regularisation as statements appended to the program, so the penalty is
ordinary graph nodes: the graph shows `l2_penalty`, and the ledger shows the
+= where its gradient (2·l2·p, l1·sign(p)) joins the data term's."""

from __future__ import annotations

import math
import re

from ..errors import ProgramValueError
from ..language.compile import compile_program
from ..limits import DEFAULT_LIMITS, Limits

_NAME = re.compile(r"[^\W\d]\w*")


def fresh(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}{k}"
    taken.add(name)
    return name


def with_penalties(program: str, params: list[str], l1: float = 0.0, l2: float = 0.0,
                   values: dict | None = None, limits: Limits = DEFAULT_LIMITS) -> str:
    """The program with `objective = <output> + l2*Σ sum(p**2) + l1*Σ sum(abs(p))`
    appended. The program must already compile: positions of errors are the
    caller's."""
    for name, k in (("l1", l1), ("l2", l2)):
        if not (math.isfinite(k) and k >= 0):
            raise ProgramValueError(f"regularization {name} must be a number ≥ 0")
    if not (l1 or l2):
        return program
    taken = set(_NAME.findall(program))
    parser, output = compile_program(program, values, limits)
    label = parser.graph.labels[output]
    if label is None or not _names_output(program, label, output, values, limits):
        # A bare expression, or its name rebound later: give the last statement a name.
        label = fresh("data_loss", taken)
        program = _name_last_statement(program, parser.graph.spans[output][0], label)
    lines, terms = [], [label]
    if l2:
        name = fresh("l2_penalty", taken)
        lines.append(f"{name} = {l2!r} * ({' + '.join(f'sum({p}**2)' for p in params)})")
        terms.append(name)
    if l1:
        name = fresh("l1_penalty", taken)
        lines.append(f"{name} = {l1!r} * ({' + '.join(f'sum(abs({p}))' for p in params)})")
        terms.append(name)
    objective = fresh("objective", taken)
    lines.append(f"{objective} = {' + '.join(terms)}")
    return program.rstrip() + "\n" + "\n".join(lines) + "\n"


def _names_output(program: str, label: str, output: int, values, limits: Limits) -> bool:
    _, again = compile_program(f"{program}\n{label}", values, limits)
    return again == output


def _name_last_statement(program: str, start: int, label: str) -> str:
    # The output's span may start inside its opening parentheses.
    while start > 0 and program[start - 1] in "( \t":
        start -= 1
    return f"{program[:start]}{label} = {program[start:]}"
