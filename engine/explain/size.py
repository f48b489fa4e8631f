"""The trace's size in JSON, predicted from the graph after its backward pass
and before the trace is built: building it turns every tensor into Python
lists (~4 times the memory of the arrays) and writing it doubles that again,
so an answer over the limit is refused while it is still a few arrays.

A slight underestimate on purpose (numbers' lengths from a sample, the
fixed text of a node and an edge at their shortest): a prediction over the
limit is sure to be over it; the exact size is still checked after writing.
"""

from __future__ import annotations

import numpy as np

from ..autodiff.graph import LEAF
from ..errors import LimitError

NODE_BYTES = 200  # the keys and punctuation of one node, no text, no numbers
EDGE_BYTES = 90  # of one backward edge
SAMPLE = 64  # numbers written to learn a tensor's bytes per number


def json_bytes(v) -> float:
    """The bytes `v` (a float, an array or None) takes in the trace, from a sample."""
    if v is None:
        return 4.0
    if v.__class__ is float:
        return float(len(repr(v)))
    flat = np.asarray(v).reshape(-1)
    if flat.size == 0:
        return 2.0
    step = max(1, flat.size // SAMPLE)
    sample = flat[::step][:SAMPLE]
    per = sum(len(repr(float(x))) for x in sample) / len(sample) + 1  # and its comma
    return per * flat.size + 2 * flat.size / max(1, np.asarray(v).shape[-1])  # row brackets


def predict_trace_bytes(graph, grads: list, steps: list, check: bool) -> tuple[float, int]:
    """(predicted bytes, the node whose numbers weigh the most)."""
    values = graph.values
    total = 0.0
    weight = [0.0] * len(values)
    for i, v in enumerate(values):
        w = json_bytes(v) + json_bytes(grads[i] if grads[i] is not None else v)
        weight[i] = w
        total += w + NODE_BYTES + len(graph.labels[i] or "")
    for _, _, edges in steps:
        for j, local, c, after, _k in edges:
            w = json_bytes(c) + json_bytes(after) + json_bytes(local)
            weight[j] += w
            total += w + EDGE_BYTES
    if check:  # the check's numbers beside each leaf's gradient
        for i, v in enumerate(values):
            if graph.kinds[i] is LEAF:
                total += json_bytes(v)
    return total, max(range(len(values)), key=weight.__getitem__)


def refuse_if_too_big(graph, grads: list, steps: list, check: bool, max_bytes: int,
                      place) -> None:
    """A LimitError placed at the heaviest node when the trace is sure to be over."""
    size, heaviest = predict_trace_bytes(graph, grads, steps, check)
    if size > max_bytes:
        raise LimitError(f"the trace would be about {size:,.0f} bytes, over the limit of "
                         f"{max_bytes:,}: use smaller tensors or fewer statements",
                         *place(graph.spans[heaviest][0]))
