"""The symbolic check never lies and never stalls: at a pole its value is
the limit (±Infinity) or NaN, never a finite number; huge constants enter as
floats, never as exact integers; whatever sympy cannot do becomes a note on
the entry, never an error of the request."""

from __future__ import annotations

import math

import pytest
from chainrule import trace_program
from chainrule.explain import symbolic
from chainrule.language.compile import compile_program

sp = pytest.importorskip("sympy")


def check(program: str, **values) -> dict:
    return trace_program(program, values or None, check=True)["check"]


POLES = [  # (program, leaf, the derivative's limit at the point, and why)
    # d/dx log(x - 3) = 1/(x - 3) → +∞ from the right, the side where log is real
    ("x = 3.0\nloss = log(x - 3)", "x", "Infinity"),
    # d/dx 1/(x - 3) = -1/(x - 3)² → -∞ from both sides
    ("x = 3.0\nloss = 1/(x - 3)", "x", "-Infinity"),
    # d/dx 1/x² = -2/x³: +∞ from the left, -∞ from the right: no limit
    ("x = 0.0\nloss = 1/x**2", "x", "NaN"),
    # d/dy y·log(x) = log(x) → -∞ as x → 0 from the right
    ("x = 0.0\ny = 2.0\nloss = y*log(x)", "y", "-Infinity"),
    # d/dx sqrt(x) = 1/(2 sqrt(x)) → +∞ from the right, where sqrt is real
    ("x = 0.0\nloss = sqrt(x)", "x", "Infinity"),
    # x = 1.0 + 2.0 - 3.0 cancels to 0 exactly in floats and in exact arithmetic
    ("x = 1.0\nz = 2.0\nloss = log(x + z - 3)", "x", "Infinity"),
]


@pytest.mark.parametrize(("program", "leaf", "limit"), POLES)
def test_at_a_pole_the_symbolic_value_is_the_limit_never_a_finite_number(program, leaf,
                                                                          limit):
    assert check(program)[leaf]["symbolic"] == limit


def test_away_from_the_pole_the_value_is_the_derivative():
    x = 3.0 + 2.0 ** -20
    assert check("loss = log(x - 3)", x=x)["x"]["symbolic"] == pytest.approx(1 / (x - 3),
                                                                             rel=1e-12)


HOSTILE = [  # (program, the symbolic value of d loss/dx, worked out by hand)
    ("x = 1.0\ny = x + 9**9**9", 1.0),  # 9**9**9 is a (huge) constant: d/dx = 1
    ("x = 1.0\ny = x*2**20000", "Infinity"),  # d/dx = 2**20000, past float range
    ("x = 1.0\ny = max(x, 1/0)", 0.0),  # the infinite side wins
    ("x = 1.0\ny = relu(log(-1)) + x", 1.0),  # relu(NaN) is a constant
    ("x = 1.0\ny = max(sqrt(-1.0), x)", "NaN"),  # compared with NaN
    ("x = 2.0\ny = x**100000000", "Infinity"),  # 1e8·2**99999999
    # 3**x·log 3·cos(3**x) at x = -1e308 is 0: as an exact power, or in mpmath, it
    # would not finish; extreme powers are evaluated in floats
    ("x = -1e308\ny = sin(3**x)", 0.0),
    ("x = 1e-320\ny = abs(x)", 1.0),  # sign of a subnormal
]


@pytest.mark.parametrize(("program", "value"), HOSTILE)
def test_hostile_constants_give_an_answer_not_an_error(program, value):
    entry = check(program)["x"]
    assert entry["symbolic"] == value
    assert entry["derivative"]["text"]


def largest_integer_digits(program: str) -> int:
    prog, output = compile_program(program)
    expr = symbolic._expression(sp, prog.graph, output, program, {})
    ints = [abs(int(a)) for a in sp.preorder_traversal(expr) if isinstance(a, sp.Integer)]
    return max((len(str(n)) for n in ints), default=0)


@pytest.mark.parametrize("program", ["x = 1.0\ny = x + 9**9**9", "x = 1.0\ny = x*2**20000",
                                     "x = 1.0\ny = x*(10**14*10**14*10**14)"])
def test_constants_never_become_huge_exact_integers(program):
    assert largest_integer_digits(program) <= 15


def test_a_folded_constant_is_named_by_its_text_and_escaped_in_latex():
    d = check("x = 1.0\ny = x*2**0.5 + x**2")["x"]["derivative"]
    assert d["text"] == "(2**0.5) + 2*x"
    assert r"\mathtt{(2**0.5)}" in d["latex"]
    caret = check("x = 1.0\ny = x*2^0.5")["x"]["derivative"]["latex"]
    assert r"\textasciicircum{}" in caret and "^0.5" not in caret


def test_what_sympy_cannot_build_is_a_note_on_each_entry():
    # a NaN inside a tensor meets sympy's Max, which refuses to compare it
    c = check("x = 1.0\ny = 2.0\nloss = sum(relu(t*x)) + y", t=[math.nan, 1.0])
    for name in ("x", "y"):
        assert "derivative" not in c[name] and "symbolic" not in c[name]
        assert c[name]["note"].startswith("no symbolic derivative: sympy could not")
    assert c["y"]["ok"] is not None  # the numeric check still ran


def test_a_big_expression_is_a_note_not_a_stall():
    c = check("x = 0.5\nh = x\n" + "h = h*h + x\n" * 20 + "loss = h")
    assert "too large" in c["x"]["note"]
