"""PyTorch autograd graphs mapped onto chainrule's op table: values and
gradients against PyTorch's own backward()."""

from __future__ import annotations

import subprocess
import sys
import warnings

import chainrule
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is an optional extra; install it "
                            "(pip install torch) to test the PyTorch adapter")
nn = torch.nn
F = torch.nn.functional


def named(*modules):
    """Parameter names as torchviz takes them: fc1.weight, fc1.bias, ..."""
    return {f"fc{i}.{n}": p for i, m in enumerate(modules, 1) for n, p in m.named_parameters()}


def agree(t, params, tol):
    with warnings.catch_warnings():
        warnings.simplefilter("error", chainrule.DisagreementWarning)
        shown = chainrule.show(t, params=params)
    report = shown.report
    assert report["disagreements"] == [] and report["grads_compared"] >= 1
    assert report["max_grad_error"] <= tol and report["max_value_error"] <= tol
    t.backward()  # PyTorch's own gradients, into .grad
    grads = shown.trace["gradients"]
    for name, p in params.items():
        if not p.requires_grad:
            continue
        key = name.replace(".", "_")
        mine = grads[key] if key in grads else np.asarray(grads[f"{key}_T"]).T
        assert np.allclose(mine, p.grad.double().numpy(), rtol=tol, atol=tol), name
    out = {n["id"]: n for n in shown.trace["nodes"]}[shown.trace["output"]]
    assert abs(out["value"] - t.item()) <= tol * (1 + abs(t.item()))
    return shown


def test_linear_relu_cross_entropy_float64():
    torch.manual_seed(0)
    fc1, fc2 = nn.Linear(3, 5).double(), nn.Linear(5, 4).double()
    x = torch.randn(6, 3, dtype=torch.float64)
    y = torch.tensor([0, 3, 1, 1, 2, 0])
    loss = F.cross_entropy(fc2(torch.relu(fc1(x))), y)
    shown = agree(loss, {**named(fc1, fc2), "x": x}, 1e-9)
    ops = {n["op"] for n in shown.trace["nodes"]}
    assert {"matmul", "relu", "cross_entropy", "add"} <= ops
    assert "x" in shown.trace["gradients"]  # data named in params is a leaf


def test_linear_tanh_sigmoid_mse_float32():
    torch.manual_seed(1)
    fc1, fc2 = nn.Linear(2, 4), nn.Linear(4, 1)
    x = torch.randn(5, 2)
    target = torch.randn(5, 1)
    loss = F.mse_loss(torch.sigmoid(fc2(torch.tanh(fc1(x)))), target)
    agree(loss, named(fc1, fc2), 1e-4)  # PyTorch rounds to float32; chainrule is float64


def test_sum_mean_mul_div_pow_matmul():
    torch.manual_seed(2)
    W = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    v = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    h = (W @ v).exp() / (1 + v**2)
    loss = (h * W).sum() - h.mean() ** 2
    agree(loss, {"W": W, "v": v}, 1e-9)


def test_micrograds_sanity_expression_in_torch():
    x = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    shown = agree(y, {"x": x}, 1e-9)
    assert "x = -4.0" in shown.program


def test_the_first_op_it_cannot_map_is_named():
    W = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="PyTorch's SelectBackward0"):
        chainrule.trace(W[0].sum())
    with pytest.raises(NotImplementedError, match="SumBackward1"):
        chainrule.trace(W.sum(dim=0).mean())


def test_a_freed_graph_says_what_to_do():
    W = torch.randn(3, dtype=torch.float64, requires_grad=True)
    loss = (W * W).sum()
    loss.backward()
    with pytest.raises(ValueError, match="retain_graph=True"):
        chainrule.trace(loss)
    with pytest.raises(ValueError, match="no grad_fn"):
        chainrule.trace(torch.tensor(1.0))


def test_torch_is_never_imported_unless_given_a_tensor():
    code = ("import sys, chainrule\n"
            "w = chainrule.Value(2.0)\n"
            "chainrule.show(w * w)\n"
            "chainrule.show('w = 1.0; w*w')\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
