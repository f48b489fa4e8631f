"""`chainrule export` as a user runs it: a real subprocess writing a real file."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from chainrule import trace_program
from chainrule.language.examples import example

SEED = example("regression").program


def export(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "chainrule", "export", *args], input=stdin,
                         capture_output=True, text=True, timeout=60)
    assert "Traceback" not in run.stderr
    return run


def data_of(doc: str) -> dict:
    m = re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>', doc,
                  re.S)
    return json.loads(m[1])


def test_writes_the_file_with_the_trace_the_program_and_its_name(tmp_path):
    (tmp_path / "seed.cr").write_text(SEED)
    out = tmp_path / "out.html"
    run = export(str(tmp_path / "seed.cr"), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and "wrote" in run.stderr
    data = data_of(out.read_text(encoding="utf-8"))
    assert data["trace"]["gradients"] == trace_program(SEED)["gradients"]
    assert data["program"] == SEED and data["source"] == "seed.cr" and data["step"] is None
    assert set(data["trace"]["check"]) == set(data["trace"]["gradients"])


def test_values_and_step_from_stdin_to_stdout():
    run = export("-", "-o", "-", "--value", "w=3", "--value", "x=2", "--step", "7", stdin=SEED)
    assert run.returncode == 0, run.stderr
    data = data_of(run.stdout)
    assert data["values"] == {"w": 3.0, "x": 2.0} and data["step"] == 7
    assert data["trace"]["gradients"] == trace_program(SEED, {"w": 3.0, "x": 2.0})["gradients"]
    assert data["source"] is None


def test_the_last_step_is_accepted_and_one_past_it_is_not():
    total = (lambda t: len(t["forward"]) + len(t["backward"]))(trace_program(SEED))
    assert export("-", "-o", "-", "--step", str(total), stdin=SEED).returncode == 0
    run = export("-", "-o", "-", "--step", str(total + 1), stdin=SEED)
    assert run.returncode == 2 and run.stdout == ""
    assert f"steps 0 to {total}" in run.stderr


@pytest.mark.parametrize(("program", "args", "says"), [
    ("w = 2.0\nloss = w*", [], "line 2"),
    (SEED, ["--value", "w=nan"], "--value"),
    (SEED, ["--value", "w"], "NAME=VALUE"),
    ("loss = q*2", [], "q"),
])
def test_bad_input_exits_2_with_one_clear_line_and_writes_nothing(tmp_path, program, args, says):
    out = tmp_path / "out.html"
    run = export("-", "-o", str(out), *args, stdin=program)
    assert run.returncode == 2
    assert says in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert not out.exists()


def test_an_unwritable_output_exits_2(tmp_path):
    run = export("-", "-o", str(tmp_path / "no" / "such" / "dir.html"), stdin=SEED)
    assert run.returncode == 2 and "cannot write" in run.stderr


def test_a_missing_program_file_exits_2(tmp_path):
    run = export(str(tmp_path / "absent.cr"), "-o", str(tmp_path / "o.html"))
    assert run.returncode == 2 and "cannot read" in run.stderr
