"""A graph over the canvas threshold (views/canvas-graph.js): drawn on a
canvas instead of the SVG, stepping moves the active node, a node is found by
name and brought into view, the active node too, and the node table (made when
opened) holds every node's numbers. A small graph afterwards is SVG again."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import build, expected_active, trace_for

CANVAS_MIN = 1000  # static/js/views/canvas-graph.js


def rnn(blocks: int) -> str:
    """An unrolled recurrence, 6 nodes a block (benchmarks/page_render.py)."""
    lines = ["h0 = 0.1", "h1 = 0.2"]
    for i in range(2, blocks + 2):
        lines += [f"w{i} = {0.5 + (i % 7) / 10}", f"h{i} = tanh(h{i - 1}*w{i} + 0.5*h{i - 2})"]
    lines.append(f"loss = h{blocks + 1}*h{blocks + 1}")
    return "\n".join(lines)


def painted(page: Page) -> int:
    """Pixels of the base canvas that are not the white background."""
    return page.evaluate("""() => {
        const c = document.querySelector('.canvas-graph canvas.base');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.min(d[i], d[i + 1], d[i + 2]) < 250) n++;
        return n;
    }""")


def centred_inside(page: Page) -> bool:
    canvas = page.locator("#graph-canvas")
    x, y = map(int, canvas.get_attribute("data-centred-at").split(","))
    box = canvas.bounding_box()
    return 0 <= x <= box["width"] and 0 <= y <= box["height"]


def test_a_big_graph_is_drawn_on_a_canvas_and_can_be_searched(page: Page, api):
    program = rnn(420)
    trace = trace_for(api, program)
    n = len(trace["nodes"])
    assert n > CANVAS_MIN
    page.goto("/")
    build(page, program)
    canvas = page.locator("#graph-canvas")
    expect(canvas).to_have_attribute("data-nodes", str(n))
    expect(canvas).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))
    expect(page.locator("svg#graph")).to_be_hidden()
    assert painted(page) > 1000, "boxes and edges are on the canvas"
    assert "table" in canvas.get_attribute("aria-label")

    # Stepping: the active node is the trace's, one step on.
    active = expected_active(trace)
    F = len(trace["forward"])
    expect(page.locator("#step-counter")).to_have_text(f"{F} / {F + len(trace['backward'])}")
    expect(canvas).to_have_attribute("data-active", active[F])
    page.locator("body").press("ArrowRight")
    expect(canvas).to_have_attribute("data-active", active[F + 1])

    # Search by name: the node labelled w57 comes into view, ringed.
    target = next(node for node in trace["nodes"] if node["label"] == "w57")
    page.locator("#graph-search").fill("w57")
    page.locator("#graph-search").press("Enter")
    expect(canvas).to_have_attribute("data-found", target["id"])
    expect(page.locator("#graph-search-status")).to_contain_text("w57")
    assert centred_inside(page)
    page.locator("#graph-search").fill("no_such_node")
    page.locator("#graph-search").press("Enter")
    expect(page.locator("#graph-search-status")).to_contain_text("No node")

    # Jump back to the active node.
    page.locator(".canvas-graph button[data-view=active]").click()
    expect(page.locator("#graph-search-status")).to_contain_text(active[F + 1])
    assert centred_inside(page)

    # Export: the PNG is the view as shown; there is no SVG of a canvas, and the toast says so.
    with page.expect_download() as download:
        page.locator("button[data-export=png]").click()
    with open(download.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    page.locator("button[data-export=svg]").click()
    expect(page.locator("#toast")).to_contain_text("canvas")

    # The node table: rows only once opened, then every node, with its numbers.
    assert page.locator("#node-table tbody tr").count() == 0
    page.locator(".node-table-panel summary").click()
    expect(page.locator("#node-table tbody tr")).to_have_count(n)
    page.locator("body").press("End")
    leaf = next(node for node in trace["nodes"] if node["label"] == "w2")
    grad = page.locator(f"#node-table tr[data-node='{leaf['id']}'] td").nth(3)
    expect(grad).not_to_have_text("not yet")
    shown = float(grad.inner_text().replace("\u2212", "-"))
    assert abs(shown - leaf["grad"]) <= 1e-3 * abs(leaf["grad"]) + 1e-12

    # A small graph goes back to the SVG view.
    small = "w = 2.0\nx = 3.0\nloss = (w*x - 1)**2"
    build(page, small, trace_for(api, small))
    expect(page.locator("svg#graph")).to_be_visible()
    expect(page.locator(".canvas-graph")).to_be_hidden()


def test_the_canvas_takes_over_just_above_the_threshold(page: Page, api):
    """Just below CANVAS_MIN the compact SVG view draws every node; just above
    it, the canvas does and the SVG is hidden."""
    below, above = rnn((CANVAS_MIN - 40) // 6), rnn((CANVAS_MIN + 200) // 6)
    n_below = len(trace_for(api, below)["nodes"])
    n_above = len(trace_for(api, above)["nodes"])
    assert n_below <= CANVAS_MIN < n_above
    page.goto("/")
    build(page, below)
    expect(page.locator("svg#graph")).to_be_visible()
    expect(page.locator("svg#graph g.node")).to_have_count(n_below)
    build(page, above)
    canvas = page.locator("#graph-canvas")
    expect(canvas).to_have_attribute("data-nodes", str(n_above))
    expect(page.locator("svg#graph")).to_be_hidden()
