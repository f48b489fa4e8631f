from __future__ import annotations

from fastapi import APIRouter

from ..schemas.common import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> dict:
    """Liveness: answers while programs are being traced."""
    return {"status": "ok"}
