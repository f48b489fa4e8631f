"""What backprop costs on this program: operations and FLOPs of the forward
and the backward pass, and the memory the forward pass must keep for the
backward one. The ratio backward/forward is the "cheap gradient" theorem made
concrete: reverse mode costs a small constant times the forward pass, however
many leaves there are.

Counting rules (one FLOP per arithmetic operation, a transcendental such as
exp or tanh counted as one, like PyTorch's profiler):
- forward: elementwise ops cost their output's size; sum and mean the input's;
  mse 3n; softmax and log_softmax 4n; cross_entropy 5n; A@B 2·m·k·n.
- backward, per edge into an input that needs a gradient: the local
  derivative (LOCAL per element, 0 when it is an input or the output itself),
  the chain-rule product upstream·local, the sum that undoes broadcasting,
  and the `+=` when the input already holds a contribution. A VJP edge
  (matmul, softmax) costs what its formula does: 2·m·k·n for either side of @.
- memory: the values a derivative reads (READS below), each kept once.
"""

from __future__ import annotations

from ..autodiff.graph import OP, Graph

# Per output element: FLOPs of the local derivative of each input.
LOCAL = {"add": 0, "sub": 0, "mul": 0, "div": 3, "pow": 3, "max": 1, "min": 1, "neg": 0,
         "exp": 0, "log": 1, "sqrt": 1, "sin": 1, "cos": 1, "tanh": 2, "sigmoid": 2, "relu": 1,
         "abs": 1, "sum": 0, "mean": 0, "mse": 2, "cross_entropy": 4}
FORWARD_PER_ELEMENT = {"mse": 3, "softmax": 4, "log_softmax": 4, "cross_entropy": 5}
REDUCES = {"sum", "mean", "mse", "cross_entropy"}  # cost by the input's size
# What each derivative reads: its inputs, its output, or neither (add, sub, sum, ...).
READS_INPUTS = {"mul", "div", "pow", "max", "min", "log", "sin", "cos", "relu", "abs", "mse",
                "cross_entropy", "matmul"}
READS_OUTPUT = {"pow", "exp", "sqrt", "tanh", "sigmoid", "softmax", "log_softmax"}


def _size(v) -> int:
    return 1 if v.__class__ is float else v.size


def _bytes(v) -> int:
    return 8 if v.__class__ is float else v.nbytes


def cost_of(graph: Graph, output: int) -> dict:
    values, ops, inputs, needs, kinds = (graph.values, graph.ops, graph.inputs,
                                         graph.needs_grad, graph.kinds)
    f_ops = f_flops = b_ops = b_flops = accumulations = 0
    has_grad = [False] * (output + 1)
    has_grad[output] = True
    kept: set[int] = set()
    for i in range(output, -1, -1):
        if kinds[i] is not OP:
            continue
        op, ins = ops[i], inputs[i]
        name = op.name
        out = values[i]
        f_ops += 1
        if out.__class__ is float and name != "mean" and name not in REDUCES:
            f_flops += FORWARD_PER_ELEMENT.get(name, 1)  # scalars, the common case
        else:
            f_flops += _forward_flops(name, _size(out), values, ins)
        if not has_grad[i]:
            continue  # not on a path to the output: the backward pass never visits it
        if name in READS_OUTPUT:
            kept.add(i)
        for k, j in enumerate(ins):
            if not needs[j] or k in op.nondiff:
                continue
            b_ops += 1
            if out.__class__ is float and values[j].__class__ is float and name in LOCAL:
                b_flops += LOCAL[name] + 1
            else:
                b_flops += _edge_flops(name, _size(out), _size(values[j]), values, ins)
            if has_grad[j]:
                accumulations += 1
                b_flops += _size(values[j])
            has_grad[j] = True
        if name in READS_INPUTS:
            kept.update(ins)
    ratio = b_flops / f_flops if f_flops else None
    return {"forward": {"ops": f_ops, "flops": f_flops},
            "backward": {"ops": b_ops, "flops": b_flops, "accumulations": accumulations},
            "ratio": ratio,
            "saved": {"values": len(kept), "elements": sum(_size(values[i]) for i in kept),
                      "bytes": sum(_bytes(values[i]) for i in kept)}}


def _matmul_flops(a, out_size: int) -> int:
    return 2 * out_size * a.shape[-1]  # each output element: k multiplies and k adds


def _forward_flops(name: str, out_size: int, values, ins) -> int:
    if name == "matmul":
        return _matmul_flops(values[ins[0]], out_size)
    if name in REDUCES:
        return FORWARD_PER_ELEMENT.get(name, 1) * _size(values[ins[0]])
    return FORWARD_PER_ELEMENT.get(name, 1) * out_size


def _edge_flops(name: str, out_size: int, in_size: int, values, ins) -> int:
    if name == "matmul":
        return _matmul_flops(values[ins[0]], out_size)
    if name in ("softmax", "log_softmax"):
        return 4 * out_size
    size = max(out_size, in_size)  # a reduction's scalar upstream spreads over its input
    unbroadcast = out_size - in_size if out_size > in_size else 0
    return LOCAL[name] * size + size + unbroadcast
