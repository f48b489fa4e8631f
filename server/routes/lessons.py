"""Built-in lessons: the overfitting lesson's data (API) and its page."""

from __future__ import annotations

from typing import Annotated

from chainrule.nets.polyfit import overfit_lesson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ..schemas.lessons import OverfitLesson

router = APIRouter(tags=["lessons"])


@router.get("/api/v1/lessons/overfit", response_model=OverfitLesson)
async def overfit(seed: Annotated[int, Query(ge=0, le=2 ** 31)] = 0,
                  degree: Annotated[int, Query(ge=1, le=15)] = 9,
                  points: Annotated[int, Query(ge=2, le=200)] = 12,
                  noise: Annotated[float, Query(ge=0, le=2)] = 0.25) -> dict:
    """A seeded polynomial-fitting problem that overfits: program, data, validation set."""
    return overfit_lesson(seed=seed, degree=degree, points=points, noise=noise)


@router.get("/overfit", response_class=HTMLResponse, include_in_schema=False)
async def overfit_page(request: Request):
    """The overfitting lesson: train and validation loss, the fit, L1/L2, early stopping."""
    return request.app.state.templates.TemplateResponse(
        request, "overfit.html", {"max_steps": request.app.state.settings.max_train_steps})
