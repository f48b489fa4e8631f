from __future__ import annotations

from chainrule.language.examples import examples_as_dicts
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request):
    """The visualizer page."""
    return request.app.state.templates.TemplateResponse(
        request, "index.html", {"examples": examples_as_dicts()})


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request):
    """The API's Swagger UI, served from static/vendor (FastAPI's own loads a CDN)."""
    return request.app.state.templates.TemplateResponse(request, "docs.html", {})
