"""The regression example's hint names each local derivative of w·x with its
input (∂(w·x)/∂w = x, ∂(w·x)/∂x = w): "for w·x the local derivative is x" left
out which input it was taken for. Each claim is checked against the trace."""

from __future__ import annotations

import re

from chainrule import trace_program
from chainrule.language.examples import example


def test_the_regression_hint_says_which_input_each_local_is_for():
    ex = example("regression")
    claims = re.findall(r"∂\(w·x\)/∂(\w) = (\w)", ex.description)
    assert sorted(claims) == [("w", "x"), ("x", "w")], ex.description
    trace = trace_program(ex.program)
    by_label = {n["label"]: n for n in trace["nodes"] if n["label"]}
    product = next(n for n in trace["nodes"] if n["op"] == "mul")
    step = next(s for s in trace["backward"] if s["node"] == product["id"])
    for wrt, equals in claims:
        edge = next(e for e in step["edges"] if e["to"] == by_label[wrt]["id"])
        assert edge["local"] == by_label[equals]["value"], (wrt, edge)
        assert edge["local_formula"] == equals
