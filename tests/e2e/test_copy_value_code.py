"""Copy as Value code: the page's program as chainrule.Value code, run in
Python, gives back the page's gradients."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from .helpers import build, trace_for

PROGRAMS = [
    "w = 2.0\nx = 3.0\nb = -1.0\nloss = (w*x + b - 10)**2 / 2",
    "a = 0.5\nb = -2.0\nloss = exp(a*b) - log(sqrt(a**2 + 1)) + tanh(-a) * max(a, b) + sigmoid(b)",
    "W = [[0.5, -1.0], [2.0, 0.25]]\nx = [1.0, -2.0]\nh = relu(W @ x + [0.1, -0.2])\n"
    "loss = mean(h**2) + cross_entropy(W, [1, 0]) - 2**-1",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_copied_value_code_reproduces_the_gradients(page: Page, api, program):
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.locator("button[data-export=value]").click()
    expect(page.locator("#toast")).to_contain_text("chainrule.Value code")
    code = page.evaluate("document.body.dataset.lastCopy")
    assert "from chainrule import" in code and ".backward()" in code
    namespace: dict = {}
    exec(compile(code, "<copied>", "exec"), namespace)  # the copied code, as a user runs it
    for name, g in trace["gradients"].items():
        assert np.allclose(namespace[name].grad, g, rtol=1e-12, atol=0), name
    # and its own step-through gives the page's gradients back
    last = code.strip().splitlines()[-1]
    shown = eval(last[last.index("chainrule.show("):], namespace)  # noqa: S307
    for name, g in trace["gradients"].items():
        assert np.allclose(shown.trace["gradients"][name], g, rtol=1e-12, atol=0), name
