"""The chain-rule ledger: products along edges and the += at a shared node."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import build, close, go_slider, parse, trace_for, wait_drawn


def test_fanout_ledger_shows_both_contributions(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    F = len(trace["forward"])
    arrivals: dict[str, list[tuple[int, dict]]] = {}
    for j, st in enumerate(trace["backward"]):
        for e in st["edges"]:
            arrivals.setdefault(e["to"], []).append((F + j + 1, e))
    shared = [nid for nid, got in arrivals.items() if len(got) >= 2]
    assert shared, "the fan-out example has a node that receives two contributions"
    node_id = shared[0]
    step, last = arrivals[node_id][-1]
    page.goto("/")
    page.locator("#examples").select_option("fanout")
    expect(page.locator("textarea[name=program]")).to_have_value(program)
    wait_drawn(page, trace)
    go_slider(page, step)
    terms = page.locator(f"#ledger .sum[data-node='{node_id}'] .term")
    expect(terms).to_have_count(len(arrivals[node_id]))
    shown = [parse(t.get_attribute("data-contribution")) for t in terms.all()]
    for got, (_, e) in zip(shown, arrivals[node_id], strict=True):
        assert close(got, e["contribution"])
    shared_node = page.locator(f"svg#graph g.node[data-id='{node_id}']")
    assert close(parse(shared_node.get_attribute("data-grad")), last["grad_after"])
    # Each term is linked to its edge in the graph.
    first = terms.first
    first.focus()
    edge = first.get_attribute("data-edge")
    path = page.locator(f"svg#graph path.edge[data-edge='{edge}']")
    expect(path).to_have_class(re.compile(r"\bis-focus\b"))


def test_ledger_states_the_chain_rule_product(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("ArrowRight")  # the output's own backward step
    rows = page.locator("#ledger .ledger-row")
    expect(rows).to_have_count(len(trace["backward"][0]["edges"]))
    text = rows.first.inner_text()
    assert "∂L/∂" in text and "·" in text and "=" in text
