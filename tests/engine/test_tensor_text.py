"""Tensor edges explained by what their op does backward: each claim of the
`explain` text is checked against the op (a mean copies × 1/n, a broadcast is
summed over the axes it added), and every worked entry's arithmetic, parsed
out of the text and recomputed, equals the gradient's entry."""

from __future__ import annotations

import re

import numpy as np
import pytest
from chainrule import trace_program

MINUS = "\u2212"
RNG = np.random.default_rng(21)


def lit(a: np.ndarray) -> str:
    return repr(np.round(a, 2).tolist())


def node(t: dict, label: str) -> dict:
    return next(n for n in t["nodes"] if n["label"] == label)


def edge_into(t: dict, label: str, op: str | None = None) -> dict:
    target = node(t, label)["id"]
    ops = {n["id"]: n["op"] for n in t["nodes"]}
    return next(e for st in t["backward"] for e in st["edges"]
                if e["to"] == target and (op is None or ops[st["node"]] == op))


def parse(expr: str) -> float:
    """'1.0·(−0.9) + 3.0·1.85' → the number, as the reader would compute it."""
    text = expr.replace(MINUS, "-").replace("·", "*").replace("×", "*")
    assert re.fullmatch(r"[\d.\s()+\-*/e]+", text), text
    return float(eval(text))  # noqa: S307 (digits and operators only, checked above)


def rounding(expr: str) -> float:
    """How far 4-significant-digit factors can move the result."""
    nums = [abs(float(x)) for x in re.findall(r"\d+\.?\d*(?:e-?\d+)?", expr.replace(MINUS, "-"))]
    return 1e-3 * max([1.0, *nums]) ** 2 * max(1, len(nums))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (4, 1)])
def test_mean_copies_the_upstream_times_one_over_n(shape):
    x = RNG.normal(size=shape)
    t = trace_program(f"x = {lit(x)}\nloss = mean(x * x)")
    e = next(e for st in t["backward"] for e in st["edges"]
             if next(n for n in t["nodes"] if n["id"] == st["node"])["op"] == "mean")
    n = x.size
    ex = e["explain"]
    assert ex["rule"] == "mean"
    assert f"1/{n}" in ex["text"] and f"1/{n}" in ex["shapes"]
    assert "sum over" not in ex["text"].lower() and ex["sum_over"] is None
    assert "copies" in ex["text"]
    assert np.allclose(e["contribution"], np.full(shape, 1.0 / n))
    assert ex["worked"]["value"] == pytest.approx(1.0 / n)


def test_sum_copies_the_upstream_unchanged():
    x = RNG.normal(size=(2, 3))
    t = trace_program(f"x = {lit(x)}\nloss = 3*sum(x)")
    e = edge_into(t, "x")
    ex = e["explain"]
    assert ex["rule"] == "sum" and ex["sum_over"] is None
    assert "copies" in ex["text"] and "sum over" not in ex["text"].lower()
    assert np.allclose(e["contribution"], 3.0)


@pytest.mark.parametrize(("a_shape", "b_shape"), [
    ((3, 1), (1,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((2, 2), ()), ((4, 3), (1, 3))])
def test_a_broadcast_is_summed_over_exactly_the_axes_it_added(a_shape, b_shape):
    a, b = RNG.normal(size=a_shape), RNG.normal(size=b_shape)
    w = RNG.normal(size=np.broadcast_shapes(a_shape, b_shape))
    b_text = lit(b) if b_shape else f"{float(np.round(b, 2))}"
    t = trace_program(f"a = {lit(a)}\nb = {b_text}\nw = {lit(w)}\nloss = sum((a + b) * w)")
    out_shape = np.broadcast_shapes(a_shape, b_shape)
    for label, shape in (("a", a_shape), ("b", b_shape)):
        ex = edge_into(t, label, "add")["explain"]
        if shape == out_shape:  # not broadcast: no sum line at all
            assert ex["sum_over"] is None and "broadcast" not in ex["text"]
            continue
        lead = len(out_shape) - len(shape)
        axes = list(range(lead)) + [lead + i for i, d in enumerate(shape)
                                    if d == 1 and out_shape[lead + i] != 1]
        s = ex["sum_over"]
        assert s["axes"] == axes and s["from_shape"] == list(out_shape)
        assert s["to_shape"] == list(shape)
        assert ex["rule"] == "broadcast"
        assert s["text"] in ex["text"] and "→" in s["text"]
        assert ("scalar" if not shape else str(shape).replace(",)", ",)")) in s["text"]
        # the gradient really is the upstream summed over those axes
        upstream = np.asarray(node(t, "w")["value"])
        summed = upstream.sum(axis=tuple(axes))
        assert np.allclose(np.reshape(summed, shape), t["gradients"][label])
        worked = ex["worked"]
        rhs = worked["text"].split(" = ")[2]
        assert parse(rhs) == pytest.approx(worked["value"], abs=rounding(rhs))
        assert worked["value"] == pytest.approx(
            np.asarray(t["gradients"][label])[tuple(worked["entry"])] if shape else
            t["gradients"][label])


def test_the_shapes_line_names_the_real_shapes():
    t = trace_program("p = [[1.0], [2.0], [3.0]]\ny = [[0.5], [1.0], [2.5]]\n"
                      "loss = mean((p - y)**2)")
    for st in t["backward"]:
        for e in st["edges"]:
            assert "scalar ⊙ scalar" not in e["explain"]["shapes"]
    pow_edge = next(e for st in t["backward"] for e in st["edges"]
                    if e["explain"]["rule"] == "elementwise" and "local (3, 1)" in
                    e["explain"]["shapes"])
    assert "(3, 1) → (3, 1)" in pow_edge["explain"]["shapes"]


@pytest.mark.parametrize(("a_shape", "b_shape"), [
    ((3, 2), (2, 1)), ((2, 3), (3, 4)), ((4,), (4, 2)), ((2, 3), (3,)), ((3, 1), (1, 2))])
def test_the_worked_matmul_entry_recomputes_to_the_gradient(a_shape, b_shape):
    a, b = np.round(RNG.normal(size=a_shape), 2), np.round(RNG.normal(size=b_shape), 2)
    out = a @ b
    w = np.round(RNG.normal(size=np.shape(out)), 2)
    w_text = lit(w) if np.ndim(out) else f"{float(w)}"
    t = trace_program(f"A = {lit(a)}\nB = {lit(b)}\nw = {w_text}\nloss = sum((A @ B) * w)")
    for label, k in (("A", 0), ("B", 1)):
        ex = edge_into(t, label, "matmul")["explain"]
        assert ex["rule"] == "matmul"
        transposed = "Bᵀ" if k == 0 else "Aᵀ"
        assert transposed in ex["shapes"]
        worked = ex["worked"]
        sym, terms, numbers, result = worked["text"].split(" = ")
        grad = np.asarray(t["gradients"][label])
        expected = grad[tuple(worked["entry"])]
        assert worked["value"] == pytest.approx(expected)
        assert parse(numbers) == pytest.approx(expected, abs=rounding(numbers))
        assert parse(result) == pytest.approx(expected, rel=1e-3, abs=1e-4)
        # one term per entry of the upstream's row (for A) or column (for B), each
        # multiplying by the right entries of the other factor
        count = (b_shape[-1] if len(b_shape) == 2 else 1) if k == 0 else \
            (a_shape[0] if len(a_shape) == 2 else 1)
        assert len(terms.split(" + ")) == count == len(numbers.split(" + "))
        assert sym.startswith(f"∂L/∂{label}")
        pairs = [[parse(f) for f in re.split(r"·(?![^(]*\))", term)]
                 for term in numbers.split(" + ")]
        ix = worked["entry"]
        if k == 0:
            other = (b.reshape(-1, 1) if b.ndim == 1 else b)[ix[-1]]
            assert np.allclose([p[1] for p in pairs], other)
        else:
            other = (a.reshape(1, -1) if a.ndim == 1 else a)[:, ix[0]]
            assert np.allclose([p[0] for p in pairs], other)


def test_the_worked_matmul_entry_of_the_teaching_example():
    t = trace_program("X = [[1, 2], [3, -1]]\nW = [[0.5], [-0.25]]\nb = [0.1]\n"
                      "y = [[1], [0]]\npred = X @ W + b\nloss = mean((pred - y)**2)")
    w = edge_into(t, "W", "matmul")["explain"]["worked"]
    assert w["text"] == "∂L/∂W₀₀ = X₀₀·g₀₀ + X₁₀·g₁₀ = 1.0·(−0.9) + 3.0·1.85 = 4.65"
    b = edge_into(t, "b", "add")["explain"]
    assert b["sum_over"]["text"] == "(2, 1) → (1,)"
    assert b["worked"]["text"] == "∂L/∂b₀ = g₀₀ + g₁₀ = (−0.9) + 1.85 = 0.95"


@pytest.mark.parametrize("rows", [1, 3])
def test_cross_entropy_shows_softmax_minus_onehot_over_the_batch(rows):
    z = np.round(RNG.normal(size=(rows, 4) if rows > 1 else (4,)), 2)
    y = RNG.integers(0, 4, size=rows)
    y_text = lit(y.astype(float)) if rows > 1 else str(int(y[0]))
    t = trace_program(f"z = {lit(z)}\nloss = cross_entropy(z, {y_text})")
    e = edge_into(t, "z")
    ex = e["explain"]
    batch = z.reshape(rows, -1)
    s = np.exp(batch - batch.max(axis=1, keepdims=True))
    s /= s.sum(axis=1, keepdims=True)
    assert ex["rule"] == "cross_entropy" and "softmax(z) − onehot(y)" in ex["text"]
    for v in s[0]:
        assert f"{v:.4g}".replace("-", MINUS) in ex["text"]
    if rows > 1:
        assert f"N = {rows}" in ex["text"] and f"/ {rows}" in ex["text"]
    worked = ex["worked"]
    grad = np.asarray(t["gradients"]["z"])
    assert worked["value"] == pytest.approx(grad[tuple(worked["entry"])])
    rhs = worked["text"].split(" = ")[1]
    assert parse(rhs) == pytest.approx(worked["value"], abs=1e-3)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_family_states_its_vector_jacobian_product_with_numbers(op):
    z = np.round(RNG.normal(size=(2, 3)), 2)
    w = np.round(RNG.normal(size=(2, 3)), 2)
    t = trace_program(f"z = {lit(z)}\nw = {lit(w)}\nloss = sum({op}(z) * w)")
    ex = edge_into(t, "z")["explain"]
    assert ex["rule"] == op and "Σⱼ" in ex["text"]
    row = np.asarray(t["gradients"]["z"])[0]
    shown = ex["text"].rsplit("= [", 1)[1].rstrip("].").split(", ")
    assert np.allclose([float(x.replace(MINUS, "-")) for x in shown], row, rtol=1e-3, atol=1e-4)


def test_scalar_programs_carry_no_explanation():
    t = trace_program("w = 2.0\nx = 3.0\nloss = (w*x - 1)**2")
    assert all("explain" not in e for st in t["backward"] for e in st["edges"])


def test_a_node_used_twice_names_its_share():
    t = trace_program("x = [1.0, -2.0]\nloss = sum(x * x)")
    texts = [e["explain"]["worked"]["text"] for st in t["backward"] for e in st["edges"]
             if e["to"] == node(t, "x")["id"]]
    assert len(texts) == 2 and all(s.startswith("the contribution to ∂L/∂x₀") for s in texts)


@pytest.mark.parametrize("program", [
    "X = [[1, 2], [3, -1]]\nW = [[0.5], [-0.25]]\nb = [0.1]\ny = [[1], [0]]\n"
    "pred = X @ W + b\nloss = mean((pred - y)**2) + 0.1*sum(W*W)",
    "x = [1.0, -2.0, 0.5]\nh = tanh(x) * x\nloss = sum(h * h) + mean(x)",
    "z = [[0.2, -1.0, 0.4]]\nW = [[1.0, 0.5], [-0.3, 0.2], [0.1, 0.7]]\n"
    "loss = cross_entropy(relu(z @ W) + z @ W, 1)",
])
def test_tensor_paths_add_up_to_each_entry_of_the_gradient(program):
    t = trace_program(program)
    tensors = {n["label"] for n in t["nodes"] if n["kind"] == "leaf"}
    assert {p["leaf"] for p in t["paths"]} == tensors
    for name in tensors:
        paths = [p for p in t["paths"] if p["leaf"] == name]
        total = sum(np.asarray(p["contribution"], dtype=float) for p in paths)
        assert np.allclose(total, t["gradients"][name])
        ids = {n["id"]: n for n in t["nodes"]}
        for p in paths:
            assert p["nodes"][0] == t["output"] and ids[p["nodes"][-1]]["label"] == name
            for up, down, slot in zip(p["nodes"][:-1], p["nodes"][1:], p["slots"], strict=True):
                assert ids[up]["inputs"][slot] == down


def test_scalar_programs_have_no_paths_field():
    assert "paths" not in trace_program("w = 2.0\nloss = w*w")
