"""Importing micrograd graphs of about 1k, 10k and 50k nodes (micrograd's MLP,
its demo's max-margin loss over a data set): chainrule's import (walk,
recompute, compare every value and gradient, trace) and its standalone
step-through file, beside micrograd's own backward() and a draw_dot-style
Graphviz picture (one record per Value, one node per op, `dot -Tsvg`) of the
same graph. Prints seconds and ratios; a missing peer (micrograd, the
graphviz package or the dot binary) is skipped with the reason.

    python benchmarks/micrograd_import.py [--dot-timeout 120]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import time
import warnings

import chainrule
from chainrule.frompython.plan import topo

SAMPLES = {1_000: 3, 10_000: 44, 50_000: 228}  # samples of MLP(2, [8, 8, 1]) for each size


def build(samples: int):
    from micrograd.nn import MLP

    random.seed(0)
    model = MLP(2, [8, 8, 1])
    rng = random.Random(1)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(samples)]
    ys = [1.0 if x[0] * x[1] > 0 else -1.0 for x in xs]
    losses = [(1 + -y * model(x)).relu() for x, y in zip(xs, ys, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters()), model


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def dot_source(root) -> str:
    """The graph as draw_dot draws it: a record per Value (data, grad), and
    an op node feeding it."""
    nodes = topo(root, lambda v: v._prev)
    lines = ["digraph { rankdir=LR;"]
    for v in nodes:
        lines.append(f'v{id(v)} [shape=record, label="{{ data {v.data:.4f} | '
                     f'grad {v.grad:.4f} }}"];')
        if v._op:
            lines.append(f'o{id(v)} [label="{v._op}"]; o{id(v)} -> v{id(v)};')
            lines += [f"v{id(c)} -> o{id(v)};" for c in v._prev]
    lines.append("}")
    return "\n".join(lines)


def draw_dot_time(root, timeout: float) -> str:
    try:
        import graphviz
    except ImportError:
        return "skipped (pip install graphviz)"
    if shutil.which("dot") is None:
        return "skipped (no dot binary: apt-get install graphviz)"
    source = graphviz.Source(dot_source(root)).source  # the package, as draw_dot uses it
    start = time.perf_counter()
    try:
        subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                       timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f}"
    return f"{time.perf_counter() - start:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dot-timeout", type=float, default=120.0)
    args = parser.parse_args()
    try:
        import micrograd  # noqa: F401
    except ImportError:
        print("micrograd is not installed (pip install micrograd): nothing to compare")
        return
    warnings.simplefilter("ignore")  # show()'s "showing sample 0" note
    print(f"{'nodes':>7} {'mg backward':>12} {'import+trace':>13} {'ratio':>7} "
          f"{'show file':>10} {'sample 0':>9} {'draw_dot':>10} {'dot/import':>11}")
    for samples in SAMPLES.values():
        loss, _ = build(samples)
        n = len(topo(loss, lambda v: v._prev))
        backward = timed(loss.backward)
        imported = timed(lambda loss=loss: chainrule.trace(loss, check=False))
        whole = timed(lambda loss=loss: chainrule.show(loss, sample="all", check=False).html())
        one = timed(lambda loss=loss: chainrule.show(loss, check=False).html())
        dot = draw_dot_time(loss, args.dot_timeout)
        ratio = (f"{float(dot) / imported:.1f}x" if dot.replace(".", "").isdigit()
                 else "-")
        print(f"{n:>7} {backward:>11.3f}s {imported:>12.2f}s {imported / backward:>6.0f}x "
              f"{whole:>9.2f}s {one:>8.2f}s {dot:>9}s {ratio:>11}")
    print("import+trace: walk, recompute in chainrule, compare every value and gradient, "
          "the trace (no gradient check); show file: the whole graph's standalone HTML; "
          "sample 0: what show() draws past 2,000 nodes")


if __name__ == "__main__":
    main()
