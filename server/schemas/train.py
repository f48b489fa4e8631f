"""Request and response models of /api/v1/train and the gradient-norm demo."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .common import Name, Scalar, Tensor, Values

Rate = Annotated[float, Field(strict=False, gt=0, allow_inf_nan=False)]
Decay = Annotated[float, Field(strict=False, ge=0, lt=1, allow_inf_nan=False)]
Penalty = Annotated[float, Field(strict=False, ge=0, allow_inf_nan=False)]
Stopped = Literal["converged", "max_steps", "diverged", "cancelled", "time_limit",
                  "early_stopping"]


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


class EarlyStoppingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    patience: int = Field(ge=1, le=100_000, description="steps without a new best validation "
                          "loss before the run stops")
    min_delta: float = Field(0.0, ge=0, allow_inf_nan=False,
                             description="an improvement smaller than this does not count")


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
    validation: Values | None = Field(
        None, description="values for the data leaves (not the params) that make the validation "
        "set: each history entry then has train_loss and validation_loss (program)")
    early_stopping: EarlyStoppingIn | None = Field(
        None, description="stop when the validation loss stops improving; needs validation "
        "(program)")
    train_size: int | None = Field(None, ge=10, le=1347, description="train on this many "
                                   "images, as many of each digit as fit (digits)")
    weight_decay: Penalty = Field(0.0, description="λ: each gradient gets + λ·w (digits)")
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
        if self.model is None and (self.train_size is not None or self.weight_decay):
            raise ValueError("train_size and weight_decay are for the digits model")
        if self.program is None and (self.validation or self.early_stopping):
            raise ValueError("validation and early_stopping are for programs")
        if self.early_stopping is not None and not self.validation:
            raise ValueError("early_stopping needs a validation set to watch")
        return self


class WorkedUpdate(BaseModel):
    """The update that led to this step, with the numbers the rule used: for an
    array, its first element (`element`); every element follows the same rule."""
    rule: Literal["sgd", "momentum", "adam"]
    lr: float
    p: Scalar = Field(description="the value before the update")
    g: Scalar = Field(description="the gradient dL/dp there (penalties included)")
    new: Scalar = Field(description="the value after: sgd p − lr·g; momentum p − lr·v; "
                                    "adam p − lr·m_hat/(√v_hat + eps)")
    element: list[int] | None = Field(None, description="index shown; null for a scalar")
    mu: float | None = Field(None, description="momentum: v ← mu·v_prev + g")
    v_prev: Scalar | None = None
    v: Scalar | None = Field(None, description="momentum: velocity; adam: second moment")
    beta1: float | None = None
    beta2: float | None = None
    eps: float | None = None
    t: int | None = Field(None, description="adam: updates so far, this one included")
    m_prev: Scalar | None = None
    m: Scalar | None = Field(None, description="adam: m ← beta1·m_prev + (1 − beta1)·g")
    m_hat: Scalar | None = Field(None, description="adam: m / (1 − beta1^t)")
    v_hat: Scalar | None = Field(None, description="adam: v / (1 − beta2^t)")


class Curve(BaseModel):
    x: list[float]
    y: list[float | None] = Field(description="null where the prediction is not finite")


class HistoryEntry(BaseModel):
    step: int = Field(description="0 is the starting point; k the point after k updates")
    loss: Scalar
    params: dict[str, Tensor]
    grad_norm: Scalar
    grad_norms: dict[str, Scalar]
    fit: Curve | None = Field(None, description="a program fitting data x → y: its prediction "
                                               "across x, at about 100 steps of the run")
    fit_data: Curve | None = Field(None, description="step 0 only: the data points")
    update: dict[str, WorkedUpdate] | None = Field(
        None, description="per parameter, the update from step k − 1 to this step")
    train_loss: Scalar | None = Field(None, description="with validation: the data loss on "
                                      "the training values, no penalty")
    validation_loss: Scalar | None = Field(None, description="with validation: the same loss "
                                           "on the validation values")


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
    best_step: int | None = Field(None, description="with early_stopping: the step of the "
                                  "lowest validation loss, whose params are returned")


class DigitsRun(BaseModel):
    history: list[EpochEntry]
    stopped: Stopped
    seconds: float
    train_accuracy: float
    test_accuracy: float
    test_images: list[list[int]] = Field(description="8×8 test images, pixels 0..16")
    test_labels: list[int]
    predictions: list[int]
    confusion: list[list[int]] = Field(description="confusion[i][j]: test images of digit i "
                                                   "predicted as j")
    sample: str = Field(description="the trained network on test image sample_index as a "
                                    "chainrule program (the step-through view retraces it)")
    sample_index: int = Field(description="which test image the sample program classifies")


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
