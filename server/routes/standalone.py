"""The step-through as one self-contained HTML file (the page's HTML button)."""

from __future__ import annotations

from functools import partial

from chainrule import trace_program
from chainrule.explain.standalone import standalone_html
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..jobs import run_job
from ..schemas.common import ErrorResponse
from ..schemas.standalone import StandaloneRequest

router = APIRouter(prefix="/api/v1", tags=["graphs"])
FILENAME = "chainrule-step-through.html"


@router.post("/graphs/html", response_class=Response,
             responses={200: {"content": {"text/html": {}},
                              "description": "one HTML file: the trace and its step-through, "
                                             "working offline"},
                        400: {"model": ErrorResponse, "description": "a bad program"},
                        413: {"model": ErrorResponse, "description": "body over the limit"},
                        422: {"model": ErrorResponse, "description": "a malformed body"}})
async def create_standalone(body: StandaloneRequest, request: Request) -> Response:
    """Trace a program (with the gradient check) and answer its step-through as one
    self-contained HTML file, to save and open anywhere without a server."""
    work = partial(_page, body.program, body.values, body.step, request.app.state.limits)
    page = await run_job(request.app, work)
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{FILENAME}"'})


def _page(program, values, step, limits) -> str:
    trace = trace_program(program, values, check=True, limits=limits)
    total = len(trace["forward"]) + len(trace["backward"])
    return standalone_html(trace, program=program, values=values,
                           step=None if step is None else min(step, total))
