from __future__ import annotations

from functools import partial

import orjson
from chainrule import trace_program
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..jobs import run_job
from ..schemas.common import ErrorResponse
from ..schemas.graphs import GraphRequest, Trace

router = APIRouter(prefix="/api/v1", tags=["graphs"])
SMALL_PROGRAM = 600  # characters


@router.post("/graphs", response_model=Trace,
             responses={400: {"model": ErrorResponse, "description": "a bad program"},
                        413: {"model": ErrorResponse, "description": "body over the limit"},
                        422: {"model": ErrorResponse, "description": "a malformed body"}})
async def create_graph(body: GraphRequest, request: Request) -> Response:
    """Trace a program: nodes with values and gradients, and the backward steps."""
    work = partial(_traced_json, body.program, body.values, body.check, request.app.state.limits)
    if _is_small(body):  # well under a millisecond: a thread hop would cost more
        return Response(work(), media_type="application/json")
    return Response(await run_job(request.app, work), media_type="application/json")


def _is_small(body: GraphRequest) -> bool:
    """Scalars only (no tensor literal, no values), a short text and no check:
    at most a few hundred scalar nodes, so the event loop is held well under 1 ms."""
    return (len(body.program) <= SMALL_PROGRAM and not body.values and not body.check
            and "[" not in body.program)


def _traced_json(program, values, check, limits) -> bytes:
    # Serialized in the worker thread too: a 10k-node trace is real CPU work.
    return orjson.dumps(trace_program(program, values, check, limits=limits))
