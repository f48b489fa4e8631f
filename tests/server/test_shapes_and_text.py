"""Tensors past numpy's 32 dimensions and lone surrogates: a positioned error
on every way in (engine, POST /api/v1/graphs with and without the check, the
HTML export, the comparison, training, and the CLI), never a 500. One line
per case: the program as JSON text (so a body can carry "\\ud800" escapes,
as a browser's or a script's JSON can), the error type and its place."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from chainrule import ProgramError, trace_program

from .conftest import make_client


def nested(levels: int) -> str:
    return "[" * levels + "1.0" + "]" * levels


# program (as the JSON text of a string), type, line, col, words in the message
CASES = [
    (json.dumps(f"x = {nested(33)}\nloss = sum(x)"), "shape_error", 1, 5, "32 dimensions"),
    (json.dumps(f"x = 2.0\ny = {nested(40)}\nloss = x"), "shape_error", 2, 5, "32 dimensions"),
    (json.dumps(f"x = {nested(65)}\nloss = sum(x)"), "shape_error", 1, 5, "32 dimensions"),
    ('"x = 1.0 # caf\\ud800\\nloss = x"', "parse_error", 1, 14, "surrogate"),
    ('"x = 1.0\\nloss = x\\udfff"', "parse_error", 2, 9, "surrogate"),
    ('"\\ud800"', "parse_error", 1, 1, "surrogate"),
    ('"x = 1.0\\r\\n# \\udbff\\nloss = x"', "parse_error", 2, 3, "surrogate"),
]
IDS = ["33 dims", "40 dims after use", "65 dims", "comment", "after a name", "alone",
       "CRLF then comment"]


@pytest.mark.parametrize(("text", "kind", "line", "col", "says"), CASES, ids=IDS)
def test_engine(text, kind, line, col, says):
    for check in (False, True):
        with pytest.raises(ProgramError) as err:
            trace_program(json.loads(text), check=check)
        d = err.value.to_dict()
        assert (d["type"], d["line"], d["col"]) == (kind, line, col) and says in d["message"]


@pytest.mark.parametrize(("text", "kind", "line", "col", "says"), CASES, ids=IDS)
def test_every_endpoint(text, kind, line, col, says):
    client = make_client()
    bodies = {
        "/api/v1/graphs": [f'{{"program": {text}}}', f'{{"program": {text}, "check": true}}'],
        "/api/v1/graphs/html": [f'{{"program": {text}}}'],
        "/api/v1/compare": [f'{{"program": {text}, "params": ["x", "w"]}}'],
        "/api/v1/train": [f'{{"program": {text}, "params": ["x"], "max_steps": 3}}'],
    }
    for path, texts in bodies.items():
        for body in texts:
            r = client.post(path, content=body.encode(),
                            headers={"content-type": "application/json"})
            assert r.status_code == 400, (path, r.status_code, r.text)
            e = r.json()["error"]
            assert (e["type"], e["line"], e["col"]) == (kind, line, col), (path, e)
            assert says in e["message"]


@pytest.mark.parametrize("levels", [33, 65])
def test_values_past_32_dimensions(levels):
    client = make_client()
    body = {"program": "loss = sum(x)", "values": {"x": json.loads(nested(levels))}}
    r = client.post("/api/v1/graphs", json=body)
    assert r.status_code in (400, 422), r.text  # the body's schema refuses it first
    assert "32" in r.json()["error"]["message"]
    with pytest.raises(ProgramError, match="32 dimensions"):
        trace_program("loss = sum(x)", {"x": json.loads(nested(levels))})


@pytest.mark.parametrize(("text", "kind", "line", "col", "says"), CASES[:3], ids=IDS[:3])
def test_cli(text, kind, line, col, says):
    for args in (["grad", "-"], ["grad", "-", "--check"], ["export", "-", "-o", "-"]):
        run = subprocess.run([sys.executable, "-m", "chainrule", *args],
                             input=json.loads(text), capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert f"line {line}" in run.stderr and says in run.stderr
