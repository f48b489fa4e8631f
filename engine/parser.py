"""Recursive-descent parser for the program language that builds the graph as
it reads: every expression becomes a node the moment it is parsed, so errors
carry the place that caused them. Nothing is ever eval'd.

Grammar (Python's precedence):
    program   := statement ((NEWLINE | ';') statement)*
    statement := NAME '=' sum | sum
    sum       := product (('+' | '-') product)*
    product   := unary (('*' | '/' | '@') unary)*
    unary     := ('-' | '+')* power
    power     := atom (('**' | '^') unary)?
    atom      := NUMBER | NAME | NAME '(' args ')' | '(' sum ')' | tensor
"""

from __future__ import annotations

import keyword

from .errors import LimitError, ParseError, ProgramError, UndefinedNameError
from .graph import CONST, LEAF, Graph
from .limits import Limits
from .ops import BINARY, CONSTANTS, FUNCTIONS, OPS
from .tensors import TensorReader
from .tokens import BAD, END, EOF, NAME, NUM, OP, Tokens, line_col

_SUM, _PRODUCT, _POWER = ("+", "-"), ("*", "/", "@"), ("**", "^")
_BAD_CHAR = {".": "attributes and methods (x.T, x.sum()) are not part of the language",
             "'": "strings are not part of the language",
             '"': "strings are not part of the language",
             ":": "slices, blocks and annotations are not part of the language",
             "%": "'%' is not an operator here", "{": "dicts and sets are not part of the language",
             "<": "comparisons are not part of the language",
             ">": "comparisons are not part of the language"}


class Parser(TensorReader):
    def __init__(self, text: str, values: dict, limits: Limits):
        self.text = text
        self.tok = Tokens(text)
        self.kinds, self.texts, self.starts = self.tok.kinds, self.tok.texts, self.tok.starts
        self.p = 0
        self.depth = 0
        self.limits = limits
        self.graph = Graph(limits)
        self.values = values
        self.names: dict[str, int] = {}
        self.leaves: dict[str, int] = {}
        self.literal = -1  # the node made by the latest number or tensor literal
        self.output = -1
        self.output_start = 0

    # ---- positions and errors ------------------------------------------------
    def at(self, offset: int) -> tuple[int, int]:
        return line_col(self.tok.line_starts, offset)

    def error(self, cls, message: str, offset: int | None = None):
        offset = self.starts[self.p] if offset is None else offset
        return cls(message, *self.at(offset))

    def placed(self, err: ProgramError, offset: int) -> ProgramError:
        if err.line is None:
            err.line, err.col = self.at(offset)
        return err

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise self.error(LimitError, f"nesting deeper than {self.limits.max_depth} levels",
                             offset)

    def expect(self, text: str, what: str) -> int:
        if self.kinds[self.p] == OP and self.texts[self.p] == text:
            self.p += 1
            return self.starts[self.p - 1] + len(text)
        raise self.unexpected(what)

    def unexpected(self, wanted: str) -> ParseError:
        kind, text = self.kinds[self.p], self.texts[self.p]
        if kind == BAD:
            return self.error(ParseError, _BAD_CHAR.get(text, f"unexpected character {text!r}"))
        if kind in (EOF, END):
            return self.error(ParseError, f"the statement ends early: expected {wanted}")
        if kind == NAME and keyword.iskeyword(text):
            return self.error(ParseError, f"'{text}' is a Python keyword, not part of the language")
        if kind == OP and text in ")]":
            return self.error(ParseError, f"unmatched {text!r}")
        prev = self.kinds[self.p - 1] if self.p else None
        if kind in (NAME, NUM) and prev in (NAME, NUM) and wanted.startswith("an operator"):
            return self.error(ParseError, f"unexpected {text!r}: is an operator missing "
                                          f"(write {self.texts[self.p - 1]}*{text})?")
        return self.error(ParseError, f"unexpected {text!r}: expected {wanted}")

    # ---- statements -------------------------------------------------------------
    def parse(self) -> tuple[Graph, int]:
        kinds = self.kinds
        while True:
            while kinds[self.p] == END:
                self.p += 1
            if kinds[self.p] == EOF:
                break
            self.statement()
            if kinds[self.p] not in (END, EOF):
                raise self.unexpected("an operator or the end of the statement")
        if self.output < 0:
            raise ParseError("the program is empty: write a statement such as "
                             "loss = (w*x + b - y)**2", 1, 1)
        return self.graph, self.output

    def statement(self) -> None:
        p, kinds, texts = self.p, self.kinds, self.texts
        start = self.starts[p]
        self.output_start = start
        self.literal = -1
        if kinds[p] == NAME and kinds[p + 1] == OP and texts[p + 1] == "=":
            name = texts[p]
            if keyword.iskeyword(name):
                raise self.error(ParseError, f"'{name}' is a Python keyword, not a name")
            self.p += 2
            node, _, end = self.sum()
            if node == self.literal:
                node = self.make_leaf(name, node, start, end)
            elif self.graph.labels[node] is None or self.graph.kinds[node] == CONST:
                self.graph.labels[node] = name  # `c = pi` names the constant
            self.names[name] = node
        else:
            node, _, _ = self.sum()
        self.output = node

    def make_leaf(self, name: str, node: int, start: int, end: int) -> int:
        if name in self.leaves:
            first = self.at(self.graph.spans[self.leaves[name]][0])[0]
            raise self.error(UndefinedNameError, f"'{name}' is already a leaf (line {first}); "
                                                 "give the new value another name", start)
        g = self.graph
        g.kinds[node] = LEAF
        g.labels[node] = name
        g.needs_grad[node] = True
        g.spans[node] = (start, end)
        if name in self.values:
            g.values[node] = self.values[name]
        self.leaves[name] = node
        return node

    # ---- expressions: each returns (node, start offset, end offset) ---------------
    def sum(self):
        return self.binary(self.product, _SUM)

    def product(self):
        return self.binary(self.unary, _PRODUCT)

    def binary(self, operand, operators):
        node, start, end = operand()
        kinds, texts = self.kinds, self.texts
        while kinds[self.p] == OP and texts[self.p] in operators:
            at = self.starts[self.p]
            op = OPS[BINARY[texts[self.p]]]
            self.p += 1
            right, _, end = operand()
            node = self.apply(op, (node, right), start, end, at)
        return node, start, end

    def apply(self, op, inputs, start, end, at) -> int:
        try:
            return self.graph.apply(op, inputs, (start, end))
        except ProgramError as err:
            raise self.placed(err, at) from None

    def unary(self):
        signs = []
        while self.kinds[self.p] == OP and self.texts[self.p] in _SUM:
            signs.append((self.texts[self.p], self.starts[self.p]))
            self.p += 1
            if len(signs) + self.depth > self.limits.max_depth:  # - - - x nests like ( ( (
                raise self.error(LimitError, f"nesting deeper than {self.limits.max_depth} "
                                             "levels", signs[-1][1])
        node, start, end = self.power()
        for sign, at in reversed(signs):
            if sign == "+":
                continue
            if node == self.literal:  # -2.5 is one constant, not neg(2.5)
                g = self.graph
                g.values[node] = -g.values[node]
                g.labels[node] = "-" + g.labels[node]
                g.spans[node] = (at, end)
            else:
                node = self.apply(OPS["neg"], (node,), at, end, at)
        return node, (signs[0][1] if signs else start), end

    def power(self):
        node, start, end = self.atom()
        kinds, texts = self.kinds, self.texts
        if kinds[self.p] == OP and texts[self.p] == "[":
            raise self.error(ParseError, "indexing (x[...]) is not part of the language")
        if kinds[self.p] == OP and texts[self.p] == "(":
            raise self.error(ParseError, "only functions can be called; is an operator missing?")
        if kinds[self.p] == OP and texts[self.p] in _POWER:
            at = self.starts[self.p]
            self.p += 1
            self.enter(at)
            exponent, _, end = self.unary()
            self.depth -= 1
            node = self.apply(OPS["pow"], (node, exponent), start, end, at)
        return node, start, end

    def atom(self):
        p = self.p
        kind, text, start = self.kinds[p], self.texts[p], self.starts[p]
        if kind == NUM:
            self.p += 1
            end = start + len(text)
            self.literal = self.const(float(text), text, start, end)
            return self.literal, start, end
        if kind == NAME:
            if self.kinds[p + 1] == OP and self.texts[p + 1] == "(":
                return self.call()
            self.p += 1
            return self.lookup(text, start), start, start + len(text)
        if kind == OP and text == "(":
            self.enter(start)
            self.p += 1
            node, _, _ = self.sum()
            end = self.expect(")", "')'")
            self.depth -= 1
            return node, start, end
        if kind == OP and text == "[":
            return self.tensor_literal()
        if kind == OP and text == ")":
            raise self.error(ParseError, "unmatched ')'")
        raise self.unexpected("a number, a name or '('")

    def const(self, value, label, start, end) -> int:
        try:
            return self.graph.const(value, label, (start, end))
        except ProgramError as err:
            raise self.placed(err, start) from None

    def lookup(self, name: str, start: int) -> int:
        node = self.names.get(name)
        if node is not None:
            return node
        if keyword.iskeyword(name):
            raise self.error(ParseError, f"'{name}' is a Python keyword, not part of the "
                                         "language", start)
        if name in self.values:  # a free name, given by the caller: a leaf
            try:
                node = self.graph.leaf(self.values[name], name, (start, start + len(name)))
            except ProgramError as err:
                raise self.placed(err, start) from None
            self.names[name] = self.leaves[name] = node
            return node
        if name in CONSTANTS:
            return self.const(CONSTANTS[name], name, start, start + len(name))
        if name in FUNCTIONS:
            raise self.error(ParseError, f"'{name}' is a function: call it as {name}(...)", start)
        raise self.error(UndefinedNameError, f"undefined name '{name}': assign it "
                                             f"({name} = 1.0) or give it in values", start)

    def call(self):
        name, start = self.texts[self.p], self.starts[self.p]
        op = FUNCTIONS.get(name)
        if op is None:
            what = "is not a function" if name in self.names else "is not a known function"
            raise self.error(ParseError, f"'{name}' {what}", start)
        self.enter(start)
        self.p += 2
        args = []
        kinds, texts = self.kinds, self.texts
        while not (kinds[self.p] == OP and texts[self.p] == ")"):
            arg, _, _ = self.sum()
            if kinds[self.p] == OP and texts[self.p] == "=":
                raise self.error(ParseError, "keyword arguments are not part of the language")
            args.append(arg)
            if kinds[self.p] == OP and texts[self.p] == ",":
                self.p += 1
            elif not (kinds[self.p] == OP and texts[self.p] == ")"):
                raise self.unexpected("',' or ')'")
        end = self.expect(")", "')'")
        self.depth -= 1
        if len(args) != op.arity:
            plural = "argument" if op.arity == 1 else "arguments"
            raise self.error(ParseError, f"{name}() takes {op.arity} {plural}, got {len(args)}",
                             start)
        return self.apply(op, tuple(args), start, end, start), start, end
