"""Adversarial numbers through every op: each case ends in values (a
non-finite one with a warning naming its cause) or a positioned
ProgramError, never another exception, through the trace (with and without
the check), training and the optimizer comparison (Newton included), and
every answer is strict JSON.

The cases are tables: a new adversarial value, op or program is one line.
"""

from __future__ import annotations

import itertools
import math

import orjson
import pytest
from chainrule import ProgramError, trace_program
from chainrule.optimize.compare import CompareConfig, compare_program
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program

# numpy warnings escaping an errstate are failures here, like exceptions
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

INF, NAN = math.inf, math.nan

# ---- the tables -----------------------------------------------------------------
VALUES = [  # (id, value), given to leaves through `values`
    ("zero", 0.0),
    ("minus_zero", -0.0),
    ("negative", -2.5),
    ("inf", INF),
    ("minus_inf", -INF),
    ("nan", NAN),
    ("huge", 1e308),
    ("minus_huge", -1e308),
    ("tiny", 1e-320),  # subnormal
]
UNARY = ["-{x}", "exp({x})", "log({x})", "sqrt({x})", "sin({x})", "cos({x})", "tanh({x})",
         "sigmoid({x})", "relu({x})", "abs({x})", "sum({x})", "mean({x})", "softmax({x})",
         "log_softmax({x})"]
BINARY = ["{a} + {b}", "{a} - {b}", "{a} * {b}", "{a} / {b}", "{a} ** {b}",
          "max({a}, {b})", "min({a}, {b})", "mse({a}, {b})", "{a} @ {b}",
          "cross_entropy({a}, {b})"]
OTHER = 1.5  # the other operand when only one is adversarial
# (forms of a and b: scalar or tensor, which of them holds the adversarial value)
PLACES = [("ss", "a"), ("ss", "b"), ("ss", "ab"), ("st", "a"), ("st", "b"), ("ts", "a"),
          ("ts", "b"), ("tt", "ab")]
PROGRAMS = [  # (program, a cause some node's warnings must name, or None)
    ("x = [1.0, 2.0]\ny = sum(x/0)", "division by zero"),
    ("x = [1.0, 2.0]\nb = 0.0\ny = sum(x/b)", "division by zero"),
    ("x = 1.0\nb = 0.0\ny = x/b", "division by zero"),
    ("n = [1.0, 2.0]\ny = sum((-1)**n)", None),
    ("n = [0.5, 2.0]\ny = sum((-1)**n)", "fractional power"),
    ("b = [1.0, 2.0]\ny = sum(0**b)", None),
    ("b = [-1.0, 2.0]\ny = sum(0**b)", "0 raised to a negative power"),
    ("w = -1.0\nb = 1.0\nloss = w**0.5 + b", "fractional power"),
    ("w = 0.0\nb = 1.0\nloss = w**-1 + b*w", "0 raised to a negative power"),
    ("x = 1.0\ny = x + 9**9**9", "overflow in power"),
    ("x = 1.0\ny = x*2**20000", "overflow in power"),
    ("x = 1.0\ny = max(x, 1/0)", "division by zero"),
    ("x = 1.0\ny = relu(log(-1)) + x", "log of a negative number"),
    ("x = 1.0\ny = max(sqrt(-1.0), x)", "square root of a negative number"),
    ("x = 3.0\nloss = log(x - 3)", "log of 0"),
    ("x = 1e309\ny = x*0", "float range"),
    ("x = [1e309, 1.0]\ny = sum(x*0)", "float range"),
    ("x = 1.0\ny = x @ x", None),
    ("x = [1.0, 2.0]\ny = 2.0 @ x", None),
    ("x = 1.0\ny = cross_entropy(x, 0)", None),
    ("x = [1.0, 2.0]\ny = cross_entropy(x, 1e309)", None),
    ("x = [1e308, 1e308]\ny = sum(x) + mean(x)", "overflow in sum"),
    ("x = [[1e308, 1e308]]\ny = sum(x @ [[1e308], [1e308]])", "overflow in matmul"),
    ("x = [1.0, 2.0]\ny = sum(softmax(x*1e309))", None),
    ("x = [1.0, 2.0]\ny = sum(log_softmax(x*1e309))", None),
    ("x = [1.0, 2.0]\ny = mse(x, [1e309, 0.0])", None),
    ("a = 1e-170\nb = 1e-170\ny = a/b", None),
    ("x = 0.0\ny = x**0", None),
    ("x = 0.0\ny = 0**x + x**x", None),
    ("x = -8.0\ny = x**(1/3)", "fractional power"),
    ("x = 710.0\ny = exp(x) - exp(x)", "overflow in exp"),
    ("x = 1e-320\ny = 1/x + log(x) + sqrt(x)", None),
    ("x = 1.0\ny = x - x/0 + x/0", None),
    ("w = 1.0\nx = [1.0, 2.0]\nloss = sum(x*w/0) + w*w", "division by zero"),
]

GIVEN = [  # (program, values a client sends)
    ("y = x*2", {"x": 10 ** 400}),  # an int past float range
    ("y = sum(x)", {"x": [1, 10 ** 400]}),
    ("y = sum(x*w)", {"x": [[NAN, INF], [-INF, 1e-320]], "w": -0.0}),
    ("y = cross_entropy(x, t)", {"x": [1.0, 2.0], "t": NAN}),
    ("y = cross_entropy(x, t)", {"x": [[INF, 1.0]], "t": [0]}),
    ("y = sum(softmax(x))", {"x": [INF, INF]}),
]


# ---- the cases: every op × value × scalar/tensor/mixed operands ---------------
def _operand(name: str, value: float, form: str) -> object:
    return value if form == "s" else [value, OTHER]


def _cases() -> list:
    cases = []
    for tpl, (vid, v), form in itertools.product(UNARY, VALUES, "st"):
        cases.append(pytest.param(tpl.format(x="x"), {"x": _operand("x", v, form)},
                                  id=f"{tpl.format(x='x')}-{vid}-{form}"))
    for tpl, (vid, v), ((fa, fb), side) in itertools.product(BINARY, VALUES, PLACES):
        va = v if "a" in side else OTHER
        vb = v if "b" in side else OTHER
        values = {"a": _operand("a", va, fa), "b": _operand("b", vb, fb)}
        expr = tpl.format(a="a", b="b")
        cases.append(pytest.param(expr, values, id=f"{expr}-{vid}-{side}-{fa}{fb}"))
    return cases


def strict_json(doc) -> None:
    """Only JSON types, every float finite (orjson would write NaN as null)."""
    stack = [doc]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            assert all(isinstance(k, str) for k in x)
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        elif type(x) is float:
            assert math.isfinite(x), x
        else:
            assert x is None or type(x) in (str, int, bool), type(x)
    orjson.dumps(doc)


def outcome(run) -> dict | None:
    """The run's answer, or None for a ProgramError (which must be placed when
    it comes from the program text)."""
    try:
        doc = run()
    except ProgramError as err:
        assert err.to_dict()["message"]
        return None
    strict_json(doc)
    return doc


def run_everywhere(program: str, values: dict | None = None) -> dict | None:
    trace = outcome(lambda: trace_program(program, values))
    outcome(lambda: trace_program(program, values, check=True))
    if trace is not None:
        leaves = list(trace["gradients"])
        for name in ("sgd", "adam"):
            outcome(lambda name=name: train_program(program, leaves, OptimizerConfig(name), 2,
                                                    0.0, values=values))
        scalars = [n for n, g in trace["gradients"].items() if not isinstance(g, list)]
        params = (scalars + [n for n in ("w", "u") if n not in scalars])[:2]
        outcome(lambda: compare_program(program, params, CompareConfig(max_steps=2, grid=3),
                                        values=values))
    return trace


def warned_when_not_finite(trace: dict) -> None:
    for node in trace["nodes"]:
        value = node["value"]
        flat = value if isinstance(value, list) else [value]
        while flat and isinstance(flat[0], list):
            flat = [y for row in flat for y in row]
        if any(isinstance(y, str) for y in flat):
            assert node["warnings"], f"{node['text']} is {value} with no warning"


@pytest.mark.parametrize(("expr", "values"), _cases())
def test_an_op_on_adversarial_numbers_answers(expr, values):
    program = f"w = 1.0\nu = 0.5\ny = sum({expr})\nloss = y*w + u*u"
    trace = run_everywhere(program, values)
    if trace is not None:
        warned_when_not_finite(trace)


@pytest.mark.parametrize(("program", "cause"), PROGRAMS, ids=[p for p, _ in PROGRAMS])
def test_an_adversarial_program_answers(program, cause):
    trace = run_everywhere(program)
    if cause is not None:
        assert trace is not None
        warnings = [w for node in trace["nodes"] for w in node["warnings"]]
        assert any(cause in w for w in warnings), warnings
    if trace is not None:
        warned_when_not_finite(trace)


@pytest.mark.parametrize(("program", "values"), GIVEN, ids=[p for p, _ in GIVEN])
def test_adversarial_values_given_by_a_client_answer(program, values):
    trace = run_everywhere(program, values)
    if trace is not None:
        warned_when_not_finite(trace)


def test_the_known_crashers_give_infinite_gradients_and_say_why():
    trace = trace_program("x = [1.0, 2.0]\ny = sum(x/0)")
    assert trace["gradients"]["x"] == ["Infinity", "Infinity"]
    leaf_b = trace_program("x = [1.0, 2.0]\nb = 0.0\ny = sum(x/b)")
    # d/db (x/b) = -(x/b)/b: -inf/0 per element, summed
    assert leaf_b["gradients"]["b"] == "-Infinity"
    result = compare_program("w = -1.0\nb = 1.0\nloss = w**0.5 + b", ["w", "b"],
                             CompareConfig(methods=("newton",), max_steps=3, grid=3))
    assert result["runs"]["newton"]["stopped"] == "diverged"
