"""The optimizer comparison: Newton's one step on quadratics, the evolution
strategy's seed and descent, the cost counters, and bad input as ProgramError."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import LimitError, ProgramError
from chainrule.optimize.compare import CompareConfig, compare_program
from chainrule.optimize.landscapes import LANDSCAPES

BY_ID = {x.id: x for x in LANDSCAPES}


def run(program, params=("x", "y"), **config):
    return compare_program(program, list(params), CompareConfig(**config))


def quadratic(a: np.ndarray, c: np.ndarray, start=(1.5, -2.0)) -> str:
    """½ xᵀAx + cᵀx as program text."""
    return (f"x = {start[0]}\ny = {start[1]}\n"
            f"loss = 0.5*({a[0, 0]}*x*x + {2 * a[0, 1]}*x*y + {a[1, 1]}*y*y)"
            f" + {c[0]}*x + {c[1]}*y")


@pytest.mark.parametrize("seed", range(4))
def test_newton_reaches_a_random_quadratics_minimum_in_one_step(seed):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(2, 2))
    a = q @ q.T + np.diag(rng.uniform(0.01, 3, 2))  # positive definite, often ill-conditioned
    c = rng.normal(size=2)
    result = run(quadratic(a, c), methods=("newton",))
    history = result["runs"]["newton"]["history"]
    expected = np.linalg.solve(a, -c)  # ∇L = Ax + c = 0
    np.testing.assert_allclose(list(history[1]["params"].values()), expected, rtol=1e-9,
                               atol=1e-12)
    assert result["runs"]["newton"]["stopped"] == "converged"
    assert len(history) == 2  # step 0 = start, step 1 = the minimum


@pytest.mark.parametrize("landscape_id", ["regression", "ill_conditioned"])
def test_newton_one_step_on_the_quadratic_landscapes(landscape_id):
    x = BY_ID[landscape_id]
    result = run(x.program, x.params, methods=("newton", "gd"), lr=x.lr, max_steps=x.max_steps)
    newton, gd = result["runs"]["newton"]["history"], result["runs"]["gd"]["history"]
    assert len(newton) == 2
    assert newton[1]["loss"] <= gd[-1]["loss"] + 1e-12  # no first-order run does better


def test_newton_on_a_singular_hessian_lands_on_the_valley_floor():
    # One data point: every (w, b) with w*x + b = y is a minimum; H is singular.
    result = run("w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2", ("w", "b"),
                 methods=("newton",))
    step1 = result["runs"]["newton"]["history"][1]
    assert step1["loss"] < 1e-20
    assert abs(step1["params"]["w"] * 3.0 + step1["params"]["b"] - 10.0) < 1e-9


def test_newton_goes_to_the_saddle_the_first_order_methods_leave():
    x = BY_ID["saddle"]
    runs = run(x.program, x.params, lr=x.lr, max_steps=x.max_steps)["runs"]
    end = runs["newton"]["history"][-1]["params"]
    assert abs(end["x"]) < 1e-9 and abs(end["y"]) < 1e-9  # ∇L = 0 at the saddle
    for m in ("gd", "es"):
        assert runs[m]["history"][-1]["loss"] < -0.99  # the minima at y = ±√2 have L = −1


def test_es_is_reproducible_with_its_seed_and_never_raises_the_loss():
    x = BY_ID["rosenbrock"]
    a = run(x.program, x.params, methods=("es",), seed=7, max_steps=60)["runs"]["es"]
    b = run(x.program, x.params, methods=("es",), seed=7, max_steps=60)["runs"]["es"]
    c = run(x.program, x.params, methods=("es",), seed=8, max_steps=60)["runs"]["es"]
    assert a["history"] == b["history"]
    assert a["history"] != c["history"]
    losses = [e["loss"] for e in a["history"]]
    assert all(later <= earlier for earlier, later in zip(losses, losses[1:], strict=False))
    assert losses[-1] < losses[0] / 10


def test_cost_counters_follow_each_methods_work():
    x = BY_ID["ill_conditioned"]
    runs = run(x.program, x.params, lr=x.lr, max_steps=20, es_population=5)["runs"]
    for m in ("gd", "momentum", "adam"):
        steps = len(runs[m]["history"])
        assert runs[m]["cost"] == {**runs[m]["cost"], "gradient_evals": steps,
                                   "function_evals": 0, "hessian_evals": 0}
        assert [e["evaluations"] for e in runs[m]["history"]] == list(range(1, steps + 1))
    assert runs["newton"]["cost"]["hessian_evals"] == len(runs["newton"]["history"])
    es = runs["es"]
    assert es["cost"]["function_evals"] == 1 + 5 * (len(es["history"]) - 1)
    assert es["cost"]["gradient_evals"] == 0
    assert all(r["cost"]["seconds"] >= 0 for r in runs.values())


def test_step_zero_is_the_start_and_the_contour_covers_it():
    x = BY_ID["regression"]
    result = run(x.program, x.params, max_steps=5, grid=12)
    for r in result["runs"].values():
        assert r["history"][0]["params"] == {"w": 0.0, "b": 0.0}
        assert r["history"][0]["step"] == 0
    grid = result["contour"]
    assert len(grid["loss"]) == 12 and len(grid["loss"][0]) == 12
    assert grid["xs"][0] < 0.0 < grid["xs"][-1] and grid["ys"][0] < 0.0 < grid["ys"][-1]
    # loss[r][c] is the loss at (xs[c], ys[r]): check one cell against the formula
    w, b = grid["xs"][3], grid["ys"][7]
    expected = np.mean((w * np.array([1, 2, 3, 4.0]) + b - np.array([3.1, 4.9, 7.2, 8.8])) ** 2)
    assert grid["loss"][7][3] == pytest.approx(expected, rel=1e-12)


def test_divergence_is_a_result():
    x = BY_ID["ill_conditioned"]
    runs = run(x.program, x.params, methods=("gd",), lr={"gd": 0.5}, max_steps=500)["runs"]
    assert runs["gd"]["stopped"] == "diverged"


@pytest.mark.parametrize("params, config, message", [
    (["x"], {}, "exactly two"),
    (["x", "x"], {}, "twice"),
    (["x", "q"], {}, "'q' is not a leaf"),
    (["x", "v"], {}, "tensor"),
    (["x", "y"], {"methods": ("sgd",)}, "unknown method"),
    (["x", "y"], {"methods": ()}, "at least one"),
    (["x", "y"], {"lr": {"gd": -1.0}}, "positive"),
    (["x", "y"], {"grid": 1}, "grid"),
    (["x", "y"], {"bounds": ((1.0, 0.0), (0.0, 1.0))}, "bounds"),
])
def test_bad_requests_are_program_errors(params, config, message):
    with pytest.raises(ProgramError, match=message):
        compare_program("x = 1.0\ny = 2.0\nv = [1.0, 2.0]\nloss = x*y + sum(v)", params,
                        CompareConfig(**config))


def test_newton_on_softmax_says_it_has_no_second_derivative():
    with pytest.raises(ProgramError, match="softmax"):
        run("x = 1.0\ny = 2.0\nloss = sum(softmax([1.0, 0.0]*x + [0.0, 1.0]*y)**2)",
            methods=("newton",))


def test_the_work_is_bounded_by_the_limits():
    from chainrule.limits import Limits
    with pytest.raises(LimitError, match="node evaluations"):
        compare_program("x = 1.0\ny = 2.0\nloss = x*y", ["x", "y"],
                        CompareConfig(max_steps=1000), limits=Limits(max_check_evals=10_000))
    with pytest.raises(LimitError, match="max_steps"):
        compare_program("x = 1.0\ny = 2.0\nloss = x*y", ["x", "y"],
                        CompareConfig(max_steps=50), max_steps_limit=10)
