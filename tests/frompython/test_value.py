"""chainrule.Value and Tensor: micrograd's habits, chainrule's op table and
backward pass; trace() and show() on values and on functions."""

from __future__ import annotations

import math

import chainrule
import numpy as np
import pytest
from chainrule import Tensor, Value, trace, trace_program


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * (1 + abs(b))


def test_the_lecture_neuron_by_hand():
    # micrograd lecture 1's neuron; d o / d w1 etc. from tanh' = 1 - o**2.
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1*w1 + x2*w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    local = 1 - math.tanh(2*-3 + 6.8813735870195432) ** 2
    assert close(o.data, math.tanh(0.8813735870195432))
    assert close(w1.grad, local * 2.0) and close(x1.grad, local * -3.0)
    assert close(x2.grad, local * 1.0) and w2.grad == 0.0 and close(b.grad, local)
    t = trace(o)
    assert t["format"] == chainrule.FORMAT
    assert t["gradients"] == pytest.approx({"x1": x1.grad, "x2": x2.grad, "w1": w1.grad,
                                            "w2": w2.grad, "b": b.grad}, rel=1e-12)
    assert all(c["ok"] for c in t["check"].values())  # central differences agree
    labels = {n["label"] for n in t["nodes"]}
    assert {"n", "o", "x1", "w1"} <= labels
    assert t["backward"][0]["edges"][0]["local_formula"] == "1 - tanh(n)**2"


def test_reflected_ops_and_micrograd_habits():
    a = Value(3.0)
    for got, want, grad in [(2 + a, 5.0, 1.0), (2 - a, -1.0, -1.0), (2 * a, 6.0, 2.0),
                            (6 / a, 2.0, -6 / 9), (2 ** a, 8.0, 8 * math.log(2)),
                            (-a, -3.0, -1.0), (a ** 2, 9.0, 6.0),
                            (a.exp(), math.exp(3), math.exp(3)),
                            (a.log(), math.log(3), 1 / 3), (a.relu(), 3.0, 1.0),
                            (a.sigmoid(), 1 / (1 + math.exp(-3)), None)]:
        a.grad = 0.0
        got.backward()
        assert close(got.data, want)
        if grad is not None:
            assert close(a.grad, grad)
    s = 1 / (1 + math.exp(-3))
    assert close(a.grad, s * (1 - s))


def test_grads_accumulate_as_in_micrograd():
    w = Value(2.0)
    loss = w * w
    loss.backward()
    loss.backward()
    assert w.grad == 8.0  # 2 * 4: zero_grad between steps, as in micrograd
    w.zero_grad()
    assert w.grad == 0.0


def test_names_come_from_variables():
    w = Value(2.0)
    x = Value(3.0)
    bias = Value(1.0)
    pred = w*x + bias
    loss = (pred - 10) ** 2
    t = trace(loss)
    assert set(t["gradients"]) == {"w", "x", "bias"}
    assert t["gradients"]["w"] == pytest.approx(2 * (7 - 10) * 3)
    assert any(n["label"] == "pred" and n["text"] == "w*x + bias" for n in t["nodes"])


def test_unknown_operations_fail_loudly_naming_the_op():
    v = Value(1.0)
    with pytest.raises(NotImplementedError, match="indexing"):
        v[0]
    with pytest.raises(NotImplementedError, match="remainder"):
        v % 2
    with pytest.raises(AttributeError, match=r"\.softplus\(\) is not in chainrule's op table"):
        v.softplus()
    with pytest.raises(TypeError, match="ufunc"):
        np.sin(Tensor([1.0, 2.0]))
    with pytest.raises(chainrule.ShapeError):
        Tensor([1.0, 2.0]) + Tensor([1.0, 2.0, 3.0])


def test_tensor_ops_and_backward_against_the_trace():
    W = Tensor([[0.5, -1.0], [2.0, 0.25]], label="W")
    x = Tensor([1.0, -2.0], label="x")
    b = Tensor([0.1, 0.2], label="b")
    h = (W @ x + b).tanh()
    loss = (h * h).mean() + (W ** 2).sum() * 0.01
    loss.backward()
    assert isinstance(loss, Value) and isinstance(h, Tensor)
    t = trace(loss)
    for leaf in (W, x, b):
        assert np.allclose(t["gradients"][leaf.label], leaf.grad, rtol=1e-12)
    assert all(c["ok"] for c in t["check"].values())
    with pytest.raises(chainrule.ShapeError, match="scalar"):
        h.backward()


def test_cross_entropy_on_a_tensor():
    logits = Tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], label="logits")
    loss = logits.cross_entropy([0, 2])
    want = trace_program("logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]\n"
                         "loss = cross_entropy(logits, [0, 2])")
    loss.backward()
    assert np.allclose(logits.grad, want["gradients"]["logits"], rtol=1e-12)


# ---- chainrule.trace(f, ...) against trace_program on the same maths -------------
FUNCTIONS = [
    (lambda w, b, x: (w*x + b - 10) ** 2, {"w": 2.0, "b": 1.0, "x": 3.0},
     "w = 2.0; b = 1.0; x = 3.0\nloss = (w*x + b - 10)**2"),
    (lambda a, b: (a*b).exp() / (1 + a**2) - b.log(), {"a": 0.5, "b": 2.0},
     "a = 0.5; b = 2.0\nloss = exp(a*b)/(1 + a**2) - log(b)"),
    (lambda x, y: (x.sigmoid() * y.tanh() + (x - y).relu()).sqrt(), {"x": 1.5, "y": -0.3},
     "x = 1.5; y = -0.3\nloss = sqrt(sigmoid(x)*tanh(y) + relu(x - y))"),
    (lambda W, v: ((W @ v).tanh() ** 2).sum(), {"W": [[1.0, 2.0], [0.5, -1.0]], "v": [0.3, 0.4]},
     "W = [[1.0, 2.0], [0.5, -1.0]]; v = [0.3, 0.4]\nloss = sum(tanh(W @ v)**2)"),
]


@pytest.mark.parametrize("f, values, program", FUNCTIONS)
def test_trace_of_a_function_agrees_with_trace_program(f, values, program):
    got = trace(f, **values)
    want = trace_program(program, check=True)
    out = {n["id"]: n for n in got["nodes"]}[got["output"]]
    want_out = {n["id"]: n for n in want["nodes"]}[want["output"]]
    assert out["value"] == pytest.approx(want_out["value"], rel=1e-12)
    assert set(got["gradients"]) == set(want["gradients"])
    for name, g in want["gradients"].items():
        assert np.allclose(got["gradients"][name], g, rtol=1e-12)
    assert [n["op"] for n in got["nodes"]] == [n["op"] for n in want["nodes"]]
    assert all(c["ok"] for c in got["check"].values())


def test_a_function_names_its_intermediates_from_its_locals():
    def neuron(w, x, b):
        act = w*x + b
        out = act.tanh()
        return out * 2
    t = trace(neuron, w=0.5, x=2.0, b=-0.25)
    assert {"act", "out"} <= {n["label"] for n in t["nodes"]}
    assert trace(neuron, 0.5, 2.0, b=-0.25)["gradients"] == t["gradients"]
    with pytest.raises(TypeError, match="cannot call"):
        trace(neuron, w=1.0)
    with pytest.raises(TypeError, match="not a recorded value"):
        trace(lambda w: 3.0, w=1.0)


def test_show_gives_the_step_through_with_the_program(tmp_path):
    w = Value(2.0, label="w")
    loss = (w * 3 - 1) ** 2
    shown = chainrule.show(loss)
    assert shown.trace["gradients"]["w"] == pytest.approx(30.0)
    assert "w = 2.0" in shown.program
    path = shown.save(tmp_path / "loss.html")
    assert "chainrule.trace/1" in path.read_text()
    f_shown = chainrule.show(lambda w: (w * 3 - 1) ** 2, w=2.0)
    assert f_shown.trace["gradients"] == shown.trace["gradients"]
    assert chainrule.show("w = 2.0; (w*3 - 1)**2").trace["gradients"]["w"] == pytest.approx(30.0)
    # program text keeps its signature: show(program, values, step)
    again = chainrule.show("w = 2.0; (w*3 - 1)**2", {"w": 1.0}, 0)
    assert again.trace["gradients"]["w"] == pytest.approx(12.0) and again.step == 0


def test_the_readmes_value_example_runs(tmp_path):
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = re.search(r"```python\n(import chainrule\nfrom chainrule import Value\n.*?)```",
                     readme, re.S).group(1)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert float(run.stdout.split()[0]) == pytest.approx(1.0, rel=1e-12)


def test_a_graph_over_the_limits_is_a_limit_error_that_says_where():
    w = Value(0.5)
    h = w
    for _ in range(20):
        h = (h * w).relu()
    with pytest.raises(chainrule.LimitError) as caught:
        trace(h, limits=chainrule.Limits(max_nodes=10))
    assert "more than 10" in caught.value.message
    assert any("written from your graph" in note for note in caught.value.__notes__)
    h.backward()
    assert trace(h, check=False)["gradients"]["w"] == pytest.approx(w.grad)
