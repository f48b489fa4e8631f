from __future__ import annotations

from typing import Annotated, Literal

from chainrule import LimitError
from chainrule.nets.deep import ACTIVATIONS, layer_gradient_norms
from chainrule.nets.digits import DigitsConfig, split, train_digits
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from ..errors import JSON
from ..runs import Run, first_event, ndjson, registry
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
    run.start(lambda r: _train(body, optimizer, app.state.limits, r))
    first = await first_event(run)
    if body.stream:
        return StreamingResponse(ndjson(run, first), media_type=NDJSON,
                                 headers={"cache-control": "no-store"})
    while first[0] in ("ready", "entry"):
        first = await run.queue.get()
    kind, result = first
    if kind == "error":
        raise result
    if result["stopped"] == "time_limit":
        raise LimitError(f"training took longer than {run.seconds:g} s")
    return JSON(result)


def _train(body: TrainRequest, optimizer: OptimizerConfig, limits, run: Run) -> dict:
    """In the worker thread."""
    if body.model == "digits":
        run.emit("ready", None)  # nothing here for the engine to reject
        config = DigitsConfig(epochs=body.epochs, seed=body.seed, optimizer=optimizer,
                              train_size=body.train_size, weight_decay=body.weight_decay)
        return train_digits(config, on_epoch=lambda e: run.emit("entry", e),
                            should_stop=run.should_stop)
    reg = body.regularization
    return train_program(body.program, body.params, optimizer, body.max_steps, body.tol,
                         l1=reg.l1 if reg else 0.0, l2=reg.l2 if reg else 0.0,
                         values=body.values, validation=body.validation,
                         patience=stop.patience if (stop := body.early_stopping) else None,
                         min_delta=stop.min_delta if stop else 0.0, limits=limits,
                         on_record=lambda e: run.emit("entry", e), should_stop=run.should_stop)


@router.post("/train/{run_id}/cancel", status_code=200,
             responses={404: {"model": NotFoundResponse, "description": "no such running run"}})
async def cancel(run_id: str, request: Request) -> dict[str, bool]:
    """Stop a streaming run after its current update."""
    run = registry(request.app).get(run_id)
    if run is None:
        raise HTTPException(404, f"no running training run {run_id!r}")
    run.cancelled.set()
    return {"cancelled": True}


@router.get("/gradients/deep", response_model=DeepGradients)
async def deep_gradients(
        depth: Annotated[int, Query(ge=1, le=30)] = 15,
        activation: Annotated[Literal[ACTIVATIONS], Query()] = "sigmoid",
        init: Annotated[Literal["naive", "xavier", "he"], Query()] = "naive") -> DeepGradients:
    """Per-layer gradient norms of a deep, narrow network: vanishing or exploding."""
    return DeepGradients(**layer_gradient_norms(depth, activation, init))
