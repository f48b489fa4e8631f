"""Each optimizer's first three updates against the update rule computed here
by hand, on loss = (w - 3)**2 whose gradient is 2·(w - 3); and on arrays
against torch.optim where torch is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from chainrule import ProgramValueError
from chainrule.optimize.optim import SGD, Adam, Momentum, OptimizerConfig

W0, TARGET, LR = 1.0, 3.0, 0.1


def grad(w: float) -> float:
    return 2.0 * (w - TARGET)


def run(opt, steps: int = 3) -> list[float]:
    w, out = W0, []
    for _ in range(steps):
        (w,) = opt.step([w], [grad(w)])
        out.append(w)
    return out


def test_sgd_first_three_updates():
    w, expected = W0, []
    for _ in range(3):
        w = w - LR * grad(w)
        expected.append(w)
    assert run(SGD(LR)) == pytest.approx(expected, rel=1e-15)


def test_momentum_first_three_updates():
    mu, w, v, expected = 0.9, W0, 0.0, []
    for _ in range(3):
        v = mu * v + grad(w)
        w = w - LR * v
        expected.append(w)
    assert run(Momentum(LR, mu)) == pytest.approx(expected, rel=1e-15)
    # The second update already differs from plain SGD: the velocity remembers.
    assert run(Momentum(LR, mu))[1] != pytest.approx(run(SGD(LR))[1])


def test_adam_first_three_updates():
    b1, b2, eps = 0.9, 0.999, 1e-8
    w, m, v, expected = W0, 0.0, 0.0, []
    for t in range(1, 4):
        g = grad(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        w = w - LR * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(w)
    assert run(Adam(LR, b1, b2, eps)) == pytest.approx(expected, rel=1e-13)
    # Adam's first step has length lr whatever the gradient's scale.
    assert run(Adam(LR), 1)[0] - W0 == pytest.approx(LR, rel=1e-6)


@pytest.mark.parametrize("kind", [SGD, Momentum, Adam])
def test_arrays_follow_the_same_rule_as_floats(kind):
    starts = [W0, -2.0, 0.5]
    opt = kind(LR)
    w = np.array(starts)
    for _ in range(3):
        (w,) = opt.step([w], [2.0 * (w - TARGET)])
    for k, start in enumerate(starts):
        twin, x = kind(LR), start
        for _ in range(3):
            (x,) = twin.step([x], [grad(x)])
        assert w[k] == pytest.approx(x, rel=1e-12)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_matches_torch_on_arrays(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    start, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    p = torch.tensor(start, requires_grad=True)
    make = {"sgd": lambda: torch.optim.SGD([p], lr=0.05),
            "momentum": lambda: torch.optim.SGD([p], lr=0.05, momentum=0.9),
            "adam": lambda: torch.optim.Adam([p], lr=0.05)}[name]
    topt = make()
    ours = OptimizerConfig(name, lr=0.05).build()
    w = start.copy()
    for _ in range(5):
        topt.zero_grad()
        ((p - torch.tensor(target)) ** 4).sum().backward()
        topt.step()
        (w,) = ours.step([w], [4.0 * (w - target) ** 3])
        np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("bad", [dict(name="rmsprop"), dict(lr=0.0), dict(lr=math.inf),
                                 dict(momentum=1.0), dict(beta2=-0.1), dict(eps=0.0)])
def test_bad_settings_are_value_errors(bad):
    with pytest.raises(ProgramValueError):
        OptimizerConfig(**bad)
