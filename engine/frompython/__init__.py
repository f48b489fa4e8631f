"""From Python: chainrule.Value and Tensor (micrograd's habits, chainrule's
op table and backward pass), functions traced by calling them, and graphs
imported from micrograd and PyTorch, all traced as chainrule programs."""

from .api import show, trace
from .tensor import Tensor
from .tracing import DisagreementWarning
from .value import Value

__all__ = ["DisagreementWarning", "Tensor", "Value", "show", "trace"]
