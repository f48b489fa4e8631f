"""Where am I: readable text at the default view, the graph's legend, node
titles with name and operation, the active statement in the editor, the
example picker saying "custom", and a next action for a newcomer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import build, go_slider, trace_for

SMALLEST_TEXT = """() => {
  const out = [];
  for (const t of document.querySelectorAll('svg#graph text')) {
    const r = t.getBoundingClientRect();
    if (!r.width || getComputedStyle(t).display === 'none') continue;
    const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    out.push([px, t.textContent]);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["regression", "mlp"])
def test_graph_text_is_at_least_11px_at_the_default_view(page: Page, api, examples, width, name):
    page.set_viewport_size({"width": width, "height": 900})
    program = examples[name]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("ArrowRight")  # a backward step: edge badges too
    page.wait_for_timeout(400)
    sizes = page.evaluate(SMALLEST_TEXT)
    assert sizes
    small = [s for s in sizes if s[0] < 11 - 1e-3]
    assert not small, f"{name} at {width}px: text under 11 px: {small[:5]}"


def test_a_large_graph_opens_with_its_active_node_readable(page: Page, api):
    program = "x = 1.0\n" + "\n".join("x = sin(x) + 0.1" for _ in range(300)) + "\nloss = x"
    trace = trace_for(api, program)
    assert len(trace["nodes"]) > 300
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    px = page.eval_on_selector("svg#graph g.node.is-active text.title",
                               "t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a")
    assert px >= 11


def test_node_titles_show_name_and_operation(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    out = page.locator(f"svg#graph g.node[data-id='{trace['output']}'] text.title")
    expect(out).to_have_text("loss = (…)²")
    sub = next(n for n in trace["nodes"] if n["op"] == "sub")
    title = page.locator(f"svg#graph g.node[data-id='{sub['id']}'] text.title")
    expect(title).to_have_text("(…) − y")  # which input is subtracted
    legend = page.locator("#legend")
    for what in ("∂L/∂node so far", "local derivative", "current node", "border = ∇ colour"):
        expect(legend).to_contain_text(what)


def test_the_active_statement_is_marked_in_the_editor(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    F = len(trace["forward"])
    for k in (1, F, F + 1, F + len(trace["backward"])):
        go_slider(page, k)
        node_id = ([None, *trace["forward"]] + [s["node"] for s in trace["backward"]])[k]
        node = next(n for n in trace["nodes"] if n["id"] == node_id)
        line = program.split("\n")[node["span"]["line"] - 1]
        text = line[node["span"]["col"] - 1:node["span"]["end_col"] - 1]
        expect(page.locator(".editor-backdrop mark.active-span")).to_have_text(text)


def test_the_picker_says_custom_once_edited_and_a_newcomer_is_told_what_to_do(page: Page, api):
    page.goto("/")
    expect(page.locator("#examples")).to_have_value("regression")
    hint = page.locator("#next-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Press →")
    page.locator("textarea[name=program]").press("End")
    page.locator("textarea[name=program]").type(" + 1")
    expect(page.locator("#examples")).to_have_value("custom")
    expect(page.locator("#examples option:checked")).to_contain_text("custom")
    page.locator("#examples").select_option("fanout")
    expect(page.locator("#examples")).to_have_value("fanout")


def test_ledger_legend_and_paths_text_is_at_least_11px(page: Page, api):
    program = "a = 2.0\nb = a*a + a\nloss = b*3"
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")
    page.locator("table#gradients tr[data-leaf='a']").click()
    expect(page.locator("#paths")).to_be_visible()
    small = page.evaluate("""() => {
      const out = [];
      const roots = '#ledger, #legend, #paths, #phase, #next-hint';
      for (const root of document.querySelectorAll(roots)) {
        const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          if (!t.textContent.trim() || !t.parentElement.getClientRects().length) continue;
          const px = parseFloat(getComputedStyle(t.parentElement).fontSize);
          if (px < 11) out.push([px, t.textContent]);
        }
      }
      return out;
    }""")
    assert not small, small[:5]
