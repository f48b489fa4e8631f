"""Models every resource shares: numbers and tensors as JSON carries them,
names, and the error shape."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field
from typing_extensions import TypeAliasType

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
InputTensor = TypeAliasType(
    "InputTensor", "Number | Annotated[list[InputTensor], Field(min_length=1)]")
Name = Annotated[str, Field(pattern=r"^[^\W\d]\w*$")]
NonFinite = Literal["NaN", "Infinity", "-Infinity"]
Scalar = float | NonFinite
Tensor = TypeAliasType("Tensor", "float | NonFinite | list[Tensor]")


class ErrorBody(BaseModel):
    type: Literal["parse_error", "name_error", "shape_error", "limit_error", "value_error"]
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
