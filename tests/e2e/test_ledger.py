"""The chain-rule ledger against the trace's numbers: worked local derivatives,
contributions with labelled factors, running sums that hold exactly the
contributions counted so far, and a history that remembers every step."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import build, close, go_slider, parse, trace_for, wait_drawn

SAME_INPUT_TWICE = "a = 2.0\nb = a*a + a\nloss = b*3"
TENSOR = ("X = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]\nw = [0.5, -0.25]\nc = 0.1\n"
          "loss = sum((X*w + c)**2)")
PROGRAMS = {"same-input-twice": SAME_INPUT_TWICE, "tensor": TENSOR}


def arrivals(trace: dict) -> list[list[list]]:
    """For each backward step and edge: the contributions its input has received so far."""
    got: dict[str, list] = {}
    out = []
    for st in trace["backward"]:
        row = []
        for e in st["edges"]:
            got.setdefault(e["to"], []).append(e["contribution"])
            row.append(list(got[e["to"]]))
        out.append(row)
    return out


def check_every_backward_step(page: Page, trace: dict) -> None:
    F = len(trace["forward"])
    so_far = arrivals(trace)
    for j, st in enumerate(trace["backward"]):
        k = F + 1 + j
        go_slider(page, k)
        expect(page.locator("#ledger [data-step]")).to_have_count(k)
        current = page.locator("#ledger .is-current")
        expect(current).to_have_attribute("data-step", str(k))
        sums = current.locator("[data-running-sum]")
        expect(sums).to_have_count(len(st["edges"]))
        locals_ = current.locator("[data-local]")
        expect(locals_).to_have_count(len(st["edges"]))
        for i, e in enumerate(st["edges"]):
            s = sums.nth(i)
            assert s.get_attribute("data-node") == e["to"]
            terms = json.loads(s.get_attribute("data-terms"))
            assert len(terms) == len(so_far[j][i]), (k, i, terms)
            assert all(close(a, b) for a, b in zip(terms, so_far[j][i], strict=True))
            assert close(parse(s.get_attribute("data-value")), e["grad_after"])
            if not isinstance(e["local"], list) and e["local"] is not None:
                assert close(parse(locals_.nth(i).get_attribute("data-value")), e["local"])


@pytest.mark.parametrize("which", ["regression", "fanout", "same-input-twice", "tensor"])
def test_running_sums_and_locals_match_the_trace_at_every_step(page: Page, api, examples, which):
    program = PROGRAMS.get(which) or examples[which]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    check_every_backward_step(page, trace)


def test_a_node_used_twice_by_one_op_counts_one_contribution_per_row(page: Page, api):
    trace = trace_for(api, SAME_INPUT_TWICE)
    a = next(n["id"] for n in trace["nodes"] if n["label"] == "a")
    page.goto("/")
    build(page, SAME_INPUT_TWICE, trace)
    page.keyboard.press("End")
    sums = page.locator(f"#ledger .is-current [data-running-sum][data-node='{a}']")
    expect(sums).to_have_count(2)
    # The first a*a edge has counted 2 of 3 contributions, the second all 3.
    first, second = (json.loads(sums.nth(i).get_attribute("data-terms")) for i in range(2))
    assert len(first) == 2 and len(second) == 3
    expect(sums.nth(0)).to_contain_text("2 of 3")
    expect(sums.nth(1)).to_contain_text("3 of 3")
    assert close(parse(sums.nth(1).get_attribute("data-value")), trace["gradients"]["a"])
    assert close(sum(second), trace["gradients"]["a"])


def test_seed_first_backward_step_is_worked_and_labelled(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("ArrowRight")
    current = page.locator("#ledger .is-current")
    expect(current).to_contain_text("∂L/∂L")
    expect(current).to_contain_text("one for one with itself")
    e = trace["backward"][0]["edges"][0]
    row = current.locator(".ledger-row").first
    # local: formula, the numbers put in (from the trace), the number
    expect(row.locator(".local .worked")).to_have_text(e["local_worked"])
    expect(row.locator(".local .result")).to_have_text("−6.0")
    # contribution: upstream × local, each factor labelled
    expect(row.locator(".contribution .factor-upstream .fl")).to_have_text("upstream")
    expect(row.locator(".contribution .factor-local .fl")).to_have_text("local")
    expect(row.locator(".contribution .factor-local .fv")).to_have_text("(−6.0)")
    # gradient: a distinct line, never the same symbol on both sides
    grad = row.locator(".gradient")
    expect(grad).to_contain_text("its only contribution")
    assert grad.inner_text().count("∂L/∂") == 1


def test_history_remembers_and_a_past_entry_jumps_back(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    F = len(trace["forward"])
    total = F + len(trace["backward"])
    page.goto("/")
    page.locator("#examples").select_option("fanout")
    wait_drawn(page, trace)
    # Mid-sum: a node that has 1 of its 2 contributions says so on the graph.
    shared = next(e["to"] for e in trace["backward"][0]["edges"]
                  if sum(x["to"] == e["to"] for s in trace["backward"] for x in s["edges"]) == 2)
    go_slider(page, F + 1)
    chip = page.locator(f"svg#graph g.node[data-id='{shared}'] .grad-chip text")
    expect(chip).to_contain_text("(1 of 2)")
    page.keyboard.press("End")
    expect(chip).not_to_contain_text("of 2")
    expect(page.locator("#ledger [data-step]")).to_have_count(total)
    expect(page.locator("#ledger .is-current")).to_have_attribute("data-step", str(total))
    # Every edge of every earlier backward step is still there, with its local derivative.
    past_rows = page.locator("#ledger .is-past [data-local]")
    expect(past_rows).to_have_count(sum(len(s["edges"]) for s in trace["backward"][:-1]))
    page.locator(f"#ledger [data-step='{F + 1}']").click()
    expect(page.locator("#step-counter")).to_have_text(f"{F + 1} / {total}")
    expect(page.locator("#ledger [data-step]")).to_have_count(F + 1)


def test_a_term_of_the_sum_links_to_its_edge(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")
    term = page.locator("#ledger .is-current [data-running-sum] .term").first
    term.focus()
    edge = term.get_attribute("data-edge")
    path = page.locator(f"svg#graph path.edge[data-edge='{edge}']")
    expect(path).to_have_class(re.compile(r"\bis-focus\b"))


def shape_text(shape: list[int]) -> str:
    return f"({', '.join(map(str, shape))}{',' if len(shape) == 1 else ''})"


def test_tensor_steps_say_their_shapes_and_the_sum_over_the_batch_axis(page: Page, api, examples):
    trace = trace_for(api, TENSOR)
    nodes = {n["id"]: n for n in trace["nodes"]}
    F = len(trace["forward"])
    j = next(j for j, s in enumerate(trace["backward"]) if nodes[s["node"]]["op"] == "mul")
    st = trace["backward"][j]
    page.goto("/")
    build(page, TENSOR, trace)
    go_slider(page, F + 1 + j)
    for i, e in enumerate(st["edges"]):
        row = page.locator("#ledger .is-current .ledger-row").nth(i)
        out_shape, in_shape = nodes[st["node"]]["shape"], nodes[e["to"]]["shape"]
        summed = row.locator("[data-sum-axis]")
        if in_shape != out_shape:  # w (2,) was broadcast over X's rows (3, 2)
            lead = len(out_shape) - len(in_shape)
            axes = [*range(lead), *(lead + i for i, d in enumerate(in_shape)
                                    if d == 1 and out_shape[lead + i] != 1)]
            expect(summed).to_contain_text(
                f"sum over the broadcast axis {', '.join(map(str, axes))}: "
                f"{shape_text(out_shape)} → {shape_text(in_shape)}")
        else:
            expect(summed).to_have_count(0)
    # matmul: the VJP with its shapes, from the trace's nodes
    program = examples["mlp"]["program"]
    trace = trace_for(api, program)
    nodes = {n["id"]: n for n in trace["nodes"]}
    F = len(trace["forward"])
    j = next(j for j, s in enumerate(trace["backward"]) if nodes[s["node"]]["op"] == "matmul")
    st = trace["backward"][j]
    build(page, program, trace)
    go_slider(page, F + 1 + j)
    a, b = (nodes[i] for i in nodes[st["node"]]["inputs"])
    shapes = page.locator("#ledger .is-current .ledger-row .shapes")
    up = shape_text(nodes[st["node"]]["shape"])
    bt = shape_text(list(reversed(b["shape"])))
    expect(shapes.first).to_contain_text(
        f"· {b['label'] or 'W'}ᵀ: {up}·{bt} → {shape_text(a['shape'])}")
