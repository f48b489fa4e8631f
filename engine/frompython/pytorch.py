"""PyTorch autograd graphs onto chainrule's op table. Imported only when
show() or trace() is given a tensor: torch is never imported otherwise.

The walk follows `grad_fn.next_functions` down to the leaves
(`AccumulateGrad.variable`, named from `params=` as torchviz names them).
Inputs that need no gradient (data, targets) are constants, read from the
tensors PyTorch saved for the backward pass; an added constant PyTorch does
not save (`x + 2`) is read back from the node's output, which the next node
saved. Values are recomputed by the op table in float64, and PyTorch's own
gradients come from `torch.autograd.grad` on the same graph (what
`t.backward()` would put in `.grad`, without touching `.grad`)."""

from __future__ import annotations

import re

import numpy as np

from .plan import CONST, LEAF, OP, Plan, to_graph, topo

UNARY = {"ExpBackward0": "exp", "LogBackward0": "log", "TanhBackward0": "tanh",
         "SigmoidBackward0": "sigmoid", "ReluBackward0": "relu", "SqrtBackward0": "sqrt",
         "SinBackward0": "sin", "CosBackward0": "cos", "AbsBackward0": "abs",
         "NegBackward0": "neg", "SumBackward0": "sum", "MeanBackward0": "mean"}
BINARY = {"AddBackward0": "add", "SubBackward0": "sub", "MulBackward0": "mul",
          "DivBackward0": "div", "MmBackward0": "matmul", "MvBackward0": "matmul",
          "DotBackward0": "matmul", "MaximumBackward0": "max", "MinimumBackward0": "min",
          "PowBackward1": "pow"}
# Which saved tensor holds which input's value, per backward node.
SAVED = {"MulBackward0": ("_saved_self", "_saved_other"),
         "DivBackward0": ("_saved_self", "_saved_other"),
         "MaximumBackward0": ("_saved_self", "_saved_other"),
         "MinimumBackward0": ("_saved_self", "_saved_other"),
         "PowBackward1": ("_saved_self", "_saved_exponent"),
         "MmBackward0": ("_saved_self", "_saved_mat2"),
         "MvBackward0": ("_saved_self", "_saved_vec"),
         "DotBackward0": ("_saved_self", "_saved_tensor"),
         "AddmmBackward0": (None, "_saved_mat1", "_saved_mat2"),
         "MseLossBackward0": ("_saved_self", "_saved_target"),
         "NllLossBackward0": ("_saved_self",),
         "LogBackward0": ("_saved_self",), "SinBackward0": ("_saved_self",),
         "CosBackward0": ("_saved_self",), "AbsBackward0": ("_saved_self",)}
KNOWN = sorted({*UNARY, *BINARY, "AccumulateGrad", "TBackward0", "AddmmBackward0",
                "MulBackward1", "DivBackward1", "PowBackward0", "RsubBackward1",
                "LogSoftmaxBackward0", "SoftmaxBackward0", "NllLossBackward0",
                "MseLossBackward0"})
FREED = ("PyTorch has freed this graph's saved tensors (backward() ran without "
         "retain_graph=True): show(t) before t.backward(), or call "
         "t.backward(retain_graph=True)")


def array(t):
    """A tensor's value as chainrule holds it: float64, a float when 0-d."""
    a = t.detach().cpu().double().numpy()
    return float(a) if a.ndim == 0 else a.copy()


def name_of(fn) -> str:
    return fn.name().rpartition("::")[2]


class Walk:
    def __init__(self, root, params: dict | None):
        self.root = root
        self.names = {id(p): _identifier(n) for n, p in (params or {}).items()}
        # Data given a name in params= (x, y) is a leaf too, by its storage:
        # a saved tensor is a new Python object over the same memory.
        self.data_names = {(p.data_ptr(), tuple(p.shape)): _identifier(n)
                           for n, p in (params or {}).items()
                           if hasattr(p, "data_ptr") and not p.requires_grad}
        self.plan = Plan()
        self.index: dict[int, int] = {}
        self.out: dict[int, object] = {id(root.grad_fn): array(root)}  # known outputs
        self.leaves: list[tuple[int, object, bool]] = []  # (plan index, tensor, transposed)

    def saved(self, fn, attr: str):
        try:
            return getattr(fn, attr)
        except RuntimeError as err:
            raise ValueError(FREED) from err
        except AttributeError:
            return None

    def run(self) -> int:
        fns = topo(self.root.grad_fn,
                   lambda fn: [f for f, _ in fn.next_functions if f is not None])
        for fn in fns:  # each node's output as the next node saved it
            for k, attr in enumerate(SAVED.get(name_of(fn), ())):
                value = self.saved(fn, attr) if attr else None
                f = fn.next_functions[k][0] if k < len(fn.next_functions) else None
                if f is not None and value is not None and hasattr(value, "detach"):
                    self.out.setdefault(id(f), array(value))
            if name_of(fn) == "AccumulateGrad":
                self.out[id(fn)] = array(fn.variable)
            result = self.saved(fn, "_saved_result")  # tanh, sigmoid, relu, exp keep their own
            if result is not None and hasattr(result, "detach"):
                self.out.setdefault(id(fn), array(result))
        self.spread(fns)
        for fn in fns:
            self.index[id(fn)] = self.map(fn)
        return self.index[id(self.root.grad_fn)]

    def spread(self, fns: list) -> None:
        """Known outputs through additions, from the output down: if a + b and
        a are known, so is b. (`2*x + 2 + x`: the output of `2*x + 2` is what
        the next node saved minus x, and from it the unsaved 2.)"""
        out = self.out
        for fn in reversed(fns):
            name = name_of(fn)
            pair = [f for f, _ in fn.next_functions]
            if name not in ("AddBackward0", "SubBackward0") or id(fn) not in out or None in pair:
                continue
            total, (a, b) = out[id(fn)], (out.get(id(pair[0])), out.get(id(pair[1])))
            if (a is None) == (b is None) or np.shape(a if b is None else b) != np.shape(total):
                continue
            sign = 1.0 if name == "AddBackward0" else -1.0
            if a is None:
                out[id(pair[0])] = _plain(np.asarray(total) - sign * np.asarray(b))
            else:
                out[id(pair[1])] = _plain(sign * (np.asarray(total) - np.asarray(a)))

    # ---- one backward node ------------------------------------------------------
    def map(self, fn) -> int:
        name = name_of(fn)
        add, nxt = self.plan.add, fn.next_functions
        mine = self.out.get(id(fn))
        if name == "AccumulateGrad":
            v = fn.variable
            self.leaves.append((len(self.plan), v, False))
            return add(LEAF, None, (), array(v), self.names.get(id(v)))
        below = nxt[0][0] if nxt else None
        if name == "TBackward0" and below is not None and name_of(below) == "AccumulateGrad":
            v = below.variable  # Wᵀ of a parameter: a leaf of its own, its gradient gᵀ
            self.leaves.append((len(self.plan), v, True))
            label = self.names.get(id(v))
            return add(LEAF, None, (), array(v).T.copy(), f"{label}_T" if label else None)
        if name in UNARY:
            return add(OP, UNARY[name], (self.input(fn, 0),), mine, None)
        if name in BINARY:
            self.unit_alpha(fn, name)
            a, b = self.input(fn, 0, optional=True), self.input(fn, 1, optional=True)
            if a is None or b is None:
                a, b = self.infer(fn, name, a, b, mine)
            return add(OP, BINARY[name], (a, b), mine, None)
        if name in ("MulBackward1", "DivBackward1", "PowBackward0"):
            attr = "_saved_exponent" if name == "PowBackward0" else "_saved_other"
            c = add(CONST, None, (), float(self.saved(fn, attr)), None)
            op = {"MulBackward1": "mul", "DivBackward1": "div", "PowBackward0": "pow"}[name]
            return add(OP, op, (self.input(fn, 0), c), mine, None)
        if name == "RsubBackward1":  # c - x: c is not saved, the output says it
            self.unit_alpha(fn, name)
            x = self.input(fn, 0)
            c = self.read_back(fn, name, lambda out, xv: out + xv, x)
            return add(OP, "sub", (c, x), mine, None)
        if name == "AddmmBackward0":  # bias + mat1 @ mat2
            for attr in ("_saved_alpha", "_saved_beta"):
                if float(self.saved(fn, attr)) != 1.0:
                    raise self.unknown(name, f"{attr[7:]} = {self.saved(fn, attr)}")
            m = add(OP, "matmul", (self.input(fn, 1), self.input(fn, 2)), None, None)
            return add(OP, "add", (m, self.input(fn, 0)), mine, None)
        if name in ("LogSoftmaxBackward0", "SoftmaxBackward0"):
            self.last_dim(fn, name)
            op = "log_softmax" if name.startswith("Log") else "softmax"
            return add(OP, op, (self.input(fn, 0),), mine, None)
        if name == "NllLossBackward0":
            return self.cross_entropy(fn, mine)
        if name == "MseLossBackward0":
            if int(self.saved(fn, "_saved_reduction")) != 1:
                raise self.unknown(name, "a reduction other than the mean")
            return add(OP, "mse", (self.input(fn, 0), self.input(fn, 1)), mine, None)
        raise self.unknown(name)

    def cross_entropy(self, fn, mine) -> int:
        """nll_loss(log_softmax(x), target), as F.cross_entropy makes it, is one
        cross_entropy(x, target) in the op table."""
        below = fn.next_functions[0][0]
        if below is None or name_of(below) != "LogSoftmaxBackward0":
            raise self.unknown("NllLossBackward0", "nll_loss not after log_softmax")
        if (int(self.saved(fn, "_saved_reduction")) != 1
                or self.saved(fn, "_saved_weight") is not None):
            raise self.unknown("NllLossBackward0",
                               "class weights or a reduction other than the mean")
        self.last_dim(below, "LogSoftmaxBackward0")
        target = self.saved(fn, "_saved_target").detach().cpu().numpy()
        ignore = int(self.saved(fn, "_saved_ignore_index"))
        if ignore < 2**62 and np.any(target == ignore) or ignore >= 2**62 and np.any(target < 0):
            raise self.unknown("NllLossBackward0", "targets equal to ignore_index")
        t = self.plan.add(CONST, None, (), target.astype(np.float64) if target.ndim
                          else float(target), None)
        return self.plan.add(OP, "cross_entropy", (self.input(below, 0), t), mine, None)

    # ---- inputs -----------------------------------------------------------------
    def input(self, fn, k: int, optional: bool = False) -> int | None:
        f = fn.next_functions[k][0]
        if f is not None:
            return self.index[id(f)]
        attrs = SAVED.get(name_of(fn), ())
        value = self.saved(fn, attrs[k]) if k < len(attrs) and attrs[k] else None
        if value is None:
            if optional:
                return None
            raise self.unknown(name_of(fn), f"its input {k} needs no gradient and PyTorch "
                                            "did not save it")
        named = self.data_names.get((value.data_ptr(), tuple(value.shape)))
        return self.plan.add(LEAF if named else CONST, None, (), array(value), named)

    def infer(self, fn, name: str, a, b, mine) -> tuple[int, int]:
        """An added or subtracted constant: output minus (or plus) the other input."""
        if name not in ("AddBackward0", "SubBackward0") or (a is None and b is None):
            raise self.unknown(name, "an input that needs no gradient and was not saved")
        if name == "AddBackward0":
            known = a if a is not None else b
            c = self.read_back(fn, name, lambda out, x: out - x, known)
            return (known, c) if b is None else (c, known)
        if b is None:  # x - c: c = x - out
            return a, self.read_back(fn, name, lambda out, x: x - out, a)
        return self.read_back(fn, name, lambda out, x: out + x, b), b  # c - x: c = out + x

    def read_back(self, fn, name: str, solve, x: int) -> int:
        out = self.out.get(id(fn))
        xv = self.value(x)
        if out is None or xv is None:
            raise self.unknown(name, "it adds a constant (as in x + 1) that PyTorch did not "
                                     "save, and chainrule cannot read it back from the outputs "
                                     "PyTorch kept")
        c = solve(np.asarray(out), np.asarray(xv))
        c = float(c) if np.ndim(c) == 0 else c
        if c.__class__ is float and abs(c - round(c)) <= 1e-12 * max(1.0, abs(c)):
            c = float(round(c))  # x + 2 reads back as 2.0000000000000004: it was 2
        return self.plan.add(CONST, None, (), c, None)

    def value(self, i: int):
        """A plan entry's value: as recorded (leaves, constants, outputs PyTorch
        saved), or recomputed by the op table."""
        if self.plan.data[i] is not None:
            return self.plan.data[i]
        sub, _ = self.plan.subplan(i)
        return to_graph(sub).values[-1]

    def unit_alpha(self, fn, name: str) -> None:
        alpha = self.saved(fn, "_saved_alpha")
        if alpha is not None and float(alpha) != 1.0:
            raise self.unknown(name, f"alpha = {alpha}")

    def last_dim(self, fn, name: str) -> None:
        dim = int(self.saved(fn, "_saved_dim"))
        ndim = np.ndim(self.saved(fn, "_saved_result").detach().cpu().numpy())
        if dim not in (-1, ndim - 1):
            raise self.unknown(name, f"dim={dim} (the op table's runs along the last axis)")

    def unknown(self, name: str, why: str = "") -> NotImplementedError:
        why = f" ({why})" if why else ""
        return NotImplementedError(
            f"PyTorch's {name}{why} is not an op chainrule can map onto its op table; "
            f"it maps {', '.join(KNOWN)}")


def _plain(x):
    return float(x) if np.ndim(x) == 0 else x


def _identifier(name: str) -> str:
    """`fc1.weight` as a name in the language: `fc1_weight`."""
    name = re.sub(r"\W", "_", str(name))
    return name if name and not name[0].isdigit() else f"p_{name}"


def torch_plan(t, params: dict | None) -> tuple[Plan, list, bool, dict, float]:
    """The plan of `t`'s autograd graph, PyTorch's gradient per plan entry
    (leaves), and the tolerance its dtype allows."""
    import torch

    if t.grad_fn is None:
        raise ValueError("this tensor has no grad_fn: make it from tensors with "
                         "requires_grad=True (or give params= their names)")
    if t.numel() != 1:
        raise ValueError(f"the tensor has shape {tuple(t.shape)}: the step-through starts "
                         "from a scalar, so .sum() or .mean() it first")
    walk = Walk(t, params)
    root = walk.run()
    plan, old = walk.plan.subplan(root)  # nll after log_softmax leaves log_softmax unused
    where = {i: k for k, i in enumerate(old)}
    kept = [(where[i], v, tr) for i, v, tr in walk.leaves if i in where]
    try:
        grads = torch.autograd.grad(t, [v for _, v, _ in kept], retain_graph=True,
                                    allow_unused=True)
    except RuntimeError as err:
        raise ValueError(FREED) from err
    theirs: list = [None] * len(plan)
    for (k, v, tr), g in zip(kept, grads, strict=True):
        g = np.zeros(tuple(v.shape)) if g is None else np.asarray(array(g))
        theirs[k] = g.T if tr else g
        if np.ndim(theirs[k]) == 0:
            theirs[k] = float(theirs[k])
    tol = 1e-9 if t.dtype == torch.float64 else 1e-4  # float32: PyTorch rounds, chainrule does not
    return plan, theirs, True, {}, tol
