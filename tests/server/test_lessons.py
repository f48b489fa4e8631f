"""The overfitting lesson over HTTP: its data, training with a validation set
and early stopping through /api/v1/train (answer and stream), digits on a
subset, and the errors of misuse."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest
from chainrule.nets.polyfit import overfit_lesson

from .conftest import running_server


def lesson_body(lesson: dict, **extra) -> dict:
    return {"program": lesson["program"], "params": lesson["params"],
            "values": lesson["values"], "validation": lesson["validation"],
            "optimizer": {"name": "adam", "lr": 0.05}, "max_steps": 3000, "tol": 0, **extra}


def test_lesson_endpoint_is_the_engines_lesson(client):
    r = client.get("/api/v1/lessons/overfit", params={"seed": 2, "degree": 6})
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(overfit_lesson(seed=2, degree=6)))
    assert client.get("/api/v1/lessons/overfit", params={"degree": 99}).status_code == 422


def test_early_stopping_over_http(client):
    lesson = client.get("/api/v1/lessons/overfit").json()
    r = client.post("/api/v1/train", json=lesson_body(lesson, early_stopping={"patience": 150}))
    assert r.status_code == 200, r.text
    run = r.json()
    validation = [e["validation_loss"] for e in run["history"]]
    assert run["stopped"] == "early_stopping"
    assert run["best_step"] == int(np.argmin(validation))
    assert run["history"][-1]["step"] == run["best_step"] + 150
    assert run["params"] == run["history"][run["best_step"]]["params"]


@pytest.mark.parametrize("extra, words", [
    ({"early_stopping": {"patience": 5}, "validation": None}, "needs a validation set"),
    ({"train_size": 100}, "for the digits model"),
    ({"early_stopping": {"patience": 0}}, "greater than or equal to 1"),
])
def test_misuse_is_a_422(client, extra, words):
    lesson = client.get("/api/v1/lessons/overfit").json()
    r = client.post("/api/v1/train", json={**lesson_body(lesson), **extra})
    assert r.status_code == 422
    assert words in r.text


def test_validation_naming_a_parameter_is_a_name_error(client):
    lesson = client.get("/api/v1/lessons/overfit").json()
    body = lesson_body(lesson)
    body["validation"] = {**body["validation"], "w": [1.0] * 10}
    r = client.post("/api/v1/train", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "name_error"


def test_streamed_run_carries_validation_and_the_stop():
    with running_server() as (url, _):
        lesson = httpx.get(f"{url}/api/v1/lessons/overfit").json()
        body = lesson_body(lesson, early_stopping={"patience": 100}, stream=True)
        with httpx.stream("POST", f"{url}/api/v1/train", json=body, timeout=60) as r:
            lines = [json.loads(line) for line in r.iter_lines() if line]
    entries = [e for line in lines if line["type"] == "progress" for e in line["history"]]
    done = lines[-1]
    assert done["type"] == "done" and done["stopped"] == "early_stopping"
    assert all("validation_loss" in e and "train_loss" in e for e in entries)
    assert done["best_step"] == int(np.argmin([e["validation_loss"] for e in entries]))


def test_digits_on_a_subset_with_weight_decay(client):
    r = client.post("/api/v1/train", json={"model": "digits", "epochs": 3, "train_size": 100,
                                            "weight_decay": 0.01})
    assert r.status_code == 200, r.text
    run = r.json()
    assert len(run["history"]) == 3
    assert all(0 <= e["test_accuracy"] <= 1 for e in run["history"])


def test_the_sweep_over_http_shows_overfitting_and_what_fixes_it(client):
    lesson = client.get("/api/v1/lessons/overfit").json()

    def final(l1=0.0, l2=0.0) -> dict:
        r = client.post("/api/v1/train", json=lesson_body(
            lesson, regularization={"l1": l1, "l2": l2}))
        assert r.status_code == 200, r.text
        return r.json()

    sweep = {l2: final(l2=l2)["history"][-1]["validation_loss"]
             for l2 in (0.0, 3e-4, 1e-3, 1e-2, 0.1)}
    best = min(sweep.values())
    assert sweep[0.0] >= 2 * best  # unregularised: at least twice the best
    assert min(v for k, v in sweep.items() if k > 0) < sweep[0.0]
    w = np.abs(final(l1=0.02)["params"]["w"])
    assert np.sum(w < 1e-2 * w.max()) >= 1  # L1 sets weights to (near) zero
