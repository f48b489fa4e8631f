"""The playground's API: a few epochs per request on the student's points,
the weights carried back and forth by the page (the server keeps no run)."""

from __future__ import annotations

from typing import Literal

from chainrule.nets.playground import Setup, dataset
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..errors import JSON
from ..playground_work import step_json
from ..pool import run_job
from ..schemas.common import ErrorResponse
from ..schemas.playground import PlaygroundAnswer, PlaygroundData, PlaygroundStep

router = APIRouter(prefix="/api/v1/playground", tags=["train"])


@router.post("/step", response_model=PlaygroundAnswer, responses={
    400: {"model": ErrorResponse, "description": "a point, weight or size out of range"},
    422: {"model": ErrorResponse, "description": "a malformed body"}})
async def playground_step(body: PlaygroundStep, request: Request) -> Response:
    """Train `epochs` epochs of minibatch SGD from `weights` and describe the network."""
    fields = body.model_dump()
    for k in ("features", "hidden", "watch"):
        fields[k] = tuple(fields[k])
    out = await run_job(request, "light", step_json, Setup(**fields))
    return Response(out, media_type="application/json")


@router.get("/data", response_model=PlaygroundData,
            responses={422: {"model": ErrorResponse, "description": "a bad parameter"}})
async def playground_data(
        name: Literal["circle", "xor", "gaussian", "spiral", "sine", "parabola"] = "circle",
        points: int = Query(200, ge=2, le=1000), noise: float = Query(0.05, ge=0, le=0.5),
        seed: int = Query(0, ge=0, le=2 ** 31)) -> JSON:
    """A seeded starting dataset, rounded to 3 decimals; the first 30% are test points."""
    return JSON(dataset(name, points, noise, seed))
