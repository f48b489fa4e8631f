"""A graph handed over from Python (chainrule.Value, micrograd, PyTorch) as
plain parallel lists, before it becomes chainrule's own Graph.

Every adapter produces a Plan in topological order (inputs before the node);
the Plan becomes a Graph for the backward pass (`to_graph`) and a chainrule
program for the trace (listing.py). Nothing here differentiates: the op
table and backward.py do."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..autodiff.graph import Graph
from ..autodiff.ops import OPS
from ..limits import Limits

LEAF, CONST, OP = "leaf", "const", "op"

# .backward() is computation, not drawing: far wider bounds than the page's.
COMPUTE_LIMITS = Limits(max_nodes=20_000_000, max_tensor_elements=100_000_000,
                        max_total_elements=2_000_000_000)


@dataclass
class Plan:
    kinds: list[str] = field(default_factory=list)
    ops: list[str | None] = field(default_factory=list)
    inputs: list[tuple[int, ...]] = field(default_factory=list)
    data: list = field(default_factory=list)  # float or float64 ndarray, as recorded
    labels: list[str | None] = field(default_factory=list)

    def add(self, kind: str, op: str | None, inputs: tuple[int, ...], data, label) -> int:
        self.kinds.append(kind)
        self.ops.append(op)
        self.inputs.append(inputs)
        self.data.append(data)
        self.labels.append(label or None)
        return len(self.kinds) - 1

    def __len__(self) -> int:
        return len(self.kinds)

    def subplan(self, root: int) -> tuple[Plan, list[int]]:
        """The part of the plan `root` depends on, and each kept node's old index."""
        keep = [False] * (root + 1)
        keep[root] = True
        for i in range(root, -1, -1):
            if keep[i]:
                for j in self.inputs[i]:
                    keep[j] = True
        old = [i for i in range(root + 1) if keep[i]]
        new = {i: k for k, i in enumerate(old)}
        sub = Plan()
        for i in old:
            sub.add(self.kinds[i], self.ops[i], tuple(new[j] for j in self.inputs[i]),
                    self.data[i], self.labels[i])
        return sub, old


def topo(root, children) -> list:
    """Post-order of the graph under `root` (each node after its inputs), by an
    explicit stack: a 50,000-node micrograd chain would overflow recursion."""
    order = []
    seen = {id(root)}
    stack = [(root, iter(children(root)))]
    while stack:
        node, it = stack[-1]
        for child in it:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(children(child))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def to_graph(plan: Plan, limits: Limits = COMPUTE_LIMITS) -> Graph:
    """The plan as chainrule's Graph: leaves and constants as given, every op
    node recomputed by the op table (so the values are chainrule's own)."""
    graph = Graph(limits)
    for kind, op, ins, data, label in zip(plan.kinds, plan.ops, plan.inputs, plan.data,
                                          plan.labels, strict=True):
        if kind == LEAF:
            graph.leaf(data, label or "", (0, 0))
        elif kind == CONST:
            graph.const(data, label or "", (0, 0))
        else:
            graph.apply(OPS[op], ins, (0, 0))
    return graph
