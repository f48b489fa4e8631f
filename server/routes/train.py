from __future__ import annotations

from typing import Annotated, Literal

from chainrule import LimitError
from chainrule.nets.deep import ACTIVATIONS, layer_gradient_norms
from chainrule.nets.digits import DigitsConfig, split
from chainrule.optimize.optim import OptimizerConfig
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from .. import runs, work
from ..errors import JSON
from ..runs import Run, first_event, ndjson, result
from ..schemas.common import ErrorResponse
from ..schemas.train import (
    DeepGradients,
    DigitsRun,
    NotFoundResponse,
    OptimizerIn,
    ProgramRun,
    TrainRequest,
)

router = APIRouter(prefix="/api/v1", tags=["train"])

NDJSON = "application/x-ndjson"
STREAM_DOC = (
    "With `stream: true`, one JSON object per line: `{type: start, run, cancel}`, then "
    "`{type: progress, history: [entries]}` as the run goes, then `{type: done, ...}` (the "
    "answer without its history) or `{type: error, error}`. Closing the connection or "
    "POSTing to the `cancel` path stops the run (`stopped: cancelled`).")


@router.post("/train", response_model=ProgramRun | DigitsRun, description=STREAM_DOC, responses={
    200: {"content": {NDJSON: {}}},
    400: {"model": ErrorResponse, "description": "a bad program or a limit"},
    422: {"model": ErrorResponse, "description": "a malformed body"}})
async def train(body: TrainRequest, request: Request) -> Response:
    """Train a program's leaves by gradient descent, or the digits classifier."""
    app = request.app
    settings = app.state.settings
    if body.model is None and body.max_steps > settings.max_train_steps:
        raise LimitError(f"max_steps is over the limit of {settings.max_train_steps}")
    if body.model == "digits":
        images = body.train_size or len(split(body.seed)[1])
        batches = -(-images // DigitsConfig().batch)
        if body.epochs * batches > settings.max_train_steps:
            raise LimitError(f"{body.epochs} epochs are {body.epochs * batches} updates, over "
                             f"the limit of {settings.max_train_steps}")
    chosen = body.optimizer or OptimizerIn(name="adam" if body.model else "sgd", lr=0.01)
    optimizer = OptimizerConfig(**chosen.model_dump())
    run = Run(app)
    await run.start(work.train, body.model_dump(exclude={"values"}), work.packed(body.values),
                    optimizer, app.state.limits)
    if not body.stream:
        return JSON(await result(run, request))
    first = await first_event(run)
    return StreamingResponse(ndjson(run, first), media_type=NDJSON,
                             headers={"cache-control": "no-store"})


@router.post("/train/{run_id}/cancel", status_code=200,
             responses={404: {"model": NotFoundResponse, "description": "no such running run"}})
async def cancel(run_id: str, request: Request) -> dict[str, bool]:
    """Stop a streaming run after its current update (on any worker of the server)."""
    if not runs.cancel(request.app, run_id):
        raise HTTPException(404, f"no running training run {run_id!r}")
    return {"cancelled": True}


@router.get("/gradients/deep", response_model=DeepGradients)
async def deep_gradients(
        depth: Annotated[int, Query(ge=1, le=30)] = 15,
        activation: Annotated[Literal[ACTIVATIONS], Query()] = "sigmoid",
        init: Annotated[Literal["naive", "xavier", "he"], Query()] = "naive") -> DeepGradients:
    """Per-layer gradient norms of a deep, narrow network: vanishing or exploding."""
    return DeepGradients(**layer_gradient_norms(depth, activation, init))
