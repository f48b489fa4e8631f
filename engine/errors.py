"""Every rejected program raises a ProgramError: a type, a message and, where
the problem has a place in the source, a 1-based line and column."""

from __future__ import annotations


class ProgramError(Exception):
    type = "program_error"
    offset: int | None = None  # set by the parser, which knows no lines yet

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, col {self.col}: {self.message}"

    def to_dict(self) -> dict:
        out = {"type": self.type, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
            out["col"] = self.col
        return out


class ParseError(ProgramError):
    type = "parse_error"


class UndefinedNameError(ProgramError):
    type = "name_error"


class ShapeError(ProgramError):
    type = "shape_error"


class LimitError(ProgramError):
    type = "limit_error"


class ProgramValueError(ProgramError):
    type = "value_error"
