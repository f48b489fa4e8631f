"""statements() remembers each distinct line's bracket count (generated
programs repeat lines): it must split exactly as the plain line-by-line
reading does, comments, brackets across lines and backslashes included."""

from __future__ import annotations

from chainrule.language.program import statements
from hypothesis import given
from hypothesis import strategies as st


def reference(text: str) -> list[tuple[int, str]]:
    """The plain reading: each line's brackets counted again, every time."""
    runs = []
    start = pos = depth = 0
    for line in text.split("\n"):
        end = pos + len(line)
        code = line.partition("#")[0]
        depth += code.count("(") + code.count("[") - code.count(")") - code.count("]")
        if depth <= 0 and not code.endswith("\\"):
            runs.append((start, text[start:end]))
            start, depth = end + 1, 0
        pos = end + 1
    if start <= len(text):
        runs.append((start, text[start:]))
    return runs


LINES = ["h = relu(h*w + b)", "x = (1 +", "  2)", "y = [1.0,", "  2.0]", "z = a + \\",
         "  b", "# (a comment with a bracket", "w = 2.0  # ) closing in a comment", "",
         "loss = (h", ")", "]", "q = f(x)[0"]


@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_the_split_is_the_plain_reading(lines):
    text = "\n".join(lines)
    assert statements(text) == reference(text)


def test_repeated_lines_are_each_a_statement():
    text = "h = 1.0\n" + "h = relu(h*w + b)\n" * 5 + "loss = h"
    runs = statements(text)
    assert [t for _, t in runs[1:6]] == ["h = relu(h*w + b)"] * 5
    assert all(text[s:s + len(t)] == t for s, t in runs)
