"""The worked update each history entry carries: the numbers it shows must
reproduce the next point by the optimizer's own rule, written out here."""

from __future__ import annotations

import math

import pytest
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program

PROGRAM = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"


def run(name: str, **kw) -> list[dict]:
    return train_program(PROGRAM, ["w", "b"], OptimizerConfig(name, 0.01, **kw), 5, 0.0)["history"]


def test_step_zero_has_no_update_and_sgd_is_p_minus_lr_g():
    h = run("sgd")
    assert "update" not in h[0]
    for k in range(1, len(h)):
        u = h[k]["update"]["w"]
        assert u["p"] == h[k - 1]["params"]["w"]
        assert u["g"] == pytest.approx(2 * 3.0 * (h[k - 1]["params"]["w"] * 3.0
                                                  + h[k - 1]["params"]["b"] - 10.0))
        assert u["new"] == h[k]["params"]["w"] == u["p"] - u["lr"] * u["g"]
    assert h[1]["update"]["w"]["g"] == -18.0 and h[1]["update"]["w"]["new"] == pytest.approx(2.18)


def test_momentum_buffers_chain_from_step_to_step():
    h = run("momentum", momentum=0.8)
    for k in range(1, len(h)):
        u = h[k]["update"]["b"]
        assert u["v_prev"] == (0.0 if k == 1 else h[k - 1]["update"]["b"]["v"])
        assert u["v"] == pytest.approx(u["mu"] * u["v_prev"] + u["g"])
        assert u["new"] == pytest.approx(u["p"] - u["lr"] * u["v"])
        assert u["new"] == h[k]["params"]["b"]


def test_adam_moments_and_bias_correction():
    h = run("adam")
    for k in range(1, len(h)):
        u = h[k]["update"]["w"]
        assert u["t"] == k
        assert u["m_prev"] == (0.0 if k == 1 else h[k - 1]["update"]["w"]["m"])
        assert u["m"] == pytest.approx(u["beta1"] * u["m_prev"] + (1 - u["beta1"]) * u["g"])
        assert u["v"] == pytest.approx(u["beta2"] * u["v_prev"] + (1 - u["beta2"]) * u["g"] ** 2)
        assert u["m_hat"] == pytest.approx(u["m"] / (1 - u["beta1"] ** k))
        assert u["v_hat"] == pytest.approx(u["v"] / (1 - u["beta2"] ** k))
        assert u["new"] == pytest.approx(u["p"] - u["lr"] * u["m_hat"]
                                         / (math.sqrt(u["v_hat"]) + u["eps"]), rel=1e-12)
        assert u["new"] == h[k]["params"]["w"]


def test_an_array_shows_its_first_element():
    h = train_program("w = [[1.0, 2.0], [3.0, 4.0]]\nloss = sum(w**2)", ["w"],
                      OptimizerConfig("sgd", 0.1), 2, 0.0)["history"]
    u = h[1]["update"]["w"]
    assert u["element"] == [0, 0]
    assert u["p"] == 1.0 and u["g"] == 2.0 and u["new"] == h[1]["params"]["w"][0][0]
