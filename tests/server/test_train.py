"""POST /api/v1/train: answers, errors in the error shape, limits, streaming
NDJSON over a real server, and cancelling by request or by hanging up."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program

from .conftest import make_client, running_server

REGRESSION = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"
BODY = {"program": REGRESSION, "params": ["w", "b"], "max_steps": 300, "tol": 1e-12,
        "optimizer": {"name": "momentum", "lr": 0.005, "momentum": 0.8}}
# Long on purpose: ~20 µs per update, 900,000 updates outlast any test.
LONG = {"program": REGRESSION, "params": ["w"], "max_steps": 900_000, "tol": 0.0,
        "optimizer": {"name": "sgd", "lr": 1e-9}, "stream": True}


def test_answer_is_the_engines_run(client):
    r = client.post("/api/v1/train", json=BODY)
    assert r.status_code == 200
    expected = train_program(REGRESSION, ["w", "b"], OptimizerConfig("momentum", 0.005, 0.8),
                             300, 1e-12)
    assert r.json() == expected
    assert r.json()["stopped"] == "converged"


def test_diverged_run_is_strict_json(client):
    r = client.post("/api/v1/train", json=BODY | {"optimizer": {"name": "sgd", "lr": 1e3}})
    assert r.status_code == 200
    body = json.loads(r.text, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    assert body["stopped"] == "diverged"
    assert body["history"][-1]["loss"] in ("Infinity", "NaN")


def test_regularization_appears_in_the_program_trained(client):
    r = client.post("/api/v1/train", json=BODY | {"regularization": {"l2": 0.1}})
    assert "l2_penalty = 0.1 * (sum(w**2) + sum(b**2))" in r.json()["program"]


@pytest.mark.parametrize("body,status,kind", [
    (BODY | {"program": "w = 1.0\nloss = (w *"}, 400, "parse_error"),
    (BODY | {"params": ["nope"]}, 400, "name_error"),
    (BODY | {"params": []}, 422, "value_error"),
    (BODY | {"model": "digits"}, 422, "value_error"),
    (BODY | {"optimizer": {"name": "rmsprop"}}, 422, "value_error"),
    (BODY | {"optimizer": {"name": "adam", "lr": -1}}, 422, "value_error"),
    (BODY | {"max_steps": -1}, 422, "value_error"),
    (BODY | {"values": {"x": [[1.0], [2.0, 3.0]]}}, 400, "shape_error"),
])
def test_bad_requests_in_the_error_shape(client, body, status, kind):
    r = client.post("/api/v1/train", json=body)
    assert r.status_code == status
    assert r.json()["error"]["type"] == kind


def test_parse_error_keeps_its_place(client):
    r = client.post("/api/v1/train", json=BODY | {"program": "w = 1.0\nloss = (w *"})
    assert (r.json()["error"]["line"], r.json()["error"]["col"]) == (2, 8)  # the open bracket


def test_limits_come_from_settings():
    client = make_client(max_train_steps=50)
    r = client.post("/api/v1/train", json=BODY | {"max_steps": 51})
    assert r.status_code == 400 and r.json()["error"]["type"] == "limit_error"
    r = client.post("/api/v1/train", json={"model": "digits", "epochs": 2})
    assert r.status_code == 400 and "over the limit of 50" in r.json()["error"]["message"]


def test_time_limit_is_a_limit_error():
    client = make_client(request_seconds=0.3, max_train_steps=10_000_000)
    started = time.monotonic()
    r = client.post("/api/v1/train", json=LONG | {"stream": False, "max_steps": 5_000_000})
    assert r.status_code == 400 and r.json()["error"]["type"] == "limit_error"
    assert time.monotonic() - started < 5


def test_digits_over_http(client):
    r = client.post("/api/v1/train", json={"model": "digits", "epochs": 2, "seed": 1})
    body = r.json()
    assert r.status_code == 200 and body["test_accuracy"] > 0.5
    assert len(body["predictions"]) == len(body["test_labels"]) == len(body["test_images"])
    assert [e["epoch"] for e in body["history"]] == [1, 2]
    assert set(body["history"][0]["grad_norms"]) == {"W1", "b1", "W2", "b2"}


def test_deep_gradient_norms(client):
    r = client.get("/api/v1/gradients/deep", params={"depth": 12, "activation": "sigmoid",
                                                     "init": "naive"})
    layers = [x["grad_norm"] for x in r.json()["layers"]]
    assert len(layers) == 13 and layers[0] < layers[-1] / 100
    assert client.get("/api/v1/gradients/deep", params={"depth": 99}).status_code == 422


def test_cancel_of_an_unknown_run_is_404(client):
    r = client.post("/api/v1/train/nope/cancel")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


@pytest.fixture(scope="module")
def one_job_server():
    with running_server(CHAINRULE_CONCURRENT_JOBS="1",
                        CHAINRULE_MAX_TRAIN_STEPS="1000000") as (url, proc):
        yield url


def lines(response: httpx.Response):
    for line in response.iter_lines():
        if line:
            yield json.loads(line)


def test_stream_is_start_progress_done(one_job_server):
    with httpx.Client(base_url=one_job_server, timeout=30) as http, \
            http.stream("POST", "/api/v1/train", json=BODY | {"stream": True}) as r:
        assert r.headers["content-type"].startswith("application/x-ndjson")
        events = list(lines(r))
    assert events[0]["type"] == "start" and events[-1]["type"] == "done"
    steps = [h["step"] for e in events[1:-1] for h in e["history"]]
    assert steps == list(range(len(steps)))
    assert events[-1]["stopped"] == "converged"


def test_explicit_cancel_stops_the_run(one_job_server):
    with httpx.Client(base_url=one_job_server, timeout=30) as http, \
            http.stream("POST", "/api/v1/train", json=LONG) as r:
        events = lines(r)
        start = next(events)
        assert http.post(start["cancel"]).json() == {"cancelled": True}
        rest = list(events)
    assert rest[-1]["type"] == "done" and rest[-1]["stopped"] == "cancelled"
    assert sum(len(e["history"]) for e in rest[:-1]) < 900_000


def test_hanging_up_cancels_the_run(one_job_server):
    # One worker slot: a run left going would hold it and stall the next request.
    with httpx.Client(base_url=one_job_server, timeout=30) as http:
        with http.stream("POST", "/api/v1/train", json=LONG) as r:
            events = lines(r)
            assert next(events)["type"] == "start"
            assert next(events)["type"] == "progress"
        started = time.monotonic()
        r = http.post("/api/v1/graphs", json={"program": REGRESSION})
        assert r.status_code == 200
        assert time.monotonic() - started < 2
