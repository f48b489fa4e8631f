"""The bounds on one program's work. The server's settings fill one of these;
the Python API defaults to generous ones."""

from __future__ import annotations

from dataclasses import dataclass

# Each nesting level of the recursive-descent parser costs ~5 Python frames;
# 150 levels stay well inside CPython's default recursion limit of 1000.
HARD_MAX_DEPTH = 150


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int = 2_000_000
    max_nodes: int = 100_000
    max_depth: int = 100
    max_tensor_elements: int = 100_000
    max_total_elements: int = 2_000_000
    # Element operations the gradient check may spend (2 forward passes per leaf
    # element; a node costs its elements, a matrix product m·k·n).
    max_check_evals: int = 20_000_000
    # Seconds the symbolic (sympy) part of a check may spend in all, stopped
    # inside a leaf's work when they run out (explain/budget.py).
    symbolic_seconds: float = 2.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= HARD_MAX_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {HARD_MAX_DEPTH}")


DEFAULT_LIMITS = Limits()
