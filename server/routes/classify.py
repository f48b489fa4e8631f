"""POST /api/v1/classify: a network trained on a 2-D dataset, its decision
boundary and accuracies per epoch, streamed like /api/v1/train."""

from __future__ import annotations

from chainrule import LimitError
from chainrule.nets.classify import ClassifyConfig, train_classifier
from chainrule.optimize.optim import OptimizerConfig
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from ..errors import JSON
from ..runs import Run, first_event, ndjson
from ..schemas.classify import ClassifyRequest, ClassifyRun
from ..schemas.common import ErrorResponse
from .train import NDJSON, STREAM_DOC

router = APIRouter(prefix="/api/v1", tags=["train"])


@router.post("/classify", response_model=ClassifyRun, description=STREAM_DOC, responses={
    200: {"content": {NDJSON: {}}},
    400: {"model": ErrorResponse, "description": "a limit"},
    422: {"model": ErrorResponse, "description": "a malformed body"}})
async def classify(body: ClassifyRequest, request: Request) -> Response:
    """Train a small network on circle, xor, gaussian or spiral points."""
    app = request.app
    if body.epochs > app.state.settings.max_train_steps:
        raise LimitError(f"epochs is over the limit of {app.state.settings.max_train_steps}")
    chosen = body.optimizer.model_dump() if body.optimizer else {"name": "adam", "lr": 0.03}
    config = ClassifyConfig(dataset=body.dataset, noise=body.noise, hidden=tuple(body.hidden),
                            activation=body.activation, optimizer=OptimizerConfig(**chosen),
                            epochs=body.epochs, l2=body.l2, seed=body.seed)
    run = Run(app)

    def work(r: Run) -> dict:
        r.emit("ready", None)  # the body is already validated: nothing left to reject
        return train_classifier(config, on_epoch=lambda e: r.emit("entry", e),
                                should_stop=r.should_stop)

    run.start(work)
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
