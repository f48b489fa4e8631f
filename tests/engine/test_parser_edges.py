"""Parser edges: digits, line endings and a byte-order mark."""

from __future__ import annotations

import pytest
from chainrule import ProgramError, trace_program

NOT_DIGITS = [  # (program, line, col of the first character that is not 0-9)
    ("x = １２\nloss = x*x", 1, 5),  # fullwidth
    ("x = ١٢\nloss = x*x", 1, 5),  # Arabic-Indic
    ("x = 1٢\nloss = x*x", 1, 6),
    ("x = 2.0\nloss = x*३", 2, 10),  # Devanagari
    ("x = [1.0, ２]\nloss = sum(x)", 1, 11),
]


@pytest.mark.parametrize(("program", "line", "col"), NOT_DIGITS)
def test_non_ascii_digits_are_a_parse_error(program, line, col):
    with pytest.raises(ProgramError) as err:
        trace_program(program)
    assert err.value.to_dict() == {
        "type": "parse_error", "line": line, "col": col,
        "message": f"{program.splitlines()[line - 1][col - 1]!r} is not a digit the language "
                   "reads: write numbers with 0-9"}


def gradients_and_spans(program: str) -> tuple[dict, list]:
    t = trace_program(program)
    return t["gradients"], [(n["text"], n["span"]) for n in t["nodes"]]


LF = "w = 2.0\nx = 3.0\nloss = w*x + \\\n  w*w\nloss"


@pytest.mark.parametrize("program", [
    LF.replace("\n", "\r\n"),  # Windows
    LF.replace("\n", "\r"),  # classic Mac
    "\ufeff" + LF,  # a UTF-8 byte-order mark
    "\ufeff" + LF.replace("\n", "\r\n"),
], ids=["crlf", "cr", "bom", "bom-crlf"])
def test_line_endings_and_a_bom_read_as_plain_newlines(program):
    assert gradients_and_spans(program) == gradients_and_spans(LF)


def test_crlf_keeps_the_lines_and_columns_an_editor_shows():
    with pytest.raises(ProgramError) as crlf:
        trace_program("w = 2.0\r\nloss = w*q")
    with pytest.raises(ProgramError) as bom:
        trace_program("\ufeffloss = q")
    assert (crlf.value.line, crlf.value.col) == (2, 10)
    assert (bom.value.line, bom.value.col) == (1, 8)


def test_a_bom_elsewhere_is_not_ignored():
    with pytest.raises(ProgramError) as err:
        trace_program("w = 2.0\n\ufeffloss = w")
    assert err.value.type == "parse_error" and err.value.line == 2
