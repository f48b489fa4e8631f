from __future__ import annotations

import orjson
from chainrule import LimitError, trace_program
from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import work
from ..pool import run_job
from ..schemas.common import ErrorResponse
from ..schemas.graphs import GraphRequest, Trace, TraceColumns

router = APIRouter(prefix="/api/v1", tags=["graphs"])
SMALL_PROGRAM = 600  # characters
LIGHT_PROGRAM = 20_000  # characters: at most ~5,000 nodes, a fraction of a second
SMALL_CHECK = 2_000  # characters: a check of this goes to the small-check lane first
SMALL_VALUES = 20_000  # bytes of values (as JSON) a small check may bring


@router.post("/graphs", response_model=Trace | TraceColumns,
             responses={400: {"model": ErrorResponse, "description": "a bad program"},
                        413: {"model": ErrorResponse, "description": "body over the limit"},
                        422: {"model": ErrorResponse, "description": "a malformed body"}})
async def create_graph(body: GraphRequest, request: Request) -> Response:
    """Trace a program: nodes with values and gradients, and the backward steps."""
    app = request.app
    max_bytes = app.state.settings.max_response_bytes
    if _is_small(body):  # well under a millisecond: a process hop would cost more
        out = orjson.dumps(trace_program(body.program, None, False, limits=app.state.limits,
                                         format=body.format, **work.extras(body.include)))
        if len(out) > max_bytes:  # only with a tiny limit, but a limit is a limit
            raise LimitError(f"the trace would be {len(out):,} bytes, over the limit of "
                             f"{max_bytes:,}")
        return Response(out, media_type="application/json")
    values = work.packed(body.values)
    if body.check and len(body.program) <= SMALL_CHECK and len(values or b"") <= SMALL_VALUES:
        # The page checks every Build: a small program's check has its own lane and
        # budget, so heavy checks queued by others never stand in front of it.
        out = await run_job(request, "check", work.quick_trace_json, body.program, values,
                            body.check, app.state.limits, max_bytes, body.format,
                            tuple(body.include))
        if out is not None:
            return Response(out, media_type="application/json")
    lane = "light" if not body.check and len(body.program) <= LIGHT_PROGRAM else "heavy"
    out = await run_job(request, lane, work.trace_json, body.program, values,
                        body.check, app.state.limits, max_bytes, body.format,
                        tuple(body.include))
    return Response(out, media_type="application/json")


def _is_small(body: GraphRequest) -> bool:
    """Scalars only (no tensor literal, no values), a short text and no check:
    at most a few hundred scalar nodes, so the event loop is held well under 1 ms."""
    return (len(body.program) <= SMALL_PROGRAM and not body.values and not body.check
            and "[" not in body.program)
