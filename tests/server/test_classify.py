"""POST /api/v1/classify: the playground's network learns the seeded datasets,
the answer has the documented shape, streams like training, and a snapshot's
sample program is the network of that epoch."""

from __future__ import annotations

import json

import numpy as np
import pytest
from chainrule import trace_program
from chainrule.nets.classify import ClassifyConfig, split
from chainrule.nets.datasets import DATASETS, make
from chainrule.server.schemas.classify import ClassifyRun

BODY = {"hidden": [8], "activation": "tanh", "epochs": 300, "seed": 0, "noise": 0.05,
        "optimizer": {"name": "adam", "lr": 0.03}}


@pytest.mark.parametrize("dataset", ["circle", "xor"])
def test_one_hidden_layer_of_8_tanh_units_learns(client, dataset):
    r = client.post("/api/v1/classify", json=BODY | {"dataset": dataset})
    assert r.status_code == 200, r.text
    run = ClassifyRun.model_validate(r.json())
    assert run.train_accuracy >= 0.95
    assert run.history[0].epoch == 0 and run.history[-1].epoch == 300
    assert run.history[-1].loss < run.history[0].loss
    # The reported accuracy is the boundary's: recount it from the grid the answer
    # gives, at each training point's nearest cell (a coarse check: ≥ 85%).
    grid, p1 = np.array(run.data.grid), np.array(run.boundary)
    X, y = np.array(run.data.train.X), np.array(run.data.train.y)
    cols = np.abs(X[:, :1] - grid).argmin(axis=1)
    rows = np.abs(X[:, 1:] - grid).argmin(axis=1)
    assert ((p1[rows, cols] > 0.5) == y).mean() >= 0.85


def test_datasets_are_seeded_balanced_and_labelled_by_their_rule():
    for name in DATASETS:
        X, y = make(name, 200, 0.0, 7)
        assert X.shape == (200, 2) and y.sum() == 100
        assert np.array_equal(X, make(name, 200, 0.0, 7)[0])
        assert not np.array_equal(X, make(name, 200, 0.0, 8)[0])
    X, y = make("xor", 200, 0.0, 1)
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] > 0)
    X, y = make("circle", 200, 0.0, 1)
    assert np.array_equal(y == 1, np.hypot(X[:, 0], X[:, 1]) > 0.6)


def test_the_sample_program_is_that_epochs_network(client):
    r = client.post("/api/v1/classify", json=BODY | {"dataset": "xor", "epochs": 20})
    entry = r.json()["history"][10]
    X, y, _, _ = split(ClassifyConfig(dataset="xor", epochs=20))
    trace = trace_program(entry["sample"])
    loss = trace["nodes"][-1]["value"]
    # Recompute one sample's cross-entropy from the weights the program holds.
    v = {n["label"]: np.array(n["value"]) for n in trace["nodes"] if n["label"] in
         ("W1", "b1", "W2", "b2")}
    logits = np.tanh(X[0] @ v["W1"] + v["b1"]) @ v["W2"] + v["b2"]
    expected = np.log(np.exp(logits).sum()) - logits[int(y[0])]
    assert loss == pytest.approx(expected, rel=1e-9)


def test_l2_makes_the_weights_smaller(client):
    def weights(l2):
        r = client.post("/api/v1/classify", json=BODY | {"dataset": "gaussian", "l2": l2})
        trace = trace_program(r.json()["history"][-1]["sample"])
        return sum(float(np.sum(np.square(n["value"]))) for n in trace["nodes"]
                   if n["label"] in ("W1", "W2"))
    assert weights(0.05) < 0.5 * weights(0.0)


def test_streamed_like_training(client):
    with client.stream("POST", "/api/v1/classify",
                       json=BODY | {"dataset": "spiral", "epochs": 40, "stream": True}) as r:
        assert r.status_code == 200
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines[0]["type"] == "start" and lines[-1]["type"] == "done"
    epochs = [e["epoch"] for line in lines if line["type"] == "progress" for e in line["history"]]
    assert epochs == list(range(41))
    assert lines[-1]["train_accuracy"] >= 0 and "history" not in lines[-1]


@pytest.mark.parametrize("bad", [{"dataset": "moons"}, {"hidden": [0]}, {"hidden": [8] * 5},
                                 {"noise": 2}, {"epochs": 0}, {"activation": "gelu"}])
def test_bad_requests_are_422(client, bad):
    r = client.post("/api/v1/classify", json=BODY | bad)
    assert r.status_code == 422
    assert r.json()["error"]["type"]


def test_your_own_points_replace_the_dataset(client):
    train = [[0.5, 0.5, 1], [-0.5, -0.5, 1], [0.5, -0.5, 0], [-0.5, 0.5, 0]] * 3
    test = [[0.6, 0.6, 1], [-0.6, 0.6, 0]]
    r = client.post("/api/v1/classify", json=BODY | {"train": train, "test": test,
                                                    "hidden": [6], "epochs": 200})
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["data"]["train"]["X"] == [p[:2] for p in train]
    assert run["data"]["test"]["y"] == [1, 0]
    assert run["train_accuracy"] == 1.0 and run["test_accuracy"] == 1.0


@pytest.mark.parametrize("bad, status", [
    ({"train": [[0.1, 0.2, 3]]}, 400),             # a label other than 0/1
    ({"train": [[0.1, 20.0, 1]]}, 400),            # outside ±10
    ({"train": []}, 400),                          # nothing to learn from
    ({"train": [[0.1, 0.2, 1]]}, 400),             # no held-out point
    ({"train": [[0.1, 0.2]]}, 422),                # two numbers
    ({"test": [[0.1, 0.2, 1]], "train": [[0.1, "a", 1]]}, 422)])
def test_bad_own_points_get_the_error_shape(client, bad, status):
    r = client.post("/api/v1/classify", json=BODY | bad)
    assert r.status_code == status, r.text
    assert r.json()["error"]["type"] == "value_error"
