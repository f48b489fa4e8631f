"""The standalone step-through's request: a program, as for /graphs, and the
step the file opens at."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .common import InputTensor, Name


class StandaloneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"program": "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",
         "values": {"w": 1.5}, "step": 5}]})

    program: str = Field(description="the program text (see the language in the README)")
    values: dict[Name, InputTensor] | None = Field(
        None, description="numbers or nested lists that fill free names and override leaves")
    step: int | None = Field(None, ge=0, description="the step the file opens at (default: "
                                                     "after the forward pass; clamped to the "
                                                     "last step)")
