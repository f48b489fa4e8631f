"""Models every resource shares: numbers and tensors as JSON carries them,
names, and the error shape."""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, SkipValidation
from typing_extensions import TypeAliasType

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
InputTensor = TypeAliasType(
    "InputTensor", "Number | Annotated[list[InputTensor], Field(min_length=1)]")
NAME = r"^[^\W\d]\w*$"
Name = Annotated[str, Field(pattern=NAME)]
NonFinite = Literal["NaN", "Infinity", "-Infinity"]
Scalar = float | NonFinite
Tensor = TypeAliasType("Tensor", "float | NonFinite | list[Tensor]")


MAX_NESTING = 32


def _checked_values(values):
    """{name: number or nested lists of numbers}, ints made floats. Documented as
    dict[Name, InputTensor], checked here in plain Python: pydantic's recursive
    union costs ~1 µs an element, and this runs in the event loop (a 100,000-
    element tensor held every other request up for a third of a second)."""
    if not isinstance(values, dict):
        raise ValueError("values must be an object of names to numbers or lists")
    return {_name(k): _tensor(v, 0) for k, v in values.items()}


def _name(key) -> str:
    if not isinstance(key, str) or not re.match(NAME, key):
        raise ValueError(f"{key!r} is not a name")
    return key


def _tensor(v, depth: int):
    if v.__class__ is list:
        if not v:
            raise ValueError("a tensor's lists need at least one element")
        if depth >= MAX_NESTING:
            raise ValueError(f"a tensor nests more than {MAX_NESTING} deep")
        kinds = set(map(type, v))
        if kinds <= {float, int}:  # a row of numbers: the common case
            try:
                row = v if int not in kinds else list(map(float, v))
            except OverflowError:
                raise ValueError("a number is too large") from None
            if not all(map(math.isfinite, row)):
                raise ValueError("numbers must be finite")
            return row
        return [_tensor(x, depth + 1) for x in v]
    if v.__class__ is float or v.__class__ is int:  # bool is neither
        try:
            f = float(v)
        except OverflowError:
            raise ValueError("a number is too large") from None
        if not math.isfinite(f):
            raise ValueError("numbers must be finite")
        return f
    raise ValueError("values hold numbers or lists of numbers")


Values = Annotated[dict[Name, InputTensor], SkipValidation, AfterValidator(_checked_values)]


class ErrorBody(BaseModel):
    type: Literal["parse_error", "name_error", "shape_error", "limit_error", "value_error",
                  "internal_error"]
    message: str
    line: int | None = None
    col: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ExampleOut(BaseModel):
    id: str
    title: str
    description: str
    program: str


class Health(BaseModel):
    status: Literal["ok"]
