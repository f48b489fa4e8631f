"""The numeric check does not cry wolf: it compares within the resolution
central differences have, second-guesses a step too coarse for a pole close
by, names a kink, and still catches a wrong gradient. Its budget counts
tensor elements."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import ProgramError, trace_program
from chainrule.autodiff.backward import backward
from chainrule.explain.check import KINK, TOLERANCE, gradient_check
from chainrule.language.compile import compile_program
from chainrule.limits import Limits

STEPS = 333  # three nodes a step: a 1,000-node chain
CHAIN = "x = 1.0\nh = x\n" + "h = relu(h*0.9 + 0.1)\n" * STEPS + "loss = h"


def check_with(program: str, wrong: dict | None = None) -> dict:
    """The engine's own check, on backprop's gradients or on `wrong` ones."""
    prog, output = compile_program(program)
    grads, _ = backward(prog.graph, output, record=False)
    for name, value in (wrong or {}).items():
        grads[prog.leaves[name]] = value
    return gradient_check(prog.graph, output, prog.leaves, grads, prog.at)


def test_a_vanishing_gradient_in_a_long_relu_chain_is_within_resolution():
    t = trace_program(CHAIN, check=True)
    c = t["check"]["x"]
    # every relu is active (h stays near 1), so dh/dx is 0.9 per step
    assert t["gradients"]["x"] == pytest.approx(0.9 ** STEPS, rel=1e-9)
    assert c["rel_error"] > TOLERANCE  # a plain relative comparison would cry wolf
    assert abs(c["numeric"] - t["gradients"]["x"]) <= c["resolution"]
    assert c["ok"] is True
    assert c["note"].startswith("below the resolution of central differences")


def test_a_wrong_gradient_beyond_the_resolution_still_fails():
    right = check_with(CHAIN)["x"]
    wrong = check_with(CHAIN, {"x": right["numeric"] + 10 * right["resolution"]})["x"]
    assert wrong["ok"] is False
    small = "w = 1.5\nx = [1.0, -2.0]\nloss = sum(w*x*x)"
    prog, output = compile_program(small)
    grads, _ = backward(prog.graph, output, record=False)
    off = check_with(small, {"w": grads[prog.leaves["w"]] * (1 + 1e-3)})
    assert off["w"]["ok"] is False and off["x"]["ok"] is True


def test_a_smooth_program_has_a_small_resolution_and_no_note():
    c = trace_program("x = 2.0\nw = 0.5\nloss = w*x**3 + exp(w*x)", check=True)["check"]
    for entry in c.values():
        assert entry["ok"] is True and entry["resolution"] < 1e-8
        assert "below the resolution" not in entry.get("note", "")


@pytest.mark.parametrize(("program", "left", "right"), [
    ("x = 3.0\nloss = relu(x - 3)", 0.0, 1.0),
    ("x = 0.0\nloss = relu(x)*2 + x", 1.0, 3.0),
    ("x = 1.0\nloss = abs(x - 1) + relu(x - 1)", -1.0, 2.0),
])
def test_a_kink_is_not_differentiable_not_a_mismatch(program, left, right):
    c = trace_program(program, check=True)["check"]["x"]
    assert c["ok"] is None and c["note"] == KINK == (
        "not differentiable here: one-sided derivatives differ")
    assert c["one_sided"]["left"] == pytest.approx(left, abs=1e-6)
    assert c["one_sided"]["right"] == pytest.approx(right, abs=1e-6)


def test_a_kink_in_one_element_of_a_tensor():
    c = trace_program("x = [0.0, 2.0]\nloss = sum(relu(x))", check=True)["check"]["x"]
    assert c["ok"] is None and c["note"] == KINK
    np.testing.assert_allclose(c["one_sided"]["left"], [0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(c["one_sided"]["right"], [1.0, 1.0], atol=1e-6)


def test_a_pole_close_by_gets_a_smaller_step():
    c = trace_program("x = 1e-5\nloss = log(x)", check=True)["check"]["x"]
    assert c["ok"] is True and "smaller step" in c["note"]
    assert c["numeric"] == pytest.approx(1 / 1e-5, rel=TOLERANCE)


def matmul_program(n: int) -> tuple[str, dict]:
    return "loss = sum(A @ A)", {"A": np.full((n, n), 0.01).tolist()}


def test_the_check_budget_counts_elements_and_refuses_big_matmuls_up_front():
    program, values = matmul_program(316)
    with pytest.raises(ProgramError) as err:
        trace_program(program, values, check=True)
    assert err.value.to_dict()["type"] == "limit_error"
    assert (err.value.line, err.value.col) == (1, 12)  # the leaf A, where it costs most
    n = 316
    assert f"{2 * n * n * (n ** 3 + n * n)}" in err.value.message  # 2·|A|·(matmul + sum)
    assert trace_program(program, values)["gradients"]["A"]  # without the check: fine


def test_a_small_matmul_is_checked():
    program, values = matmul_program(4)
    assert trace_program(program, values, check=True)["check"]["A"]["ok"] is True
    limits = Limits(max_check_evals=2 * 16 * (4 ** 3 + 16) - 1)  # one element op short
    with pytest.raises(ProgramError, match="element operations"):
        trace_program(program, values, check=True, limits=limits)
