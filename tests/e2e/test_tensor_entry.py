"""A tensor step beside the graph at 1280×800: at every backward step of the
tensor examples (and TEACHING.md's worked program) the current ledger entry is
whole on screen under a graph that keeps its height and readable text. Each
edge keeps its local, contribution and gradient rows; what the op does
backward (rule, shapes, a worked entry) shows for one edge at a time, and any
other edge's is one click, key or tensor cell away, with the trace's numbers."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest
from chainrule import show
from chainrule.language.examples import example
from playwright.sync_api import Browser, Page, expect

from .helpers import close, parse, trace_for

TEACHING = ("X = [[1, 2], [3, -1]]\nW = [[0.5], [-0.25]]\nb = [0.1]\ny = [[1], [0]]\n"
            "pred = X @ W + b\nL = mean((pred - y)**2)")
PROGRAMS = {name: example(name).program for name in ("classifier", "mlp", "softmax_ce", "l2")}
PROGRAMS["teaching"] = TEACHING

# The graph's smallest text is 14 graph units (views/zoom.js): at 11 px the
# scale is 11/14. The graph keeps at least this height beside the ledger.
TEXT_UNITS = 14
GRAPH_MIN_PX = 200

# After the step is drawn (two frames: the ledger's height change resizes the
# graph, which is framed again before painting): the entry's box, what its
# scrolling ancestors leave visible, the graph's size, scale and node boxes,
# and the smallest visible graph text in px (as test_orientation reads it).
READ = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const rect = (el) => {
    const b = el.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  const e = document.querySelector("[data-current-entry]");
  let clip = [0, 0, innerWidth, innerHeight];
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const st = getComputedStyle(p);
    if (st.display === "contents" || st.overflowY === "visible") continue;
    const b = p.getBoundingClientRect();
    clip = [clip[0], Math.max(clip[1], b.top + p.clientTop), clip[2],
            Math.min(clip[3], b.top + p.clientTop + p.clientHeight)];
  }
  const svg = document.querySelector("svg#graph");
  const g = svg.getBoundingClientRect();
  let text = Infinity;
  for (const t of svg.querySelectorAll("text")) {
    const b = t.getBoundingClientRect();
    if (!b.width || getComputedStyle(t).display === "none") continue;
    if (b.right < g.left || b.left > g.right || b.bottom < g.top || b.top > g.bottom) continue;
    text = Math.min(text, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  }
  const boxes = {};
  for (const n of svg.querySelectorAll("g.node")) {
    boxes[n.dataset.id] = rect(n.querySelector("rect.box"));
  }
  return {
    counter: document.querySelector("#step-counter").textContent,
    step: e.dataset.step, entry: rect(e), clip, text, boxes,
    graph: [g.width, g.height], k: svg.querySelector(".viewport").getScreenCTM().a,
  };
}"""


@pytest.fixture
def laptop(browser: Browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    ctx.close()
    assert not errors, errors


def open_program(page: Page, live_server: str, program: str, trace: dict, extra: str = "") -> None:
    page.goto(f"{live_server}/?program={urllib.parse.quote(program)}{extra}")
    F, B = len(trace["forward"]), len(trace["backward"])
    expect(page.locator("svg#graph g.node")).to_have_count(len(trace["nodes"]))
    expect(page.locator("#step-counter")).to_have_text(f"{F} / {F + B}")


def neighbourhood_fits_readable(trace: dict, s: dict) -> bool:
    """Would the active node with its inputs and outputs fit the view at 11 px
    text? (views/zoom.js then frames it at 11 px; else it trades text size
    for the whole neighbourhood, by design, down to 8 px.)"""
    step = next(st for st in trace["backward"] if st["node"] == s["active"])
    node = next(n for n in trace["nodes"] if n["id"] == step["node"])
    ids = {node["id"], *node["inputs"],
           *(n["id"] for n in trace["nodes"] if node["id"] in n["inputs"])}
    bs = [s["boxes"][i] for i in ids]
    width = (max(b[2] for b in bs) - min(b[0] for b in bs)) / s["k"] + 16
    height = (max(b[3] for b in bs) - min(b[1] for b in bs)) / s["k"] + 16
    k = 11 / TEXT_UNITS
    return width * k <= s["graph"][0] - 8 and height * k <= s["graph"][1] - 8


def assert_whole(s: dict, at: str, height: int = 800) -> None:
    box, clip = s["entry"], s["clip"]
    assert box[1] >= clip[1] - 1 and box[3] <= clip[3] + 1, (
        f"{at}: the current entry {box} is cut by {clip}")
    assert box[1] >= 0 and box[3] <= height + 1, f"{at}: the current entry {box} leaves the screen"


def opened(laptop: Page, live_server: str, api, name: str) -> tuple[dict, int, int]:
    """The program open on the page: its trace, forward and backward step counts."""
    program = PROGRAMS[name]
    trace = trace_for(api, program)
    open_program(laptop, live_server, program, trace)
    return trace, len(trace["forward"]), len(trace["backward"])


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_every_backward_step_shows_its_entry_whole_beside_a_readable_graph(
    laptop: Page, live_server: str, api, name: str
):
    trace, F, B = opened(laptop, live_server, api, name)
    readable = 0
    for j, st in enumerate(trace["backward"]):
        laptop.locator("#phase").click()  # off the tabs: → is the next step again
        laptop.keyboard.press("ArrowRight")
        s = laptop.evaluate(READ)
        at = f"{name}, backward step {j + 1} of {B}"
        assert s["counter"] == f"{F + 1 + j} / {F + B}", at
        s["active"] = st["node"]
        assert_whole(s, at)
        # Every edge keeps its three rows, each visible.
        rows = laptop.locator("[data-current-entry] .ledger-row")
        expect(rows).to_have_count(len(st["edges"]))
        for i in range(len(st["edges"])):
            for line in (".line.local", ".line.contribution", ".line.gradient"):
                expect(rows.nth(i).locator(line)).to_be_visible()
        # The graph keeps its height, and its text is at least 11 px wherever
        # the step's neighbourhood fits at that size.
        assert s["graph"][1] >= GRAPH_MIN_PX, f"{at}: the graph is {s['graph'][1]:.0f} px tall"
        if neighbourhood_fits_readable(trace, s):
            readable += 1
            assert s["text"] >= 11 - 0.05, f"{at}: graph text {s['text']:.1f} px"
        # Every other edge's explanation, one click away: the entry stays whole.
        tabs = laptop.locator("[data-current-entry] .explain-tab")
        for t in range(tabs.count()):
            tabs.nth(t).click()
            assert_whole(laptop.evaluate(READ), f"{at}, explaining edge {t}")
    if name in ("l2", "teaching"):
        assert readable, f"{name}: no step was checked for readable graph text"


def pretty(t: str) -> str:
    """The engine's sentence as the ledger writes it (ledger-entry.js `pretty`)."""
    return re.sub(r"\*\*2\b", "²", t).replace("**", "^").replace("*", "·").replace("-", "−")


def at_index(v, index):
    for i in index:
        v = v[i]
    return v


@pytest.mark.parametrize("name", ["classifier", "teaching"])
def test_another_edges_explanation_opens_by_click_and_by_keyboard(
    laptop: Page, live_server: str, api, name: str
):
    trace, F, B = opened(laptop, live_server, api, name)
    laptop.locator("#phase").click()
    laptop.keyboard.press("End")  # the first matmul: X @ W1 (X @ W), two edges
    st = trace["backward"][-1]
    assert len(st["edges"]) == 2
    entry = laptop.locator("[data-current-entry]")
    tabs = entry.locator(".explain-tabs[role=tablist] [role=tab]")
    expect(tabs).to_have_count(2)
    rows = entry.locator(".ledger-row")
    # The first edge's explanation by default, the other's hidden.
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "false")
    expect(rows.nth(0).locator(".edge-explain")).to_be_visible()
    expect(rows.nth(1).locator(".edge-explain")).to_be_hidden()
    for i in (1, 0):
        e = st["edges"][i]
        tabs.nth(i).click()
        expect(tabs.nth(i)).to_have_attribute("aria-selected", "true")
        panel = rows.nth(i).locator(".edge-explain")
        expect(panel).to_be_visible()
        assert panel.get_attribute("id") == tabs.nth(i).get_attribute("aria-controls")
        expect(rows.nth(1 - i).locator(".edge-explain")).to_be_hidden()
        # what the trace says this edge does, and its worked entry with its number
        expect(panel.locator(".explain .sym")).to_have_text(pretty(e["explain"]["text"]))
        worked = panel.locator(".worked-entry")
        index = [int(x) for x in worked.get_attribute("data-entry").split(",")]
        assert close(parse(worked.get_attribute("data-value")), at_index(e["contribution"], index))
        # the local, contribution and gradient rows of both edges stay shown
        for r in range(2):
            expect(rows.nth(r).locator(".line.contribution")).to_be_visible()
            expect(rows.nth(r).locator(".line.gradient")).to_be_visible()
    # Keyboard: → on the chosen tab chooses the next one (not a step), Home the first.
    tabs.nth(0).focus()
    laptop.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_be_focused()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(rows.nth(1).locator(".worked-entry")).to_be_visible()
    expect(laptop.locator("#step-counter")).to_have_text(f"{F + B} / {F + B}")
    laptop.keyboard.press("Home")
    expect(tabs.nth(0)).to_be_focused()
    expect(rows.nth(0).locator(".worked-entry")).to_be_visible()
    expect(laptop.locator("#step-counter")).to_have_text(f"{F + B} / {F + B}")
    # Only the chosen tab is in the tab order.
    assert [tabs.nth(i).get_attribute("tabindex") for i in range(2)] == ["0", "-1"]
    # The other edge on the graph chooses that edge; then back with the first.
    for i in (1, 0):
        edge = rows.nth(i).get_attribute("data-edge")
        laptop.locator(f"svg#graph path.edge[data-edge='{edge}']").dispatch_event("click")
        expect(tabs.nth(i)).to_have_attribute("aria-selected", "true")
        expect(rows.nth(i).locator(".edge-explain")).to_be_visible()
    # A cell of the other input's ∇ on the graph chooses its edge and works that entry out.
    other = st["edges"][1]
    node = laptop.locator(f"svg#graph g.node[data-id='{other['to']}']")
    cell = node.locator(".nums-grad .num-cell").last
    index = cell.get_attribute("data-index")
    cell.dispatch_event("click")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    worked = rows.nth(1).locator(".worked-entry")
    expect(worked).to_be_visible()
    expect(worked).to_have_attribute("data-entry", index)
    assert close(parse(worked.get_attribute("data-value")),
                 at_index(other["contribution"], [int(x) for x in index.split(",")]))


@pytest.mark.parametrize("name", ["classifier", "mlp"])
def test_a_notebook_frame_shows_a_tensor_steps_entry_whole(browser: Browser, name: str):
    """The standalone file (chainrule.show) in a 1000 × 760 iframe, as a notebook
    shows it: the same entry, whole at every backward step, whichever edge is explained."""
    program = PROGRAMS[name]
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, reduced_motion="reduce")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    shown = show(program)
    doc = html.escape(shown.html(), quote=True)
    page.set_content(
        f'<iframe srcdoc="{doc}" sandbox="allow-scripts" width="1000" height="760"></iframe>')
    expect(page.frame_locator("iframe").locator("body")).to_have_attribute("data-ready", "true")
    (frame,) = [f for f in page.frames if f != page.main_frame]
    key = "k => document.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}))"
    total = len(shown.trace["forward"]) + len(shown.trace["backward"])
    frame.evaluate(key, "Home")
    entry = frame.locator("[data-current-entry]")
    backward = 0
    for k in range(1, total + 1):
        frame.evaluate(key, "ArrowRight")
        s = frame.evaluate(READ)
        assert s["counter"] == f"{k} / {total}"
        if not entry.get_attribute("class") or "is-backward" not in entry.get_attribute("class"):
            continue
        backward += 1
        assert_whole(s, f"{name} in a notebook frame, step {k}", 760)
        tabs = entry.locator(".explain-tab")
        for t in range(tabs.count()):
            tabs.nth(t).dispatch_event("click")
            expect(tabs.nth(t)).to_have_attribute("aria-selected", "true")
            at = f"{name} in a notebook frame, step {k}, edge {t}"
            assert_whole(frame.evaluate(READ), at, 760)
    assert backward == len(shown.trace["backward"])
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize(("width", "height", "extra"), [(390, 844, ""), (1280, 720, "&lecture=1")],
                         ids=["phone", "lecture"])
@pytest.mark.parametrize("name", ["classifier", "teaching"])
def test_a_phone_and_a_projector_show_a_tensor_steps_entry_whole_under_its_active_node(
    browser: Browser, live_server: str, api, name: str, width: int, height: int, extra: str
):
    """390×844, and 1280×720 in lecture mode: the graph's active node, then the
    whole entry (every edge's local, contribution and gradient); each edge's
    rule, shapes and worked entry open on a tap of its tab and close on another."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page = ctx.new_page()
    try:
        program = PROGRAMS[name]
        trace = trace_for(api, program)
        open_program(page, live_server, program, trace, extra)
        F, B = len(trace["forward"]), len(trace["backward"])
        page.locator("#phase").click()
        entry = page.locator("[data-current-entry]")
        for j, st in enumerate(trace["backward"]):
            page.keyboard.press("ArrowRight")
            s = page.evaluate(READ)
            at = f"{name} at {width}×{height}{extra}, backward step {j + 1} of {B}"
            assert s["counter"] == f"{F + 1 + j} / {F + B}", at
            assert_whole(s, at, height=height)
            expect(entry.locator(".edge-explain:not([hidden])")).to_have_count(0)
            # The active node is on screen above it, under the sticky controls.
            shown = page.evaluate("""() => {
              const r = document.querySelector('svg#graph').getBoundingClientRect();
              const bar = document.querySelector('.graph-panel > .toolbar').getBoundingClientRect();
              return [Math.max(r.left, 0), Math.max(r.top, bar.bottom, 0),
                      Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)];
            }""")
            box = s["boxes"][st["node"]]
            assert (box[0] >= shown[0] - 1 and box[1] >= shown[1] - 1
                    and box[2] <= shown[2] + 1 and box[3] <= shown[3] + 1), (
                f"{at}: the active node {box} is not on screen {shown}")
        tab = entry.locator(".explain-tab").last
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        opened = entry.locator(".edge-explain:not([hidden])")
        expect(opened).to_have_count(1)
        expect(opened).to_contain_text(re.compile("shapes", re.I))
        tab.click()
        expect(entry.locator(".edge-explain:not([hidden])")).to_have_count(0)
    finally:
        ctx.close()
