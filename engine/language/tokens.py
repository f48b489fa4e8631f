"""Program text to tokens with one regular expression. Newlines inside
brackets continue the statement, as in Python; `;` and other newlines end it."""

from __future__ import annotations

import re
from bisect import bisect_right

NUM, NAME, OP, END, EOF, BAD = "number", "name", "op", "end", "eof", "bad"

_TOKEN = re.compile(r"""
    [ \t\r\f]+ | \#[^\n]* | \\\n                  # blanks, comments, line continuations
  | (?P<end>[\n;])
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)  # ASCII digits only
  | (?P<name>[^\W\d]\w*)
  | (?P<op>\*\*|[-+*/@^()\[\],=])
  | (?P<bad>.)
""", re.VERBOSE)

_OPEN, _CLOSE = "([", ")]"


class Tokens:
    """Parallel lists of kind, text and start offset; one EOF token closes them."""

    __slots__ = ("kinds", "texts", "starts", "line_starts")

    def __init__(self, text: str):
        kinds, texts, starts = [], [], []
        depth = 0
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind is None:
                continue
            tok = m.group()
            if kind == OP:
                if tok in _OPEN:
                    depth += 1
                elif tok in _CLOSE and depth:
                    depth -= 1
            elif kind == END and depth and tok == "\n":
                continue
            kinds.append(kind)
            texts.append(tok)
            starts.append(m.start())
        kinds.append(EOF)
        texts.append("")
        starts.append(len(text))
        self.kinds, self.texts, self.starts = kinds, texts, starts
        self.line_starts = line_starts(text)


def line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def line_col(line_starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1] + 1
