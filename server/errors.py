"""Every error as {"error": {"type", "message", "line"?, "col"?}}."""

from __future__ import annotations

import json
from difflib import get_close_matches
from typing import get_args

import orjson
from chainrule import ProgramError
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

_UNION_TAGS = {"float", "int", "str", "bool", "list", "dict"}
_NOT_AN_OBJECT = {"model_type", "model_attributes_type", "dict_type"}
_TYPES = {404: "not_found", 405: "method_not_allowed", 408: "limit_error", 413: "limit_error"}


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


async def shutting_down(request: Request, err: ProgramError) -> JSON:
    return JSON({"error": err.to_dict()}, status_code=503, headers={"connection": "close"})


async def validation_error(request: Request, err: RequestValidationError) -> JSON:
    errors = err.errors()
    # an unknown field explains a missing one ('programme' for 'program'): it goes first
    first = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    if first.get("type") == "json_invalid":
        return body_error(request)
    # loc is the field path plus, inside unions, the tried type ("float", "list[...]")
    path = [p for p in first.get("loc", ())
            if p != "body" and str(p) not in _UNION_TAGS and "[" not in str(p)]
    if first.get("type") == "extra_forbidden" and path:
        return error_response(422, "value_error", unknown_field(request, path))
    where = ".".join(str(p) for p in path) or "body"
    message = first.get("msg", "invalid request")
    if not path and first.get("type") == "missing":
        message = "the request body is empty; send a JSON object"
    elif not path and first.get("type") in _NOT_AN_OBJECT:
        message = ("the request body must be a JSON object"
                   if "json" in request.headers.get("content-type", "") else
                   "send the body as a JSON object with Content-Type: application/json")
    return error_response(422, "value_error", f"{where}: {message}")


def body_error(request: Request) -> JSON:
    """A body that is not JSON, not UTF-8 or nested too deep to read: 422, as
    every malformed body, with what is wrong and where."""
    return error_response(422, "value_error", f"body: {body_problem(_body_of(request))}")


def _body_of(request: Request) -> bytes:
    body = getattr(request, "_body", None)  # read by the framework before it failed
    return body if isinstance(body, bytes) else b""


def body_problem(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"the request body is not UTF-8 (byte 0x{body[e.start]:02x} at offset {e.start})"
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        return (f"the request body is not valid JSON: {e.msg} (line {e.lineno}, "
                f"column {e.colno})")
    except RecursionError:
        return "the request body is nested too deeply to read"
    except ValueError as e:  # an integer of thousands of digits, Python's own limit
        return f"the request body holds a number too long to read ({str(e).split(':')[0]})"
    return "the request body could not be read as JSON"


def unknown_field(request: Request, path: list) -> str:
    """unknown field 'programme'; did you mean 'program'? (the fields are: ...)"""
    name = _printable(path[-1])
    known = _fields(request, path[:-1])
    near = get_close_matches(name, known, n=1, cutoff=0.6)
    where = ".".join(_printable(p) for p in path[:-1])
    text = f"unknown field '{name}'" + (f" in {where}" if where else "")
    if near:
        text += f"; did you mean '{near[0]}'?"
    if known:
        text += f" (the fields are: {', '.join(known)})"
    return text


def _printable(part) -> str:
    """A key as text, a lone surrogate escaped (it cannot be written as UTF-8)."""
    return str(part).encode("utf-8", "backslashreplace").decode("utf-8")


def _fields(request: Request, path: list) -> list[str]:
    """The field names of the body model at `path`, or [] when unknown."""
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    for part in path:
        model = _model_in(getattr(model, "model_fields", {}).get(part))
    fields = getattr(model, "model_fields", None)
    return list(fields) if isinstance(fields, dict) else []


def _model_in(field):
    """The pydantic model a field holds (inside an Optional too), or None."""
    if field is None:
        return None
    for t in (field.annotation, *get_args(field.annotation)):
        if isinstance(t, type) and hasattr(t, "model_fields"):
            return t
    return None


async def http_error(request: Request, err: HTTPException) -> Response:
    if err.status_code == 400 and err.detail == "There was an error parsing the body":
        return body_error(request)  # the framework's words for non-UTF-8 or too deep
    if err.status_code == 404 and _wants_page(request):
        return not_found_page(request)
    type_ = _TYPES.get(err.status_code, "value_error")
    return error_response(err.status_code, type_, str(err.detail), headers=err.headers)


def _wants_page(request: Request) -> bool:
    """A person's browser asking for a page: not the API, not a static file."""
    path = request.url.path
    return (request.method in ("GET", "HEAD") and not path.startswith(("/api/", "/static/"))
            and path not in ("/openapi.json", "/healthz"))


def not_found_page(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "not_found.html", {"root": request.scope.get("root_path", "")},
        status_code=404)
