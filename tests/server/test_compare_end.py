"""Where each method really ends: `end.kind` from the Hessian's eigenvalues at
the last point, over HTTP; and the landscapes' marked minima are minima."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import trace_program
from chainrule.optimize.compare import CompareConfig, compare_program
from chainrule.optimize.landscapes import LANDSCAPES
from chainrule.server.schemas.compare import CompareResponse


def compared(client, landscape, methods=("newton", "gd")):
    r = client.post("/api/v1/compare", json={
        "program": landscape.program, "params": list(landscape.params), "grid": 8,
        "methods": list(methods), "lr": landscape.lr, "max_steps": landscape.max_steps})
    assert r.status_code == 200, r.text
    return CompareResponse.model_validate(r.json())


@pytest.mark.parametrize("landscape", LANDSCAPES, ids=lambda s: s.id)
def test_newton_ends_at_a_saddle_only_on_the_saddle(client, landscape):
    body = compared(client, landscape)
    newton = body.runs["newton"]
    assert newton.stopped == "converged"
    eig = np.array(newton.end.eigenvalues)
    assert newton.end.stationary
    if landscape.id == "saddle":
        assert newton.end.kind == "saddle"
        assert eig.min() < 0 < eig.max()
        # Gradient descent from the same start rolls off to a true minimum.
        assert body.runs["gd"].end.kind == "minimum"
    else:
        assert newton.end.kind == "minimum"
        assert eig.min() > 0


def test_eigenvalues_are_the_hessians_at_the_last_point():
    # loss = x² − y² + y⁴/4 at (0, 0): H = diag(2, −2).
    saddle = next(s for s in LANDSCAPES if s.id == "saddle")
    run = compare_program(saddle.program, ["x", "y"], CompareConfig(methods=("newton",), grid=4))
    end = run["runs"]["newton"]["end"]
    x, y = (run["runs"]["newton"]["history"][-1]["params"][n] for n in "xy")
    assert end["eigenvalues"] == pytest.approx(sorted([2.0, -2.0 + 3 * y * y]), abs=1e-9)
    assert abs(x) < 1e-9


def test_a_run_still_moving_is_unknown_and_a_diverged_one_too():
    rosen = next(s for s in LANDSCAPES if s.id == "rosenbrock")
    run = compare_program(rosen.program, ["x", "y"],
                          CompareConfig(methods=("gd",), max_steps=3, lr={"gd": 1e-4}, grid=4))
    assert run["runs"]["gd"]["end"]["kind"] == "unknown"
    assert run["runs"]["gd"]["end"]["stationary"] is False
    run = compare_program(rosen.program, ["x", "y"],
                          CompareConfig(methods=("gd",), max_steps=50, lr={"gd": 1.0}, grid=4))
    assert run["runs"]["gd"]["stopped"] == "diverged"
    assert run["runs"]["gd"]["end"] == {"kind": "unknown", "eigenvalues": [],
                                        "gradient_norm": None, "stationary": False}


@pytest.mark.parametrize("landscape", LANDSCAPES, ids=lambda s: s.id)
def test_marked_minima_have_zero_gradient(landscape):
    assert landscape.minima
    for point in landscape.minima:
        trace = trace_program(landscape.program, dict(zip(landscape.params, point, strict=True)))
        for p in landscape.params:
            assert abs(trace["gradients"][p]) < 1e-9
