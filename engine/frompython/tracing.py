"""A Plan -> the `chainrule.trace/1` document, through trace_program on the
plan's listing (so nothing about the trace is built twice), and the report of
where a foreign library's values or gradients differ from chainrule's."""

from __future__ import annotations

import warnings

import numpy as np

from ..autodiff.backward import backward
from ..errors import LimitError, ProgramError
from ..explain.run import trace_program
from ..limits import DEFAULT_LIMITS, Limits
from .listing import Listing
from .plan import CONST, LEAF, Plan, to_graph

TOLERANCE = 1e-9  # relative (to 1 + |value|): float64 agreement, not a loose fit


class DisagreementWarning(UserWarning):
    """A value or gradient recorded by micrograd or PyTorch differs from
    chainrule's recomputation of the same graph."""


def trace_plan(plan: Plan, names: dict[int, str] | None = None, *, check: bool = True,
               limits: Limits = DEFAULT_LIMITS) -> tuple[dict, Listing]:
    """The trace of the plan's last node. The gradient check runs when asked
    and within its budget; past the budget the trace comes without it (a big
    micrograd graph has a leaf per constant: thousands of forward passes)."""
    listing = Listing(plan, names)
    try:
        try:
            trace = trace_program(listing.program, listing.values, check=check, limits=limits)
        except LimitError as err:
            if not check or "gradient check" not in err.message:
                raise
            warnings.warn(f"{err.message}: traced without it", stacklevel=3)
            trace = trace_program(listing.program, listing.values, limits=limits)
    except ProgramError as err:
        # Its line and column are in the program written from the graph, not the user's.
        err.add_note("(the line and column are in the chainrule program written from "
                     "your graph; for a bigger graph pass limits=chainrule.Limits(...))")
        raise
    return trace, listing


def node_ids(trace: dict, listing: Listing) -> dict[int, str]:
    """Plan index -> trace node id, for leaves (by name) and op nodes (by the
    statement holding them and their text)."""
    plan = listing.plan
    leaves = {n["label"]: n["id"] for n in trace["nodes"] if n["kind"] == "leaf"}
    places: dict[tuple[int, str], list[str]] = {}
    for n in trace["nodes"]:
        if n["kind"] == "op":
            places.setdefault((n["span"]["line"], n["text"]), []).append(n["id"])
    found = {}
    for i in range(len(plan)):
        if plan.kinds[i] == LEAF:
            if listing.names[i] in leaves:
                found[i] = leaves[listing.names[i]]
        elif plan.kinds[i] != CONST:
            ids = places.get((listing.line[i], listing.expr[i]))
            if ids:
                found[i] = ids.pop(0)
    return found


def compare(plan: Plan, theirs_grad: list, source: str, *, grads_known: bool = True,
            tol: float = TOLERANCE) -> dict:
    """Recompute the plan in chainrule (op table forward, backward.py) and
    compare with the values the plan carries and the gradients `theirs_grad`
    (None where the library holds none). Returns the report."""
    graph = to_graph(plan)
    out = len(plan) - 1
    ours, _ = backward(graph, out, record=False)
    report = {"source": source, "nodes": len(plan), "values_compared": 0,
              "grads_compared": 0, "max_value_error": 0.0, "max_grad_error": 0.0,
              "grads_known": grads_known, "tolerance": tol, "disagreements": []}
    for i in range(len(plan)):
        if plan.data[i] is not None:  # PyTorch keeps few intermediate values
            _one(report, i, "value", plan.data[i], graph.values[i], tol)
        if grads_known and theirs_grad[i] is not None and plan.kinds[i] != CONST:
            mine = ours[i] if ours[i] is not None else 0.0
            _one(report, i, "grad", theirs_grad[i], mine, tol)
    return report


def _one(report: dict, i: int, what: str, theirs, mine, tol: float) -> None:
    if theirs.__class__ is float and mine.__class__ is float and mine - mine == 0.0:
        err = abs(theirs - mine) / (1.0 + abs(mine))  # two finite floats: the common case
        if err == err:
            report[f"{what}s_compared"] += 1
            if err > report[f"max_{what}_error"]:
                report[f"max_{what}_error"] = err
            if err > tol:
                report["disagreements"].append({"index": i, "what": what, "theirs": theirs,
                                                "chainrule": mine, "error": err})
            return
    a, b = np.asarray(theirs, dtype=float), np.asarray(mine, dtype=float)
    if a.shape != b.shape:
        report["disagreements"].append({"index": i, "what": what, "theirs": a.tolist(),
                                        "chainrule": b.tolist(), "error": None})
        return
    with np.errstate(all="ignore"):
        err = np.abs(a - b) / (1.0 + np.abs(b))
        same_nonfinite = (a == b) | (np.isnan(a) & np.isnan(b))
        err = float(np.where(same_nonfinite, 0.0, np.nan_to_num(err, nan=np.inf)).max(initial=0))
    report[f"{what}s_compared"] += 1
    report[f"max_{what}_error"] = max(report[f"max_{what}_error"], err)
    if err > tol:
        report["disagreements"].append({"index": i, "what": what, "theirs": a.tolist(),
                                        "chainrule": b.tolist(), "error": err})


def mark(trace: dict, listing: Listing, report: dict) -> None:
    """Disagreements become node warnings the page shows, named in the report,
    and one Python warning: reported, never hidden."""
    if not report["disagreements"]:
        return
    ids = node_ids(trace, listing)
    nodes = {n["id"]: n for n in trace["nodes"]}
    for d in report["disagreements"]:
        d["node"] = ids.get(d["index"])
        name = listing.names[d["index"]] or listing.expr[d["index"]]
        d["name"] = name
        if d["node"] is not None:
            nodes[d["node"]]["warnings"].append(
                f"{report['source']} has {d['what']} {d['theirs']} here; chainrule "
                f"computes {d['chainrule']}")
    first = report["disagreements"][0]
    warnings.warn(f"{len(report['disagreements'])} disagreement(s) between {report['source']} "
                  f"and chainrule; first: the {first['what']} of {first['name']} is "
                  f"{first['theirs']} in {report['source']}, {first['chainrule']} in chainrule",
                  DisagreementWarning, stacklevel=4)
