"""Every student can use it: an axe-core audit of each page at several states
and two widths, the step-through by keyboard and by ear, colour that survives
colour-vision deficiencies, reduced motion, 200% zoom and lecture mode."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .colour_vision import MACHADO, delta_e
from .helpers import build, trace_for, wait_drawn

SEED = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"
WIDTHS = [1280, 390]
AXE = Axe()
# A request still in flight when a test's page closes is aborted; that is not
# what these tests look at.
ALLOW_ABORTED = r"requestfailed: .* net::ERR_ABORTED"
ALLOW_PROGRAM_ERROR = (r"http 400: POST .*/api/v1/graphs",
                       r"console: Failed to load resource: .* 400 .*/api/v1/graphs")


def serious(page: Page) -> list[str]:
    """axe-core's violations of impact serious or critical, one line each."""
    found = AXE.run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:4]} {v['help']}"
            for v in found if v["impact"] in ("serious", "critical")]


def fmt(v: float) -> str:
    """The page's number format (static/js/format.js num) for moderate values."""
    s = repr(float(f"{v:.4g}"))
    return (s[:-2] + ".0" if s.endswith(".0") else s).replace("-", "\u2212")


# ---- the audit ---------------------------------------------------------------

def seed_page(page: Page, api) -> dict:
    trace = trace_for(api, SEED)
    page.goto("/")
    wait_drawn(page, trace)
    return trace


def main_initial(page: Page, api) -> None:
    seed_page(page, api)


def main_mid_backward(page: Page, api) -> None:
    trace = seed_page(page, api)
    page.locator("body").press("ArrowRight")
    page.locator("body").press("ArrowRight")
    total = len(trace["forward"]) + len(trace["backward"])
    expect(page.locator("#step-counter")).to_have_text(f"{len(trace['forward']) + 2} / {total}")


def main_error(page: Page, api) -> None:
    seed_page(page, api)
    build(page, "w = 2.0\nloss = (w * 3")
    expect(page.locator("#error")).to_be_visible()


def main_practice(page: Page, api) -> None:
    """Practice mode with a wrong answer and its hint on screen."""
    trace = seed_page(page, api)
    page.locator("button[data-action=practice]").click()
    page.locator("button[data-action=forward]").click()
    field = page.locator("input[data-predict]").first
    field.fill(str(trace["backward"][0]["edges"][0]["local"] + 1))
    field.press("Enter")
    expect(page.locator(".practice-hint")).to_be_visible()


def main_lecture(page: Page, api) -> None:
    page.goto("/?lecture=1")
    expect(page.locator("svg#graph g.node").first).to_be_visible()


def train_initial(page: Page, api) -> None:
    page.goto("/train")
    expect(page.locator("#source option").first).to_be_attached()


def train_finished(page: Page, api) -> None:
    page.goto("/train")
    page.select_option("#source", "regression")
    page.locator("#train-button").click()
    expect(page.locator("#status")).to_have_attribute("data-stopped", re.compile(".+"),
                                                      timeout=20_000)


def compare_initial(page: Page, api) -> None:
    page.goto("/compare")
    expect(page.locator("#cmp-form, form").first).to_be_visible()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-busy\b"), timeout=20_000)


def compare_drawn(page: Page, api) -> None:
    page.goto("/compare")
    page.locator("form button[type=submit]").first.click()
    expect(page.locator("#cmp-step")).not_to_have_attribute("max", "0", timeout=45_000)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-busy\b"), timeout=20_000)


def overfit_trained(page: Page, api) -> None:
    page.goto("/overfit")
    expect(page.locator("#status")).to_have_attribute("data-stopped", re.compile(".+"),
                                                      timeout=30_000)


STATES = [main_initial, main_mid_backward, main_error, main_practice, main_lecture, train_initial,
          train_finished, compare_initial, compare_drawn, overfit_trained]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("state", STATES, ids=lambda s: s.__name__)
def test_no_serious_or_critical_violations(page: Page, api, page_problems, state, width):
    page_problems.allow(ALLOW_ABORTED)
    for pattern in ALLOW_PROGRAM_ERROR if state is main_error else ():
        page_problems.allow(pattern)
    page.set_viewport_size({"width": width, "height": 900})
    state(page, api)
    # Transitions settle: axe reads final colours (a loaded machine runs them late).
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running'"
                           " || a.effect?.getTiming().iterations === Infinity)", timeout=15_000)
    page.wait_for_timeout(300)
    assert serious(page) == []


def test_the_audit_can_fail(page: Page):
    page.set_content("<main><img src='data:,'><p style='color:#bbb;background:#fff'>faint</p>"
                     "<button></button></main>")
    ids = " ".join(serious(page))
    assert "image-alt" in ids and "button-name" in ids and "color-contrast" in ids


# ---- the step-through without sight -------------------------------------------

def test_live_region_says_each_step(page: Page, api):
    trace = seed_page(page, api)
    F, B = len(trace["forward"]), len(trace["backward"])
    names = {n["id"]: n for n in trace["nodes"]}
    announce = page.locator("#announce")
    assert announce.get_attribute("aria-live") == "polite"
    expect(announce).to_contain_text(f"Forward step {F} of {F}")
    for j, step in enumerate(trace["backward"], start=1):
        page.locator("body").press("ArrowRight")
        expect(announce).to_contain_text(f"Backward step {j} of {B}")
        for edge in step["edges"]:
            if edge["local"] is not None:
                expect(announce).to_contain_text(
                    f"upstream {fmt(step['grad'])} × local {fmt(edge['local'])} "
                    f"= {fmt(edge['contribution'])}")
        if j == 1:
            expect(announce).to_contain_text("∂L/∂L = 1")
    leaf = next(n for n in trace["nodes"] if n.get("label") == "w")
    assert names[leaf["id"]]["grad"] == trace["gradients"]["w"]
    expect(announce).to_contain_text(f"Backward step {B} of {B}")


def test_keyboard_alone_reaches_the_last_step_and_back(page: Page, api):
    trace = seed_page(page, api)
    total = len(trace["forward"]) + len(trace["backward"])
    page.locator("body").press("End")
    expect(page.locator("#step-counter")).to_have_text(f"{total} / {total}")
    page.locator("body").press("Home")
    expect(page.locator("#step-counter")).to_have_text(f"0 / {total}")
    # Tab to the step-forward button and press it with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.action") == "forward":
            break
    else:
        pytest.fail("Tab never reached the step-forward button")
    page.keyboard.press("Enter")
    expect(page.locator("#step-counter")).to_have_text(f"1 / {total}")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control shows a focus ring"


def test_graph_nodes_can_be_focused_and_read(page: Page, api):
    trace = seed_page(page, api)
    page.locator("body").press("End")
    nodes = page.locator("svg#graph g.node[tabindex='0']")
    expect(nodes).to_have_count(len(trace["nodes"]))
    leaf = next(n for n in trace["nodes"] if n.get("label") == "w")
    node = page.locator(f"svg#graph g.node[data-id='{leaf['id']}']")
    node.focus()
    label = node.get_attribute("aria-label")
    assert f"gradient {fmt(leaf['grad'])}" in label and f"value {fmt(leaf['value'])}" in label
    rows = page.locator("#node-table tbody tr")
    expect(rows).to_have_count(len(trace["nodes"]))
    row = page.locator(f"#node-table tr[data-node='{leaf['id']}'] td")
    expect(row.nth(3)).to_have_text(fmt(leaf["grad"]))


# ---- colour, motion, size -------------------------------------------------------

def test_gradient_colours_survive_colour_vision_deficiencies(page: Page, api):
    seed_page(page, api)
    colours = page.evaluate("""async () => {
        const c = await import('/static/js/colors.js');
        const mags = [-6, -4, -2, 0, 2, 4, 6].map((e) => 10 ** e);
        return {pos: mags.map((m) => c.gradColor(m)), neg: mags.map((m) => c.gradColor(-m))};
    }""")
    for kind in (None, *MACHADO):
        for sign in ("pos", "neg"):
            steps = colours[sign]
            for a, b in zip(steps, steps[1:], strict=False):
                assert delta_e(a, b, kind) > 5, f"{kind}: {a} and {b} (100× apart) look alike"
        for a, b in zip(colours["pos"], colours["neg"], strict=True):
            assert delta_e(a, b, kind) > 20, f"{kind}: + {a} and − {b} look alike"
    # the simulation itself is not the identity: red and green collapse for protans
    assert delta_e("#d62728", "#2ca02c", "protanopia") < delta_e("#d62728", "#2ca02c", None) / 2


def test_reduced_motion_turns_transitions_off(page: Page, api):
    page.emulate_media(reduced_motion="reduce")
    seed_page(page, api)
    duration = page.evaluate("getComputedStyle(document.querySelector('#graph .edge'))"
                             ".transitionDuration")
    assert set(duration.replace("s", "").split(", ")) == {"0"}
    page.emulate_media(reduced_motion="no-preference")
    duration = page.evaluate("getComputedStyle(document.querySelector('#graph .edge'))"
                             ".transitionDuration")
    assert duration != "0s"


@pytest.mark.parametrize("path", ["/", "/train", "/compare", "/overfit"])
def test_200_percent_zoom_has_no_horizontal_scroll(page: Page, api, path):
    # 200% zoom of a 1280 px window lays the page out in 640 CSS pixels.
    page.set_viewport_size({"width": 640, "height": 450})
    if path == "/":
        seed_page(page, api)
    else:
        page.goto(path)
        page.wait_for_timeout(500)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


# ---- lecture mode ---------------------------------------------------------------

def test_lecture_mode_from_the_url_survives_stepping(page: Page, api):
    trace = trace_for(api, SEED)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto("/?lecture=1")
    wait_drawn(page, trace)
    expect(page.locator("body")).to_have_class(re.compile(r"\blecture\b"))
    expect(page.locator("#lecture-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".col-left")).to_be_hidden()
    page.locator("body").press("End")
    expect(page).to_have_url(re.compile(r"lecture=1"))
    ledger_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#ledger'))"
                              ".fontSize)")
    assert ledger_px >= 20
    text_px = page.evaluate("""() => {
        const t = document.querySelector('#graph g.node text');
        return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a; }""")
    assert text_px >= 20, f"graph text renders at {text_px:.1f} px"
    page.locator("#lecture-toggle").click()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\blecture\b"))
    expect(page).not_to_have_url(re.compile(r"lecture=1"))


@pytest.mark.parametrize("path", ["/train", "/compare", "/overfit"])
def test_lecture_mode_on_the_other_pages(page: Page, api, path):
    page.goto(f"{path}?lecture=1")
    expect(page.locator("body")).to_have_class(re.compile(r"\blecture\b"))
    expect(page.locator("#lecture-toggle")).to_have_attribute("aria-pressed", "true")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h2')).fontSize)")
    assert size >= 20
