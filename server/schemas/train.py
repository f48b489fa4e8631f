"""Request and response models of /api/v1/train and the gradient-norm demo."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .common import Name, Scalar, Tensor, Values

Rate = Annotated[float, Field(strict=False, gt=0, allow_inf_nan=False)]
Decay = Annotated[float, Field(strict=False, ge=0, lt=1, allow_inf_nan=False)]
Penalty = Annotated[float, Field(strict=False, ge=0, allow_inf_nan=False)]
Stopped = Literal["converged", "max_steps", "diverged", "cancelled", "time_limit"]


class OptimizerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Literal["sgd", "momentum", "adam"] = "sgd"
    lr: Rate = 0.01
    momentum: Decay = 0.9
    beta1: Decay = 0.9
    beta2: Decay = 0.999
    eps: Rate = 1e-8


class RegularizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    l1: Penalty = 0.0
    l2: Penalty = 0.0


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"program": "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",
         "params": ["w", "b"], "optimizer": {"name": "sgd", "lr": 0.01},
         "max_steps": 200, "tol": 1e-10},
        {"model": "digits", "epochs": 10, "optimizer": {"name": "adam", "lr": 0.01}}]})

    program: str | None = Field(None, description="train this program's leaves named in params")
    model: Literal["digits"] | None = Field(
        None, description="or train a built-in model: the 64-32-10 digits classifier (Adam)")
    params: list[Name] | None = Field(None, description="the leaves to train (program only)")
    values: Values | None = Field(
        None, description="data and starting values: fill free names, override leaves")
    optimizer: OptimizerIn | None = Field(
        None, description="default: sgd, lr 0.01 for a program; adam, lr 0.01 for digits")
    max_steps: int = Field(1000, ge=0, description="updates at most (program)")
    tol: float = Field(1e-10, ge=0, allow_inf_nan=False,
                       description="converged once |L_k − L_(k−1)| < tol (program)")
    regularization: RegularizationIn | None = None
    epochs: int = Field(20, ge=1, le=60, description="passes over the training images (digits)")
    seed: int = Field(0, ge=0, le=2 ** 31, description="split, init and shuffling (digits)")
    stream: bool = Field(False, description="answer as NDJSON progress lines (see /docs)")

    @model_validator(mode="after")
    def one_thing_to_train(self):
        if (self.program is None) == (self.model is None):
            raise ValueError("give either program (with params) or model")
        if self.program is not None and not self.params:
            raise ValueError("params must name the leaves to train")
        if self.model is not None and self.params:
            raise ValueError("params are for programs; a model trains all its weights")
        return self


class HistoryEntry(BaseModel):
    step: int = Field(description="0 is the starting point; k the point after k updates")
    loss: Scalar
    params: dict[str, Tensor]
    grad_norm: Scalar
    grad_norms: dict[str, Scalar]


class EpochEntry(BaseModel):
    epoch: int
    loss: Scalar
    train_accuracy: float
    test_accuracy: float
    seconds: float
    grad_norms: dict[str, Scalar] = Field(description="per weight tensor, RMS over batches")


class ProgramRun(BaseModel):
    history: list[HistoryEntry]
    stopped: Stopped
    params: dict[str, Tensor]
    program: str = Field(description="the program trained, with any penalty statements")


class DigitsRun(BaseModel):
    history: list[EpochEntry]
    stopped: Stopped
    seconds: float
    train_accuracy: float
    test_accuracy: float
    test_images: list[list[int]] = Field(description="8×8 test images, pixels 0..16")
    test_labels: list[int]
    predictions: list[int]


class LayerNorm(BaseModel):
    layer: int
    grad_norm: Scalar


class DeepGradients(BaseModel):
    depth: int
    activation: str
    init: str
    loss: Scalar
    layers: list[LayerNorm]


class NotFoundBody(BaseModel):
    type: Literal["not_found"]
    message: str


class NotFoundResponse(BaseModel):
    error: NotFoundBody
