"""The step-through as one self-contained HTML file (the page's HTML button)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import work
from ..pool import run_job
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
    page = await run_job(request, "heavy", work.standalone_page, body.program,
                         work.packed(body.values), body.step, request.app.state.limits,
                         request.app.state.settings.max_response_bytes)
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{FILENAME}"'})
