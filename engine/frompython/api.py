"""chainrule.trace and chainrule.show for Python objects: a recorded Value or
Tensor, a function of named values, a micrograd Value, a PyTorch tensor with
a grad_fn; program text and trace dicts go on to the existing show().

    >>> from chainrule import Value, trace
    >>> t = trace(lambda w, x: (w*x - 1)**2, w=2.0, x=3.0)
    >>> t["gradients"]["w"]
    30.0
"""

from __future__ import annotations

import gc
import inspect
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from ..explain.run import trace_program
from ..explain.show import StepThrough
from ..explain.show import show as show_program
from ..limits import DEFAULT_LIMITS, Limits
from .listing import Listing
from .micrograd import is_micrograd, micrograd_grads, micrograd_plan
from .plan import CONST, LEAF, Plan
from .tensor import Tensor
from .tracing import TOLERANCE, compare, mark, trace_plan
from .value import Node, Value, record_plan

# Past this many nodes the page's drawing stops being readable (dagre lays out
# every node): show() still works, and says how to see one sample's graph.
READABLE_NODES = 2_000


@dataclass
class Traced:
    trace: dict
    listing: Listing
    report: dict | None  # micrograd's or PyTorch's agreement with chainrule
    samples: int         # how many per-sample terms the output sums
    chosen: int | None   # the sample show() picked because the whole is too big to draw
    whole: int          # nodes in the whole graph


def trace(target, /, *args, check: bool = True, params: dict | None = None,
          sample: int | None = None, limits: Limits = DEFAULT_LIMITS, **values) -> dict:
    """The `chainrule.trace/1` document of `target`: a Value or Tensor, a
    micrograd Value, a PyTorch tensor with a grad_fn (leaf names from
    `params`), or a function called with `values` as recording Values.
    `sample=i` traces only the i-th term of the sum the output is made of
    (one sample's loss in a loss summed over a data set); a micrograd or
    PyTorch graph is still compared whole."""
    return traced(target, args, values, check=check, params=params, sample=sample,
                  limits=limits, depth=2).trace


def show(target, /, *args, check: bool = True, params: dict | None = None,
         sample: int | str = "auto", step: int | None = None,
         limits: Limits = DEFAULT_LIMITS, **values) -> StepThrough:
    """The step-through of `target` (anything trace() takes, or program text
    and a trace dict as before), inline in a notebook; `.save(path)` writes it.
    Past READABLE_NODES nodes, a loss summed over samples shows sample 0's
    graph (and warns); `sample=i` picks one, `sample="all"` the whole graph."""
    if isinstance(target, str | dict):  # show(program, values=None, step=None), as before
        if len(args) > 2 or params is not None or sample != "auto":
            raise TypeError("program text and trace dicts take values and step only")
        given = args[0] if args else values.pop("values", None)
        step = args[1] if len(args) > 1 else step
        if values:
            raise TypeError(f"unexpected arguments for program text: {sorted(values)}")
        return show_program(target, given, step=step)
    t = traced(target, args, values, check=check, params=params, sample=sample,
               limits=limits, depth=2)
    if t.chosen is not None:
        warnings.warn(f"the whole graph has {t.whole} nodes, past the {READABLE_NODES} the page "
                      f"draws readably: showing sample {t.chosen} of {t.samples} "
                      f"({len(t.trace['nodes'])} nodes); show(..., sample=i) shows another, "
                      "sample='all' the whole graph", stacklevel=2)
    elif len(t.trace["nodes"]) > READABLE_NODES:
        warnings.warn(f"this graph has {len(t.trace['nodes'])} nodes; the page draws about "
                      f"{READABLE_NODES} readably", stacklevel=2)
    listed = {k: (v.tolist() if isinstance(v, np.ndarray) else v)
              for k, v in t.listing.values.items()}
    shown = StepThrough(t.trace, program=t.listing.program, values=listed, step=step)
    shown.report = t.report
    return shown


def traced(target, args: tuple, values: dict, *, check: bool, params, sample, limits,
           depth: int) -> Traced:
    # As in trace_program: the walk, the plan and the listing make hundreds of
    # thousands of acyclic containers that the cyclic GC would rescan in vain.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _traced(target, args, values, check, params, sample, limits,
                       sys._getframe(depth))
    finally:
        if was_enabled:
            gc.enable()


def _traced(target, args: tuple, values: dict, check: bool, params, sample, limits,
            frame) -> Traced:
    names_from: dict | None = frame.f_locals
    if isinstance(target, str):
        return _text(target, values, check, limits)
    if _is_torch(target):
        from .pytorch import torch_plan  # imports torch: only when given a tensor
        if args or values:
            raise TypeError("a tensor is traced as it is: no values to give")
        plan, grads, known, names, tol = torch_plan(target, params)
        names.update(_variable_names(frame.f_locals, {id(target): len(plan) - 1}))
        return _finish(plan, names, check, sample, limits, grads, known, "PyTorch", tol)
    if is_micrograd(target) and not isinstance(target, Node):
        if args or values:
            raise TypeError("a micrograd Value is traced as it is: no values to give")
        plan, behind = micrograd_plan(target)
        grads, known = micrograd_grads(behind, target)
        names = _variable_names(names_from, {id(v): k for k, v in enumerate(behind)
                                             if v is not None})
        return _finish(plan, names, check, sample, limits, grads, known, "micrograd")
    if callable(target) and not isinstance(target, Node):
        target, names_from = call_recording(target, args, values)
    elif args or values:
        raise TypeError(f"values are for a function; {type(target).__name__} is traced as it is")
    if not isinstance(target, Node):
        raise TypeError(f"chainrule cannot trace a {type(target).__name__}: give a chainrule "
                        "Value or Tensor, a function of them, a micrograd Value, a PyTorch "
                        "tensor with a grad_fn, or program text")
    plan, order = record_plan(target)
    names = _variable_names(names_from, {id(n): k for k, n in enumerate(order)})
    return _finish(plan, names, check, sample, limits, None, False, None)


def _text(program: str, values: dict, check: bool, limits: Limits) -> Traced:
    trace = trace_program(program, values or None, check=check, limits=limits)
    return Traced(trace, None, None, 0, None, len(trace["nodes"]))


def _finish(plan: Plan, names: dict, check, sample, limits, grads, known, source,
            tol: float = TOLERANCE) -> Traced:
    out = plan.data[-1]
    if out.__class__ is not float:
        raise ValueError(f"the output has shape {out.shape}: the step-through starts from a "
                         "scalar, so call .sum() or .mean() on it first")
    terms = sample_terms(plan)
    whole = len(plan)
    chosen = None
    if sample == "auto":  # show(): one sample's graph when the whole is past drawing
        sample = chosen = 0 if whole > READABLE_NODES and len(terms) > 1 else None
    elif sample == "all":
        sample = None
    # The whole graph is compared, gradients included, even when one sample is shown.
    report = None
    if source is not None:
        report = compare(plan, grads, source, grads_known=known, tol=tol)
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < len(terms):
            raise IndexError(f"sample={sample!r}: the output sums {len(terms)} samples "
                             f"(0 to {len(terms) - 1})" if terms else
                             "sample=: the output is not a sum over samples")
        plan, old = plan.subplan(terms[sample])
        where = {i: k for k, i in enumerate(old)}
        names = {where[i]: n for i, n in names.items() if i in where}
        if report is not None:
            report["sample"] = sample
            report["disagreements"] = [{**d, "index": where[d["index"]]}
                                       for d in report["disagreements"] if d["index"] in where]
    trace, listing = trace_plan(plan, names, check=check, limits=limits)
    if report is not None:
        mark(trace, listing, report)
    return Traced(trace, listing, report, len(terms), chosen, whole)


def call_recording(f, args: tuple, values: dict) -> tuple[object, dict]:
    """Call `f` with recording Values (named after its parameters) and return
    its result and its local variables at return (the names of what it made)."""
    try:
        bound = inspect.signature(f).bind(*args, **values)
    except TypeError as err:
        raise TypeError(f"cannot call {getattr(f, '__name__', f)!r} with these values: "
                        f"{err}") from None
    except ValueError:  # a builtin without a signature
        bound = None
    wrap = {} if bound is None else dict(bound.arguments)
    for name, v in wrap.items():
        wrap[name] = _recording(v, name)
    code = getattr(f, "__code__", None)
    seen: dict = {}

    def profile(frame, event, arg):
        if event == "return" and frame.f_code is code:
            seen.update(frame.f_locals)

    old = sys.getprofile()
    sys.setprofile(profile if code is not None else old)
    try:
        out = f(**wrap) if bound is not None else f(*args, **values)
    finally:
        sys.setprofile(old)
    if not isinstance(out, Node):
        raise TypeError(f"the function returned {type(out).__name__}, not a recorded value: "
                        "does its result depend on its arguments?")
    return out, {**seen, **wrap}


def _recording(v, name: str):
    if isinstance(v, Node):
        if not v.label:
            v.label = name
        return v
    if isinstance(v, bool | int | float | np.number):
        return Value(float(v), label=name)
    if isinstance(v, list | tuple | np.ndarray):
        return Tensor(v, label=name)
    raise TypeError(f"{name}={type(v).__name__}: give numbers, lists or arrays")


def _variable_names(scope: dict | None, index: dict[int, int]) -> dict[int, str]:
    """Plan index -> a variable name the caller gave that node (IPython's
    `_`, `_1` history and private names left out)."""
    names: dict[int, str] = {}
    for name, obj in (scope or {}).items():
        k = index.get(id(obj))
        if k is not None and not name.startswith("_") and k not in names:
            names[k] = name
    return names


def sample_terms(plan: Plan) -> list[int]:
    """The terms of the heaviest chain of additions in the plan, in order:
    `sum(losses)` over a data set is such a chain, one term per sample. A
    chain weighs the depths of its terms, so the data loss's few deep terms
    win over a regularizer's many `p*p`. Constants and leaves (Python's sum
    starts from 0) are not terms."""
    n = len(plan)
    depth = [0] * n
    weight = [0] * n  # of the chain of additions ending at node i
    down = [-1] * n   # the addition continuing that chain
    for i in range(n):
        ins = plan.inputs[i]
        if ins:
            depth[i] = 1 + max(depth[j] for j in ins)
        if plan.ops[i] == "add":
            below = max((j for j in ins if plan.ops[j] == "add"), key=weight.__getitem__,
                        default=-1)
            down[i] = below
            weight[i] = sum(depth[j] for j in ins if j != below) + (weight[below] if below >= 0
                                                                    else 0)
    if not n or max(weight) == 0:
        return []
    node = max(range(n), key=weight.__getitem__)
    terms: list[int] = []
    while node >= 0:
        terms.extend(j for j in reversed(plan.inputs[node]) if j != down[node])
        node = down[node]
    terms.reverse()
    terms = [j for j in terms if plan.kinds[j] not in (CONST, LEAF)]
    return terms if len(terms) > 1 else []


def _is_torch(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "torch" and hasattr(obj, "grad_fn")
