"""The trace document: its shape, the ledger's +=, warnings and strict JSON."""

from __future__ import annotations

import json

import pytest
from chainrule import trace_program
from chainrule.language.examples import EXAMPLES, example

SEED = example("regression").program


def node(trace: dict, label: str) -> dict:
    return next(n for n in trace["nodes"] if n["label"] == label)


def test_seed_trace_has_the_documented_shape():
    t = trace_program(SEED)
    assert t["format"] == "chainrule.trace/1"
    assert t["forward"] == [n["id"] for n in t["nodes"]]
    assert set(t["gradients"]) == {"w", "x", "b", "y"}
    ids = [n["id"] for n in t["nodes"]]
    for n in t["nodes"]:
        assert all(ids.index(i) < ids.index(n["id"]) for i in n["inputs"])  # topological
    assert t["backward"][0]["node"] == t["output"] and t["backward"][0]["grad"] == 1.0
    json.dumps(t, allow_nan=False)


def test_backward_steps_come_when_the_gradient_is_complete():
    t = trace_program(example("mlp").program)
    final = {n["id"]: n["grad"] for n in t["nodes"]}
    done = set()
    for step in t["backward"]:
        assert step["grad"] == final[step["node"]]
        for edge in step["edges"]:
            assert edge["to"] not in done  # nobody pushes into a finished node
        done.add(step["node"])


def test_fan_out_ledger_shows_both_contributions():
    t = trace_program("a = 3.0\nb = -2.0\nloss = a*b + a")
    a = node(t, "a")["id"]
    pushes = [e for s in t["backward"] for e in s["edges"] if e["to"] == a]
    assert len(pushes) == 2
    assert pushes[0]["grad_after"] == pushes[0]["contribution"]
    assert pushes[1]["grad_after"] == pushes[0]["contribution"] + pushes[1]["contribution"]
    assert pushes[1]["grad_after"] == t["gradients"]["a"] == -2.0 + 1.0


def test_edge_is_upstream_times_local_with_the_formula_in_names():
    t = trace_program(SEED)
    for step in t["backward"]:
        for e in step["edges"]:
            assert e["contribution"] == pytest.approx(step["grad"] * e["local"])
    square = t["backward"][0]["edges"][0]
    assert square["local_formula"] == "2*(w*x + b - y)"
    mul = next(s for s in t["backward"] if node(t, "w")["id"] in [e["to"] for e in s["edges"]])
    assert {e["local_formula"] for e in mul["edges"]} == {"x", "w"}


@pytest.mark.parametrize(("program", "label", "cause"), [
    ("x = 0.0\nloss = log(x)", "loss", "log of 0"),
    ("x = -1.0\nloss = log(x)", "loss", "log of a negative number"),
    ("x = 0.0\nloss = 1/x", "loss", "division by zero"),
    ("x = 1000.0\nloss = exp(x)", "loss", "overflow in exp"),
    ("x = -8.0\nloss = x**(1/3)", "loss", "negative number raised to a fractional power"),
    ("x = -1.0\nloss = sqrt(x)", "loss", "square root of a negative number"),
    ("x = [0.0, 1.0]\nloss = sum(log(x))", "loss", "non-finite input"),
])
def test_non_finite_values_carry_their_cause(program, label, cause):
    t = trace_program(program)
    warnings = [w for n in t["nodes"] for w in n["warnings"]]
    assert any(cause in w for w in warnings), warnings
    json.dumps(t, allow_nan=False)


def test_non_finite_numbers_are_strings():
    t = trace_program("loss = exp(1000) + log(0) + 0/0")
    values = {n["text"]: n["value"] for n in t["nodes"]}
    assert values["exp(1000)"] == "Infinity" and values["log(0)"] == "-Infinity"
    assert values["0/0"] == "NaN"
    assert trace_program("x = 9**9**9**9")["nodes"][-1]["value"] == "Infinity"


def test_values_override_a_leaf_and_fill_a_free_name():
    t = trace_program("w = 2.0\nloss = sum((w*x - 1)**2)", {"w": 3.0, "x": [1.0, 2.0]})
    assert node(t, "w")["value"] == 3.0 and node(t, "x")["value"] == [1.0, 2.0]
    assert t["gradients"]["w"] == 2 * (3 - 1) * 1 + 2 * (6 - 1) * 2


def test_unused_nodes_get_zero_gradient_and_say_why():
    t = trace_program("a = 1.0\nb = 2.0\nunused = b * 3\nloss = a * 2")
    assert t["gradients"]["b"] == 0.0
    assert "not used by the output" in node(t, "unused")["warnings"][0]


def test_constants_have_no_gradient():
    t = trace_program("x = 2.0\nloss = 3 * x + pi")
    consts = [n for n in t["nodes"] if n["kind"] == "const"]
    assert consts and all(n["grad"] is None for n in consts)
    assert set(t["gradients"]) == {"x"}


def test_check_flags_a_kink_and_passes_elsewhere():
    t = trace_program("x = 0.0\ny = 1.0\nloss = relu(x) + y**2", check=True)
    assert t["check"]["y"]["ok"] is True and t["check"]["y"]["rel_error"] < 1e-8
    # relu'(0) = 0 and central differences see 1/2: a kink, not a mismatch
    assert t["check"]["x"]["ok"] is None
    assert t["check"]["x"]["note"].startswith("not differentiable here")


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.id)
def test_examples_trace_and_pass_the_check(ex):
    t = trace_program(ex.program, check=True)
    verdicts = {name: c["ok"] for name, c in t["check"].items()}
    if ex.id == "nonfinite":
        assert False in verdicts.values()
    else:
        assert all(v in (True, None) for v in verdicts.values()), verdicts
    assert ex.title and ex.description


WORKED_PROGRAM = """x = 0.7
y = -1.3
z = 2.0
k = 3.0
loss = x*y + x/z + x**3 + x**k + z**x + max(x, y) + min(x, y) + exp(x) + log(z) + sqrt(z) \
+ sin(x) + cos(x) + tanh(x) + sigmoid(x) + relu(y) + relu(x) + abs(y) + (x - y)**2 + mse(x, y)"""


def _evaluate_worked(text: str) -> float:
    """The worked text as arithmetic: its numbers and operators only."""
    import ast
    import math

    py = (text.replace("×", "*").replace("\u2212", "-").replace("²", "**2").replace("^", "**")
          .replace("≥", ">=").replace("≤", "<=").replace("[", "(").replace("]", ")"))
    fns = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "cos": math.cos,
           "sin": math.sin, "sign": lambda v: math.copysign(1.0, v) if v else 0.0}
    tree = ast.parse(py, mode="eval")
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Call, ast.Name,
               ast.Compare, ast.operator, ast.unaryop, ast.cmpop, ast.Load)
    assert all(isinstance(n, allowed) for n in ast.walk(tree)), text
    return float(eval(compile(tree, "<worked>", "eval"), {"__builtins__": {}}, fns))


def test_worked_local_derivatives_put_the_numbers_into_the_formula():
    t = trace_program(WORKED_PROGRAM)
    seen = 0
    for step in t["backward"]:
        for e in step["edges"]:
            if e["local_worked"] is None:
                assert e["local_formula"].lstrip("-").replace("/", "").replace("1", "") == "" \
                    or isinstance(e["local"], list), e
                continue
            seen += 1
            assert _evaluate_worked(e["local_worked"]) == pytest.approx(e["local"], rel=2e-3), e
    assert seen >= 20


def test_worked_local_of_the_seed_reads_like_the_teaching_notes():
    t = trace_program(SEED)
    first = t["backward"][0]["edges"][0]
    assert first["local_formula"] == "2*(w*x + b - y)"
    assert first["local_worked"] == "2 × (\u22123.0)" and first["local"] == -6.0
    tensor = trace_program(example("mlp").program)
    assert all(e["local_worked"] is None for s in tensor["backward"] for e in s["edges"])
