"""chainrule: see backpropagation happen. Program text -> computation graph ->
values, gradients and a step-by-step backward trace.

This folder (``engine/`` in the repository) installs as the package
``chainrule``; the web app is ``chainrule.server``. The layers, each allowed
to import only the ones before it:

- ``errors``, ``limits``: what every layer may raise and the bounds it obeys;
- ``autodiff``: the graph, the op table (forward, local derivative, ledger
  formula per op) and the backward pass;
- ``language``: program text -> plan -> graph (the parser emits op-table ops);
- ``explain``: the trace the page draws, gradient checks, cost, the ``=`` replay;
- ``optimize``: optimizers, training, Hessian, Newton, ES, the comparison;
- ``nets``: MLPs, the digits data set, the deep-network gradient demo;
- ``frompython``: ``Value``/``Tensor`` with micrograd's habits, functions,
  micrograd and PyTorch graphs, traced as chainrule programs.

    >>> t = trace_program("w = 2.0; x = 3.0; loss = (w*x - 1)**2")
    >>> t["gradients"]["w"]
    30.0
"""

from __future__ import annotations

from .autodiff.graph import Graph
from .autodiff.ops import OPS
from .errors import (
    LimitError,
    ParseError,
    ProgramError,
    ProgramValueError,
    ShapeError,
    UndefinedNameError,
)
from .explain.run import trace_program
from .explain.standalone import standalone_html
from .explain.trace import FORMAT
from .frompython import DisagreementWarning, Tensor, Value, show, trace
from .language.compile import compile_program
from .limits import DEFAULT_LIMITS, Limits

__version__ = "0.2.0"

__all__ = [
    "DEFAULT_LIMITS", "FORMAT", "OPS", "DisagreementWarning", "Graph", "LimitError", "Limits",
    "ParseError", "ProgramError", "ProgramValueError", "ShapeError", "Tensor",
    "UndefinedNameError", "Value", "__version__", "compile_program", "create_app", "show",
    "standalone_html", "trace", "trace_program",
]


def __getattr__(name: str):
    # The web app needs FastAPI; the engine does not, and must not import the
    # server (imports go one way), so create_app is looked up on first use.
    if name == "create_app":
        from .server.app import create_app
        return create_app
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
