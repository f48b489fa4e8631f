"""The path view: every path from the output to a leaf, each with the product
of the trace's local derivatives along it; the products add up to the gradient."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import build, close, parse, trace_for

SAME_INPUT_TWICE = "a = 2.0\nb = a*a + a\nloss = b*3"
DOUBLING = "x = 1.1\nh = x*x\nh = h*h\nh = h*h\nh = h*h\nh = h*h\nloss = h*h"


def paths(trace: dict, leaf_id: str) -> list[list[dict]]:
    """Every output-to-leaf path as its list of trace edges (independent of the page)."""
    up: dict[str, list[tuple[str, dict]]] = {}
    for st in trace["backward"]:
        for e in st["edges"]:
            up.setdefault(e["to"], []).append((st["node"], e))
    out = []

    def walk(node: str, below: list[dict]) -> None:
        if node == trace["output"]:
            out.append(list(reversed(below)))
            return
        for consumer, e in up.get(node, []):
            walk(consumer, [*below, e])

    walk(leaf_id, [])
    return out


def leaf_id(trace: dict, name: str) -> str:
    return next(n["id"] for n in trace["nodes"] if n["kind"] == "leaf" and n["label"] == name)


@pytest.mark.parametrize(("program", "leaf"), [
    ("regression", "w"), ("fanout", "a"), (SAME_INPUT_TWICE, "a"), ("neuron", "w1")])
def test_each_path_product_comes_from_the_trace_and_they_sum_to_the_gradient(
        page: Page, api, examples, program, leaf):
    program = examples[program]["program"] if program in examples else program
    trace = trace_for(api, program)
    expected = sorted(math.prod(e["local"] for e in p) for p in paths(trace, leaf_id(trace, leaf)))
    assert math.isclose(sum(expected), trace["gradients"][leaf], rel_tol=1e-9, abs_tol=1e-12)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")
    page.locator(f"table#gradients tr[data-leaf='{leaf}']").click()
    view = page.locator("#paths")
    expect(view).to_be_visible()
    expect(view).to_have_attribute("data-path-count", str(len(expected)))
    listed = view.locator("[data-path]")
    expect(listed).to_have_count(len(expected))
    shown = sorted(parse(listed.nth(i).get_attribute("data-product")) for i in range(len(expected)))
    assert all(close(a, b) for a, b in zip(shown, expected, strict=True))
    # Every edge of every path is lit in the graph.
    lit = {e for i in range(len(expected))
           for e in listed.nth(i).get_attribute("data-path").split()}
    for edge in lit:
        path = page.locator(f"svg#graph path.edge[data-edge='{edge}']")
        expect(path).to_have_class(re.compile(r"\bon-path\b"))
    # Clicking the row again closes the view.
    page.locator(f"table#gradients tr[data-leaf='{leaf}']").click()
    expect(view).to_be_hidden()


def test_too_many_paths_are_counted_and_grouped_by_the_last_edge(page: Page, api):
    trace = trace_for(api, DOUBLING)
    count = len(paths(trace, leaf_id(trace, "x")))
    assert count == 64
    page.goto("/")
    build(page, DOUBLING, trace)
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")  # x is active: the view pans to it
    page.locator("svg#graph g.node[data-label='x']").click()
    view = page.locator("#paths")
    expect(view).to_have_attribute("data-path-count", str(count))
    expect(view.locator("[data-path]")).to_have_count(0)
    groups = view.locator("[data-group]")
    expect(groups).to_have_count(2)  # x*x: two edges into x
    assert sum(int(groups.nth(i).get_attribute("data-count")) for i in range(2)) == count


def test_tensor_leaf_paths_are_counted(page: Page, api, examples):
    program = examples["mlp"]["program"]
    trace = trace_for(api, program)
    expected = len(paths(trace, leaf_id(trace, "W1")))
    page.goto("/")
    build(page, program, trace)
    page.locator("table#gradients tr[data-leaf='W1']").click()
    view = page.locator("#paths")
    expect(view).to_have_attribute("data-path-count", str(expected))
    expect(view.locator("[data-path]")).to_have_count(expected)
    # A tensor path multiplies Jacobians: no single number to show as its product.
    assert view.locator("[data-path]").first.get_attribute("data-product") is None
