"""Rejected programs: the right error type at the right place."""

from __future__ import annotations

import pytest
from chainrule import ProgramError, trace_program

BAD = [
    # (program, type, line, col, words in the message)
    ("x = 1\ny = x +", "parse_error", 2, 8, "ends early"),
    ("loss = w * 2", "name_error", 1, 8, "undefined name 'w'"),
    ("y = foo(2)", "parse_error", 1, 5, "'foo' is not a known function"),
    ("x = 1; x.T", "parse_error", 1, 9, "attributes"),
    ("z = 2 3", "parse_error", 1, 7, "operator missing"),
    ("a = [[1, 2], [3]]\nloss = sum(a)", "shape_error", 1, 5, "different lengths"),
    ("x = [1, 2]\nx * 2", "shape_error", 2, 1, "wrap it in sum() or mean()"),
    ("", "parse_error", 1, 1, "empty"),
    ("# only a comment\n", "parse_error", 1, 1, "empty"),
    ("import os", "parse_error", 1, 1, "keyword"),
    ("x = 1; y = x[0]", "parse_error", 1, 13, "indexing"),
    ("x = 1\nloss = exp(x=1)", "parse_error", 2, 13, "keyword arguments"),
    ("loss = exp(1, 2)", "parse_error", 1, 8, "takes 1 argument, got 2"),
    ("x = [1, 2]\ny = [1, 2, 3]\nloss = sum(x * y)", "shape_error", 3, 14, "broadcast"),
    ("x = [[1, 2]]\nloss = sum(x @ x)", "shape_error", 2, 14, "do not align"),
    ("x = 'a'", "parse_error", 1, 5, "strings"),
    ("loss = (1 + 2", "parse_error", 1, 8, "'(' is never closed"),
    # an unclosed bracket runs on to the end: the error is at the bracket
    ("w = 2\nloss = sum((w * 3)\n\nz = 4\n", "parse_error", 2, 11, "'(' is never closed"),
    ("x = [1.0, 2.0\nloss = sum(x)", "parse_error", 1, 5, "'[' is never closed"),
    ("w = 2\nloss = (w *\n  w w)", "parse_error", 3, 5, "unexpected 'w'"),
    ("loss = 1 + 2)", "parse_error", 1, 13, "unmatched ')'"),
    ("w = 1\nw = 2", "name_error", 2, 1, "already a leaf"),
    ("loss = cross_entropy([1, 2], 5)", "value_error", 1, 8, "class indices"),
    ("x = 2\nloss = x(3)", "parse_error", 2, 8, "'x' is not a known function"),
    ("loss = (2)(3)", "parse_error", 1, 11, "only functions can be called"),
    ("loss = exp", "parse_error", 1, 8, "is a function"),
    ("x = [1, a]", "parse_error", 1, 9, "tensor entries must be numbers"),
    ("loss = 1 % 2", "parse_error", 1, 10, "'%'"),
    ("loss = lambda: 1", "parse_error", 1, 8, "keyword"),
    ("loss = softmax(2.0)", "shape_error", 1, 8, "not a scalar"),
]


@pytest.mark.parametrize(("program", "type_", "line", "col", "words"), BAD)
def test_bad_program_is_positioned(program, type_, line, col, words):
    with pytest.raises(ProgramError) as info:
        trace_program(program)
    err = info.value
    assert (err.type, err.line, err.col) == (type_, line, col), str(err)
    assert words in err.message
    assert str(err).startswith(f"line {line}, col {col}: ")


@pytest.mark.parametrize(("values", "words"), [
    ({"z": 1.0}, "not a name the program uses"),
    ({"pred": 1.0}, "computed by the program"),
    ({"w": "2"}, "must be a number"),
    ({"w": [[1, 2], [3]]}, "not a rectangular list"),
    ({"w": []}, "empty list"),
    ({"w": True}, "must be a number"),
    ({"1w": 2.0}, "not a name"),
])
def test_bad_values_are_value_errors(values, words):
    with pytest.raises(ProgramError) as info:
        trace_program("w = 2.0\npred = w * 3\nloss = pred**2", values)
    assert words in info.value.message
