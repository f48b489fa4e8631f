"""micrograd graphs through chainrule: micrograd's own test expressions and
an MLP, written once for any Value class and run with micrograd's and
chainrule's, and micrograd's graphs imported as they are."""

from __future__ import annotations

import math
import random
import warnings
from collections import Counter

import chainrule
import numpy as np
import pytest
from chainrule import trace

micrograd = pytest.importorskip("micrograd", reason="micrograd is in the test extra: "
                                "pip install -e '.[test]'")
from micrograd.engine import Value as MgValue  # noqa: E402
from micrograd.nn import MLP  # noqa: E402

TOL = 1e-9


def close(a, b):
    return abs(a - b) <= TOL * (1 + abs(b))


# ---- micrograd's test/test_engine.py expressions, for any Value class -------------
def sanity_check(V):
    x = V(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y, {"x": x}


def more_ops(V):
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, {"a": a, "b": b}


def neuron(V):
    # the micrograd lecture's neuron, with micrograd's ReLU (the PyPI
    # package has no tanh) and the lecture's numbers
    x1, x2 = V(2.0), V(0.0)
    w1, w2 = V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    o = (x1*w1 + x2*w2 + b).relu()
    o.backward()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


EXPRESSIONS = [sanity_check, more_ops, neuron]


@pytest.mark.parametrize("build", EXPRESSIONS)
def test_chainrule_value_agrees_with_micrograd(build):
    mine, my_leaves = build(chainrule.Value)
    theirs, their_leaves = build(MgValue)
    assert close(mine.data, theirs.data)
    for name, leaf in my_leaves.items():
        assert close(leaf.grad, their_leaves[name].grad), name


@pytest.mark.parametrize("build", EXPRESSIONS)
def test_a_micrograd_graph_imported_agrees(build):
    out, leaves = build(MgValue)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a disagreement would warn
        shown = chainrule.show(out)
    report = shown.report
    assert report["source"] == "micrograd" and report["grads_known"]
    assert report["disagreements"] == []
    assert report["max_value_error"] <= TOL and report["max_grad_error"] <= TOL
    assert report["values_compared"] == report["nodes"] > 1
    t = shown.trace
    out_node = {n["id"]: n for n in t["nodes"]}[t["output"]]
    assert close(out_node["value"], float(out.data))
    # the leaves micrograd's test checks, found by chainrule's trace and named from here
    by_value = {}
    for n in t["nodes"]:
        if n["kind"] == "leaf":
            by_value.setdefault(n["value"], []).append(n["grad"])
    for leaf in leaves.values():
        assert any(close(g, float(leaf.grad)) for g in by_value[float(leaf.data)])


class LectureValue(MgValue):
    """The lecture's Value on top of the package's: a label, and tanh."""

    def __init__(self, data, _children=(), _op="", label=""):
        super().__init__(data, _children, _op)
        self.label = label


def lecture_tanh(v):
    t = math.tanh(v.data)
    out = LectureValue(t, (v,), "tanh")

    def _backward():
        v.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def test_the_lecture_neuron_with_tanh_and_labels():
    x1 = LectureValue(2.0, label="x1")
    x2 = LectureValue(0.0, label="x2")
    w1 = LectureValue(-3.0, label="w1")
    w2 = LectureValue(1.0, label="w2")
    b = LectureValue(6.8813735870195432, label="b")
    x1w1 = x1*w1
    x1w1.label = "x1*w1"  # the lecture's labels are expressions, not names
    x2w2 = x2*w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = lecture_tanh(n)
    o.label = "o"
    o.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error", chainrule.DisagreementWarning)
        shown = chainrule.show(o)
    assert shown.report["disagreements"] == [] and shown.report["grads_compared"] == 10
    t = shown.trace
    for leaf in (x1, x2, w1, w2, b):
        assert close(t["gradients"][leaf.label], leaf.grad)
    # a label that is not a name gives way to the variable (micrograd's _prev is a
    # set, so the order of + and * inputs is micrograd's set order)
    labels = {n["label"] for n in t["nodes"]}
    assert {"x1w1", "x2w2", "n", "o", "x1", "b"} <= labels
    # and the same neuron written with chainrule.Value
    v = {name: chainrule.Value(x.data, label=name)
         for name, x in {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}.items()}
    mine = (v["x1"]*v["w1"] + v["x2"]*v["w2"] + v["b"]).tanh()
    mine.backward()
    assert close(mine.data, o.data)
    for name, x in {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}.items():
        assert close(v[name].grad, x.grad)


def test_the_import_names_leaves_from_variables_and_labels():
    a = MgValue(2.0)
    w = MgValue(-3.0)
    w.label = "weight"  # the lecture's Value carries a label
    y = (a * w).relu() + a * a
    y.backward()
    t = trace(y)
    assert set(t["gradients"]) >= {"a", "weight"}
    assert close(t["gradients"]["a"], a.grad) and close(t["gradients"]["weight"], w.grad)


def test_a_disagreement_is_reported_not_hidden():
    a = MgValue(3.0)
    b = MgValue(2.0)
    y = a * b + a
    y.backward()
    a.grad = 99.0  # as if micrograd's backward had a bug (or ran twice)
    with pytest.warns(chainrule.DisagreementWarning, match="grad of a is 99.0 in micrograd, "
                                                           "3.0 in chainrule"):
        shown = chainrule.show(y)
    (d,) = shown.report["disagreements"]
    assert d["what"] == "grad" and d["theirs"] == 99.0 and d["chainrule"] == 3.0
    node = {n["id"]: n for n in shown.trace["nodes"]}[d["node"]]
    assert node["label"] == "a" and any("micrograd has grad 99.0" in w for w in node["warnings"])


def test_gradients_not_compared_before_micrograds_backward():
    a = MgValue(3.0)
    y = a * a
    shown = chainrule.show(y)
    assert shown.report["grads_known"] is False and shown.report["grads_compared"] == 0
    assert shown.trace["gradients"]["a"] == 6.0


def test_an_unknown_micrograd_op_is_named():
    a = MgValue(1.0)
    odd = MgValue(0.84, (a,), "sin")
    with pytest.raises(NotImplementedError, match="micrograd op 'sin'"):
        trace(odd)


# ---- micrograd's MLP on a small data set (its demo's max-margin loss) ------------
def dataset(n, seed=1):
    rng = random.Random(seed)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    ys = [1.0 if x[0] * x[1] > 0 else -1.0 for x in xs]
    return xs, ys


def demo_loss(model_call, params, xs, ys, alpha=1e-4):
    scores = [model_call(x) for x in xs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in params)
    return data_loss + reg_loss


def chainrule_mlp(weights):
    """micrograd's MLP forward, written with chainrule.Value over the same weights."""
    def call(x):
        for layer, last in weights:
            x = [(sum((w * xi for w, xi in zip(ws, x, strict=True)), b))
                 for ws, b in layer]
            x = x if last else [v.relu() for v in x]
        return x[0]
    return call


def test_micrograd_mlp_on_a_small_dataset():
    random.seed(0)
    model = MLP(2, [8, 8, 1])
    xs, ys = dataset(12)
    loss = demo_loss(model, model.parameters(), xs, ys)
    model.zero_grad()
    loss.backward()
    # the same network in chainrule.Value, weights copied
    layers = []
    for k, layer in enumerate(model.layers):
        layers.append(([([chainrule.Value(w.data) for w in n.w], chainrule.Value(n.b.data))
                        for n in layer.neurons], k == len(model.layers) - 1))
    params = [p for layer, _ in layers for ws, b in layer for p in [*ws, b]]
    mine = demo_loss(chainrule_mlp(layers), params, xs, ys)
    mine.backward()
    assert close(mine.data, loss.data)
    for p, q in zip(params, model.parameters(), strict=True):
        assert close(p.grad, q.grad)
    # and micrograd's own graph imported, whole: every value and gradient compared
    whole = chainrule.trace(loss, check=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", chainrule.DisagreementWarning)
        shown = chainrule.show(loss, sample="all", check=False)
    assert shown.report["disagreements"] == [] and shown.report["grads_compared"] > 500
    assert len(shown.trace["nodes"]) == len(whole["nodes"]) > 2000
    # past what the page draws readably, show() draws one sample's graph and says so
    with pytest.warns(UserWarning, match="showing sample 0 of 12"):
        first = chainrule.show(loss, check=False)
    assert len(first.trace["nodes"]) < len(whole["nodes"]) / 5
    assert first.report["grads_compared"] == shown.report["grads_compared"]  # still whole
    # one sample's graph: the term of the data loss's sum for the worst sample
    worst = max(range(len(xs)), key=lambda i: demo_sample(model, xs[i], ys[i]).data)
    one = trace(loss, sample=worst, check=True)
    alone = trace(demo_sample(model, xs[worst], ys[worst]), check=False)
    out = {n["id"]: n for n in one["nodes"]}[one["output"]]
    want = {n["id"]: n for n in alone["nodes"]}[alone["output"]]
    assert close(out["value"], want["value"])
    assert Counter(n["op"] for n in one["nodes"]) == Counter(n["op"] for n in alone["nodes"])
    leaf_grads = sorted((n["value"], n["grad"]) for n in one["nodes"] if n["kind"] == "leaf")
    want_grads = sorted((n["value"], n["grad"]) for n in alone["nodes"] if n["kind"] == "leaf")
    assert np.allclose(leaf_grads, want_grads, rtol=1e-12, atol=0)
    assert any(g != 0 for _, g in leaf_grads)  # a sample on the wrong side of the margin
    assert all(c["ok"] for c in one["check"].values())
    with pytest.raises(IndexError, match="sums 12 samples"):
        trace(loss, sample=12)


def demo_sample(model, x, y):
    return (1 + -y * model(x)).relu()
