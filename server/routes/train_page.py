from __future__ import annotations

from chainrule.language.examples import examples_as_dicts
from chainrule.optimize.fit import FIT_EXAMPLES
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/train", response_class=HTMLResponse)
async def train_page(request: Request):
    """The training page: loss curve, gradient norms, parameters over time, digits."""
    return request.app.state.templates.TemplateResponse(
        request, "train.html", {"examples": FIT_EXAMPLES + examples_as_dicts(),
                                "max_steps": request.app.state.settings.max_train_steps})
