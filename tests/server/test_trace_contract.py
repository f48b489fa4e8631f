"""The trace's contract: every key of real traces (every built-in example
and a few edge programs, with the check on) is a field of the pydantic
models that /openapi.json publishes, at every depth; every model field
occurs in some trace; and docs/trace.md names every field. A field added
to the trace without its schema and its description fails here."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

import pytest
from chainrule import trace_program
from chainrule.language.examples import examples_as_dicts
from chainrule.server.schemas.graphs import Trace
from pydantic import BaseModel

DOC = (Path(__file__).resolve().parents[2] / "docs" / "trace.md").read_text()
EDGES = [
    "x = 0.0\nunused = 3.0\nloss = log(x) + relu(x)",        # warnings, kinks, unused
    "logits = [[1.0, 2.0, 0.5]]\nloss = cross_entropy(logits, 2)",  # a class index: a note
    "W = [[1.0, 2.0], [3.0, 4.0]]\nx = [[1.0], [2.0]]\nloss = sum(softmax(W @ x))",
    "a = 2.0\nloss = a*a + a",                                  # fan-out: overwrite
    "c = 2.0\nloss = 3.0 * 4.0 + c",                            # an op over constants only
    "x = 3.0\nloss = relu(x - 3) + x",                          # a kink: one_sided slopes
]
PROGRAMS = [e["program"] for e in examples_as_dicts()] + EDGES


def models_in(annotation) -> list[tuple[type[BaseModel], str]]:
    """The models an annotation holds and how they are held: ('one', 'list'
    or 'dict'), through `X | None`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, "one")]
    if origin in (typing.Union, types.UnionType):
        return [found for arg in args for found in models_in(arg)]
    if origin is list and args and models_in(args[0]):
        return [(m, "list") for m, _ in models_in(args[0])]
    if origin is dict and args and models_in(args[1]):
        return [(m, "dict") for m, _ in models_in(args[1])]
    return []


def walk(data: dict, model: type[BaseModel], path: str, seen: set[str]) -> None:
    assert isinstance(data, dict), path
    for key, value in data.items():
        where = f"{path}.{key}"
        assert key in model.model_fields, f"{where} is in the trace but not in {model.__name__}"
        seen.add(f"{model.__name__}.{key}")
        if value is None:
            continue
        for inner, how in models_in(model.model_fields[key].annotation):
            items = {"one": [value], "list": value, "dict": list(value.values())
                     if isinstance(value, dict) else value}[how]
            for i, item in enumerate(items):
                walk(item, inner, f"{where}[{i}]", seen)
    missing = [n for n, f in model.model_fields.items() if f.is_required() and n not in data]
    assert not missing, f"{path} lacks {missing}"


def all_models(model: type[BaseModel], found: dict | None = None) -> dict[str, type]:
    found = {} if found is None else found
    found[model.__name__] = model
    for field in model.model_fields.values():
        for inner, _ in models_in(field.annotation):
            if inner.__name__ not in found:
                all_models(inner, found)
    return found


@pytest.fixture(scope="module")
def seen() -> set[str]:
    fields: set[str] = set()
    for program in PROGRAMS:
        walk(trace_program(program, check=True), Trace, "trace", fields)
    return fields


def test_every_trace_key_is_in_the_schema(seen):
    assert "TraceEdge.local_formula" in seen and "LeafCheck.numeric" in seen


def test_every_schema_field_occurs_in_some_trace(seen):
    declared = {f"{name}.{field}" for name, model in all_models(Trace).items()
                for field in model.model_fields}
    assert declared - seen == set()


def test_docs_trace_md_names_every_field():
    named = set(re.findall(r"`([a-z_]+)`", DOC))
    fields = {field for model in all_models(Trace).values() for field in model.model_fields}
    assert fields - named == set()


def test_the_walk_catches_an_undeclared_key():
    trace = trace_program("x = 2.0\nloss = x*x", check=True)
    trace["backward"][0]["edges"][0]["hint"] = "new"
    with pytest.raises(AssertionError, match=r"backward\[0\]\.edges\[0\]\.hint"):
        walk(trace, Trace, "trace", set())
