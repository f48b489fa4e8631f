"""The heaviest requests the default limits allow, one per kind of work: used by
the deadline tests and by benchmarks/api_load.py's hostile mix. A new case is
one line of HEAVY. Big tensors come in `values` (the body may hold 1 MB, a
program 100,000 characters)."""

from __future__ import annotations

N = 316  # 316 x 316 = 99,856 elements, just under the 100,000 per tensor
MATRIX = [[1] * N] * N
VECTOR = [1] * (N * N)

# The gradient check over two 316x316 leaves: 400,000 perturbed forward passes,
# each a 316^3 matmul (hours of work). The default check budget (element
# operations) refuses it up front; the deadline tests raise that budget
# (CHECK_BUDGET below) to show the deadline holds for whatever the budget allows.
MATMUL_CHECK = {"program": "loss = sum(A @ B)", "values": {"A": MATRIX, "B": MATRIX},
                "check": True}

CHECK_BUDGET = {"CHAINRULE_MAX_CHECK_EVALS": str(10**14)}

# The contour grid over a 99,856-element tensor: 120 x 120 points (the most), each a pass
# over six tensor nodes (the total-elements limit allows about ten).
COMPARE_GRID = {"program": "w = 1.0\nb = 0.5\nu = w*x + b\nloss = mean(u**2) + mean(sin(u)*exp(u))",
                "values": {"x": VECTOR}, "params": ["w", "b"], "methods": ["gd"],
                "max_steps": 1, "grid": 120}

# Training on a 99,856-element tensor for the most steps allowed.
TRAIN_LONG = {"program": "w = 1.0\nloss = mean((w*x - 1)**2)", "values": {"x": VECTOR},
              "params": ["w"], "max_steps": 10_000, "tol": 0, "stream": True}

# Symbolic work sympy could spend a long time (and the GIL) on.
SYMBOLIC_BOMB = {"program": "x = 2.0\ny = x + 9**9**9", "check": True}

# A short program whose symbolic derivative takes sympy minutes (eight nested
# tanh): it goes to the small-check lane, where the symbolic budget stops it.
TANH_CHAIN = "x = 0.5\nw = 1.5\nb = 0.1\nh = x\n" + "h = tanh(w*h + b)\n" * 8 + "loss = h"
TANH_CHECK = {"program": TANH_CHAIN, "check": True}

# The most scalar work the default check budget (2,000,000 element operations)
# allows: 700 leaves, each perturbed through the ~1,400 nodes after it.
SUM_CHAIN = "".join(f"a{i} = 0.5\n" for i in range(700)) + "s = a0\n" + "".join(
    f"s = s*0.999 + a{i}\n" for i in range(1, 700)) + "loss = s"
SCALAR_CHECK = {"program": SUM_CHAIN, "check": True}

# The heaviest checks the default limits allow, by kind (the check-starvation run)
HEAVY_CHECKS = [("tanh chain, symbolic", TANH_CHECK), ("700 leaves, numeric", SCALAR_CHECK),
                ("symbolic check, 9**9**9", SYMBOLIC_BOMB)]

# (name, path, body)
HEAVY = [
    ("gradient check, 316x316 matmul", "/api/v1/graphs", MATMUL_CHECK),
    ("compare, 120x120 grid", "/api/v1/compare", COMPARE_GRID),
    ("train, 10,000 steps", "/api/v1/train", TRAIN_LONG),
    ("symbolic check, 9**9**9", "/api/v1/graphs", SYMBOLIC_BOMB),
]
