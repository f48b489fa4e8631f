"""POST /api/v1/playground/step and GET /api/v1/playground/data: the student's
points trained a chunk at a time with the weights carried by the client; bad
points and weights are a 400 or 422 with the error shape, never a 500."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule.server.schemas.playground import PlaygroundAnswer, PlaygroundData

POINTS = [[0.5, 0.5, 1], [-0.5, -0.5, 1], [0.5, -0.5, 0], [-0.5, 0.5, 0],
          [0.8, 0.7, 1], [-0.7, -0.9, 1], [0.9, -0.6, 0], [-0.6, 0.8, 0]]
BODY = {"train": POINTS, "test": [[0.6, 0.4, 1]], "features": ["x1", "x2", "x1·x2"],
        "hidden": [4], "lr": 0.3, "batch_size": 4, "epochs": 40, "point": 2}


def test_user_points_are_learned_and_the_answer_has_its_shape(client):
    r = client.post("/api/v1/playground/step", json=BODY)
    assert r.status_code == 200, r.text
    a = PlaygroundAnswer.model_validate(r.json())
    assert a.epoch == 40 and [e.epoch for e in a.history] == list(range(41))
    assert a.history[-1].train_loss < 0.5 * a.history[0].train_loss
    # The boundary puts every training point on its side.
    grid, p1 = np.array(a.grid), np.array(a.boundary)
    for x1, x2, label in POINTS:
        c, r_ = np.abs(grid - x1).argmin(), np.abs(grid - x2).argmin()
        assert (p1[r_, c] > 0.5) == bool(label)
    assert len(a.neurons) == 1 and len(a.neurons[0]) == 4
    assert a.point.index == 2 and "cross_entropy(logits, 0)" in a.point.program
    scalar = client.post("/api/v1/playground/step", json=BODY | {"scalar": True}).json()
    assert "loss = log(exp(z0) + exp(z1)) - z0" in scalar["point"]["program"]
    assert scalar["point"]["trace"]["nodes"][-1]["value"] == pytest.approx(
        a.point.trace["nodes"][-1]["value"], rel=1e-12)


def test_the_weights_carried_back_continue_the_run(client):
    whole = client.post("/api/v1/playground/step", json=BODY).json()
    half = client.post("/api/v1/playground/step", json=BODY | {"epochs": 25}).json()
    rest = client.post("/api/v1/playground/step", json=BODY | {
        "epochs": 15, "epoch": 25, "weights": half["weights"]}).json()
    assert rest["weights"] == whole["weights"] and rest["boundary"] == whole["boundary"]


def test_a_point_added_between_chunks_enters_the_next_epoch(client):
    first = client.post("/api/v1/playground/step", json=BODY | {"epochs": 5}).json()
    more = BODY | {"epochs": 1, "epoch": 5, "weights": first["weights"],
                   "train": POINTS + [[0.0, 0.0, 1]]}
    with_point = client.post("/api/v1/playground/step", json=more).json()
    without = client.post("/api/v1/playground/step", json=more | {"train": POINTS}).json()
    assert with_point["epoch"] == without["epoch"] == 6
    assert with_point["weights"] != without["weights"]


def test_regression_fits_points_with_a_curve(client):
    pts = [[x, x * x] for x in np.linspace(-1, 1, 15).round(3).tolist()]
    r = client.post("/api/v1/playground/step", json={
        "task": "regress", "train": pts, "features": ["x1", "x1²"], "hidden": [4],
        "lr": 0.1, "batch_size": 5, "epochs": 100, "point": 0})
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["history"][-1]["train_loss"] < 0.01
    curve = np.interp([p[0] for p in pts], a["grid"], a["curve"])
    assert np.abs(curve - [p[1] for p in pts]).max() < 0.2
    assert "mse(pred," in a["point"]["program"]


def test_the_data_is_seeded_rounded_and_split(client):
    a = client.get("/api/v1/playground/data", params={"name": "spiral", "seed": 4}).json()
    b = client.get("/api/v1/playground/data", params={"name": "spiral", "seed": 4}).json()
    PlaygroundData.model_validate(a)
    assert a == b and len(a["train"]) == 140 and len(a["test"]) == 60
    assert all(round(v, 3) == v for p in a["train"] for v in p)
    assert client.get("/api/v1/playground/data", params={"name": "moons"}).status_code == 422


@pytest.mark.parametrize("bad, status", [
    ({"train": [[0.1, 0.2, 2]]}, 400),            # a label other than 0/1
    ({"train": [[0.1, 0.2]]}, 400),               # too few numbers for classify
    ({"train": [[0.1, 0.2, 1, 4]]}, 422),         # too many
    ({"train": [[0.1, 1e9, 1]]}, 400),            # outside ±10
    ({"train": [[0.1, "x", 1]]}, 422),            # not a number
    ({"train": []}, 422),                         # nothing to learn from
    ({"train": [[0.1, 0.2, 1]] * 1001}, 422),     # over the limit
    ({"features": ["x3"]}, 422),
    ({"hidden": [9]}, 422),
    ({"lr": 0}, 422),
    ({"epochs": 101}, 422),
    ({"weights": [[[1.0, 2.0]], [0.0]]}, 400),    # the wrong shapes
    ({"weights": [[[1.0], [2.0, 3.0]]]}, 400),    # ragged
    ({"point": 99}, 400),
    ({"task": "regress", "features": ["x2"], "train": [[0.1, 0.2]]}, 400),
    ({"scalar": True, "hidden": [8, 8]}, 400),    # too many weights to write out
])
def test_bad_requests_get_the_error_shape(client, bad, status):
    r = client.post("/api/v1/playground/step", json=BODY | bad)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["type"] == "value_error" and error["message"]


def test_nan_in_the_body_is_refused(client):
    r = client.post("/api/v1/playground/step", content=b'{"train": [[NaN, 0.1, 1]]}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422
