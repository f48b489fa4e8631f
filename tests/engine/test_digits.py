"""The digits data, the MLP built on chainrule's graph, a short training run,
the vanishing/exploding demo and `chainrule train digits`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from chainrule import trace_program
from chainrule.nets import digits
from chainrule.nets.deep import layer_gradient_norms
from chainrule.nets.nn import accuracy, build_mlp
from chainrule.server.cli import main


def test_the_shipped_data_is_the_uci_digits():
    X, y = digits.load()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    assert all(170 <= np.sum(y == c) <= 190 for c in range(10))  # ~180 of each digit


def test_split_is_disjoint_and_stratified():
    X, y, X_test, y_test = digits.split(seed=3)
    assert len(y) + len(y_test) == 1797
    train_rows = {r.tobytes() for r in X}
    assert sum(r.tobytes() in train_rows for r in X_test) < 5  # a few duplicate images exist
    share = np.bincount(y_test, minlength=10) / np.bincount(y, minlength=10)
    assert np.all(np.abs(share - 1 / 3) < 0.02)


def test_network_gradients_match_central_differences():
    net = build_mlp([5, 4, 3], batch=6, seed=1, dtype=np.float64)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 5)), rng.integers(0, 3, 6).astype(float)
    _, grads = net.loss_and_grads(X, y)
    h = 1e-6
    for k, leaf in enumerate(net.params):
        value = net.graph.values[leaf]
        for j in range(0, value.size, 3):
            value.flat[j] += h
            up = net.loss_and_grads(X, y)[0]
            value.flat[j] -= 2 * h
            down = net.loss_and_grads(X, y)[0]
            value.flat[j] += h
            assert grads[k].flat[j] == pytest.approx((up - down) / (2 * h), abs=1e-7)


def test_float32_stays_float32():
    net = build_mlp([64, 32, 10], batch=8)
    X = np.ones((8, 64), np.float32)
    _, grads = net.loss_and_grads(X, np.zeros(8))
    assert {g.dtype for g in grads} == {np.dtype(np.float32)}
    assert net.logits_of(X).dtype == np.float32


def test_a_short_run_is_well_above_chance():
    result = digits.train_digits(digits.DigitsConfig(epochs=3, seed=0))
    assert result["test_accuracy"] > 0.8  # chance is 0.1
    losses = [e["loss"] for e in result["history"]]
    assert losses == sorted(losses, reverse=True)
    assert len(result["predictions"]) == len(result["test_labels"])
    right = np.mean(np.array(result["predictions"]) == np.array(result["test_labels"]))
    assert right == pytest.approx(result["test_accuracy"])
    # The confusion matrix counts the same pairs: its diagonal is the right answers.
    cm = np.array(result["confusion"])
    assert cm.shape == (10, 10) and cm.sum() == len(result["test_labels"])
    assert np.trace(cm) / cm.sum() == pytest.approx(result["test_accuracy"])
    assert list(cm.sum(axis=1)) == [result["test_labels"].count(c) for c in range(10)]


def test_untrained_network_is_at_chance():
    _, _, X_test, y_test = digits.split(0)
    assert accuracy(build_mlp([64, 32, 10], 32, seed=0), X_test, y_test) < 0.3


def test_sigmoid_with_naive_init_vanishes_and_he_relu_does_not():
    vanish = [x["grad_norm"] for x in layer_gradient_norms(15, "sigmoid", "naive")["layers"]]
    assert vanish[0] < 1e-2 * vanish[-1]
    steady = [x["grad_norm"] for x in layer_gradient_norms(15, "relu", "he")["layers"]]
    assert max(steady) < 10 * min(steady)


def test_naive_init_explodes_through_relu():
    layers = layer_gradient_norms(15, "relu", "naive")["layers"]
    assert layers[0]["grad_norm"] > 1e6
    assert len(layers) == 16


def test_cli_json_last_line(capsys):
    assert main(["train", "digits", "--epochs", "2", "--seed", "1", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["test_accuracy"] > 0.5 and result["train_accuracy"] > 0.5
    assert result["seconds"] > 0 and result["seed"] == 1 and len(result["history"]) == 2


def test_a_small_balanced_subset_shows_the_train_test_gap():
    X, y, _, _ = digits.split(0)
    Xs, ys = digits.subset(X, y, 100, 0)
    assert len(ys) == 100 and set(np.bincount(ys)) == {10}
    small = digits.train_digits(digits.DigitsConfig(epochs=30, train_size=100))
    gap = small["train_accuracy"] - small["test_accuracy"]
    full = digits.train_digits(digits.DigitsConfig(epochs=5))
    assert gap > full["train_accuracy"] - full["test_accuracy"]
    assert len(small["history"]) == 30
    assert all("test_accuracy" in e for e in small["history"])


def test_the_sample_program_is_the_trained_network_on_one_test_digit():
    result = digits.train_digits(digits.DigitsConfig(epochs=2, seed=1))
    k = result["sample_index"]
    t = trace_program(result["sample"])
    nodes = {n["label"]: n for n in t["nodes"] if n["label"]}
    pixels = np.array(nodes["x"]["value"])
    assert pixels.shape == (64,)
    assert np.allclose(pixels * 16, np.array(result["test_images"][k]).ravel())
    assert nodes["W1"]["shape"] == [64, 32] and nodes["W2"]["shape"] == [32, 10]
    # the same prediction as the trained network's for that image
    assert int(np.argmax(nodes["logits"]["value"])) == result["predictions"][k]
    assert f"class {result['test_labels'][k]}" in result["sample"]
