"""POST /api/v1/classify: a network trained on a 2-D dataset, its decision
boundary and accuracies per epoch, streamed like /api/v1/train."""

from __future__ import annotations

from chainrule import LimitError
from chainrule.nets.classify import ClassifyConfig
from chainrule.optimize.optim import OptimizerConfig
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from .. import work
from ..errors import JSON
from ..runs import Run, first_event, ndjson, result
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
                            epochs=body.epochs, l2=body.l2, seed=body.seed,
                            train_points=None if body.train is None else
                            tuple(map(tuple, body.train)),
                            test_points=tuple(map(tuple, body.test)))
    run = Run(app)
    await run.start(work.classify, config)
    if not body.stream:
        return JSON(await result(run, request))
    first = await first_event(run)
    return StreamingResponse(ndjson(run, first), media_type=NDJSON,
                             headers={"cache-control": "no-store"})
