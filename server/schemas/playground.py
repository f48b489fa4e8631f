"""Request and response models of the playground: POST /api/v1/playground/step
(a few epochs on the student's points, the weights carried by the page) and
GET /api/v1/playground/data (a seeded starting dataset)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Number

# Sizes are checked again (and every number's range) in chainrule.nets.playground,
# whose errors name the point: "train point 12: the label must be 0 or 1".
Point = Annotated[list[Number], Field(min_length=2, max_length=3)]
Units = Annotated[int, Field(ge=1, le=8)]
Feature = Literal["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]
Weights = list[list[Number] | list[list[Number]]]


class PlaygroundStep(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"task": "classify", "train": [[0.5, 0.5, 1], [-0.5, -0.4, 0], [0.4, -0.6, 0]],
         "test": [[-0.6, 0.5, 1]], "features": ["x1", "x2"], "hidden": [4],
         "activation": "tanh", "lr": 0.1, "batch_size": 10, "epochs": 10, "point": 0}]})

    task: Literal["classify", "regress"] = "classify"
    train: list[Point] = Field(min_length=1, max_length=1000, description=(
        "training points: [x1, x2, label 0/1] (classify) or [x, y] (regress), "
        "each number finite and within ±10"))
    test: list[Point] = Field([], max_length=1000, description="held-out points, same form")
    features: list[Feature] = Field(["x1", "x2"], min_length=1, max_length=7)
    hidden: list[Units] = Field([4, 4], max_length=6, description="neurons per hidden layer")
    activation: Literal["tanh", "relu", "sigmoid"] = "tanh"
    lr: float = Field(0.03, gt=0, le=10, allow_inf_nan=False, description="SGD step size")
    batch_size: int = Field(10, ge=1, le=1000)
    l2: float = Field(0.0, ge=0, le=1, allow_inf_nan=False,
                      description="adds l2·Σ‖W‖² over the weight matrices to the minimised loss")
    seed: int = Field(0, ge=0, le=2 ** 31, description="initial weights and batch order")
    epoch: int = Field(0, ge=0, le=10 ** 7, description="epochs the given weights have taken")
    epochs: int = Field(1, ge=0, le=100, description="epochs to take now (0: only look)")
    weights: Weights | None = Field(None, max_length=14, description=(
        "W1, b1, W2, b2, ... as the last answer gave them; none: the seed's initial ones"))
    point: int | None = Field(None, ge=0, description="the chosen training point's index")
    watch: list[Annotated[int, Field(ge=0, le=8)]] = Field(
        [0, 0, 0], min_length=3, max_length=3,
        description="[k, i, j]: the weight W_(k+1)[i][j] whose gradient is plotted")
    scalar: bool = Field(False, description=(
        "the point's program one multiply and add at a time (W1[i][j] is the leaf W1_i_j), "
        "for networks of at most 64 weights and biases; else x @ W + b per layer"))


class StepEntry(BaseModel):
    epoch: int
    train_loss: float | None = Field(description="data loss (no L2); null when not finite")
    test_loss: float | None
    point_loss: float | None = None
    point_grad: float | None = None


class ChosenPoint(BaseModel):
    index: int
    program: str = Field(description="the point's loss as a program with these weights")
    trace: dict = Field(description="that program's trace (chainrule.trace/1)")
    scalar: bool


class PlaygroundAnswer(BaseModel):
    epoch: int
    diverged: bool
    weights: list = Field(description="W1, b1, ... after these epochs")
    grads: list = Field(description="the full-batch data-loss gradient of each, same shapes")
    history: list[StepEntry]
    grid: list[float]
    boundary: list[list[float]] | None = Field(None, description="classify: P(class 1)")
    curve: list[float] | None = Field(None, description="regress: the prediction at grid")
    neuron_grid: list[float] | None = None
    neurons: list = Field(description="per hidden layer, per neuron: its output over the "
                                      "plane (classify) or along x (regress)")
    point: ChosenPoint | None


class PlaygroundData(BaseModel):
    task: Literal["classify", "regress"]
    train: list[list[float]]
    test: list[list[float]]
