"""Every error as {"error": {"type", "message", "line"?, "col"?}}."""

from __future__ import annotations

import orjson
from chainrule import ProgramError
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

_UNION_TAGS = {"float", "int", "str", "bool", "list", "dict"}
_TYPES = {404: "not_found", 405: "method_not_allowed", 413: "limit_error"}


class JSON(Response):
    """Strict JSON through orjson: NaN and Infinity are refused, never written."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return orjson.dumps(content)


def error_response(status: int, type_: str, message: str, headers=None, **where) -> JSON:
    body = {"type": type_, "message": message}
    body.update({k: v for k, v in where.items() if v is not None})
    return JSON({"error": body}, status_code=status, headers=headers)


async def program_error(request: Request, err: ProgramError) -> JSON:
    return JSON({"error": err.to_dict()}, status_code=400)


async def validation_error(request: Request, err: RequestValidationError) -> JSON:
    first = err.errors()[0]
    # loc is the field path plus, inside unions, the tried type ("float", "list[...]")
    where = ".".join(str(p) for p in first.get("loc", ())
                     if p != "body" and str(p) not in _UNION_TAGS and "[" not in str(p))
    where = where or "body"
    message = first.get("msg", "invalid request")
    if first.get("type") == "json_invalid":
        message = "the request body is not valid JSON"
    return error_response(422, "value_error", f"{where}: {message}")


async def http_error(request: Request, err: HTTPException) -> JSON:
    type_ = _TYPES.get(err.status_code, "value_error")
    return error_response(err.status_code, type_, str(err.detail), headers=err.headers)
