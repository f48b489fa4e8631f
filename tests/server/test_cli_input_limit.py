"""The CLI refuses input over the program limit while reading it: a file that
never ends (/dev/zero) or a flood on standard input is exit 2 with one line,
after reading at most 4 bytes per allowed character."""

from __future__ import annotations

import subprocess
import sys

import pytest

# (arguments, standard input or None, words in the one line)
CASES = [
    (["grad", "/dev/zero"], None, "/dev/zero is longer than 2,000,000 characters"),
    (["grad", "/dev/zero", "--check"], None, "longer than 2,000,000 characters"),
    (["export", "/dev/zero", "-o", "-"], None, "longer than 2,000,000 characters"),
    (["grad", "-"], b"x" * 8_000_004, "standard input is longer than"),
    (["export", "-", "-o", "-"], b"# " + b"\xc3\xa9" * 4_000_002, "standard input is longer"),
]


@pytest.mark.parametrize(("args", "stdin", "says"), CASES, ids=lambda c: str(c)[:40])
def test_over_long_input_is_refused_while_reading(args, stdin, says):
    run = subprocess.run([sys.executable, "-m", "chainrule", *args], input=stdin,
                         capture_output=True, timeout=120)
    err = run.stderr.decode()
    assert run.returncode == 2 and run.stdout == b"", err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def test_input_at_the_limit_is_read_whole():
    program = "x = 1.0\nloss = x" + " " * (2_000_000 - 16)
    run = subprocess.run([sys.executable, "-m", "chainrule", "grad", "-"], input=program,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
