"""chainrule.trace/2 (columns) carries the same trace as trace/1: expanded
back, it is trace/1 exactly, ledger text included, for every example and for
programs with tensors, non-finite numbers, unused nodes and repeated inputs."""

from __future__ import annotations

import json

import pytest
from chainrule import ProgramValueError, trace_program
from chainrule.explain.columns import FORMAT_COLUMNS, expand
from chainrule.language.examples import EXAMPLES

EDGE_CASES = {
    "repeated input": "a = 3.0\nloss = a*a + a",
    "unused node": "w = 2.0\nu = w*5\nloss = w*w",
    "non-finite": "x = 0.0\nloss = sqrt(x)*2 + log(x)",
    "tensor": "w = [[1.0, 2.0], [3.0, -4.0]]\nx = [1.0, -1.0]\nloss = sum(relu(w @ x))",
    "broadcast": "w = [1.0, 2.0, 3.0]\nb = 0.5\nloss = mean((w*b - 1)**2)",
    "long chain": "h = 0.5\n" + "h = tanh(h*1.1 + 0.1)\n" * 40 + "loss = h",
}
PROGRAMS = {**{ex.id: ex.program for ex in EXAMPLES}, **EDGE_CASES}


def canonical(doc) -> str:
    return json.dumps(doc, sort_keys=True, allow_nan=False)


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_columns_expand_to_the_same_trace(program):
    columns = trace_program(program, format=FORMAT_COLUMNS, cost=True, overwrite=True)
    assert columns["format"] == FORMAT_COLUMNS
    assert canonical(expand(columns)) == canonical(trace_program(program))


@pytest.mark.parametrize("program", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_columns_hold_the_numbers_where_trace1_has_them(program):
    one = trace_program(program)
    two = trace_program(program, format=FORMAT_COLUMNS)
    cols = two["nodes"]
    assert len(cols["value"]) == len(one["nodes"]) and two["output"] == int(one["output"][1:])
    for i, node in enumerate(one["nodes"]):
        assert (cols["value"][i], cols["grad"][i], cols["shape"][i]) == (
            node["value"], node["grad"], node["shape"])
        assert [f"n{j}" for j in cols["inputs"][i]] == node["inputs"]
    b = two["backward"]
    assert len(b["node"]) == len(one["backward"]) and sum(b["edges"]) == len(b["to"])
    flat = [e for step in one["backward"] for e in step["edges"]]
    assert [e["contribution"] for e in flat] == b["contribution"]
    assert [e["grad_after"] for e in flat] == b["grad_after"]
    assert two["gradients"] == one["gradients"]


def test_a_non_finite_gradient_is_warned_in_both_formats():
    program = EDGE_CASES["non-finite"]
    one = trace_program(program)
    warned = [n["id"] for n in one["nodes"] if any("not finite" in w for w in n["warnings"])]
    assert warned, "the leaf whose gradient is not finite carries a warning"
    two = trace_program(program, format=FORMAT_COLUMNS)
    assert [f"n{i}" for i, ws in two["nodes"]["warnings"].items()
            if any("not finite" in w for w in ws)] == warned


@pytest.mark.parametrize("program", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_cost_and_the_replay_come_in_trace2_only_when_asked_for(program):
    one = trace_program(program)
    two = trace_program(program, format=FORMAT_COLUMNS)
    assert "cost" in one and "overwrite" in one
    assert "cost" not in two and "overwrite" not in two
    asked = trace_program(program, format=FORMAT_COLUMNS, overwrite=True)
    assert "cost" not in asked and asked["overwrite"] == one["overwrite"]
    asked = trace_program(program, format=FORMAT_COLUMNS, cost=True)
    assert "overwrite" not in asked and asked["cost"] == one["cost"]
    assert trace_program(program, cost=False, overwrite=False).keys() == (
        one.keys() - {"cost", "overwrite"})


def test_an_unknown_format_is_refused():
    with pytest.raises(ProgramValueError, match="format"):
        trace_program("loss = 1.0", format="chainrule.trace/9")
