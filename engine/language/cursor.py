"""The parser's cursor over the tokens: looking, expecting, and errors that
carry an offset into the parsed text (the caller turns it into a line)."""

from __future__ import annotations

import keyword

from ..errors import LimitError, ParseError
from .tokens import BAD, END, EOF, NAME, NUM, OP

_BAD_CHAR = {".": "attributes and methods (x.T, x.sum()) are not part of the language",
             "'": "strings are not part of the language",
             '"': "strings are not part of the language",
             ":": "slices, blocks and annotations are not part of the language",
             "%": "'%' is not an operator here", "{": "dicts and sets are not part of the language",
             "<": "comparisons are not part of the language",
             ">": "comparisons are not part of the language"}


class Cursor:
    """Mixin: needs text, kinds, texts, starts, p, depth, max_depth, max_nodes, made, plan."""

    def error(self, cls, message: str, offset: int | None = None):
        err = cls(message)
        err.offset = self.starts[self.p] if offset is None else offset
        return err

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise self.error(LimitError, f"nesting deeper than {self.max_depth} levels", offset)

    def emit(self, ins: tuple, at: int) -> None:
        """Append an instruction that makes a node (APPLY or CONST)."""
        self.made += 1
        if self.made > self.max_nodes:
            raise self.error(LimitError, f"the program makes more than {self.max_nodes} nodes", at)
        self.plan.append(ins)

    def is_op(self, text: str) -> bool:
        return self.kinds[self.p] == OP and self.texts[self.p] == text

    def expect(self, text: str, what: str) -> int:
        if self.is_op(text):
            self.p += 1
            return self.starts[self.p - 1] + len(text)
        raise self.unexpected(what)

    def never_closed(self) -> int | None:
        """The offset of the innermost bracket open before the cursor that no
        later bracket closes, if any."""
        opened = []
        for kind, text, start in zip(self.kinds, self.texts, self.starts, strict=True):
            if kind == OP and text in ("(", "["):
                opened.append(start)
            elif kind == OP and text in (")", "]") and opened:
                opened.pop()
        before = [start for start in opened if start < self.starts[self.p]]
        return before[-1] if before else None

    def unexpected(self, wanted: str) -> ParseError:
        kind, text = self.kinds[self.p], self.texts[self.p]
        if kind != BAD and (opened := self.never_closed()) is not None:
            # Brackets continue a line, so an unclosed one runs on to the end
            # of the text: the useful place to point at is the bracket.
            return self.error(ParseError, f"'{self.text[opened]}' is never closed", opened)
        if kind == BAD:
            if text.isdigit():  # '１' or '١' reads as a digit but is not 0-9
                return self.error(ParseError, f"{text!r} is not a digit the language reads: "
                                              "write numbers with 0-9")
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
