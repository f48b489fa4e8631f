"""Request and response models of POST /api/v1/classify: the 2-D
classification playground."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Number, Scalar
from .train import Stopped

Units = Annotated[int, Field(ge=1, le=32)]
Point = Annotated[list[Number], Field(min_length=3, max_length=3)]
Decay = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]


class OptimizerChoice(BaseModel):
    """As /api/v1/train's optimizer, strictly typed like the rest of this body."""
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Literal["sgd", "momentum", "adam"] = "adam"
    lr: float = Field(0.03, gt=0, allow_inf_nan=False)
    momentum: Decay = 0.9
    beta1: Decay = 0.9
    beta2: Decay = 0.999
    eps: float = Field(1e-8, gt=0, allow_inf_nan=False)


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"dataset": "xor", "noise": 0.05, "hidden": [8], "activation": "tanh",
         "optimizer": {"name": "adam", "lr": 0.03}, "epochs": 300, "l2": 0.0, "seed": 0}]})

    dataset: Literal["circle", "xor", "gaussian", "spiral"] = "circle"
    noise: float = Field(0.05, ge=0, le=0.5, allow_inf_nan=False,
                         description="standard deviation of the noise added to each coordinate")
    hidden: list[Units] = Field([8], max_length=4,
                                description="units per hidden layer (none: a linear model)")
    activation: Literal["tanh", "relu", "sigmoid"] = "tanh"
    optimizer: OptimizerChoice | None = Field(None, description="default adam, lr 0.03")
    epochs: int = Field(300, ge=1, le=2000, description="full-batch updates")
    l2: float = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                      description="adds l2·Σ‖W‖² over the weight matrices to the loss")
    seed: int = Field(0, ge=0, le=2 ** 31, description="the dataset, split and initial weights")
    stream: bool = Field(False, description="answer as NDJSON lines, as /api/v1/train does")
    train: list[Point] | None = Field(None, max_length=1000, description=(
        "your own training points [x1, x2, label 0/1] instead of the dataset (each number "
        "finite and within ±10; a bad one is a 400 naming it)"))
    test: list[Point] = Field([], max_length=1000, description=(
        "held-out points, at least one with train (the test accuracy is theirs)"))


class Points(BaseModel):
    X: list[list[float]]
    y: list[int]


class Data(BaseModel):
    train: Points
    test: Points
    grid: list[float] = Field(description="the boundary grid's coordinates, on both axes")


class EpochEntry(BaseModel):
    epoch: int = Field(description="0 is the start; k the network after k updates")
    loss: Scalar = Field(description="mean cross-entropy on the training set (+ the L2 term)")
    train_accuracy: float
    test_accuracy: float
    seconds: float
    boundary: list[list[float]] | None = Field(
        None, description="P(class 1) at (grid[c], grid[r]) as boundary[r][c]; in snapshots "
                          "(about 50 per run, the first and last included)")
    sample: str | None = Field(None, description="one training sample's loss as a program "
                                                 "with this epoch's weights (snapshots)")
    data: Data | None = Field(None, description="epoch 0 only: the points and the grid")


class ClassifyRun(BaseModel):
    history: list[EpochEntry]
    stopped: Stopped
    seconds: float
    train_accuracy: float
    test_accuracy: float
    data: Data
    boundary: list[list[float]]
