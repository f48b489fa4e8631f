"""POST /api/v1/compare: optimizers side by side on one program, and the
/compare page that draws them."""

from __future__ import annotations

import time

from chainrule.optimize.compare import CompareConfig
from chainrule.optimize.landscapes import landscapes_as_dicts
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import work
from ..pool import run_job
from ..schemas.common import ErrorResponse
from ..schemas.compare import CompareRequest, CompareResponse

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["compare"])
page = APIRouter(include_in_schema=False)


@api.post("/compare", response_model=CompareResponse,
          responses={400: {"model": ErrorResponse, "description": "a bad program or a limit"},
                     413: {"model": ErrorResponse, "description": "body over the limit"},
                     422: {"model": ErrorResponse, "description": "a malformed body"}})
async def compare(body: CompareRequest, request: Request) -> Response:
    """Run gd, momentum, Adam, Newton and an evolution strategy from the same start."""
    settings = request.app.state.settings
    config = CompareConfig(
        methods=tuple(body.methods), max_steps=body.max_steps, lr=dict(body.lr or {}),
        momentum=body.momentum, es_population=body.es.population, es_sigma=body.es.sigma,
        seed=body.es.seed, tol=body.tol, grid=body.grid,
        bounds=None if body.bounds is None else (tuple(body.bounds.x), tuple(body.bounds.y)))
    # The runs stop at 3/4 of the request time, leaving the contour grid its share,
    # so a slow comparison answers with what it has rather than a time-out.
    deadline = time.monotonic() + 0.75 * settings.request_seconds
    out = await run_job(request, "heavy", work.compare_json, body.program, body.params,
                        config, work.packed(body.values), request.app.state.limits,
                        settings.max_train_steps, deadline, settings.max_response_bytes)
    return Response(out, media_type="application/json")


@page.get("/compare", response_class=HTMLResponse)
async def compare_page(request: Request):
    """Optimizers on the loss surface; the symbolic check; the cost of backprop."""
    return request.app.state.templates.TemplateResponse(
        request, "compare.html", {"landscapes": landscapes_as_dicts(),
                                  "max_steps": request.app.state.settings.max_train_steps})


router.include_router(api)
router.include_router(page)
