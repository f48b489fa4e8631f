"""What a newcomer to backprop needs to read the main page: elementwise
products marked ⊙, every gradient on the graph explained by a badge on
screen, a step line that says what it computes, a legend without borrowed
numbers, tensor values that open in full, and a phone layout that cuts nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import build, close, go_slider, parse, trace_for

SEED = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"
FANOUT = "a = 3.0\nb = -2.0\nloss = a*b + a"
TENSOR = ("X = [[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0]]\nw = [0.5, -0.25]\nc = 0.1\n"
          "loss = sum((X*w + c)**2)")


def fmt(v: float) -> str:
    """The page's number format (static/js/format.js num) for moderate values."""
    s = repr(float(f"{v:.4g}"))
    return (s[:-2] + ".0" if s.endswith(".0") else s).replace("-", "\u2212")


def flat(v):
    return [y for x in v for y in flat(x)] if isinstance(v, list) else [v]


def node_of(trace: dict, **match) -> dict:
    return next(n for n in trace["nodes"] if all(n.get(k) == v for k, v in match.items()))


def step_index(trace: dict, node_id: str) -> int:
    return next(j for j, s in enumerate(trace["backward"]) if s["node"] == node_id)


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


# ---- 1. tensors ----------------------------------------------------------------

def test_tensor_graph_opens_whole_at_the_output_and_marks_the_elementwise_product(page: Page, api):
    trace = trace_for(api, TENSOR)
    page.goto("/")
    build(page, TENSOR, trace)
    page.wait_for_timeout(400)  # the opening pan
    svg = page.locator("svg#graph").bounding_box()
    out = page.locator(f"svg#graph g.node[data-id='{trace['output']}'] rect.box").bounding_box()
    assert inside(out, svg), (out, svg)
    mul = node_of(trace, op="mul")
    title = page.locator(f"svg#graph g.node[data-id='{mul['id']}'] text.title")
    expect(title).to_have_text("X ⊙ w")
    times = page.locator("#legend [data-mark=mark-times]")
    # a tensor program's legend is folded to one line on a laptop: its button opens the rest
    expect(times).to_be_hidden()
    page.locator("#legend .legend-toggle").click()
    expect(page.locator("#legend .legend-toggle")).to_have_attribute("aria-expanded", "true")
    expect(times).to_be_visible()
    expect(times).to_contain_text("not a dot product")
    expect(times).to_contain_text("broadcast")
    # a scalar program has no ⊙ line in its legend
    build(page, SEED)
    expect(times).to_be_hidden()


def test_a_tensor_upstream_shows_every_value_and_they_add_up_to_cs_gradient(page: Page, api):
    trace = trace_for(api, TENSOR)
    F = len(trace["forward"])
    add = node_of(trace, op="add")
    j = step_index(trace, add["id"])
    st = trace["backward"][j]
    page.goto("/")
    build(page, TENSOR, trace)
    go_slider(page, F + 1 + j)
    # 6 values: up to 12 every one is written out at once, nested as numpy prints it
    up = page.locator("#ledger .is-current .upstream .all-values-inline")
    expect(up).to_be_visible()
    assert close(parse(up.get_attribute("data-values")), st["grad"])
    assert up.inner_text().startswith("[[")
    shown = [float(x.replace("\u2212", "-")) for x in re.findall(r"[−\d.]+", up.inner_text())]
    assert shown == [float(fmt(v).replace("\u2212", "-")) for v in flat(st["grad"])]
    c = node_of(trace, kind="leaf", label="c")
    rounding = 1e-3 * len(shown) * max(1.0, max(map(abs, shown)))  # 4 significant digits each
    assert abs(sum(shown) - trace["gradients"]["c"]) <= rounding
    assert c["id"] in [e["to"] for e in st["edges"]]
    # the sum over the batch axis is on screen, not cut at the ledger's edge
    mul = node_of(trace, op="mul")
    go_slider(page, F + 1 + step_index(trace, mul["id"]))
    line = page.locator("#ledger .is-current [data-sum-axis]")
    expect(line).to_contain_text("sum over the broadcast axis 0: (3, 2) → (2,)")
    panel = page.locator(".ledger-panel")
    assert page.eval_on_selector(".ledger-panel", "p => p.scrollWidth <= p.clientWidth + 1")
    box, pbox = line.bounding_box(), panel.bounding_box()
    assert box["x"] + box["width"] <= pbox["x"] + pbox["width"]


# ---- 2. the last step: every gradient explained, whole ledger lines --------------

def test_earlier_badges_stay_dimmed_and_the_ledger_shows_whole_lines(page: Page, api):
    trace = trace_for(api, SEED)
    page.goto("/")
    build(page, SEED, trace)
    page.keyboard.press("End")
    labels = page.locator("svg#graph g.edge-label")
    edges = [(j, e) for j, s in enumerate(trace["backward"])
             for e in s["edges"] if e["local"] is not None]
    expect(labels).to_have_count(len(edges))
    texts = sorted(labels.all_text_contents())
    assert texts == sorted(f"× {fmt(e['local'])}" for _, e in edges)
    last = len(trace["backward"]) - 1
    expect(page.locator("svg#graph g.edge-label:not(.is-past)")).to_have_count(
        sum(1 for j, _ in edges if j == last))
    y = node_of(trace, kind="leaf", label="y")
    y_edge = next(e for _, e in edges if e["to"] == y["id"])
    dim = page.locator("svg#graph g.edge-label.is-past", has_text=f"× {fmt(y_edge['local'])}")
    expect(dim).to_have_count(1)
    # No line is cut in half at the top of the ledger's scroll box.
    cut = page.evaluate("""() => {
      const box = document.querySelector('.ledger-panel').getBoundingClientRect();
      return [...document.querySelectorAll('#ledger p, #ledger summary')].filter(p => {
        const r = p.getBoundingClientRect();
        return r.height > 0 && r.top < box.top - 0.5 && r.bottom > box.top + 0.5;
      }).map(p => p.textContent.slice(0, 40));
    }""")
    assert not cut, cut
    # A past entry keeps the current one's layout (block lines, labelled factors), smaller.
    past_line = page.locator("#ledger .is-past .ledger-row .line").first
    assert past_line.evaluate("e => getComputedStyle(e).display") == "block"
    expect(page.locator("#ledger .is-past .factor .fl").first).to_be_visible()
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert (page.locator("#ledger .is-past").first.evaluate(size)
            < page.locator("#ledger .is-current").evaluate(size))


# ---- 3. the step line ------------------------------------------------------------

def test_the_step_line_counts_like_the_counter_and_says_what_it_computes(page: Page, api, examples):
    trace = trace_for(api, SEED)
    F, B = len(trace["forward"]), len(trace["backward"])
    page.goto("/")
    build(page, SEED, trace)
    go_slider(page, F + 1)
    phase = page.locator("#phase")
    expect(phase).to_contain_text(f"Step {F + 1} of {F + B}")
    expect(phase).to_contain_text(f"backward 1 of {B}")
    expect(phase).to_contain_text("pushes ∂L/∂L into ∂L/∂(")
    expect(page.locator("#step-counter")).to_have_text(f"{F + 1} / {F + B}")
    go_slider(page, F + B)
    expect(phase).to_contain_text("pushes ∂L/∂(w·x) into ∂L/∂w, ∂L/∂x")
    description = examples["regression"]["description"]
    assert "upstream × local derivative" in description
    assert "what it multiplied" not in description


# ---- 4 and 5. the legend -----------------------------------------------------------

def test_the_legend_explains_its_marks_without_borrowed_numbers(page: Page, api):
    trace = trace_for(api, FANOUT)
    page.goto("/")
    build(page, FANOUT, trace)
    legend = page.locator("#legend")
    expect(legend.locator("[data-mark=mark-none]")).to_contain_text("constant or class index")
    for mark in ("mark-chip", "mark-edge"):
        sample = legend.locator(f"[data-mark={mark}] .mark-sample").inner_text()
        assert not re.search(r"\d", sample), sample
    expect(legend).to_contain_text("power of ten")
    wrong = legend.locator("[data-mark=mark-wrong]")
    expect(wrong).to_be_hidden()
    page.locator("#overwrite-toggle").check()
    expect(wrong).to_be_visible()
    # The mid-sum mark is drawn unlike the = replay's wrong mark.
    style = "e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.outlineStyle] }"
    partial = legend.locator(".mark-sample.mark-partial").evaluate(style)
    wrong_style = legend.locator(".mark-sample.mark-wrong").evaluate(style)
    assert "dashed" in wrong_style and "dashed" not in partial
    page.locator("#overwrite-toggle").uncheck()
    expect(wrong).to_be_hidden()
    F = len(trace["forward"])
    go_slider(page, F + 1)
    chip = page.locator("svg#graph g.node.is-partial .grad-chip rect").first
    expect(chip).to_be_visible()
    assert chip.evaluate("r => getComputedStyle(r).strokeDasharray") == "none"


# ---- 6. a phone --------------------------------------------------------------------

def test_on_a_phone_nothing_is_cut(page: Page, api):
    page.set_viewport_size({"width": 390, "height": 844})
    trace = trace_for(api, SEED)
    F = len(trace["forward"])
    page.goto("/")
    build(page, SEED, trace)
    go_slider(page, F + 1)
    page.wait_for_timeout(500)  # the pan
    cut = page.evaluate("""() => {
      const svg = document.querySelector('svg#graph').getBoundingClientRect();
      return [...document.querySelectorAll('svg#graph g.node rect.box')].filter(r => {
        const b = r.getBoundingClientRect();
        return b.top < svg.top - 0.5 && b.bottom > svg.top + 0.5;
      }).map(r => r.parentNode.dataset.label);
    }""")
    assert cut == [], cut
    line = page.locator("#ledger .is-current .ledger-row .line").first
    assert line.evaluate("e => getComputedStyle(e).overflowWrap") == "normal"
    assert page.eval_on_selector(".ledger-panel", "p => p.scrollWidth <= p.clientWidth + 1")
    expect(page.locator("table#gradients td.symbolic .derivative").first).to_be_visible()
    wrap = page.locator("#gradients-panel .table-wrap").bounding_box()
    for cell in page.locator("table#gradients td.symbolic").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 0.5, (box, wrap)


# ---- 7. the path view ----------------------------------------------------------------

def test_the_path_view_marks_the_leaf_and_shows_every_badge_on_the_path(page: Page, api):
    trace = trace_for(api, SEED)
    page.goto("/")
    build(page, SEED, trace)  # after the forward pass: no backward badge yet
    expect(page.locator("svg#graph g.edge-label")).to_have_count(0)
    page.locator("table#gradients tr[data-leaf='w']").click()
    w = node_of(trace, kind="leaf", label="w")
    leaf = page.locator(f"svg#graph g.node[data-id='{w['id']}']")
    expect(leaf).to_have_class(re.compile(r"\bis-chosen\b"))
    path = page.locator("#paths [data-path]")
    expect(path).to_have_count(1)
    on_path = path.get_attribute("data-path").split()
    locals_ = {f"{e['to']}>{s['node']}": e["local"] for s in trace["backward"] for e in s["edges"]}
    for edge in on_path:
        badge = page.locator(f"svg#graph g.edge-label.on-path[data-edge='{edge}']")
        expect(badge).to_have_text(f"× {fmt(locals_[edge.split('#')[0]])}")
    expect(page.locator("svg#graph g.edge-label")).to_have_count(len(on_path))
    page.locator("#paths .paths-close").click()
    expect(page.locator("svg#graph g.node.is-chosen")).to_have_count(0)
    expect(page.locator("svg#graph g.edge-label")).to_have_count(0)
