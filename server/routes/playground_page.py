from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/playground", response_class=HTMLResponse)
async def playground_page(request: Request):
    """The playground: the student's own points, live training, one point's backprop."""
    return request.app.state.templates.TemplateResponse(request, "playground.html", {})
