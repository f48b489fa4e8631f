"""Right numbers at the edges, as PyTorch computes them (its rules from
derivatives.yaml, written out here): where a formula can be arranged two
ways, the one that stays in float range; the pow rules' zeros; NaN through
max and min."""

from __future__ import annotations

import math

import numpy as np
import pytest
from chainrule import trace_program

NAN = math.nan


def grads(program: str, **values) -> dict:
    return trace_program(program, values or None)["gradients"]


def as_float(x):
    if isinstance(x, list):
        return np.array([as_float(y) for y in x], dtype=float)
    return {"NaN": NAN, "Infinity": math.inf, "-Infinity": -math.inf}.get(x, x)


# ---- division: -(a/b)/b, never -a/(b*b) (b*b underflows to 0 at 1e-170) -----------
@pytest.mark.parametrize(("a", "b"), [(1e-170, 1e-170), (3e-170, -2e-170), (1e150, 1e-10),
                                      (1e-300, 1e-10)])
def test_a_quotient_of_tiny_numbers_has_the_torch_gradient(a, b):
    g = grads("y = a/b", a=a, b=b)
    assert g["b"] == -(a / b) / b  # torch: -grad * ((self / other) / other)
    assert g["a"] == 1.0 / b
    assert math.isfinite(g["b"])


def test_the_quotient_rule_broadcasts_a_tiny_scalar_divisor():
    a, b = [1e-170, 2e-170], 1e-170
    g = grads("y = sum(a/b)", a=a, b=b)
    assert g["b"] == pytest.approx(sum(-(x / b) / b for x in a), rel=1e-15)


# ---- pow: d/da is 0 where b == 0; d/db is 0 where a == 0 and b >= 0 ---------------
def test_x_to_the_zero_at_zero_has_gradient_zero():
    assert grads("x = 0.0\ny = x**0") == {"x": 0.0}
    assert grads("y = sum(x**0)", x=[0.0, 2.0, -3.0]) == {"x": [0.0, 0.0, 0.0]}


@pytest.mark.parametrize(("a", "b"), [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (0.0, -1.0),
                                      (2.0, 0.0), (-2.0, 3.0), (-2.0, 0.5), (0.5, -2.0)])
def test_pow_follows_torchs_rules_at_zero_and_negative_bases(a, b):
    g = {k: as_float(v) for k, v in grads("y = a**b", a=a, b=b).items()}
    with np.errstate(all="ignore"):
        out = np.float64(a) ** np.float64(b)
        d_base = 0.0 if b == 0 else b * np.float64(a) ** (b - 1.0)
        d_exp = 0.0 if a == 0 and b >= 0 else out * np.log(np.float64(a))
    np.testing.assert_equal(g["a"], d_base)
    np.testing.assert_equal(g["b"], d_exp)


def test_zero_to_a_tensor_of_powers():
    g = grads("y = sum(a**b)", a=0.0, b=[0.0, 1.0, 2.0])
    assert g == {"a": 1.0, "b": [0.0, 0.0, 0.0]}  # d/da: 0 + 1·0⁰ + 2·0¹


# ---- max and min: NaN wins, whichever side holds it --------------------------------
def torch_max_local(a, b):
    """d max(a, b)/da, d/db: torch.where(a == b, 1/2, 1) masked to 0 where the other wins."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    da = np.where(a == b, 0.5, np.where(a < b, 0.0, 1.0))
    db = np.where(a == b, 0.5, np.where(b < a, 0.0, 1.0))
    return da, db


CASES = [  # (a, b): scalar, tensor and mixed, the NaN on either side
    (NAN, 1.0), (1.0, NAN), (NAN, NAN),
    ([NAN, 1.0, 2.0], [1.0, NAN, 0.0]),
    (NAN, [1.0, 2.0]), ([1.0, 2.0], NAN), (3.0, [NAN, 5.0]),
]


@pytest.mark.parametrize(("a", "b"), CASES)
@pytest.mark.parametrize("fn", ["max", "min"])
def test_max_and_min_propagate_nan_from_either_side(fn, a, b):
    t = trace_program(f"y = sum({fn}(a, b))", {"a": a, "b": b})
    node = next(n for n in t["nodes"] if n["op"] == fn)
    expected = (np.maximum if fn == "max" else np.minimum)(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(as_float(node["value"]), expected)
    assert t["nodes"][-1]["value"] == "NaN"
    # torch's rule for min is max's with the comparisons turned round
    da, db = torch_max_local(a, b) if fn == "max" else torch_max_local(
        -np.asarray(a, dtype=float), -np.asarray(b, dtype=float))
    # a scalar operand collects the gradient of every element it was broadcast to
    expect_a = da.sum() if np.ndim(a) == 0 else da
    expect_b = db.sum() if np.ndim(b) == 0 else db
    np.testing.assert_array_equal(as_float(t["gradients"]["a"]), expect_a)
    np.testing.assert_array_equal(as_float(t["gradients"]["b"]), expect_b)


def test_max_without_nan_still_sends_the_gradient_to_the_winner():
    assert grads("y = max(a, b) + min(a, b)*3", a=2.0, b=1.0) == {"a": 1.0, "b": 3.0}
    assert grads("y = max(a, b)", a=1.0, b=1.0) == {"a": 0.5, "b": 0.5}
