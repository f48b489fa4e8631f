"""Python's own limits never leak: deep nesting and huge sums are positioned
errors, found fast; a million-node chain runs."""

from __future__ import annotations

import json
import time

import pytest
from chainrule import LimitError, Limits, ProgramError, trace_program


def test_million_node_chain_runs_forward_and_backward():
    n = 1_000_000
    program = "x = 0.5\n" + "x = sin(x)\n" * n
    limits = Limits(max_nodes=n + 1, max_chars=len(program))
    # The columnar trace: the same forward and backward pass, without a
    # million small dicts (which only trace/1 builds; tested at every size elsewhere).
    t = trace_program(program, limits=limits, format="chainrule.trace/2")
    assert len(t["nodes"]["op"]) == n + 1 and len(t["backward"]["node"]) == n
    assert 0 < t["gradients"]["x"] < 1  # a product of a million cosines of small numbers


def test_5000_nested_parentheses_is_a_positioned_limit_error():
    start = time.perf_counter()
    with pytest.raises(LimitError) as info:
        trace_program("x = 1.0\nloss = " + "(" * 5000 + "x" + ")" * 5000)
    assert time.perf_counter() - start < 2
    assert (info.value.line, info.value.col) == (2, 8 + 100)  # the 101st '('
    assert "nesting" in info.value.message


@pytest.mark.parametrize("program", [
    "x = 1.0\nloss = " + "-" * 50_000 + "x",
    "x = 1.0\nloss = " + "-(" * 5000 + "x" + ")" * 5000,
    "x = 1.0\nloss = x" + "**x" * 5000,
    "x = 1.0\nloss = " + "exp(" * 5000 + "x" + ")" * 5000,
    "loss = sum(" + "[" * 5000 + "1" + "]" * 5000 + ")",
], ids=["minus", "minus-paren", "power", "calls", "brackets"])
def test_other_deep_programs_are_program_errors(program):
    start = time.perf_counter()
    with pytest.raises(ProgramError) as info:
        trace_program(program)
    assert time.perf_counter() - start < 2
    assert info.value.line is not None


def test_200000_term_sum_is_a_positioned_limit_error():
    start = time.perf_counter()
    with pytest.raises(LimitError) as info:
        trace_program("x = 1.0\nloss = " + " + ".join(["x"] * 200_000))
    assert time.perf_counter() - start < 2
    assert info.value.line == 2 and info.value.col > 1


def test_long_sum_works_and_its_trace_grows_linearly():
    t = trace_program("x = 1.0\nloss = " + " + ".join(["x"] * 20_000))
    assert t["gradients"]["x"] == 20_000.0
    # each node's text spans most of the sum: it is shortened, not repeated whole
    assert len(json.dumps(t)) < 600 * len(t["nodes"])
    assert max(len(n["text"]) for n in t["nodes"]) <= 80


def test_powers_are_floats_not_big_integers():
    start = time.perf_counter()
    t = trace_program("loss = 9**9**9**9")
    assert t["nodes"][-1]["value"] == "Infinity"
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(("limits", "program", "words"), [
    (Limits(max_chars=10), "loss = 1 + 2 + 3", "longer than 10 characters"),
    (Limits(max_nodes=5), "x = 1.0\nloss = x + x + x + x + x + x", "more than 5 nodes"),
    (Limits(max_tensor_elements=4), "loss = sum([1, 2, 3, 4, 5])", "more than 4 numbers"),
    (Limits(max_tensor_elements=8), "a = [1, 2, 3]\nb = [[1], [2], [3]]\nloss = sum(a*b)",
     "9 elements"),
    (Limits(max_total_elements=5), "a = [1, 2, 3]\nloss = sum(a*a)", "in all"),
    (Limits(max_check_evals=10), "x = [1, 2, 3]\nloss = sum(x*x)", "gradient check"),
])
def test_each_limit_answers_with_a_limit_error(limits, program, words):
    with pytest.raises(LimitError) as info:
        trace_program(program, check=True, limits=limits)
    assert words in info.value.message
