"""The backward sweep without the record (training, the gradient check, the
forward + backward benchmark) takes unrolled paths for scalar ops of one and
two inputs: it must give exactly the recorded pass's gradients, NaN and
infinity included, on every example and on the awkward cases."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import compile_program
from chainrule.autodiff.backward import backward
from chainrule.language.examples import EXAMPLES

AWKWARD = {
    "repeated input": "a = 3.0\nloss = a*a + a",
    "unused node": "w = 2.0\nu = w*5\nloss = w*w",
    "non-finite": "x = 0.0\nloss = sqrt(x)*2 + log(x)",
    "overflow": "x = 1e200\nloss = x*x + exp(x)",
    "division by zero": "x = 0.0\ny = 1.0\nloss = y/x + x/x",
    "max tie and constants": "a = 2.0\nb = 2.0\nloss = max(a, b) * 3 - min(a, 1.0)",
    "tensor and scalar": "w = [1.0, -2.0]\nb = 0.5\nloss = sum(relu(w*b + b)) * b",
    "chain": "h = 0.5\n" + "h = tanh(h*1.1 + 0.1)\n" * 30 + "loss = relu(h) + sigmoid(h)",
}
PROGRAMS = {**{ex.id: ex.program for ex in EXAMPLES}, **AWKWARD}


def same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return (a.__class__ is b.__class__ and
            bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)))


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_the_unrecorded_sweep_gives_the_recorded_gradients(program):
    prog, output = compile_program(program)
    recorded, steps = backward(prog.graph, output)
    swept, none = backward(prog.graph, output, record=False)
    assert steps and none == []
    assert len(swept) == len(recorded)
    for i, (a, b) in enumerate(zip(swept, recorded, strict=True)):
        assert same(a, b), (i, a, b)


def test_forward_again_gives_the_same_values():
    prog, output = compile_program(AWKWARD["chain"] + "\nz = exp(h) + log(h)")
    before = list(prog.graph.values)
    prog.graph.forward()
    assert all(same(a, b) for a, b in zip(prog.graph.values, before, strict=True))
