"""The playground's engine: the fused dense pass agrees with the graph MLP and
with central differences, chunks of epochs compose into one run, and the
chosen point's program is the network of that moment."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import ProgramValueError, trace_program
from chainrule.nets.dense import Dense
from chainrule.nets.nn import build_mlp
from chainrule.nets.playground import Setup, dataset, featurize, step

XOR = dataset("xor", 120, 0.05, 3)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_the_fused_pass_equals_the_graph_mlp(activation):
    X, y = np.array(XOR["train"])[:, :2], np.array(XOR["train"])[:, 2].astype(int)
    net = build_mlp([2, 5, 3, 2], len(y), activation=activation, init="xavier", seed=1,
                    dtype=np.float64)
    loss, grads = net.loss_and_grads(X, y)
    dense = Dense([v.copy() for v in net.values()], activation, "classify")
    loss2, grads2 = dense.loss_and_grads(X, y)
    assert loss2 == pytest.approx(loss, rel=1e-12)
    for a, b in zip(grads, grads2, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-14)


def test_regression_gradients_match_central_differences():
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((2, 3)), rng.standard_normal(3),
               rng.standard_normal((3, 1)), rng.standard_normal(1)]
    F, y = rng.standard_normal((7, 2)), rng.standard_normal(7)
    net = Dense(weights, "tanh", "regress")
    _, grads = net.loss_and_grads(F, y)
    h = 1e-6
    for k, w in enumerate(weights):
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + h
            up = net.loss(net.output(F), y)
            w[idx] = old - h
            down = net.loss(net.output(F), y)
            w[idx] = old
            assert grads[k][idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


def test_chunks_compose_into_one_run():
    base = dict(train=XOR["train"], test=XOR["test"], hidden=(4, 4), lr=0.1, seed=5)
    whole = step(Setup(**base, epochs=12))
    first = step(Setup(**base, epochs=5))
    second = step(Setup(**base, epochs=7, epoch=5, weights=first["weights"]))
    for a, b in zip(whole["weights"], second["weights"], strict=True):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    assert [e["epoch"] for e in first["history"] + second["history"]] == list(range(13))
    assert whole["history"][-1]["train_loss"] < whole["history"][0]["train_loss"]


def test_the_chosen_points_program_is_that_moments_network():
    answer = step(Setup(train=XOR["train"], features=("x1", "x2", "x1·x2"), hidden=(3,),
                        epochs=3, point=4, watch=(0, 2, 1)))
    W1, b1, W2, b2 = (np.array(w) for w in answer["weights"])
    x = np.array(XOR["train"][4][:2])
    f = featurize(("x1", "x2", "x1·x2"), x[None, :])[0]
    logits = np.tanh(f @ W1 + b1) @ W2 + b2
    label = int(XOR["train"][4][2])
    expected = np.log(np.exp(logits).sum()) - logits[label]
    trace = answer["point"]["trace"]
    assert trace["nodes"][-1]["value"] == pytest.approx(expected, rel=1e-12)
    assert answer["history"][-1]["point_loss"] == pytest.approx(expected, rel=1e-12)
    # The plotted gradient is the trace's ∂loss/∂W1[2][1].
    assert answer["history"][-1]["point_grad"] == pytest.approx(
        trace_program(answer["point"]["program"])["gradients"]["W1"][2][1], rel=1e-9)


@pytest.mark.parametrize("task, train, features", [
    ("classify", XOR["train"], ("x1", "x2", "x1·x2", "sin x2")),
    ("regress", [[-0.5, 0.3], [0.2, -0.1], [0.7, 0.6]], ("x1", "x1²", "sin x1"))])
def test_the_scalar_program_is_the_same_loss_one_multiply_at_a_time(task, train, features):
    base = dict(task=task, train=train, features=features, hidden=(3, 2), epochs=2, point=1,
                watch=(1, 2, 1))
    tensor = step(Setup(**base))
    scalar = step(Setup(**base, scalar=True))
    assert scalar["weights"] == tensor["weights"]
    t = scalar["point"]["trace"]
    assert t["nodes"][-1]["value"] == pytest.approx(tensor["point"]["trace"]["nodes"][-1]["value"],
                                                    rel=1e-12)
    assert all(not isinstance(n["value"], list) for n in t["nodes"])  # scalars only
    assert t["gradients"]["W2_2_1"] == pytest.approx(scalar["history"][-1]["point_grad"],
                                                     rel=1e-9, abs=1e-15)
    with pytest.raises(ProgramValueError, match="at most 64 weights"):
        step(Setup(**base | {"hidden": (8, 8)}, scalar=True))


def test_a_too_large_learning_rate_diverges_and_stops():
    answer = step(Setup(task="regress", train=[[0.5, 3.0], [-0.5, -3.0], [1.0, 9.0]],
                        features=("x1", "x1²"), activation="relu", hidden=(8, 8), lr=10,
                        batch_size=3, epochs=100))
    assert answer["diverged"] and answer["epoch"] < 100


@pytest.mark.parametrize("change, words", [
    ({"train": [[0.1, 0.2, 2]]}, "train point 0: the label must be 0 or 1"),
    ({"train": [[0.1, 0.2]]}, "train point 0: give 3 numbers"),
    ({"test": [[0.1, 11.0, 1]]}, "test point 0: numbers must be finite"),
    ({"weights": [[[1.0]]]}, "weights: 1 arrays"),
    ({"point": 9}, "point: there is no training point 9"),
    ({"task": "regress", "train": [[0.1, 0.2]], "features": ("x2",)}, "'x2' is not one of"),
])
def test_bad_setups_name_the_field(change, words):
    with pytest.raises(ProgramValueError, match=words.replace("(", r"\(")):
        step(Setup(**({"train": [[0.1, 0.2, 1]]} | change)))
