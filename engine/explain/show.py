"""chainrule.show: the interactive step-through inline in a notebook.

The standalone document (standalone.py) goes into an <iframe srcdoc>, so the
notebook's scripts and styles and the step-through's cannot clash, and the
frame's sandbox lets it run scripts and nothing else."""

from __future__ import annotations

import html
from pathlib import Path

from .run import trace_program
from .standalone import standalone_html

FRAME_HEIGHT = 760  # px: the graph, the ledger and the start of the gradients table


class StepThrough:
    """A trace ready to show: `_repr_html_()` for Jupyter, `.save(path)` for a file."""

    def __init__(self, trace: dict, *, program: str | None = None, values: dict | None = None,
                 step: int | None = None, height: int = FRAME_HEIGHT):
        self.trace = trace
        self.program = program
        self.values = values
        self.step = step
        self.height = height

    def html(self) -> str:
        """The standalone document."""
        return standalone_html(self.trace, program=self.program, values=self.values,
                               step=self.step)

    def _repr_html_(self) -> str:
        # srcdoc is an attribute: html.escape with quote=True makes any text in
        # the document (the program included) inert there.
        doc = html.escape(self.html(), quote=True)
        return (f'<iframe srcdoc="{doc}" sandbox="allow-scripts" '
                f'title="chainrule step-through" width="100%" height="{int(self.height)}" '
                'style="border: 1px solid #d0d7de; border-radius: 8px;"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the standalone file; returns its path."""
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def __repr__(self) -> str:
        steps = len(self.trace.get("forward", [])) + len(self.trace.get("backward", []))
        return f"<chainrule step-through: {len(self.trace.get('nodes', []))} nodes, {steps} steps>"


def show(program: str | dict, values: dict | None = None, step: int | None = None) -> StepThrough:
    """The step-through of `program` (text, traced here with the gradient check)
    or of a trace dict from trace_program; shown inline by Jupyter."""
    if isinstance(program, dict):
        if values is not None:
            raise ValueError("values apply to program text; this trace is already computed")
        return StepThrough(program, step=step)
    if not isinstance(program, str):
        raise TypeError(f"show() takes program text or a trace dict, not {type(program).__name__}")
    return StepThrough(trace_program(program, values, check=True), program=program,
                       values=values, step=step)
