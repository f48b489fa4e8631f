"""Models of /api/v1/lessons: built-in lessons as data a page or a script trains."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import Name


class OverfitLesson(BaseModel):
    program: str = Field(description="the model: loss = mean((X @ w - y)**2)")
    params: list[Name]
    degree: int
    values: dict[str, list] = Field(description="X (powers of each training x) and y")
    validation: dict[str, list] = Field(description="X and y of the validation points")
    train_points: list[list[float]] = Field(description="[x, y] of each training point")
    validation_points: list[list[float]]
    truth: list[list[float]] = Field(description="[x, sin(πx)] on a grid: the curve sampled")
