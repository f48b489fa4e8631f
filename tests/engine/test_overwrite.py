"""The accumulation lesson: `=` instead of `+=` is wrong exactly where a node
feeds several others, and everywhere upstream of such a node."""

from __future__ import annotations

import numpy as np
from chainrule import trace_program


def last_contribution(trace: dict, node: str):
    """What `=` keeps: the contribution that arrives last in the backward steps."""
    edges = [e for s in trace["backward"] for e in s["edges"] if e["to"] == node]
    return edges[-1]["contribution"]


def uses(trace: dict) -> dict[str, int]:
    count: dict[str, int] = {}
    for s in trace["backward"]:
        for e in s["edges"]:
            count[e["to"]] = count.get(e["to"], 0) + 1
    return count


def test_wrong_exactly_at_the_fanout_leaves():
    t = trace_program("x = 1.5\ny = -0.5\nz = 2.0\nloss = x*y + x*x*y + sin(y) + z")
    fanout = {n for n, k in uses(t).items() if k > 1}
    assert {f["node"] for f in t["overwrite"]["fanout"]} == fanout == {"n0", "n1"}
    wrong = {w["node"]: w for w in t["overwrite"]["wrong"]}
    assert set(wrong) == fanout
    grads = {n["id"]: n["grad"] for n in t["nodes"]}
    for node, w in wrong.items():
        assert w["cause"] == "fan-out"
        assert w["overwritten"] == last_contribution(t, node)
        assert w["error"] == abs(w["overwritten"] - grads[node])
    assert t["overwrite"]["gradients"]["z"] == t["gradients"]["z"]  # used once: right


def test_a_wrong_intermediate_spreads_upstream():
    t = trace_program("a = 2.0\nc = a*3\nloss = c*c + c")
    c_id = next(n["id"] for n in t["nodes"] if n["label"] == "c")
    wrong = {w["node"]: w for w in t["overwrite"]["wrong"]}
    assert wrong[c_id]["cause"] == "fan-out"
    assert wrong["n0"]["cause"] == "upstream" and wrong["n0"]["label"] == "a"
    assert wrong[c_id]["overwritten"] == last_contribution(t, c_id)
    assert wrong["n0"]["overwritten"] == 3 * wrong[c_id]["overwritten"]  # d(a*3)/da = 3
    assert t["overwrite"]["gradients"]["a"] == wrong["n0"]["overwritten"] != t["gradients"]["a"]


def test_no_fanout_no_difference():
    t = trace_program("w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2")
    assert t["overwrite"] == {"fanout": [], "wrong": [], "gradients": None, "edges": []}


def test_tensors_and_matmul_are_replayed_with_their_own_rules():
    t = trace_program("W = [[1.0, 2.0], [3.0, 4.0]]\nv = [1.0, -1.0]\n"
                      "h = W @ v\nloss = sum(h*h) + sum(W)")
    wrong = {w["node"]: w for w in t["overwrite"]["wrong"]}
    h = next(n for n in t["nodes"] if n["label"] == "h")
    assert wrong[h["id"]]["cause"] == "fan-out"
    # W is used twice (by @ and by sum): under = it keeps the last to arrive, the @ one,
    # computed from h's overwritten gradient (h, not 2h): Wgrad = h ⊗ v
    w_node = next(n for n in t["nodes"] if n["label"] == "W")
    expected = np.outer(np.array(wrong[h["id"]]["overwritten"]), [1.0, -1.0])
    np.testing.assert_allclose(wrong[w_node["id"]]["overwritten"], expected)


def test_replayed_edges_rebuild_every_wrong_gradient():
    """Under `=` a node's gradient is the last contribution it received; the
    changed edges plus the trace's own contributions give exactly `wrong`."""
    t = trace_program("a = 2.0\nc = a*3\nd = c*c + c\nloss = sin(d) + d")
    changed = {(s, e): c for s, e, c in t["overwrite"]["edges"]}
    assert changed, "a wrong upstream changes some contribution"
    last: dict[str, float] = {}
    for s, step in enumerate(t["backward"]):
        for e, edge in enumerate(step["edges"]):
            last[edge["to"]] = changed.get((s, e), edge["contribution"])
    for w in t["overwrite"]["wrong"]:
        assert np.isclose(last[w["node"]], w["overwritten"], rtol=1e-12)
    grads = {n["id"]: n["grad"] for n in t["nodes"]}
    wrong = {w["node"] for w in t["overwrite"]["wrong"]}
    for node, g in last.items():
        assert (node in wrong) == (not np.isclose(g, grads[node], rtol=1e-12))
