"""The standalone step-through, offline: the file from `chainrule export`, the
notebook's `show(...)._repr_html_()` and the page's HTML button, each opened
over file:// with every other request aborted (an attempt fails the test:
conftest's page_problems reports aborted requests and CSP refusals)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import chainrule
import pytest
from chainrule import show, trace_program
from chainrule.language.examples import example
from playwright.sync_api import Frame, Page, expect

from .helpers import close, expected_active, go_slider, parse

SEED = example("regression").program


@pytest.fixture
def offline(page: Page) -> Page:
    """The page with the network cut: only file: URLs load."""
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else r.abort())
    return page


def total_of(trace: dict) -> int:
    return len(trace["forward"]) + len(trace["backward"])


def step_to_the_end_with_keys(page: Page, frame: Frame, trace: dict) -> None:
    """Home, then → once per step: each step makes the trace's node active;
    at the end every node shows the trace's gradient and every table row too."""
    counter = frame.locator("#step-counter")
    total = total_of(trace)
    page.keyboard.press("Home")
    expect(counter).to_have_text(f"0 / {total}")
    active = expected_active(trace)
    for k in range(1, total + 1):
        page.keyboard.press("ArrowRight")
        expect(counter).to_have_text(f"{k} / {total}")
        expect(frame.locator("svg#graph g.node.is-active")).to_have_attribute("data-id", active[k])
    page.keyboard.press("ArrowRight")  # past the end: stays
    expect(counter).to_have_text(f"{total} / {total}")
    js = "els => Object.fromEntries(els.map(e => [e.dataset.id, e.dataset.grad]))"
    grads = frame.eval_on_selector_all("svg#graph g.node", js)
    for node in trace["nodes"]:
        if node["grad"] is not None:
            assert close(parse(grads[node["id"]]), node["grad"]), node["id"]
    rows = frame.locator("table#gradients tr[data-leaf]")
    expect(rows).to_have_count(len(trace["gradients"]))
    for name, grad in trace["gradients"].items():
        shown = frame.locator(f"table#gradients tr[data-leaf='{name}']").get_attribute("data-grad")
        assert close(parse(shown), grad), name


def check_slider_and_paths(frame: Frame, trace: dict) -> None:
    go_slider(frame, 3)
    expect(frame.locator("#step-counter")).to_have_text(f"3 / {total_of(trace)}")
    frame.locator("table#gradients tr[data-leaf='w']").click()
    view = frame.locator("#paths")
    expect(view).to_be_visible()
    products = view.locator("[data-path]")
    expect(products).to_have_count(int(view.get_attribute("data-path-count")))
    total = sum(parse(products.nth(i).get_attribute("data-product"))
                for i in range(products.count()))
    assert math.isclose(total, trace["gradients"]["w"], rel_tol=1e-9)


def test_the_exported_file_works_from_disk_with_no_network(offline: Page, tmp_path: Path):
    program = tmp_path / "seed.cr"
    program.write_text(SEED)
    out = tmp_path / "seed.html"
    run = subprocess.run([sys.executable, "-m", "chainrule", "export", str(program), "-o",
                          str(out), "--value", "w=1.5"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    trace = trace_program(SEED, {"w": 1.5})
    offline.goto(out.as_uri())
    frame = offline.main_frame
    expect(offline.locator("body")).to_have_attribute("data-ready", "true")
    opening = f"{len(trace['forward'])} / {total_of(trace)}"  # after the forward pass
    expect(offline.locator("#step-counter")).to_have_text(opening)
    # It says which program, values and chainrule made it, as text.
    expect(offline.locator("#source-program")).to_have_text(SEED)
    expect(offline.locator("#source-values")).to_contain_text('"w":1.5')
    expect(offline.locator("#source-name")).to_have_text("from seed.cr")
    expect(offline.locator("#made-by")).to_have_text(f"chainrule {chainrule.__version__}")
    assert offline.locator("textarea, form").count() == 0  # no editor
    step_to_the_end_with_keys(offline, frame, trace)
    check_slider_and_paths(frame, trace)


def test_show_in_a_notebook_works_in_its_sandboxed_srcdoc_frame(offline: Page, tmp_path: Path):
    hostile = SEED.replace("y = 10.0", "y = 10.0 # </script><b id=injected>x</b>")
    trace = trace_program(hostile)
    host = tmp_path / "notebook.html"
    # A stand-in for a notebook: its own style and script must not reach the frame.
    host.write_text("<!doctype html><html><head><style>svg { display: none }</style></head>"
                    "<body><h1>Notebook</h1>" + show(hostile, step=0)._repr_html_()
                    + "</body></html>", encoding="utf-8")
    offline.goto(host.as_uri())
    expect(offline.locator("iframe")).to_have_attribute("sandbox", "allow-scripts")
    frame = offline.frame_locator("iframe")
    expect(frame.locator("body")).to_have_attribute("data-ready", "true")
    (inner,) = [f for f in offline.frames if f != offline.main_frame]
    expect(frame.locator("#step-counter")).to_have_text(f"0 / {total_of(trace)}")
    expect(frame.locator("#source-program")).to_have_text(hostile)
    assert inner.locator("#injected").count() == 0 and offline.locator("#injected").count() == 0
    expect(frame.locator("svg#graph")).to_be_visible()
    frame.locator("#phase").click()  # focus the frame: keys go to it
    step_to_the_end_with_keys(offline, inner, trace)
    check_slider_and_paths(inner, trace)


def test_the_pages_html_button_saves_the_same_step_through(page: Page, api, tmp_path: Path):
    page.goto("/")
    expect(page.locator("#step-counter")).not_to_have_text("0 / 0")
    page.keyboard.press("ArrowRight")
    step = int(page.locator("#step-counter").inner_text().split(" / ")[0])
    with page.expect_download() as dl:
        page.locator("button[data-export=html]").click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.name.endswith(".html")
    program = page.locator("textarea[name=program]").input_value()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else r.abort())
    page.goto(saved.as_uri())
    trace = trace_program(program)
    expect(page.locator("#step-counter")).to_have_text(f"{step} / {total_of(trace)}")
    expect(page.locator("#source-program")).to_have_text(program)
    step_to_the_end_with_keys(page, page.main_frame, trace)


def test_the_file_works_in_a_sandboxed_iframe_of_another_page(offline: Page, tmp_path: Path):
    """Embedded as the README says: <iframe src=... sandbox="allow-scripts">."""
    trace = trace_program(SEED, check=True)
    (tmp_path / "step.html").write_text(
        chainrule.standalone_html(trace, program=SEED, step=0), encoding="utf-8")
    host = tmp_path / "course.html"
    host.write_text('<!doctype html><title>course</title><h1>Lesson 3</h1><iframe '
                    'src="step.html" sandbox="allow-scripts" width="1000" height="760">'
                    '</iframe>', encoding="utf-8")
    offline.goto(host.as_uri())
    frame = offline.frame_locator("iframe")
    expect(frame.locator("body")).to_have_attribute("data-ready", "true")
    (inner,) = [f for f in offline.frames if f != offline.main_frame]
    frame.locator("#phase").click()
    step_to_the_end_with_keys(offline, inner, trace)


def test_practice_works_in_the_exported_file(offline: Page, tmp_path: Path):
    """Practice mode needs no server: the file's own trace holds the answers,
    and the score is shown (and kept in the URL where the file allows it)."""
    from chainrule import standalone_html

    trace = trace_program(SEED)
    out = tmp_path / "practice.html"
    out.write_text(standalone_html(trace, program=SEED))
    offline.goto(out.as_uri())
    expect(offline.locator("body")).to_have_attribute("data-ready", "true")
    offline.locator("button[data-action=practice]").click()
    F, total = len(trace["forward"]), total_of(trace)
    asked = 0
    for j, st in enumerate(trace["backward"]):
        if not st["edges"]:
            continue
        offline.locator("button[data-action=forward]").click()
        expect(offline.locator(f".practice-question[data-step='{F + 1 + j}']")).to_be_visible()
        asked += 1
        for i, e in enumerate(st["edges"]):
            field = offline.locator(f".practice-edge[data-i='{i}'] input[data-predict]")
            assert field.get_attribute("data-predict") == e["to"]
            field.fill(repr(float(e["contribution"])))
            field.press("Enter")
        expect(offline.locator("#step-counter")).to_have_text(f"{F + j + 1} / {total}")
    expect(offline.locator("#practice-score")).to_have_attribute("data-score",
                                                                 f"{asked}/{asked}")
