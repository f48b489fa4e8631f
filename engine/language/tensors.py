"""Tensor literals in program text (`[[1, 2], [3, 4]]`) and values given by a
caller (`{"x": [1, 2]}`), both checked for shape, size and depth."""

from __future__ import annotations

import math

import numpy as np

from ..autodiff.codes import CONST
from ..autodiff.numeric import Value
from ..errors import LimitError, ParseError, ProgramValueError, ShapeError
from ..limits import Limits
from .tokens import BAD, NUM, OP

# numpy arrays may have 64 dimensions, but many of its functions (sum, the
# ufuncs' reductions) only 32: a tensor past that is refused where it is written.
MAX_DIMS = 32
TOO_MANY_DIMS = f"more than {MAX_DIMS} dimensions (numpy's limit)"


class TensorReader:
    """Mixin for the parser: reads a bracketed literal of signed numbers."""

    def tensor_literal(self):
        start = self.starts[self.p]
        self.count = 0
        self.literal_at = start
        rows = self.rows(1)
        end = self.starts[self.p - 1] + 1
        try:
            value = np.array(rows, dtype=np.float64)
        except ValueError:
            raise self.error(ShapeError, "the rows of this tensor have different lengths",
                             start) from None
        self.emit((CONST, value, self.text[start:end], start, end), start)
        return start, end

    def rows(self, level: int) -> list:
        kinds, texts = self.kinds, self.texts
        self.enter(self.starts[self.p])
        open_at = self.starts[self.p]
        if level > MAX_DIMS:
            raise self.error(ShapeError, f"this tensor literal has {TOO_MANY_DIMS}",
                             self.literal_at)
        self.p += 1
        items: list = []
        while not (kinds[self.p] == OP and texts[self.p] == "]"):
            if kinds[self.p] == OP and texts[self.p] == "[":
                items.append(self.rows(level + 1))
            else:
                items.append(self.signed_number())
            if kinds[self.p] == OP and texts[self.p] == ",":
                self.p += 1
            elif not (kinds[self.p] == OP and texts[self.p] == "]"):
                raise self.unexpected("',' or ']'")
        if not items:
            raise self.error(ShapeError, "a tensor needs at least one number", open_at)
        self.p += 1
        self.depth -= 1
        return items

    def signed_number(self) -> float:
        sign = 1.0
        while self.kinds[self.p] == OP and self.texts[self.p] in ("-", "+"):
            sign = -sign if self.texts[self.p] == "-" else sign
            self.p += 1
        if self.kinds[self.p] != NUM:
            kind = self.kinds[self.p]
            if (kind == OP and self.texts[self.p] in ")]") or kind == BAD:
                raise self.unexpected("a number")
            raise self.error(ParseError, "tensor entries must be numbers; "
                                                 "combine tensors with operators instead")
        self.count += 1
        if self.count > self.max_elements:
            raise self.error(LimitError, f"a tensor literal of more than "
                                         f"{self.max_elements} numbers")
        self.p += 1
        return sign * float(self.texts[self.p - 1])


def to_value(name: str, obj, limits: Limits) -> Value:
    """A caller's value: a number or a rectangular nested list of numbers."""
    if isinstance(obj, bool) or not isinstance(obj, int | float | list):
        raise ProgramValueError(f"values['{name}'] must be a number or a nested list of numbers")
    too_big = ProgramValueError(f"values['{name}'] holds an integer too large for a float "
                                "(past ±1.8e308)")
    if not isinstance(obj, list):
        try:
            return float(obj)
        except OverflowError:  # an int of 400 digits
            raise too_big from None
    depth, probe = 0, obj
    while isinstance(probe, list):
        depth += 1
        if depth > limits.max_depth:
            raise LimitError(f"values['{name}'] is nested deeper than {limits.max_depth} levels")
        if depth > MAX_DIMS:
            raise ShapeError(f"values['{name}'] has {TOO_MANY_DIMS}")
        if not probe:
            raise ShapeError(f"values['{name}'] has an empty list")
        probe = probe[0]
    try:
        arr = np.array(obj, dtype=np.float64)
    except OverflowError:
        raise too_big from None
    except (ValueError, TypeError):
        raise ShapeError(f"values['{name}'] is not a rectangular list of numbers") from None
    if arr.ndim != depth or arr.dtype != np.float64:
        raise ShapeError(f"values['{name}'] is not a rectangular list of numbers")
    if math.prod(arr.shape) > limits.max_tensor_elements:
        raise LimitError(f"values['{name}'] has {arr.size} numbers, over the limit of "
                         f"{limits.max_tensor_elements}")
    return arr
