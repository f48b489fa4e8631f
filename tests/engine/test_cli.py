"""`chainrule grad` as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from chainrule.language.examples import example

SEED = example("regression").program


def grad(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chainrule", "grad", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


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


def test_bad_program_exits_2_with_position_and_no_traceback():
    run = grad("-", stdin="w = 2\nloss = (w * \n")
    assert run.returncode == 2
    assert run.stderr.startswith("chainrule: line 3, col 1: ")
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_bad_value_flag_exits_2():
    run = grad("-", "--value", "w", stdin=SEED)
    assert run.returncode == 2 and "NAME=NUMBER" in run.stderr
