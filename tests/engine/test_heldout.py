"""Validation loss, early stopping and the overfitting lesson: every number is
recomputed here with numpy from the data and the recorded parameters."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import ProgramValueError, ShapeError, UndefinedNameError
from chainrule.nets.polyfit import features, overfit_lesson
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program

ADAM = OptimizerConfig("adam", lr=0.05)


def mse(values: dict, w) -> float:
    X, y = np.array(values["X"]), np.array(values["y"])
    return float(np.mean((X @ np.array(w) - y) ** 2))


def run(lesson: dict, steps: int = 600, **kw) -> dict:
    return train_program(lesson["program"], ["w"], ADAM, steps, 0.0, values=lesson["values"],
                         validation=lesson["validation"], **kw)


def test_train_and_validation_loss_are_the_data_loss_at_each_step():
    lesson = overfit_lesson(seed=1, degree=5)
    result = run(lesson, steps=50, l2=0.01)
    for entry in result["history"][::7]:
        w = entry["params"]["w"]
        assert entry["train_loss"] == pytest.approx(mse(lesson["values"], w), rel=1e-12)
        assert entry["validation_loss"] == pytest.approx(mse(lesson["validation"], w), rel=1e-12)
        # the run's own loss carries the penalty; train_loss does not
        assert entry["loss"] - entry["train_loss"] == pytest.approx(
            0.01 * float(np.sum(np.square(w))), rel=1e-9)


def test_early_stopping_stops_patience_steps_after_the_best_and_returns_it():
    lesson = overfit_lesson(seed=0)
    full = run(lesson, steps=3000)
    losses = [e["validation_loss"] for e in full["history"]]
    best = int(np.argmin(losses))
    assert 0 < best < 3000 - 200, "the lesson must overfit: validation turns up"
    stopped = run(lesson, steps=3000, patience=200)
    assert stopped["stopped"] == "early_stopping"
    assert stopped["best_step"] == best
    assert stopped["history"][-1]["step"] == best + 200
    assert stopped["params"] == stopped["history"][best]["params"]
    assert mse(lesson["validation"], stopped["params"]["w"]) < losses[-1]


def test_min_delta_ignores_tiny_improvements():
    lesson = overfit_lesson(seed=0)
    strict = run(lesson, steps=3000, patience=20, min_delta=1e-3)
    loose = run(lesson, steps=3000, patience=20)
    assert strict["stopped"] == loose["stopped"] == "early_stopping"
    assert strict["best_step"] <= loose["best_step"]


def test_the_lesson_overfits_and_l2_helps_then_hurts():
    lesson = overfit_lesson(seed=0)

    def final_validation(l2: float) -> float:
        h = run(lesson, steps=3000, l2=l2)["history"]
        return h[-1]["validation_loss"]

    none, some, much = final_validation(0.0), final_validation(1e-3), final_validation(0.1)
    assert some < none and some < much  # the U of validation loss against strength
    # and the unregularised fit interpolates the training points better
    h = run(lesson, steps=3000)["history"]
    assert h[-1]["train_loss"] < h[-1]["validation_loss"] / 5


def test_l1_pushes_small_weights_to_zero_and_l2_only_shrinks():
    lesson = overfit_lesson(seed=0)
    base = np.abs(run(lesson, steps=3000)["params"]["w"])
    l1 = np.abs(run(lesson, steps=3000, l1=0.02)["params"]["w"])
    l2 = np.abs(run(lesson, steps=3000, l2=0.02)["params"]["w"])
    near_zero = 1e-2 * base.max()
    assert np.sum(l1 < near_zero) > np.sum(l2 < near_zero)
    assert np.linalg.norm(l2) < np.linalg.norm(base)


def test_the_lesson_data_is_what_it_says():
    lesson = overfit_lesson(seed=3, degree=4, points=7)
    x = np.array(lesson["train_points"])[:, 0]
    assert np.allclose(lesson["values"]["X"], features(x, 4))
    assert np.allclose(lesson["values"]["y"], np.array(lesson["train_points"])[:, 1])
    assert len(lesson["validation"]["y"]) == len(lesson["validation_points"])
    assert overfit_lesson(seed=3, degree=4, points=7) == lesson  # seeded


@pytest.mark.parametrize("kw, error, words", [
    ({"validation": {"w": [0.0] * 10}}, UndefinedNameError, "trained parameter"),
    ({"validation": {"nope": 1.0}}, UndefinedNameError, "validation: values['nope']"),
    ({"validation": {"y": [1.0, 2.0]}}, ShapeError, "validation: shapes"),
    ({"patience": 5}, ProgramValueError, "needs a validation set"),
    ({"patience": 0, "validation": {"y": [0.0] * 12}}, ProgramValueError, "patience"),
])
def test_bad_validation_is_a_clear_error(kw, error, words):
    lesson = overfit_lesson(seed=0)
    with pytest.raises(error) as info:
        train_program(lesson["program"], ["w"], ADAM, 10, 0.0, values=lesson["values"], **kw)
    assert words in str(info.value)
