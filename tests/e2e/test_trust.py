"""The main page's trust extras, against the API's own numbers: the symbolic
derivative beside backprop and the numeric check, the cost line, and the
replay with `=` instead of `+=` on the fan-out example."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import build, close, go_slider, parse, trace_for


def test_fanout_symbolic_cost_and_overwrite(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    checked = trace_for(api, program, check=True)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")

    # Symbolic check: sympy's derivative and its value, as the API gives them.
    for leaf, c in checked["check"].items():
        assert c.get("derivative"), f"the API gives a symbolic derivative for {leaf}"
        cell = page.locator(f"table#gradients tr[data-leaf='{leaf}'] td.symbolic")
        expect(cell).to_have_attribute("data-derivative", c["derivative"]["text"])
        expect(cell.locator(".katex")).to_have_count(1)
        assert close(parse(cell.get_attribute("data-symbolic")), c["symbolic"])
        assert close(c["symbolic"], trace["gradients"][leaf], rel=1e-12)

    # Cost line: backward = k × forward, k from the API.
    ratio = trace["cost"]["ratio"]
    cost = page.locator("#cost")
    expect(cost).to_contain_text(f"backward = {ratio:.2f} × forward")
    expect(cost).to_contain_text(f"{trace['cost']['backward']['flops']} FLOPs backward")
    assert close(parse(cost.get_attribute("data-ratio")), ratio)

    # The = replay: off by default, then exactly the API's wrong nodes are marked.
    wrong = {w["node"] for w in trace["overwrite"]["wrong"]}
    assert wrong and trace["overwrite"]["gradients"] is not None
    toggle = page.locator("#overwrite-toggle")
    expect(toggle).to_be_enabled()
    expect(page.locator("svg#graph g.node.is-wrong")).to_have_count(0)
    expect(page.locator("table#gradients td.grad .overwrite").first).to_be_hidden()
    toggle.check()
    marked = page.locator("svg#graph g.node.is-wrong")
    expect(marked).to_have_count(len(wrong))
    assert {marked.nth(i).get_attribute("data-id") for i in range(len(wrong))} == wrong
    for leaf, g in trace["overwrite"]["gradients"].items():
        cell = page.locator(f"table#gradients tr[data-leaf='{leaf}'] td.grad .overwrite")
        expect(cell).to_be_visible()
        assert close(parse(cell.get_attribute("data-overwrite")), g)
    a_wrong = next(w for w in trace["overwrite"]["wrong"] if w["label"] == "a")
    a_cell = page.locator("table#gradients tr[data-leaf='a'] td.grad .overwrite")
    assert close(parse(a_cell.get_attribute("data-error")), a_wrong["error"])
    expect(a_cell).to_contain_text(re.compile(r"off by"))
    assert not close(trace["overwrite"]["gradients"]["a"], trace["gradients"]["a"])

    # Off again: the marks go.
    toggle.uncheck()
    expect(marked).to_have_count(0)
    expect(a_cell).to_be_hidden()


def test_overwrite_toggle_is_disabled_without_fanout(page: Page, api):
    program = "w = 2.0\nx = 3.0\nloss = w*x"
    trace = trace_for(api, program)
    assert trace["overwrite"]["gradients"] is None
    page.goto("/")
    build(page, program, trace)
    expect(page.locator("#overwrite-toggle")).to_be_disabled()
    expect(page.locator("#overwrite-note")).to_contain_text("same gradients")


def test_overwrite_replay_shows_the_replayed_gradients_step_by_step(page: Page, api):
    """With = the graph's gradients are the last contribution each node received,
    from the trace (its contributions, and overwrite.edges where they differ)."""
    program = "a = 2.0\nb = a*a + a\nloss = b*3"
    trace = trace_for(api, program)
    F = len(trace["forward"])
    changed = {(s, e): c for s, e, c in trace["overwrite"]["edges"]}
    page.goto("/")
    build(page, program, trace)
    page.locator("#overwrite-toggle").check()
    last: dict[str, float] = {trace["output"]: 1.0}
    for j, st in enumerate(trace["backward"]):
        for i, e in enumerate(st["edges"]):
            last[e["to"]] = changed.get((j, i), e["contribution"])
        go_slider(page, F + j + 1)
        total = F + len(trace["backward"])
        expect(page.locator("#step-counter")).to_have_text(f"{F + j + 1} / {total}")
        for node, g in last.items():
            shown = page.locator(f"svg#graph g.node[data-id='{node}']").get_attribute("data-grad")
            assert close(parse(shown), g), (j, node, shown, g)
    wrong = {w["node"]: w["overwritten"] for w in trace["overwrite"]["wrong"]}
    assert wrong
    for node, g in wrong.items():
        shown = page.locator(f"svg#graph g.node[data-id='{node}']").get_attribute("data-grad")
        assert close(parse(shown), g)
    # The ledger shows the overwrite where += would have added.
    expect(page.locator("#ledger .is-current .overwrite-line").first).to_contain_text("overwrites")
    # Off again: the true gradients.
    page.locator("#overwrite-toggle").uncheck()
    a = next(n for n in trace["nodes"] if n["label"] == "a")
    node = page.locator(f"svg#graph g.node[data-id='{a['id']}']")
    g = trace["gradients"]["a"]
    expect(node).to_have_attribute("data-grad", str(int(g)) if g.is_integer() else repr(g))
