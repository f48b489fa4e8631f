"""Operation counts, FLOPs and saved memory on graphs small enough to count by hand."""

from __future__ import annotations

import pytest
from chainrule import trace_program
from chainrule.language.examples import EXAMPLES, example


def cost(program: str) -> dict:
    return trace_program(program)["cost"]


def test_regression_counts():
    c = cost(example("regression").program)
    # forward: mul, add, sub, pow, one FLOP each
    assert c["forward"] == {"ops": 4, "flops": 4}
    # backward edges: pow→base, sub→(add, y), add→(mul, b), mul→(w, x): 7.
    # FLOPs: pow's local b·a^(b−1) is 3, then ×upstream: 4; each other edge only ×upstream: 6
    assert c["backward"] == {"ops": 7, "flops": 10, "accumulations": 0}
    assert c["ratio"] == 10 / 4
    # saved: w and x for mul, the base, its output and the exponent for pow
    assert c["saved"] == {"values": 5, "elements": 5, "bytes": 40}


def test_fanout_counts_its_accumulation():
    c = cost("a = 3.0\nb = -2.0\nloss = a*b + a")
    assert c["backward"]["accumulations"] == 1
    assert c["backward"]["flops"] == 4 + 1  # four ×upstream and one +=


def test_matmul_flops_are_2mkn():
    a = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    b = [[0.5] * 4] * 3
    c = cost(f"A = {a}\nB = {b}\nloss = sum(A @ B)")
    m, k, n = 2, 3, 4
    assert c["forward"]["flops"] == 2 * m * k * n + m * n
    assert c["backward"]["flops"] == 2 * (2 * m * k * n) + m * n  # two VJPs, the sum's spread
    assert c["saved"]["elements"] == m * k + k * n
    assert c["saved"]["bytes"] == 8 * (m * k + k * n)


def test_unused_branches_cost_no_backward():
    c = cost("x = 2.0\nunused = exp(x)\nloss = x*x")
    assert c["forward"]["ops"] == 2 and c["backward"]["ops"] == 2


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.id)
def test_backward_is_a_small_multiple_of_forward(ex):
    # The cheap-gradient principle: reverse mode costs a constant times the forward pass.
    ratio = cost(ex.program)["ratio"]
    assert 0.5 <= ratio <= 4
