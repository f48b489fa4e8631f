"""POST /api/v1/graphs, /api/v1/examples and /healthz through the real app."""

from __future__ import annotations

import json

import pytest
from chainrule import trace_program
from chainrule.language.examples import EXAMPLES, example
from chainrule.server.schemas.graphs import Trace

from .conftest import make_client

SEED = example("regression").program


def post(client, **body):
    return client.post("/api/v1/graphs", json=body)


def strict(response) -> dict:
    """Parse as strict JSON: NaN or Infinity tokens fail."""
    def refuse(token):
        raise AssertionError(f"non-strict JSON token {token}")
    return json.loads(response.text, parse_constant=refuse)


def test_seed_program_gives_the_engine_trace(client):
    r = post(client, program=SEED, check=True)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = strict(r)
    assert body == trace_program(SEED, check=True)
    Trace.model_validate(body)


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.id)
def test_every_example_matches_the_documented_schema(client, ex):
    Trace.model_validate(strict(post(client, program=ex.program, check=True)))


def test_examples_endpoint_lists_programs_that_trace(client):
    r = client.get("/api/v1/examples")
    assert r.status_code == 200
    listed = r.json()
    assert len(listed) >= 10 and listed[0]["id"] == "regression"
    assert {"id", "title", "description", "program"} == set(listed[0])


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_values_override_a_leaf_and_fill_a_free_name(client):
    r = post(client, program="w = 2.0\nloss = (w*x - 1)**2", values={"w": 3.0, "x": 2})
    grads = strict(r)["gradients"]
    assert grads == {"w": 2 * (3 * 2 - 1) * 2, "x": 2 * (3 * 2 - 1) * 3}


@pytest.mark.parametrize(("program", "expected"), [
    ("loss = exp(1000)", "Infinity"), ("loss = log(0)", "-Infinity"), ("loss = 0/0", "NaN"),
])
def test_non_finite_results_are_strict_json_strings(client, program, expected):
    body = strict(post(client, program=program))
    out = next(n for n in body["nodes"] if n["id"] == body["output"])
    assert out["value"] == expected and out["warnings"]


@pytest.mark.parametrize(("program", "type_", "line", "col"), [
    ("w = 2\nloss = (w * ", "parse_error", 2, 8),
    ("loss = y * 2", "name_error", 1, 8),
    ("x = [1, 2]\nloss = x", "shape_error", 2, 1),
    ("loss = " + "(" * 500 + "1" + ")" * 500, "limit_error", 1, 108),
    ("loss = cross_entropy([1.0, 2.0], 7)", "value_error", 1, 8),
])
def test_bad_programs_are_positioned_400s(client, program, type_, line, col):
    r = post(client, program=program)
    assert r.status_code == 400
    err = strict(r)["error"]
    assert (err["type"], err["line"], err["col"]) == (type_, line, col)
    assert err["message"]


@pytest.mark.parametrize("body", [
    {"program": 3}, {"values": {}}, {"program": "x", "values": {"w": "2"}},
    {"program": "x", "values": {"w": True}}, {"program": "x", "values": [1]},
    {"program": "x", "check": "maybe"}, {"program": "x", "extra": 1}, [1, 2],
])
def test_malformed_bodies_are_422_in_the_error_shape(client, body):
    r = client.post("/api/v1/graphs", json=body)
    assert r.status_code == 422
    err = strict(r)["error"]
    assert err["type"] == "value_error" and err["message"]


def test_invalid_json_is_422(client):
    r = client.post("/api/v1/graphs", content=b'{"program": ',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "not valid JSON" in r.json()["error"]["message"]


@pytest.mark.parametrize(("settings", "program", "words"), [
    ({"max_program_chars": 20}, "x = 1.0\nloss = x + x + x + x", "longer than 20"),
    ({"max_nodes": 4}, "x = 1.0\nloss = x + x + x + x + x", "more than 4 nodes"),
    ({"max_depth": 3}, "x = 1.0\nloss = ((((x))))", "nesting deeper than 3"),
    ({"max_tensor_elements": 2}, "loss = sum([1, 2, 3])", "more than 2 numbers"),
    ({"max_total_elements": 5}, "a = [1, 2, 3]\nloss = sum(a*a)", "in all"),
])
def test_each_program_limit_is_a_limit_error(settings, program, words):
    r = make_client(**settings).post("/api/v1/graphs", json={"program": program})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "limit_error" and words in r.json()["error"]["message"]


def test_check_budget_is_a_limit(client):
    r = make_client(max_check_evals=10).post(
        "/api/v1/graphs", json={"program": "x = [1, 2, 3]\nloss = sum(x*x)", "check": True})
    assert r.status_code == 400 and "gradient check" in r.json()["error"]["message"]


def test_body_over_the_limit_is_413_before_parsing():
    c = make_client(max_body_bytes=100)
    r = c.post("/api/v1/graphs", content=b"{" + b" " * 200,
               headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["type"] == "limit_error"


def test_chunked_body_over_the_limit_is_413():
    c = make_client(max_body_bytes=100)
    chunks = (b'{"program": "' + b"x" * 50 + b'"' for _ in range(4))
    r = c.post("/api/v1/graphs", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_request_time_limit_answers_with_a_limit_error():
    c = make_client(request_seconds=0.05, max_nodes=1_000_000, max_program_chars=10_000_000,
                    max_body_bytes=10_000_000, max_response_bytes=10**9)
    program = "x = 0.5\n" + "x = sin(x)\n" * 100_000
    r = c.post("/api/v1/graphs", json={"program": program})
    assert r.status_code == 400 and "longer than 0.05 s" in r.json()["error"]["message"]


CHAIN = "h = 0.3\n" + "h = tanh(h*1.2 + 0.1)\n" * 60 + "loss = h"


@pytest.mark.parametrize("program", [SEED, CHAIN, "w = [1.0, -2.0]\nloss = sum(w*w)"])
def test_format_trace2_gives_the_columns_of_the_same_trace(client, program):
    from chainrule.explain.columns import expand
    from chainrule.server.schemas.graphs import TraceColumns
    r = post(client, program=program, format="chainrule.trace/2", include=["cost", "overwrite"])
    assert r.status_code == 200
    body = strict(r)
    TraceColumns.model_validate(body)
    assert body["format"] == "chainrule.trace/2"
    assert expand(body) == strict(post(client, program=program))
    bare = strict(post(client, program=program, format="chainrule.trace/2"))
    TraceColumns.model_validate(bare)
    assert "cost" not in bare and "overwrite" not in bare
    assert bare["backward"] == body["backward"] and bare["nodes"] == body["nodes"]


def test_include_asks_trace2_for_cost_or_the_replay_and_is_checked(client):
    one = strict(post(client, program=SEED))
    cost = strict(post(client, program=SEED, format="chainrule.trace/2", include=["cost"]))
    assert cost["cost"] == one["cost"] and "overwrite" not in cost
    both = strict(post(client, program=SEED, include=["cost"]))  # trace/1 has both anyway
    assert both["cost"] == one["cost"] and both["overwrite"] == one["overwrite"]
    r = post(client, program=SEED, format="chainrule.trace/2", include=["ledger"])
    assert r.status_code == 422 and "include" in r.text


def test_trace1_is_the_default_and_an_unknown_format_is_refused(client):
    assert strict(post(client, program=SEED))["format"] == "chainrule.trace/1"
    r = post(client, program=SEED, format="chainrule.trace/3")
    assert r.status_code == 422 and "format" in r.text
