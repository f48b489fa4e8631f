"""POST /api/v1/compare over HTTP: the documented shape, and every bad input a
4xx in the error shape, never a 500."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule.optimize.landscapes import LANDSCAPES
from chainrule.server.schemas.compare import CompareResponse

from .conftest import make_client

REGRESSION = LANDSCAPES[0]
SIMPLE = "x = 1.0\ny = 2.0\nv = [1.0, 2.0]\nloss = (x - 3)**2 + 10*(y + 1)**2 + sum(v)"


def post(client, **body):
    return client.post("/api/v1/compare", json={"program": SIMPLE, "params": ["x", "y"], **body})


def test_compare_answers_every_method_from_the_same_start(client):
    r = client.post("/api/v1/compare", json={
        "program": REGRESSION.program, "params": list(REGRESSION.params), "max_steps": 30,
        "lr": REGRESSION.lr, "grid": 16, "es": {"seed": 3, "population": 6}})
    assert r.status_code == 200, r.text
    body = CompareResponse.model_validate(r.json())
    assert set(body.runs) == {"gd", "momentum", "adam", "newton", "es"}
    for run in body.runs.values():
        assert run.history[0].step == 0
        assert run.history[0].params == {"w": 0.0, "b": 0.0} == body.start
    # Newton's one step is the least-squares fit, computed here with numpy
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.1, 4.9, 7.2, 8.8])
    w, b = np.linalg.lstsq(np.stack([x, np.ones(4)], axis=1), y, rcond=None)[0]
    newton = body.runs["newton"].history
    assert len(newton) == 2
    assert newton[1].params["w"] == pytest.approx(w, rel=1e-9)
    assert newton[1].params["b"] == pytest.approx(b, rel=1e-9)
    assert len(body.contour.loss) == 16 and body.contour.x == "w"


def test_methods_and_options_are_honoured(client):
    r = post(client, methods=["newton", "gd"], max_steps=3, lr={"gd": 0.04}, grid=4)
    assert r.status_code == 200, r.text
    runs = r.json()["runs"]
    assert list(runs) == ["newton", "gd"]
    gd = runs["gd"]["history"]
    # one gd step by hand: ∇L at (1, 2) is (2(x − 3), 20(y + 1)) = (−4, 60)
    assert gd[1]["params"] == pytest.approx({"x": 1.0 + 0.04 * 4, "y": 2.0 - 0.04 * 60})


@pytest.mark.parametrize("body, status, kind, where", [
    ({"program": "x = 1.0\ny = (2.0\nloss = x*y"}, 400, "parse_error", True),
    ({"params": ["x", "q"]}, 400, "name_error", False),
    ({"params": ["x", "v"]}, 400, "value_error", True),
    ({"params": ["x"]}, 422, "value_error", False),
    ({"params": ["x", "y", "v"]}, 422, "value_error", False),
    ({"methods": ["sgd"]}, 422, "value_error", False),
    ({"methods": []}, 422, "value_error", False),
    ({"methods": ["gd", "gd"]}, 400, "value_error", False),
    ({"lr": {"gd": -0.1}}, 422, "value_error", False),
    ({"lr": {"es": 0.1}}, 422, "value_error", False),
    ({"max_steps": -1}, 422, "value_error", False),
    ({"max_steps": 10**9}, 400, "limit_error", False),
    ({"grid": 500}, 422, "value_error", False),
    ({"bounds": {"x": [1.0, 0.0], "y": [0.0, 1.0]}}, 400, "value_error", False),
    ({"es": {"population": 0}}, 422, "value_error", False),
    ({"values": {"x": "3"}}, 422, "value_error", False),
    ({"program": "x = 1.0\ny = 2.0\nloss = sum(softmax([1.0, 0.0]*x + [0.0, 1.0]*y))",
      "methods": ["newton"]}, 400, "value_error", False),
    ({"program": "x = 1e999\ny = 2.0\nloss = x*y"}, 400, "value_error", False),
    ({"surprise": 1}, 422, "value_error", False),
])
def test_bad_input_is_a_4xx_in_the_error_shape(client, body, status, kind, where):
    r = post(client, **body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["type"] == kind and error["message"]
    assert ("line" in error) == where


def test_not_json_is_422(client):
    r = client.post("/api/v1/compare", content=b"{nope", headers={"content-type":
                                                                  "application/json"})
    assert r.status_code == 422 and r.json()["error"]["type"] == "value_error"


def test_limits_come_from_settings():
    client = make_client(max_train_steps=5, max_check_evals=50_000)
    r = post(client, max_steps=6)
    assert r.status_code == 400 and "5" in r.json()["error"]["message"]
    r = post(client, max_steps=5, grid=120)
    assert r.status_code == 400 and r.json()["error"]["type"] == "limit_error"
    assert post(client, max_steps=5, grid=8).status_code == 200


def test_a_slow_comparison_stops_at_the_request_time():
    client = make_client(request_seconds=0.2, max_check_evals=10**9)
    program = "x = 1.0\ny = 2.0\n" + "h = x*y\n" + "h = sin(h) + x*y\n" * 300 + "loss = h"
    r = post(client, program=program, max_steps=10_000, grid=2)
    assert r.status_code == 200, r.text
    runs = r.json()["runs"].values()
    assert {run["stopped"] for run in runs} == {"time_limit"}
    assert all(run["history"] for run in runs)  # each method got its share: step 0 at least


def test_the_page_is_served(client):
    r = client.get("/compare")
    assert r.status_code == 200
    assert "js/compare/main.js" in r.text and "vendor/katex/katex.min.js" in r.text


@pytest.mark.parametrize("program", [
    "x = 0.0\ny = 2.0\nloss = log(x)*y",  # a pole at the start: 1/x² in the Hessian
    "x = 1e-300\ny = 2.0\nloss = 1/x + sqrt(x) + x**-3 + log(x)*y",
    "x = 1e200\ny = 1e200\nloss = x*y*x + tanh(y)",
    "x = 1e307\ny = 1e307\nloss = x + y",
    "x = 1.0\ny = 2.0\nz = 3.0\nloss = z*z",  # the loss ignores both parameters
])
def test_numbers_at_the_edge_are_results_not_500s(client, program):
    r = post(client, program=program, max_steps=20, grid=6, lr={"gd": 1e300})
    assert r.status_code == 200, r.text
    body = CompareResponse.model_validate(r.json())
    assert all(isinstance(v, float) for v in body.contour.xs + body.contour.ys)
