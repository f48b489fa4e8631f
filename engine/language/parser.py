"""Recursive-descent parser: the text of one or more statements to a plan, a
flat list of instructions for a small stack machine (engine/program.py runs
it against the graph). Syntax only: names are resolved and values computed
when the plan runs. Nothing is ever eval'd.

Grammar (Python's precedence):
    program   := statement ((NEWLINE | ';') statement)*
    statement := NAME '=' sum | sum
    sum       := product (('+' | '-') product)*
    product   := unary (('*' | '/' | '@') unary)*
    unary     := ('-' | '+')* power
    power     := atom (('**' | '^') unary)?
    atom      := NUMBER | NAME | NAME '(' args ')' | '(' sum ')' | tensor

Instructions (offsets are relative to the parsed text):
    (APPLY, op, n_inputs, start, end, at)   pop n nodes, push op(nodes)
    (NAME, name, start, end)                push the node a name refers to
    (CONST, value, label, start, end)       push a constant (a literal)
    (LEAF, name, value, start, end)         `name = literal`: a leaf
    (BIND, name, statement_start)           pop, name it; it is the output so far
    (OUT, statement_start)                  pop; the output so far
"""

from __future__ import annotations

import keyword
from difflib import get_close_matches

from ..autodiff.codes import APPLY, BIND, CONST, LEAF, NAME_REF, OUT
from ..autodiff.ops import BINARY, FUNCTIONS, OPS
from ..errors import LimitError, ParseError
from ..limits import Limits
from .cursor import Cursor
from .tensors import TensorReader
from .tokens import END, EOF, NAME, NUM, OP, Tokens

_SUM, _PRODUCT, _POWER = ("+", "-"), ("*", "/", "@"), ("**", "^")
_NEG = OPS["neg"]
def parse(text: str, limits: Limits) -> list[tuple]:
    """The plan of `text`. Errors carry `.offset` into `text`, no line yet."""
    return Parser(text, limits).program()


class Parser(Cursor, TensorReader):
    def __init__(self, text: str, limits: Limits):
        self.text = text
        tok = Tokens(text)
        self.kinds, self.texts, self.starts = tok.kinds, tok.texts, tok.starts
        self.p = 0
        self.depth = 0
        self.max_depth = limits.max_depth
        self.max_elements = limits.max_tensor_elements
        self.max_nodes = limits.max_nodes
        self.made = 0  # nodes the plan will make: a huge sum fails here, not after parsing
        self.plan: list[tuple] = []

    # ---- statements -------------------------------------------------------------
    def program(self) -> list[tuple]:
        kinds = self.kinds
        while True:
            while kinds[self.p] == END:
                self.p += 1
            if kinds[self.p] == EOF:
                return self.plan
            self.statement()
            if kinds[self.p] not in (END, EOF):
                raise self.unexpected("an operator or the end of the statement")

    def statement(self) -> None:
        p, kinds, texts, plan = self.p, self.kinds, self.texts, self.plan
        start = self.starts[p]
        if kinds[p] == NAME and kinds[p + 1] == OP and texts[p + 1] == "=":
            name = texts[p]
            if keyword.iskeyword(name):
                raise self.error(ParseError, f"'{name}' is a Python keyword, not a name")
            self.p += 2
            first = len(plan)
            _, end = self.sum()
            if len(plan) == first + 1 and plan[-1][0] == CONST:  # `w = 2.0`: a leaf
                plan[-1] = (LEAF, name, plan[-1][1], start, end)
            else:
                plan.append((BIND, name, start))
        else:
            self.sum()
            plan.append((OUT, start))

    # ---- expressions: each emits its instructions and returns (start, end) ------
    def sum(self):
        return self.binary(self.product, _SUM)

    def product(self):
        return self.binary(self.unary, _PRODUCT)

    def binary(self, operand, operators):
        start, end = operand()
        kinds, texts = self.kinds, self.texts
        while kinds[self.p] == OP and texts[self.p] in operators:
            at = self.starts[self.p]
            op = OPS[BINARY[texts[self.p]]]
            self.p += 1
            _, end = operand()
            self.emit((APPLY, op, 2, start, end, at), at)
        return start, end

    def unary(self):
        signs = []
        while self.kinds[self.p] == OP and self.texts[self.p] in _SUM:
            signs.append((self.texts[self.p], self.starts[self.p]))
            self.p += 1
            if len(signs) + self.depth > self.max_depth:  # - - - x nests like ( ( (
                raise self.error(LimitError, f"nesting deeper than {self.max_depth} levels",
                                 signs[-1][1])
        first = len(self.plan)
        start, end = self.power()
        plan = self.plan
        for sign, at in reversed(signs):
            if sign == "+":
                continue
            if len(plan) == first + 1 and plan[-1][0] == CONST:  # -2.5 is one constant
                _, value, label, _, e = plan[-1]
                plan[-1] = (CONST, -value, "-" + label, at, e)
            else:
                self.emit((APPLY, _NEG, 1, at, end, at), at)
        return (signs[0][1] if signs else start), end

    def power(self):
        start, end = self.atom()
        if self.is_op("["):
            raise self.error(ParseError, "indexing (x[...]) is not part of the language")
        if self.is_op("("):
            raise self.error(ParseError, "only functions can be called; is an operator missing?")
        if self.kinds[self.p] == OP and self.texts[self.p] in _POWER:
            at = self.starts[self.p]
            self.p += 1
            self.enter(at)
            _, end = self.unary()
            self.depth -= 1
            self.emit((APPLY, OPS["pow"], 2, start, end, at), at)
        return start, end

    def atom(self):
        p = self.p
        kind, text, start = self.kinds[p], self.texts[p], self.starts[p]
        if kind == NUM:
            self.p += 1
            end = start + len(text)
            self.emit((CONST, float(text), text, start, end), start)
            return start, end
        if kind == NAME:
            if self.kinds[p + 1] == OP and self.texts[p + 1] == "(":
                return self.call()
            if keyword.iskeyword(text):
                raise self.error(ParseError, f"'{text}' is a Python keyword, not part of the "
                                             "language")
            self.p += 1
            self.plan.append((NAME_REF, text, start, start + len(text)))
            return start, start + len(text)
        if kind == OP and text == "(":
            self.enter(start)
            self.p += 1
            self.sum()
            end = self.expect(")", "')'")
            self.depth -= 1
            return start, end
        if kind == OP and text == "[":
            return self.tensor_literal()
        raise self.unexpected("a number, a name or '('")

    def call(self):
        name, start = self.texts[self.p], self.starts[self.p]
        op = FUNCTIONS.get(name)
        if op is None:
            raise self.error(ParseError, unknown_function(name), start)
        self.enter(start)
        self.p += 2
        count = 0
        while not self.is_op(")"):
            self.sum()
            if self.is_op("="):
                raise self.error(ParseError, "keyword arguments are not part of the language")
            count += 1
            if self.is_op(","):
                self.p += 1
            elif not self.is_op(")"):
                raise self.unexpected("',' or ')'")
        end = self.expect(")", "')'")
        self.depth -= 1
        if count != op.arity:
            plural = "argument" if op.arity == 1 else "arguments"
            raise self.error(ParseError, f"{name}() takes {op.arity} {plural}, got {count}",
                             start)
        self.emit((APPLY, op, count, start, end, start), start)
        return start, end


def unknown_function(name: str) -> str:
    """'tanhh' is not a known function; did you mean 'tanh'? (the functions: ...)"""
    near = get_close_matches(name.lower(), FUNCTIONS, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    return (f"'{name}' is not a known function{hint} (the functions are: "
            f"{', '.join(FUNCTIONS)})")
