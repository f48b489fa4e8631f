"""Request and response models: what /docs and /openapi.json describe. The
trace itself is built by the engine and serialized by orjson; these models
are its documented shape, checked against real responses in the tests."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeAliasType

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
InputTensor = TypeAliasType(
    "InputTensor", "Number | Annotated[list[InputTensor], Field(min_length=1)]")
Name = Annotated[str, Field(pattern=r"^[^\W\d]\w*$")]
NonFinite = Literal["NaN", "Infinity", "-Infinity"]
Scalar = float | NonFinite
Tensor = TypeAliasType("Tensor", "float | NonFinite | list[Tensor]")


class GraphRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"program": "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",
         "values": {"w": 1.5}, "check": True}]})

    program: str = Field(description="the program text (see the language in the README)")
    values: dict[Name, InputTensor] | None = Field(
        None, description="numbers or nested lists that fill free names and override leaves")
    check: bool = Field(False, description="also compute central-difference gradients")


class Span(BaseModel):
    line: int
    col: int
    end_line: int
    end_col: int = Field(description="column just past the end (1-based)")


class TraceNode(BaseModel):
    id: str
    op: str = Field(description="'leaf', 'const' or an op name such as 'mul'")
    label: str | None = Field(description="the assigned name, or a constant's text")
    kind: Literal["leaf", "const", "op"]
    text: str = Field(description="the node's source text")
    inputs: list[str]
    shape: list[int]
    value: Tensor
    grad: Tensor | None = Field(description="null where no gradient is needed (constants)")
    span: Span
    warnings: list[str]


class TraceEdge(BaseModel):
    to: str
    local: Tensor | None = Field(
        description="elementwise local derivative; null where it is not elementwise (matmul, "
                    "softmax, log_softmax): local_formula then says how the VJP is computed")
    local_formula: str
    contribution: Tensor
    grad_after: Tensor = Field(description="the input's running gradient after this +=")


class BackwardStep(BaseModel):
    node: str
    grad: Tensor
    edges: list[TraceEdge]


class LeafCheck(BaseModel):
    numeric: Tensor | None
    rel_error: Scalar | None
    ok: bool | None
    note: str | None = None


class Trace(BaseModel):
    format: Literal["chainrule.trace/1"]
    output: str
    nodes: list[TraceNode]
    forward: list[str]
    backward: list[BackwardStep]
    gradients: dict[str, Tensor]
    check: dict[str, LeafCheck] | None = None


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
