"""Property tests: random programs from the grammar agree with central
differences; random text raises nothing but ProgramError."""

from __future__ import annotations

import re

import numpy as np
from chainrule import ProgramError, trace_program
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .gradcheck import numeric_gradient

LEAVES = ("a", "b", "c")
# Smooth everywhere on the reals: no kinks, no poles, bounded growth.
UNARY = ["tanh({})", "sin({})", "cos({})", "sigmoid({})", "exp(tanh({}))",
         "log(1 + {}**2)", "sqrt(1 + {}**2)", "-{}", "({})**2"]
BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / (1 + {}**2))"]

leaf = st.sampled_from(LEAVES)
expressions = st.recursive(
    leaf | st.sampled_from(["0.5", "2", "pi"]),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(UNARY), inner).map(lambda t: t[0].format(t[1])),
        st.tuples(st.sampled_from(BINARY), inner, inner).map(lambda t: t[0].format(*t[1:])),
    ),
    max_leaves=12,
)
point = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, st.tuples(point, point, point))
def test_random_programs_match_central_differences(expr, at):
    used = set(re.findall(r"\b[abc]\b", expr))
    values = {k: v for k, v in zip(LEAVES, at, strict=True) if k in used}
    program = f"loss = {expr}"
    trace = trace_program(program, values)
    assume(all(isinstance(g, float) and abs(g) < 1e6 for g in trace["gradients"].values()))
    assert set(trace["gradients"]) == used or not used
    for name in used:
        numeric = numeric_gradient(program, values, name)
        np.testing.assert_allclose(trace["gradients"][name], numeric, rtol=1e-5, atol=1e-6,
                                   err_msg=program)


ALPHABET = "abxyw01239.e+-*/@^()[],;=#\n \tpisumexplog'\"%{}:<>λ\\"


TYPES = {"parse_error", "name_error", "shape_error", "limit_error", "value_error"}


def trace_or_error(text: str, check: bool) -> None:
    try:
        trace = trace_program(text, check=check)
    except ProgramError as err:
        assert err.type in TYPES
        assert err.line is None or (err.line >= 1 and err.col >= 1)
    else:
        assert trace["format"] == "chainrule.trace/1"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_text_raises_only_program_errors(text):
    trace_or_error(text, check=True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_unicode_raises_only_program_errors(text):
    trace_or_error(text, check=False)
