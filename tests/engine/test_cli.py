"""`chainrule grad` as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from chainrule import trace_program
from chainrule.language.examples import example

SEED = example("regression").program
TENSOR = "W = [[1.0, 2.0], [3.0, 4.0]]\nw = 2.0\nloss = sum(W*w)"


def grad(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    raw = isinstance(stdin, bytes)
    run = subprocess.run([sys.executable, "-m", "chainrule", "grad", *args], input=stdin,
                         capture_output=True, text=not raw, timeout=60)
    if raw:
        run.stdout, run.stderr = run.stdout.decode(), run.stderr.decode()
    assert "Traceback" not in run.stderr
    return run


def test_table_lists_each_leaf_with_value_gradient_and_check(tmp_path):
    path = tmp_path / "seed.cr"
    path.write_text(SEED)
    run = grad(str(path), "--check")
    assert run.returncode == 0, run.stderr
    rows = {line.split()[0]: line.split() for line in run.stdout.splitlines()[3:]}
    assert rows["w"][1:4] == ["2", "-18", "ok"]
    assert rows["b"][2] == "-6"


def test_json_is_the_trace_and_values_override_leaves():
    run = grad("-", "--json", "--value", "w=3", "--value", "x=2", stdin=SEED)
    trace = json.loads(run.stdout)
    assert trace["format"] == "chainrule.trace/1"
    assert trace["gradients"]["w"] == 2 * (3 * 2 + 1 - 10) * 2


def test_a_tensor_value_is_a_json_list_of_the_leafs_shape():
    run = grad("-", "--json", "--value", "W=[[0, 1], [2, 3]]", stdin=TENSOR)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["gradients"]["w"] == 0 + 1 + 2 + 3


def test_bad_program_exits_2_with_position_and_no_traceback():
    run = grad("-", stdin="w = 2\nloss = (w * \n")
    assert run.returncode == 2
    # at the bracket that is never closed, not where the text ends
    assert run.stderr.startswith("chainrule: line 2, col 8: ")
    assert "never closed" in run.stderr and run.stdout == ""


@pytest.mark.parametrize(("flag", "words"), [
    ("w", "expected NAME=VALUE"),
    ("=3", "expected NAME=VALUE"),
    ("w=two", "is not a number"),
    # refused as the HTTP API refuses them (JSON has no NaN)
    ("w=nan", "finite"), ("w=inf", "finite"), ("w=-Infinity", "finite"), ("w=1e999", "finite"),
    ("W=[[1, NaN], [3, 4]]", "is not a number"),
    ("W=[[1, 1e999], [3, 4]]", "finite"),
    ("W=[[1, true], [3, 4]]", "finite"),
])
def test_bad_value_flag_exits_2(flag, words):
    run = grad("-", "--value", flag, stdin=TENSOR)
    assert run.returncode == 2 and words in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1 and run.stdout == ""


@pytest.mark.parametrize("flag", ["W=1", "W=[1, 2]", "W=[[1, 2, 3], [4, 5, 6]]", "w=[1, 2]"])
def test_a_value_of_another_shape_than_its_leaf_is_a_shape_error(flag):
    run = grad("-", "--value", flag, stdin=TENSOR)
    assert run.returncode == 2
    name = flag.split("=")[0]
    line = 1 if name == "W" else 2
    assert run.stderr.startswith(f"chainrule: line {line}, col 1: --value {name} has shape ")


def test_invalid_utf8_on_stdin_says_so_and_exits_2():
    run = grad("-", stdin=b"x = 1.0\nloss = x\xff\n")
    assert run.returncode == 2
    assert run.stderr.startswith("chainrule: cannot read input as UTF-8")


def test_a_missing_file_exits_2(tmp_path):
    run = grad(str(tmp_path / "nowhere.cr"))
    assert run.returncode == 2 and "cannot read" in run.stderr


# Programs whose check passes everywhere, and programs where backprop and
# central differences cannot agree (a pole, a kink): the exit status follows
# the trace's own verdicts.
CHECKED = [SEED, TENSOR, "x = 0.0\nloss = relu(x)", "w = 2.0\nloss = log(w - 2)",
           "x = 3.0\nloss = 1/(x - 3)"]


@pytest.mark.parametrize("program", CHECKED)
def test_check_exits_1_exactly_when_a_check_fails(program):
    verdicts = [c["ok"] for c in trace_program(program, check=True)["check"].values()]
    run = grad("-", "--check", stdin=program)
    assert run.returncode == (1 if False in verdicts else 0), run.stderr
    assert run.stderr.count("check failed") == verdicts.count(False)


def test_some_checked_program_fails_its_check():
    # keeps the exit-1 branch above exercised
    assert any(c["ok"] is False for p in CHECKED
               for c in trace_program(p, check=True)["check"].values())


def test_each_warning_goes_to_stderr_with_its_place():
    program = "x = 0.0\ny = 3.0\nloss = log(x) + y"
    run = grad("-", "--json", stdin=program)
    trace = json.loads(run.stdout)  # stdout stays pure JSON
    expected = [(n["span"]["line"], n["span"]["col"], w)
                for n in trace["nodes"] for w in n["warnings"]]
    lines = run.stderr.splitlines()
    assert ("line 3, col 8", "log of 0") in {(ln.split(": ")[2], ln.split(": ")[-1])
                                            for ln in lines}
    assert len(lines) == len(expected) > 0
    for (line, col, words), text in zip(expected, lines, strict=True):
        assert text.startswith(f"chainrule: warning: line {line}, col {col}: ")
        assert text.endswith(words)


# Inputs that have crashed the engine (issue 9's table): whatever the engine
# makes of them, the command answers with a status and a message, never a
# traceback.
HOSTILE = ["x = [1.0, 2.0]\ny = sum(x/0)", "n = [1.0, 2.0]\ny = sum((-1)**n)",
           "b = [1.0, 2.0]\ny = sum(0**b)", "x = 1.0\ny = x*2**20000",
           "x = 1.0\ny = max(x, 1/0)", "x = 1.0\ny = relu(log(-1)) + x"]


@pytest.mark.parametrize("program", HOSTILE)
def test_no_exception_escapes(program):
    run = grad("-", "--check", stdin=program)
    assert run.returncode in (0, 1, 2)
    if run.returncode == 2:
        assert run.stderr.startswith("chainrule: ") and run.stderr.count("\n") == 1
