"""chainrule.Value: a scalar with micrograd's habits, recorded for chainrule.

Every operation looks its op up in chainrule's op table and computes the
forward value with it; `.backward()` hands the recorded graph to chainrule's
own backward pass (backward.py). There is no second autodiff here: a node
only remembers its op's name and its inputs.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> L = (a*b + 1).tanh(); L.backward(); round(a.grad, 6)
    -2.99e-06
"""

from __future__ import annotations

import numpy as np

from ..autodiff.backward import backward as run_backward
from ..autodiff.numeric import call
from ..autodiff.ops import OPS
from ..autodiff.rules import broadcast_shape, matmul_shape
from ..errors import ShapeError
from .plan import CONST, LEAF, OP, Plan, to_graph, topo

# What chainrule's op table can do, by micrograd's and PyTorch's method names.
METHODS = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "sum", "mean",
           "softmax", "log_softmax")


class Node:
    """One recorded value: data, grad, label, and (as micrograd calls them)
    `_op`, the op table's name for what made it, and `_prev`, its inputs."""

    __slots__ = ("data", "grad", "label", "_op", "_prev", "_kind", "__weakref__")
    __array_ufunc__ = None  # numpy defers: ndarray * Value calls Value.__rmul__
    _tensor_class: type | None = None

    def __init__(self, data, label: str = "", *, _kind: str = LEAF, _op: str = "",
                 _prev: tuple = ()):
        self.data = data
        self.grad = 0.0 if data.__class__ is float else np.zeros_like(data)
        self.label = label
        self._op = _op
        self._prev = _prev
        self._kind = _kind

    # ---- recording -----------------------------------------------------------
    def _apply(self, name: str, *others) -> Node:
        inputs = (self, *(_node(o) for o in others))
        return _record(name, inputs)

    def __add__(self, other): return self._apply("add", other)
    def __radd__(self, other): return _node(other)._apply("add", self)
    def __sub__(self, other): return self._apply("sub", other)
    def __rsub__(self, other): return _node(other)._apply("sub", self)
    def __mul__(self, other): return self._apply("mul", other)
    def __rmul__(self, other): return _node(other)._apply("mul", self)
    def __truediv__(self, other): return self._apply("div", other)
    def __rtruediv__(self, other): return _node(other)._apply("div", self)
    def __pow__(self, other): return self._apply("pow", other)
    def __rpow__(self, other): return _node(other)._apply("pow", self)
    def __matmul__(self, other): return self._apply("matmul", other)
    def __rmatmul__(self, other): return _node(other)._apply("matmul", self)
    def __neg__(self): return self._apply("neg")
    def __pos__(self): return self
    def __abs__(self): return self._apply("abs")

    def exp(self): return self._apply("exp")
    def log(self): return self._apply("log")
    def sqrt(self): return self._apply("sqrt")
    def sin(self): return self._apply("sin")
    def cos(self): return self._apply("cos")
    def tanh(self): return self._apply("tanh")
    def sigmoid(self): return self._apply("sigmoid")
    def relu(self): return self._apply("relu")
    def abs(self): return self._apply("abs")
    def sum(self): return self._apply("sum")
    def mean(self): return self._apply("mean")
    def softmax(self): return self._apply("softmax")
    def log_softmax(self): return self._apply("log_softmax")
    def maximum(self, other): return self._apply("max", other)
    def minimum(self, other): return self._apply("min", other)
    def cross_entropy(self, target): return self._apply("cross_entropy", target)
    def mse(self, target): return self._apply("mse", target)

    # Operations outside the op table fail loudly, naming the operation.
    def __floordiv__(self, other): _unknown("// (floor division)")
    def __rfloordiv__(self, other): _unknown("// (floor division)")
    def __mod__(self, other): _unknown("% (remainder)")
    def __rmod__(self, other): _unknown("% (remainder)")
    def __getitem__(self, key): _unknown("indexing [...]")

    def __getattr__(self, name: str):
        # An AttributeError, so hasattr() and duck typing still work; the
        # message names the operation.
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(_unknown_text(f".{name}()"))

    # ---- the backward pass: chainrule's ----------------------------------------
    def backward(self) -> None:
        """Gradients of this scalar into every node's `.grad`, added to what is
        there (as in micrograd and PyTorch: zero them between steps)."""
        if self.data.__class__ is not float:
            raise ShapeError(f"backward() needs a scalar, not shape {self.data.shape}: "
                             "call .sum() or .mean() first")
        plan, order = record_plan(self)
        grads, _ = run_backward(to_graph(plan), len(plan) - 1, record=False)
        for node, g in zip(order, grads, strict=True):
            if g is not None and node._kind != CONST:
                node.grad = node.grad + g

    def zero_grad(self) -> None:
        self.grad = 0.0 if self.data.__class__ is float else np.zeros_like(self.data)

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data}, grad={self.grad}{name})"


class Value(Node):
    """A scalar: `Value(2.0, label="w")`."""

    __slots__ = ()

    def __init__(self, data, label: str = "", **kw):
        if isinstance(data, Node):
            raise TypeError("Value(...) takes a number; this is already a recorded value")
        super().__init__(_scalar(data), label, **kw)


def _scalar(data) -> float:
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"Value needs a number, not {type(data).__name__}") from None
    if x.ndim:
        raise TypeError(f"Value holds a scalar; shape {x.shape} is a chainrule.Tensor")
    return float(x)


def _node(x) -> Node:
    """An operand: a recorded value as it is, a number or an array as a constant."""
    if isinstance(x, Node):
        return x
    if isinstance(x, bool | int | float | np.number):
        return Value(float(x), _kind=CONST)
    if isinstance(x, np.ndarray | list | tuple):
        data = np.asarray(x, dtype=np.float64)
        if data.ndim == 0:
            return Value(float(data), _kind=CONST)
        return Node._tensor_class(data, _kind=CONST)
    if hasattr(x, "_prev") and hasattr(x, "data"):
        raise TypeError("a micrograd Value cannot mix with chainrule's: show(v) imports a "
                        "whole micrograd graph")
    raise TypeError(f"chainrule cannot record an operation with {type(x).__name__}")


def _record(name: str, inputs: tuple[Node, ...]) -> Node:
    op = OPS[name]
    xs = [n.data for n in inputs]
    if any(x.__class__ is not float for x in xs):
        shapes = [np.shape(x) for x in xs]
        if name == "matmul":
            if not shapes[0] or not shapes[1]:
                raise ShapeError("@ needs tensors of at least one dimension on both sides")
            matmul_shape(*shapes)
        elif op.broadcasts:
            broadcast_shape(*shapes)
    out = call(op.forward, xs)
    cls = Value if out.__class__ is float else Node._tensor_class
    node = cls.__new__(cls)
    Node.__init__(node, out, "", _kind=OP, _op=name, _prev=inputs)
    return node


def _unknown(what: str):
    raise NotImplementedError(_unknown_text(what))


def _unknown_text(what: str) -> str:
    return (f"{what} is not in chainrule's op table, so it cannot be recorded; the table has "
            f"+ - * / ** @, unary -, abs, {', '.join(METHODS)}, maximum, minimum, "
            "cross_entropy and mse")


def record_plan(root: Node) -> tuple[Plan, list[Node]]:
    """The graph under `root` as a Plan, and the node behind each entry."""
    order = topo(root, lambda n: n._prev)
    index = {id(n): k for k, n in enumerate(order)}
    plan = Plan()
    for n in order:
        plan.add(n._kind, n._op or None, tuple(index[id(p)] for p in n._prev), n.data, n.label)
    return plan, order
