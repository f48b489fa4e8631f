"""The computation graph as parallel lists indexed by node number.

Nodes are appended in evaluation order, so creation order is already a
topological order: forward walks it up, backward walks it down, both as
plain loops (a 1,000,000-node chain needs no recursion). No per-node
objects or closures means no reference cycles for the cyclic GC to chase.
"""

from __future__ import annotations

from ..errors import LimitError
from ..limits import Limits
from .codes import CONST_KIND, LEAF_KIND, OP_KIND
from .numeric import Value, call, count, is_finite, shape_of
from .ops import Op
from .rules import broadcast_shape, matmul_shape

LEAF, CONST, OP = LEAF_KIND, CONST_KIND, OP_KIND


class Graph:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.kinds: list[str] = []
        self.ops: list[Op | None] = []
        self.inputs: list[tuple[int, ...]] = []
        self.values: list[Value] = []
        self.labels: list[str | None] = []
        self.spans: list[tuple[int, int]] = []  # character offsets [start, end)
        self.needs_grad: list[bool] = []
        self.warnings: dict[int, list[str]] = {}
        self.elements = 0

    def __len__(self) -> int:
        return len(self.values)

    def _add(self, kind, op, inputs, value, label, span, needs) -> int:
        if len(self.values) >= self.limits.max_nodes:
            raise LimitError(f"the program makes more than {self.limits.max_nodes} nodes")
        if value.__class__ is not float:
            self._count_elements(value.size)
        self.kinds.append(kind)
        self.ops.append(op)
        self.inputs.append(inputs)
        self.values.append(value)
        self.labels.append(label)
        self.spans.append(span)
        self.needs_grad.append(needs)
        return len(self.values) - 1

    def _count_elements(self, n: int) -> None:
        if n > self.limits.max_tensor_elements:
            raise LimitError(f"a tensor of {n} elements is over the limit of "
                             f"{self.limits.max_tensor_elements}")
        self.elements += n
        if self.elements > self.limits.max_total_elements:
            raise LimitError(f"the program's tensors hold more than "
                             f"{self.limits.max_total_elements} elements in all")

    def leaf(self, value: Value, label: str, span: tuple[int, int]) -> int:
        index = self._add(LEAF, None, (), value, label, span, True)
        if not is_finite(value):  # given through values: NaN or ±inf
            self.warnings[index] = [f"{label} is not a finite number (NaN, or past the "
                                    "float range of ±1.8e308)"]
        return index

    def const(self, value: Value, label: str, span: tuple[int, int]) -> int:
        index = self._add(CONST, None, (), value, label, span, False)
        if not is_finite(value):  # a literal such as 1e309
            self.warnings[index] = ["a number past the float range of ±1.8e308"]
        return index

    def apply(self, op: Op, inputs: tuple[int, ...], span: tuple[int, int]) -> int:
        """Add an op node and compute its value now, so a shape or value error
        is reported at the place in the source that caused it."""
        values, needs = self.values, self.needs_grad
        if len(inputs) == 2:
            a, b = values[inputs[0]], values[inputs[1]]
            if a.__class__ is float and b.__class__ is float:
                out = None
                try:  # noqa: SIM105 (two floats, the common case; suppress() costs more)
                    out = op.forward(a, b)
                except (ArithmeticError, ValueError):
                    pass
                if out.__class__ is float:
                    if out - out == 0.0 and len(values) < self.limits.max_nodes:
                        self.kinds.append(OP)  # a finite float: _add_op's common case, inlined
                        self.ops.append(op)
                        self.inputs.append(inputs)
                        values.append(out)
                        self.labels.append(None)
                        self.spans.append(span)
                        needs.append(needs[inputs[0]] or needs[inputs[1]])
                        return len(values) - 1
                    return self._add_op(op, inputs, out, span, needs[inputs[0]] or needs[inputs[1]])
            xs = [a, b]
        elif len(inputs) == 1:
            a = values[inputs[0]]
            if a.__class__ is float:
                out = None
                try:  # noqa: SIM105 (one float)
                    out = op.forward(a)
                except (ArithmeticError, ValueError):
                    pass
                if out.__class__ is float:
                    if out - out == 0.0 and len(values) < self.limits.max_nodes:
                        self.kinds.append(OP)  # as above
                        self.ops.append(op)
                        self.inputs.append(inputs)
                        values.append(out)
                        self.labels.append(None)
                        self.spans.append(span)
                        needs.append(needs[inputs[0]])
                        return len(values) - 1
                    return self._add_op(op, inputs, out, span, needs[inputs[0]])
            xs = [a]
        else:
            xs = [values[i] for i in inputs]
        if op.broadcasts or op.name == "matmul":
            self._check_shapes(op, xs)
        out = call(op.forward, xs)
        return self._add_op(op, inputs, out, span,
                            any(needs[j] for k, j in enumerate(inputs) if k not in op.nondiff))

    def _add_op(self, op: Op, inputs, out, span, needs: bool) -> int:
        values = self.values
        if out.__class__ is float and out - out == 0.0 and len(values) < self.limits.max_nodes:
            self.kinds.append(OP)  # a finite float: the common case, inlined
            self.ops.append(op)
            self.inputs.append(inputs)
            values.append(out)
            self.labels.append(None)
            self.spans.append(span)
            self.needs_grad.append(needs)
            return len(values) - 1
        index = self._add(OP, op, inputs, out, None, span, needs)
        if not is_finite(out):
            self.warnings[index] = [self._cause(op, inputs, [values[j] for j in inputs])]
        return index

    def _check_shapes(self, op: Op, xs: list[Value]) -> None:
        if op.name == "matmul":
            shape = matmul_shape(shape_of(xs[0]), shape_of(xs[1]))
        elif xs[0].__class__ is float and xs[1].__class__ is float:
            return
        else:
            shape = broadcast_shape(shape_of(xs[0]), shape_of(xs[1]))
        n = 1
        for d in shape:
            n *= d
        if n > self.limits.max_tensor_elements:
            raise LimitError(f"this result would have {n} elements, over the limit of "
                             f"{self.limits.max_tensor_elements}")
        if op.name == "matmul":
            self._check_matmul_backward(shape_of(xs[0]), shape_of(xs[1]))

    def _check_matmul_backward(self, sa: tuple, sb: tuple) -> None:
        """The backward pass forms upstream @ bᵀ and aᵀ @ upstream over the broadcast
        batch before summing it away: (1,316,316) @ (316,316,1) makes 316 x 316 x 316."""
        if len(sa) < 3 and len(sb) < 3:
            return  # no batch: the temporaries are the shapes of a and b
        batch = 1
        for d in broadcast_shape(sa[:-2], sb[:-2]):
            batch *= d
        m = sa[-2] if len(sa) > 1 else 1
        k = sa[-1]
        n = sb[-1] if len(sb) > 1 else 1
        largest = batch * k * max(m, n)
        if largest > self.limits.max_tensor_elements:
            raise LimitError(f"the backward pass of this @ would make a tensor of {largest} "
                             f"elements (the batch broadcast), over the limit of "
                             f"{self.limits.max_tensor_elements}")

    def _cause(self, op: Op, inputs: tuple[int, ...], xs: list[Value]) -> str:
        for j, x in zip(inputs, xs, strict=True):
            if not is_finite(x):
                return f"non-finite input from {self.labels[j] or self.ops[j].name}"
        return op.why(*xs) if op.why else f"non-finite result of {op.name}"

    # ---- re-evaluation (gradient check, training) ----------------------------
    def forward(self, start: int = 0, stop: int | None = None) -> Value:
        """Recompute the op nodes start..stop-1 after leaf values changed;
        returns the last one's value."""
        values, kinds, ops, inputs = self.values, self.kinds, self.ops, self.inputs
        stop = len(values) if stop is None else stop
        for i in range(start, stop):
            if kinds[i] is not OP:
                continue
            ins = inputs[i]
            if len(ins) == 2:
                a, b = values[ins[0]], values[ins[1]]
                if a.__class__ is float and b.__class__ is float:
                    try:  # two floats, the common case, inlined
                        out = ops[i].forward(a, b)
                        if out.__class__ is float:
                            values[i] = out
                            continue
                    except (ArithmeticError, ValueError):
                        pass  # Python raised on 1/0 or overflow: call() answers IEEE
                values[i] = call(ops[i].forward, [a, b])
            elif len(ins) == 1:
                a = values[ins[0]]
                if a.__class__ is float:
                    try:  # one float: relu, tanh, exp, ...
                        out = ops[i].forward(a)
                        if out.__class__ is float:
                            values[i] = out
                            continue
                    except (ArithmeticError, ValueError):
                        pass
                values[i] = call(ops[i].forward, [a])
            else:
                values[i] = call(ops[i].forward, [values[j] for j in ins])
        return values[stop - 1]

    def size_of(self, i: int) -> int:
        return count(self.values[i])
