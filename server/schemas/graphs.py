"""The graphs resource's models: what /docs and /openapi.json describe. The
trace itself is built by the engine and serialized by orjson; these models
are its documented shape, checked against real responses in the tests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Scalar, Tensor, Values


class GraphRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"program": "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",
         "values": {"w": 1.5}, "check": True}]})

    program: str = Field(description="the program text (see the language in the README)")
    values: Values | None = Field(
        None, description="numbers or nested lists that fill free names and override leaves")
    check: bool = Field(False, description="also compute central-difference gradients")
    format: Literal["chainrule.trace/1", "chainrule.trace/2"] = Field(
        "chainrule.trace/1", description="trace/1 (a dict per node and per step, with the "
        "ledger text) or trace/2 (columns, no ledger text; see docs/trace.md)")
    include: list[Literal["cost", "overwrite"]] = Field(
        default_factory=list, description="trace/2 only: also compute these fields (trace/1 "
        "always has both; on a big graph each costs about as much as the columns)")


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


class SumOver(BaseModel):
    axes: list[int] = Field(description="the output axes the forward broadcast added or stretched")
    from_shape: list[int] = Field(description="the product's shape, before the sum")
    to_shape: list[int] = Field(description="the input's own shape, after it")
    text: str = Field(description="e.g. '(2, 1) → (1,)'")


class WorkedEntry(BaseModel):
    entry: list[int] = Field(description="the index of the entry worked out ([] for a scalar)")
    text: str = Field(description="e.g. '∂L/∂W₀₀ = X₀₀·g₀₀ + X₁₀·g₁₀ = 1.0·(−0.9) + 3.0·1.85 "
                                  "= 4.65'")
    value: Scalar = Field(description="that entry of the contribution, unrounded")


class TensorExplain(BaseModel):
    rule: Literal["sum", "mean", "elementwise", "broadcast", "matmul", "softmax",
                  "log_softmax", "cross_entropy"]
    text: str = Field(description="what the op does backward, with this point's numbers")
    shapes: str = Field(description="the shapes at the product, e.g. 'upstream (2, 1) ⊙ local "
                                    "(2, 1) → (2, 1)'")
    sum_over: SumOver | None = Field(description="only where the forward pass broadcast this "
                                                 "input: the sum that undoes it")
    worked: WorkedEntry | None = Field(description="one entry worked out in full")


class TraceEdge(BaseModel):
    to: str
    local: Tensor | None = Field(
        description="elementwise local derivative; null where it is not elementwise (matmul, "
                    "softmax, log_softmax): local_formula then says how the VJP is computed")
    local_formula: str
    local_worked: str | None = Field(
        None, description="scalar edges: local_formula with this point's numbers put in, "
                          "e.g. '2 × (−3.0)'; null where the formula holds no number ('1', "
                          "'-1') or the edge is a tensor")
    contribution: Tensor
    grad_after: Tensor = Field(description="the input's running gradient after this +=")
    explain: TensorExplain | None = Field(
        None, description="tensor edges only: what the op does backward, from the op table "
                          "(a reduction copies, a broadcast is summed, @ and the softmax "
                          "family in closed form), with one entry worked out")


class BackwardStep(BaseModel):
    node: str
    grad: Tensor
    edges: list[TraceEdge]


class Derivative(BaseModel):
    text: str = Field(description="sympy's derivative, e.g. 2*x*(b + w*x - y)")
    latex: str = Field(description="the same as LaTeX, for KaTeX")


class OneSided(BaseModel):
    left: Tensor = Field(description="(f(x) - f(x - h))/h per element")
    right: Tensor = Field(description="(f(x + h) - f(x))/h per element")


class LeafCheck(BaseModel):
    numeric: Tensor | None
    rel_error: Scalar | None
    ok: bool | None = Field(description="null at a kink (see one_sided) or for a class index")
    resolution: Scalar | None = Field(
        None, description="the smallest difference central differences can resolve here")
    one_sided: OneSided | None = Field(None, description="at a kink: the one-sided slopes")
    note: str | None = None
    derivative: Derivative | None = Field(
        None, description="scalar leaves, with the `symbolic` extra (sympy) installed")
    symbolic: Scalar | None = Field(None, description="the symbolic derivative at this point")


class PassCost(BaseModel):
    ops: int = Field(description="op nodes (forward) or edges (backward) computed")
    flops: int
    accumulations: int | None = Field(None, description="backward only: the += into a node "
                                                        "that already had a contribution")


class SavedForBackward(BaseModel):
    values: int = Field(description="node values the derivatives read")
    elements: int
    bytes: int


class Cost(BaseModel):
    forward: PassCost
    backward: PassCost
    ratio: float | None = Field(description="backward FLOPs / forward FLOPs: backward = k × "
                                            "forward; null when forward costs nothing")
    saved: SavedForBackward


class FanOut(BaseModel):
    node: str
    label: str | None
    uses: int = Field(description="contributions the node receives in the backward pass")


class Overwritten(BaseModel):
    node: str
    label: str | None
    cause: Literal["fan-out", "upstream"] = Field(
        description="fan-out: only its last contribution survived; upstream: it inherited a "
                    "wrong gradient through the chain rule")
    uses: int
    overwritten: Tensor = Field(description="its gradient when the backward pass uses =")
    error: Scalar = Field(description="largest |overwritten − true gradient|")


class Overwrite(BaseModel):
    fanout: list[FanOut]
    wrong: list[Overwritten]
    gradients: dict[str, Tensor] | None = Field(
        description="each leaf's gradient under =; null when no node is used twice")
    edges: list[tuple[int, int, Tensor]] = Field(
        default_factory=list,
        description="[backward step, edge, contribution] for each edge whose contribution "
                    "differs under = (its upstream was already wrong); every other edge "
                    "pushes the trace's contribution, and under = an input's gradient is "
                    "the last contribution it received")


class TensorPath(BaseModel):
    leaf: str = Field(description="the leaf's name")
    nodes: list[str] = Field(description="the path's node ids, from the output down to the leaf")
    slots: list[int] = Field(description="per step down, the input slot taken")
    contribution: Tensor = Field(description="the upstream 1 pushed back along this path only: "
                                             "its share of the leaf's gradient, per entry")


class Trace(BaseModel):
    format: Literal["chainrule.trace/1"]
    output: str
    nodes: list[TraceNode]
    forward: list[str]
    backward: list[BackwardStep]
    gradients: dict[str, Tensor]
    cost: Cost
    overwrite: Overwrite = Field(description="the backward pass replayed with = instead of += "
                                             "at nodes used more than once")
    check: dict[str, LeafCheck] | None = None
    paths: list[TensorPath] | None = Field(
        None, description="programs with a tensor: for each leaf, every "
                          "output-to-leaf path (none listed past 24) with its contribution; "
                          "a leaf's paths add up to its gradient")


class NodeColumns(BaseModel):
    op: list[str]
    kind: list[Literal["leaf", "const", "op"]]
    label: list[str | None]
    text: list[str]
    inputs: list[list[int]] = Field(description="each node's inputs, as node indices")
    shape: list[list[int]]
    value: list[Tensor]
    grad: list[Tensor | None]
    line: list[int]
    col: list[int]
    end_line: list[int]
    end_col: list[int] = Field(description="column just past the end (1-based)")
    warnings: dict[str, list[str]] = Field(description="node index (as text) -> its warnings; "
                                                       "nodes without warnings are absent")


class BackwardColumns(BaseModel):
    node: list[int] = Field(description="per backward step: the node whose gradient is complete")
    grad: list[Tensor] = Field(description="per step: that node's gradient (the upstream)")
    edges: list[int] = Field(description="per step: how many of the edge columns are its edges, "
                                         "in order")
    to: list[int] = Field(description="per edge: the input node's index")
    slot: list[int] = Field(description="per edge: which input of the op (0, 1, ...)")
    local: list[Tensor | None]
    contribution: list[Tensor]
    grad_after: list[Tensor]


class TraceColumns(BaseModel):
    """chainrule.trace/2: the same numbers as trace/1, one list per field. Node
    i is trace/1's node "n{i}"; the forward order is 0, 1, ...; the ledger
    text (local_formula, local_worked) is left out."""
    format: Literal["chainrule.trace/2"]
    output: int
    nodes: NodeColumns
    backward: BackwardColumns
    gradients: dict[str, Tensor]
    cost: Cost | None = Field(None, description="present when the request's include has it")
    overwrite: Overwrite | None = Field(
        None, description="present when the request's include has it")
    check: dict[str, LeafCheck] | None = None
    paths: list[TensorPath] | None = Field(None, description="as in trace/1")
