"""Program text to graph: split into statements, parse each distinct
statement text once, run the plans against the graph.

Big programs are usually generated, and repeat the same lines
(`h = relu(h*w + b)` a thousand times), and scripts send one program again
and again with new values: the plans of short lines are kept, so each
distinct line is tokenized and parsed once."""

from __future__ import annotations

from functools import lru_cache

from ..autodiff.codes import APPLY, BIND, CONST, LEAF, NAME_REF
from ..autodiff.graph import Graph
from ..autodiff.ops import CONSTANTS, FUNCTIONS
from ..errors import ParseError, ProgramError, UndefinedNameError
from ..limits import Limits
from .parser import parse
from .tokens import line_col, line_starts


def statements(text: str) -> list[tuple[int, str]]:
    """(offset, text) of runs of whole lines whose brackets balance: each run
    holds whole statements, since only brackets and `\\` continue a line."""
    runs = []
    start = pos = depth = 0
    seen: dict[str, tuple[int, bool]] = {}  # generated programs repeat their lines
    for line in text.split("\n"):
        end = pos + len(line)
        shape = seen.get(line)
        if shape is None:  # (change in bracket depth, continued with a backslash)
            code = line.partition("#")[0]
            shape = seen[line] = (code.count("(") + code.count("[") - code.count(")")
                                  - code.count("]"), code.endswith("\\"))
        depth += shape[0]
        if depth <= 0 and not shape[1]:
            runs.append((start, line if start == pos else text[start:end]))
            start, depth = end + 1, 0
        pos = end + 1
    if start <= len(text):
        runs.append((start, text[start:]))
    return runs


def plan_of(chunk: str, limits: Limits) -> tuple[tuple, ...]:
    """The parsed plan of a run of statements. Short runs are kept across
    calls: a script evaluating one program at many points, or a generated
    program repeating a line, parses each distinct line once."""
    if len(chunk) <= CACHED_CHARS:
        return _cached_plan(chunk, limits)
    return tuple(parse(chunk, limits))


CACHED_CHARS = 400  # longer runs are rare and their plans large: not kept


@lru_cache(maxsize=4096)
def _cached_plan(chunk: str, limits: Limits) -> tuple[tuple, ...]:
    return tuple(parse(chunk, limits))  # a tuple: plans are shared, never changed


class Program:
    """A parsed and evaluated program: the graph, its names and leaves."""

    def __init__(self, text: str, values: dict, limits: Limits):
        self.text = text
        self.values = values
        self.graph = Graph(limits)
        self.names: dict[str, int] = {}
        self.leaves: dict[str, int] = {}
        self.output = -1
        self.output_start = 0
        self.line_starts = line_starts(text)
        self.run(self.plans(text, limits))
        if self.output < 0:
            raise ParseError("the program is empty: write a statement such as "
                             "loss = (w*x + b - y)**2", 1, 1)

    def at(self, offset: int) -> tuple[int, int]:
        return line_col(self.line_starts, offset)

    def placed(self, err: ProgramError, offset: int) -> ProgramError:
        if err.line is None:
            err.line, err.col = self.at(offset)
        return err

    def plans(self, text: str, limits: Limits):
        """(offset, plan) of each run of statements, parsed as the runner reaches
        it, so an error is the first one in the text whichever kind it is."""
        for base, chunk in statements(text):
            try:
                plan = plan_of(chunk, limits)
            except ProgramError as err:
                raise self.placed(err, base + err.offset) from None
            if plan:
                yield base, plan

    def run(self, plans) -> None:
        """One loop over every plan: a call per statement, with its setup,
        cost as much as the statement itself on a long generated program."""
        apply, names = self.graph.apply, self.names
        labels, kinds = self.graph.labels, self.graph.kinds
        stack: list[int] = []
        push, pop = stack.append, stack.pop
        for base, plan in plans:
            for ins in plan:
                code = ins[0]
                if code == APPLY:
                    _, op, n, s, e, at = ins
                    if n == 2:
                        b = pop()
                        inputs = (pop(), b)
                    elif n == 1:
                        inputs = (pop(),)
                    else:
                        inputs = tuple(stack[-n:])
                        del stack[-n:]
                    try:
                        push(apply(op, inputs, (base + s, base + e)))
                    except ProgramError as err:
                        raise self.placed(err, base + at) from None
                elif code == NAME_REF:
                    node = names.get(ins[1])
                    push(node if node is not None else self.lookup(ins[1], base + ins[2]))
                elif code == CONST:
                    _, value, label, s, e = ins
                    push(self.guard(self.graph.const, _copy(value), label, base + s, base + e))
                elif code == BIND:  # self.bind, inlined: once per statement
                    node = pop()
                    label = labels[node]
                    if label is None or (kinds[node] == CONST and label in CONSTANTS):
                        labels[node] = ins[1]  # `c = pi` names the constant
                    names[ins[1]] = node
                    self.output, self.output_start = node, base + ins[2]
                elif code == LEAF:
                    self.leaf(ins[1], ins[2], base + ins[3], base + ins[4])
                else:  # OUT: an expression statement
                    self.output, self.output_start = pop(), base + ins[1]

    def guard(self, make, value, label: str, start: int, end: int) -> int:
        try:
            return make(value, label, (start, end))
        except ProgramError as err:
            raise self.placed(err, start) from None

    def leaf(self, name: str, value, start: int, end: int) -> None:
        if name in self.leaves:
            first = self.at(self.graph.spans[self.leaves[name]][0])[0]
            raise UndefinedNameError(f"'{name}' is already a leaf (line {first}); "
                                     "give the new value another name", *self.at(start))
        value = self.values[name] if name in self.values else _copy(value)
        node = self.guard(self.graph.leaf, value, name, start, end)
        self.names[name] = self.leaves[name] = node
        self.output, self.output_start = node, start

    def lookup(self, name: str, start: int) -> int:
        end = start + len(name)
        if name in self.values:  # a free name, given by the caller: a leaf
            node = self.guard(self.graph.leaf, self.values[name], name, start, end)
            self.names[name] = self.leaves[name] = node
            return node
        if name in CONSTANTS:
            return self.guard(self.graph.const, CONSTANTS[name], name, start, end)
        if name in FUNCTIONS:
            raise ParseError(f"'{name}' is a function: call it as {name}(...)", *self.at(start))
        raise UndefinedNameError(f"undefined name '{name}': assign it ({name} = 1.0) or give "
                                 "it in values", *self.at(start))


def _copy(value):
    # Plans are reused across lines: a tensor literal must not be shared.
    return value if value.__class__ is float else value.copy()
