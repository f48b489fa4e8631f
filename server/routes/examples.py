from __future__ import annotations

from fastapi import APIRouter

from engine.examples import examples_as_dicts

from ..schemas import ExampleOut

router = APIRouter(prefix="/api/v1", tags=["examples"])


@router.get("/examples", response_model=list[ExampleOut])
async def list_examples() -> list[dict]:
    """The built-in programs, each with a title and the lesson it teaches."""
    return examples_as_dicts()
