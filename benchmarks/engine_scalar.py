"""Scalar engine speed, side by side in one run: the same chain of
`h = relu(h*w + b)` statements built, run forward and backward in chainrule,
micrograd and PyTorch 0-d tensors (each where installed), in rounds that run
each case once. Prints medians in ns per node and the ratios the targets are
stated in (the median of each round's ratio):

    trace_program, trace/2 (text -> columns)  <= 2.0 x micrograd build+backward
    forward + backward on a built graph       <= 0.4 x micrograd build+backward

and, for comparison, text -> trace/1 (a dict per node and per edge, with the
ledger text), which has no target of its own.

It also times building the trace's dicts alone from finished numbers, the
floor under any pure-Python producer of the trace format.

Run: python benchmarks/engine_scalar.py [--nodes 10000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chainrule import Limits, compile_program, trace_program  # noqa: E402
from chainrule.autodiff.backward import backward  # noqa: E402

W, B, H0 = 0.9, 0.05, 1.0


def chain_program(statements: int) -> str:
    return f"w = {W}\nb = {B}\nh = {H0}\n" + "h = relu(h*w + b)\n" * statements


def cpu_time(fn) -> float:
    """CPU time of this process (not wall time: on a shared machine the wall
    clock also counts the time other processes hold the cores)."""
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def rounds(cases: dict, repeats: int) -> dict[str, list[float]]:
    """Each round runs every case once, in turn: a change in the machine's
    load then falls on all of them alike, and a ratio taken within a round
    holds better than one between two medians taken minutes apart."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            times[name].append(cpu_time(fn))
    return times


def chainrule_runs(statements: int):
    program = chain_program(statements)
    limits = Limits(max_nodes=10 * statements + 10, max_chars=len(program) + 1)
    parser, output = compile_program(program, limits=limits)
    graph = parser.graph

    def pipeline():
        trace_program(program, limits=limits)

    def columns():
        trace_program(program, limits=limits, format="chainrule.trace/2")

    def forward_backward():
        graph.forward()
        backward(graph, output, record=False)

    grads, _ = backward(graph, output, record=False)
    trace = trace_program(program, limits=limits)

    def dict_floor():
        """Only the trace's dicts and lists, built from finished numbers: what
        any pure-Python producer of this format pays before computing anything."""
        nodes = [{"id": n["id"], "op": n["op"], "label": n["label"], "kind": n["kind"],
                  "text": n["text"], "inputs": list(n["inputs"]), "shape": [],
                  "value": n["value"], "grad": n["grad"],
                  "span": {"line": 1, "col": 1, "end_line": 1, "end_col": 2}, "warnings": []}
                 for n in trace["nodes"]]
        steps = [{"node": s["node"], "grad": s["grad"], "edges": [
            {"to": e["to"], "local": e["local"], "local_formula": e["local_formula"],
             "contribution": e["contribution"], "grad_after": e["grad_after"]}
            for e in s["edges"]]} for s in trace["backward"]]
        return nodes, steps

    return pipeline, columns, forward_backward, dict_floor, grads[parser.leaves["w"]]


def micrograd_run(statements: int):
    try:
        from micrograd.engine import Value
    except ImportError:
        return None
    sys.setrecursionlimit(max(10_000, 4 * statements + 1000))  # its topo sort recurses

    def run():
        w, b, h = Value(W), Value(B), Value(H0)
        for _ in range(statements):
            h = (h * w + b).relu()
        h.backward()
        return w.grad

    return run


def torch_run(statements: int):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def run():
        w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        b = torch.tensor(B, dtype=torch.float64, requires_grad=True)
        h = torch.tensor(H0, dtype=torch.float64)
        for _ in range(statements):
            h = torch.relu(h * w + b)
        h.backward()
        return w.grad.item()

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    statements = args.nodes // 3
    nodes = 3 * statements
    pipeline, columns, fwd_bwd, floor, grad_w = chainrule_runs(statements)
    cases = {"text -> trace/1": pipeline,
             "chainrule trace/2 (columns)": columns,
             "chainrule forward+backward": fwd_bwd,
             "trace dicts alone (floor)": floor}
    for name, make in (("micrograd build+backward", micrograd_run),
                       ("torch 0-d build+backward", torch_run)):
        run = make(statements)
        if run is None:
            print(f"({name.split()[0]} not installed: skipped)")
            continue
        other = run()
        assert abs(other - grad_w) <= 1e-9 * max(1.0, abs(grad_w)), (name, other, grad_w)
        cases[name] = run
    times = rounds(cases, args.repeats)
    print(f"{nodes} nodes, median of {args.repeats} rounds (each case once per round), "
          f"Python {sys.version.split()[0]}")
    for name, ts in times.items():
        print(f"  {name:28s} {statistics.median(ts) / nodes * 1e9:8.0f} ns/node")
    mg = times.get("micrograd build+backward")
    if mg:
        def ratio(name: str) -> float:  # the median of the per-round ratios
            return statistics.median(t / m for t, m in zip(times[name], mg, strict=True))
        print(f"  ratio text -> trace/2 / micrograd    "
              f"{ratio('chainrule trace/2 (columns)'):5.2f}  (target <= 2.0)")
        print(f"  ratio forward+backward / micrograd   "
              f"{ratio('chainrule forward+backward'):5.2f}  (target <= 0.4)")
        print(f"  ratio text -> trace/1 / micrograd    {ratio('text -> trace/1'):5.2f}"
              "  (dicts and ledger text: no target)")
        print(f"  ratio trace dicts alone / micrograd  "
              f"{ratio('trace dicts alone (floor)'):5.2f}  (no computation at all)")

if __name__ == "__main__":
    main()
