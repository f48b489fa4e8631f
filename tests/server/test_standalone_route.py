"""POST /api/v1/graphs/html (the page's HTML button) through the real app."""

from __future__ import annotations

import json
import re

import pytest
from chainrule import standalone_html, trace_program
from chainrule.language.examples import example

SEED = example("regression").program


def data_of(doc: str) -> dict:
    m = re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>', doc,
                  re.S)
    return json.loads(m[1])


def test_answers_the_standalone_file_as_a_download(client):
    r = client.post("/api/v1/graphs/html", json={"program": SEED, "values": {"w": 1.5},
                                                 "step": 3})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="chainrule-step-through.html"'
    trace = trace_program(SEED, {"w": 1.5}, check=True)
    assert r.text == standalone_html(trace, program=SEED, values={"w": 1.5}, step=3)
    assert data_of(r.text)["trace"]["gradients"] == trace["gradients"]


def test_a_step_past_the_end_opens_at_the_end(client):
    trace = trace_program(SEED)
    r = client.post("/api/v1/graphs/html", json={"program": SEED, "step": 10_000})
    assert data_of(r.text)["step"] == len(trace["forward"]) + len(trace["backward"])


def test_a_bad_program_is_the_usual_positioned_error(client):
    r = client.post("/api/v1/graphs/html", json={"program": "w = 2.0\nloss = (w"})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["type"] == "parse_error" and err["line"] == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"program": SEED, "step": -1}, "step"), ({"program": SEED, "step": 1.5}, "step"),
    ({"program": SEED, "check": True}, "check"), ({}, "program")])
def test_a_malformed_body_is_422_naming_the_field(client, body, field):
    r = client.post("/api/v1/graphs/html", json=body)
    assert r.status_code == 422 and field in r.json()["error"]["message"], r.text
