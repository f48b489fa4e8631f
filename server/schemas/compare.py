"""Request and response models of POST /api/v1/compare (the optimizer
comparison) as /docs and /openapi.json describe them."""

from __future__ import annotations

from typing import Annotated, Literal

from chainrule.optimize.landscapes import LANDSCAPES
from pydantic import BaseModel, ConfigDict, Field

from .common import Name, Number, Scalar, Values

Method = Literal["gd", "momentum", "adam", "newton", "es"]
StepMethod = Literal["gd", "momentum", "adam", "newton"]
PositiveNumber = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)]
Interval = Annotated[list[Number], Field(min_length=2, max_length=2)]
_FIRST = LANDSCAPES[0]


class ESOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    population: int = Field(8, ge=1, le=1000, description="children per generation (λ)")
    sigma: PositiveNumber = Field(0.5, description="the first mutation step size (σ)")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the random children")


class Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    x: Interval = Field(description="[low, high] of the first parameter")
    y: Interval = Field(description="[low, high] of the second parameter")


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"program": _FIRST.program, "params": list(_FIRST.params),
         "methods": ["gd", "momentum", "adam", "newton", "es"], "max_steps": 50,
         "lr": _FIRST.lr}]})

    program: str = Field(description="the program text; its output is the loss")
    params: list[Name] = Field(min_length=2, max_length=2,
                               description="two scalar leaves: the plot's x and y axes")
    methods: list[Method] = Field(["gd", "momentum", "adam", "newton", "es"], min_length=1,
                                  max_length=5, description="each at most once")
    max_steps: int = Field(100, ge=0, description="updates per method (at most the server's "
                                                   "max_train_steps)")
    values: Values | None = Field(
        None, description="numbers or nested lists that fill free names and override leaves")
    lr: dict[StepMethod, PositiveNumber] | None = Field(
        None, description="step size per method; defaults gd 0.01, momentum 0.01, adam 0.1, "
                          "newton 1 (the full Newton step)")
    momentum: float = Field(0.9, ge=0, lt=1, strict=True, allow_inf_nan=False)
    es: ESOptions = Field(default_factory=ESOptions, description="the (1+λ) evolution strategy")
    tol: float = Field(1e-10, ge=0, strict=True, allow_inf_nan=False,
                       description="stop when the gradient norm (ES: σ) is this small")
    grid: int = Field(48, ge=2, le=120, description="contour grid points per axis")
    bounds: Bounds | None = Field(None, description="the contour's box; by default one around "
                                                    "the start and every trajectory")


class HistoryEntry(BaseModel):
    step: int = Field(description="0 is the start; k is the point after k updates")
    loss: Scalar
    params: dict[str, Scalar]
    evaluations: int = Field(description="loss, gradient and Hessian evaluations spent so far, "
                                         "this point's included")


class RunCost(BaseModel):
    gradient_evals: int = Field(description="forward + backward passes")
    function_evals: int = Field(description="forward passes only (the evolution strategy)")
    hessian_evals: int = Field(description="exact Hessians: a backward pass, then one "
                                           "forward-over-reverse sweep per parameter")
    seconds: float


class EndPoint(BaseModel):
    kind: Literal["minimum", "saddle", "maximum", "unknown"] = Field(
        description="from the Hessian's eigenvalues at the last point: all > 0 a minimum, "
                    "all < 0 a maximum, both signs a saddle; unknown if the point is not "
                    "stationary (the run is still moving), a curvature is 0, the run diverged "
                    "or ran out of time, or the program has no second derivatives")
    eigenvalues: list[float] = Field(description="of the exact Hessian there, ascending")
    gradient_norm: float | None
    stationary: bool = Field(description="the Newton step to ∇L = 0 is under 1% of the "
                                         "point's scale")


class Run(BaseModel):
    history: list[HistoryEntry]
    cost: RunCost
    stopped: Literal["max_steps", "converged", "diverged", "time_limit"]
    end: EndPoint


class Contour(BaseModel):
    x: str
    y: str
    xs: list[float]
    ys: list[float]
    loss: list[list[Scalar]] = Field(description="loss[r][c] is the loss at (xs[c], ys[r])")
    min: Scalar | None
    max: Scalar | None


class CompareResponse(BaseModel):
    params: list[str]
    start: dict[str, float]
    runs: dict[str, Run]
    contour: Contour
