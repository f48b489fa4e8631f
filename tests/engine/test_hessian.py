"""The exact Hessian (forward-over-reverse) against sympy's, on the comparison's
landscapes and on a program that goes through every op with a second derivative."""

from __future__ import annotations

import numpy as np
import pytest
from chainrule import OPS, compile_program
from chainrule.optimize.hessian import BILINEAR, SECOND, hessian
from chainrule.optimize.landscapes import LANDSCAPES

sp = pytest.importorskip("sympy")
X, Y = sp.symbols("X Y", real=True)
DATA_X, DATA_Y = [1.0, 2.0, 3.0, 4.0], [3.1, 4.9, 7.2, 8.8]

# The same functions written by hand in sympy, independent of the engine's parser.
BY_HAND = {
    "regression": sum((X * a + Y - b) ** 2 for a, b in zip(DATA_X, DATA_Y, strict=True)) / 4,
    "rosenbrock": (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
    "saddle": X**2 - Y**2 + Y**4 / 4,
    "ill_conditioned": (X + Y) ** 2 + 50 * (X - Y) ** 2,
}
POINTS = [(-1.2, 1.0), (0.3, -0.7), (2.0, 1.5)]


def engine_hessian(program: str, params, point):
    prog, out = compile_program(program, dict(zip(params, point, strict=True)))
    return hessian(prog.graph, out, [prog.leaves[p] for p in params])


def sympy_terms(expr, point):
    at = {X: point[0], Y: point[1]}
    g = [float(sp.diff(expr, v).subs(at)) for v in (X, Y)]
    h = np.array(sp.hessian(expr, (X, Y)).subs(at).evalf(), dtype=float)
    return np.array(g), h


@pytest.mark.parametrize("landscape", LANDSCAPES, ids=lambda x: x.id)
@pytest.mark.parametrize("point", POINTS)
def test_hessian_matches_sympy(landscape, point):
    g, h = engine_hessian(landscape.program, list(landscape.params), point)
    g_sym, h_sym = sympy_terms(BY_HAND[landscape.id], point)
    np.testing.assert_allclose(g, g_sym, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h, h_sym, rtol=1e-12, atol=1e-10)


def test_hessian_of_the_single_point_regression_is_singular():
    # (w*x + b - y)**2 with x = 3: H = 2[[x², x], [x, 1]], determinant 0
    g, h = engine_hessian("w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2",
                          ["w", "b"], (2.0, 1.0))
    np.testing.assert_allclose(h, 2 * np.array([[9.0, 3.0], [3.0, 1.0]]))
    assert abs(np.linalg.det(h)) < 1e-9


def test_hessian_through_every_elementwise_op_and_matmul():
    program = ("w = 0.3\nb = -0.7\nX = [[1.0, 2.0], [3.0, -1.0]]\n"
               "loss = sum(tanh(X @ ([1.0, 0.0]*w + [0.0, 1.0]*b))**2) + exp(w*b)/sqrt(w*w + 1)"
               " + sigmoid(b)*log(2 + w) + w**b + mse(w*[1.0, 0.0] + b*[0.0, 1.0], [1.0, 2.0])"
               " + max(w, b)*min(w, 2.0) + relu(b + 1)*abs(w)*sin(w)*cos(b) - mean(w*[1.0, 2.0])"
               " + -b")
    w, b = 0.3, -0.7
    wv = sp.Matrix([X, Y])
    m = sp.Matrix([[1, 2], [3, -1]]) * wv
    expr = (sum(sp.tanh(e) ** 2 for e in m) + sp.exp(X * Y) / sp.sqrt(X * X + 1)
            + sp.log(2 + X) / (1 + sp.exp(-Y)) + X**Y + ((X - 1) ** 2 + (Y - 2) ** 2) / 2
            + X * X + (Y + 1) * X * sp.sin(X) * sp.cos(Y)  # here max = min = w, relu = b + 1
            - 1.5 * X - Y)
    g, h = engine_hessian(program, ["w", "b"], (w, b))
    g_sym, h_sym = sympy_terms(expr, (w, b))
    np.testing.assert_allclose(g, g_sym, rtol=1e-10)
    np.testing.assert_allclose(h, h_sym, rtol=1e-10)


def test_every_op_has_a_second_derivative_or_is_named_unsupported():
    unsupported = set(OPS) - set(SECOND) - BILINEAR
    assert unsupported == {"softmax", "log_softmax", "cross_entropy"}
