"""The fit view's numbers: the prediction node found in a program that fits
data, and its curve across x at the parameters of each recorded step."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule.optimize.fit import FIT_EXAMPLES
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program

LINE = next(e for e in FIT_EXAMPLES if e["id"] == "fit_line")["program"]
TANH = next(e for e in FIT_EXAMPLES if e["id"] == "fit_tanh")["program"]


def test_the_line_is_w_x_plus_b_at_each_recorded_step():
    h = train_program(LINE, ["w", "b"], OptimizerConfig("sgd", 0.05), 200, 0.0)["history"]
    assert h[0]["fit_data"]["y"][0] == -1.2 and len(h[0]["fit_data"]["x"]) == 8
    recorded = [e for e in h if "fit" in e]
    assert recorded[0]["step"] == 0 and recorded[-1]["step"] == 200 and len(recorded) > 50
    for e in recorded:
        x = np.array(e["fit"]["x"])
        w, b = e["params"]["w"], e["params"]["b"]
        assert np.allclose(e["fit"]["y"], w * x + b, rtol=1e-12, atol=1e-12)
    assert x.min() < -1.0 and x.max() > 2.5  # the grid spans the data


def test_a_curve_with_penalties_in_the_program():
    run = train_program(TANH, ["a", "w", "c"], OptimizerConfig("adam", 0.05), 300, 0.0, l2=0.001)
    last = run["history"][-1]
    a, w, c = (last["params"][n] for n in "awc")
    x = np.array(last["fit"]["x"])
    assert np.allclose(last["fit"]["y"], a * np.tanh(w * x + c), rtol=1e-12)
    # It learned: the curve passes near the data.
    pred = a * np.tanh(w * np.array(run["history"][0]["fit_data"]["x"]) + c)
    assert np.mean((pred - np.array(run["history"][0]["fit_data"]["y"])) ** 2) < 0.05


@pytest.mark.parametrize("program", [
    "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",       # scalar data
    "w = [1.0, 2.0]\nloss = sum(w**2)",                                    # no data at all
    "w = 1.0\nx = [1.0, 2.0]\ny = [1.0, 2.0, 3.0]\nloss = sum(w*x) - sum(y)"])  # shapes differ
def test_no_curve_without_data_to_fit(program):
    h = train_program(program, ["w"], OptimizerConfig(), 2, 0.0)["history"]
    assert all("fit" not in e and "fit_data" not in e for e in h)
