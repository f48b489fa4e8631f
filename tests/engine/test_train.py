"""Training a program's leaves: convergence to the least-squares solution,
the stopping rules, regularisation as graph nodes, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import ParseError, ProgramValueError, UndefinedNameError, trace_program
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.regularize import with_penalties
from chainrule.optimize.train import train_program

from .gradcheck import check_grad

REGRESSION = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"
LINEAR = "w = [0.0, 0.0, 0.0]\nb = 0.0\npred = X @ w + b\nloss = mean((pred - y)**2)"


def data(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.5, -2.0, 0.7]) + 0.3 + 0.1 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("optimizer", [OptimizerConfig("momentum", lr=0.05),
                                       OptimizerConfig("adam", lr=0.05)])
def test_linear_regression_reaches_least_squares(optimizer):
    X, y = data()
    run = train_program(LINEAR, ["w", "b"], optimizer, max_steps=5000, tol=1e-18,
                        values={"X": X.tolist(), "y": y.tolist()})
    solution, *_ = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)
    got = np.array([*run["params"]["w"], run["params"]["b"]])
    np.testing.assert_allclose(got, solution, atol=1e-6)
    assert run["stopped"] in ("converged", "max_steps")
    losses = [h["loss"] for h in run["history"]]
    assert losses[-1] < losses[0] / 10


def test_history_counts_updates_from_step_zero():
    run = train_program(REGRESSION, ["w"], OptimizerConfig("sgd", lr=0.001), 7, tol=0.0)
    assert run["stopped"] == "max_steps"
    assert [h["step"] for h in run["history"]] == list(range(8))
    first = run["history"][0]
    assert first["params"] == {"w": 2.0}  # the starting point, before any update
    assert first["loss"] == pytest.approx((2.0 * 3 + 1 - 10) ** 2)
    assert first["grad_norm"] == pytest.approx(abs(2 * (2.0 * 3 + 1 - 10) * 3))
    # Each recorded point is one SGD update after the one before it.
    for a, b in zip(run["history"], run["history"][1:], strict=False):
        w = a["params"]["w"]
        assert b["params"]["w"] == pytest.approx(w - 0.001 * 2 * (w * 3 + 1 - 10) * 3)


def test_converged_when_the_loss_change_falls_below_tol():
    run = train_program(REGRESSION, ["w", "b"], OptimizerConfig("sgd", lr=0.01), 10_000,
                        tol=1e-9)
    assert run["stopped"] == "converged"
    losses = [h["loss"] for h in run["history"]]
    assert abs(losses[-1] - losses[-2]) < 1e-9 <= abs(losses[-2] - losses[-3])


def test_huge_learning_rate_is_reported_as_diverged():
    run = train_program(REGRESSION, ["w", "b"], OptimizerConfig("sgd", lr=100.0), 10_000,
                        tol=1e-12)
    assert run["stopped"] == "diverged"
    assert run["history"][-1]["loss"] in ("Infinity", "NaN")
    assert len(run["history"]) < 10_000


def test_should_stop_ends_the_run_with_its_reason():
    calls = []
    run = train_program(REGRESSION, ["w"], OptimizerConfig("sgd", lr=1e-4), 1000, tol=0.0,
                        should_stop=lambda: "cancelled" if len(calls) > 2 else None,
                        on_record=calls.append)
    assert run["stopped"] == "cancelled"
    assert len(run["history"]) == len(calls) == 3


@pytest.mark.parametrize("l1,l2", [(0.0, 0.3), (0.2, 0.0), (0.05, 0.1)])
def test_penalty_gradients_match_central_differences(l1, l2):
    program = with_penalties("w = [0.5, -1.0, 2.0]\nb = 0.3\nx = [1.0, 2.0, -1.0]\n"
                             "loss = (sum(w*x) + b - 1)**2", ["w", "b"], l1, l2)
    check_grad(program, w=[0.5, -1.0, 2.0], b=0.3)
    # Their share of the gradient is 2·l2·p + l1·sign(p), beside the data term's.
    plain = trace_program(program.replace(f"{l2!r} *", "0.0 *").replace(f"{l1!r} *", "0.0 *"))
    full = trace_program(program)
    w = np.array([0.5, -1.0, 2.0])
    share = np.array(full["gradients"]["w"]) - np.array(plain["gradients"]["w"])
    np.testing.assert_allclose(share, 2 * l2 * w + l1 * np.sign(w), rtol=1e-12)


def test_penalties_are_named_nodes_of_the_graph():
    program = with_penalties("w = 1.0\n(w - 2)**2", ["w"], l1=0.1, l2=0.2)
    labels = {n["label"] for n in trace_program(program)["nodes"]}
    assert {"data_loss", "l1_penalty", "l2_penalty", "objective"} <= labels
    assert trace_program(program)["nodes"][-1]["label"] == "objective"


def test_penalty_names_do_not_clash_with_the_programs():
    program = with_penalties("objective = 1.0\nl2_penalty = objective**2", ["objective"],
                             l2=0.5)
    out = trace_program(program)
    assert out["nodes"][-1]["value"] == pytest.approx(1.0 + 0.5)


def test_regularised_training_shrinks_the_weights():
    plain = train_program(REGRESSION, ["w", "b"], OptimizerConfig("adam", lr=0.05), 3000, 1e-14)
    decayed = train_program(REGRESSION, ["w", "b"], OptimizerConfig("adam", lr=0.05), 3000,
                            1e-14, l2=1.0)
    assert abs(decayed["params"]["w"]) < abs(plain["params"]["w"])
    assert "l2_penalty" in decayed["program"]


@pytest.mark.parametrize("params,error", [([], ProgramValueError), (["w", "w"], ProgramValueError),
                                          (["nope"], UndefinedNameError),
                                          (["loss"], UndefinedNameError)])
def test_bad_params(params, error):
    with pytest.raises(error):
        train_program(REGRESSION, params, OptimizerConfig(), 10, 0.0)


def test_program_errors_keep_their_position():
    with pytest.raises(ParseError) as err:
        train_program("w = 1.0\nloss = w *", ["w"], OptimizerConfig(), 10, 0.0, l2=0.1)
    assert err.value.line == 2


@pytest.mark.parametrize("kw", [dict(max_steps=-1), dict(max_steps=1.5), dict(tol=-1.0),
                                dict(tol=float("nan")), dict(l2=-0.1), dict(l1=float("inf"))])
def test_bad_numbers_are_value_errors(kw):
    args = dict(max_steps=10, tol=0.0) | kw
    penalties = {k: args.pop(k) for k in ("l1", "l2") if k in args}
    with pytest.raises(ProgramValueError):
        train_program(REGRESSION, ["w"], OptimizerConfig(), **args, **penalties)
