from __future__ import annotations

from chainrule.language.examples import examples_as_dicts
from fastapi import APIRouter

from ..schemas.common import ExampleOut

router = APIRouter(prefix="/api/v1", tags=["examples"])


@router.get("/examples", response_model=list[ExampleOut])
async def list_examples() -> list[dict]:
    """The built-in programs, each with a title and the lesson it teaches."""
    return examples_as_dicts()
