"""Screenshots at the last step, narrow screens, exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from .helpers import build, step_of, trace_for

DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def test_screenshots_at_the_last_step(page: Page, api, examples, artifacts):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        build(page, program, trace)
        page.keyboard.press("End")
        k, n = step_of(page)
        assert k == n
        page.wait_for_timeout(450)  # let the follow-the-active-node pan settle
        overflow = page.evaluate("(d => d.scrollWidth - d.clientWidth)(document.documentElement)")
        assert overflow <= 0, f"horizontal overflow of {overflow}px at {width}px"
        path = artifacts / f"seed-last-step-{width}.png"
        page.screenshot(path=str(path), full_page=width < 600)
        assert path.stat().st_size > 10_000
    if os.environ.get("CHAINRULE_UPDATE_SCREENSHOT"):
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        shutil.copy(artifacts / "seed-last-step-1280.png", DOCS_SHOT)


def test_tensor_nodes_expand_on_click_and_keyboard(page: Page, api, examples):
    program = examples["mlp"]["program"]
    trace = trace_for(api, program)
    tensor = next(n for n in trace["nodes"] if n["shape"] and n["kind"] == "leaf")
    page.goto("/")
    build(page, program, trace)
    page.locator("button[data-view=fit]").click()  # the whole graph, below the readable scale
    page.wait_for_timeout(400)
    node = page.locator(f"svg#graph g.node[data-id='{tensor['id']}']")
    node.click()
    expect(page.locator(f"svg#graph .expanded[data-for='{tensor['id']}']")).to_have_count(1)
    expect(node).to_have_attribute("aria-expanded", "true")
    node.focus()
    page.keyboard.press("Enter")
    expect(page.locator("svg#graph .expanded")).to_have_count(0)


def test_exports(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    with page.expect_download() as dl:
        page.locator("button[data-export=json]").click()
    exported = json.loads(Path(dl.value.path()).read_text())
    assert exported["format"] == "chainrule.trace/1" and exported["gradients"] == trace["gradients"]
    with page.expect_download() as dl:
        page.locator("button[data-export=svg]").click()
    svg = Path(dl.value.path()).read_text()
    assert svg.startswith("<svg") and "data-id" in svg and "<style>" in svg
    with page.expect_download() as dl:
        page.locator("button[data-export=png]").click()
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.locator("button[data-export=curl]").click()
    expect(page.locator("#toast")).to_be_visible()
    curl = page.evaluate("document.body.dataset.lastCopy")
    assert curl.startswith("curl ") and "/api/v1/graphs" in curl
    if shutil.which("curl"):
        out = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30,
                             check=True)
        assert json.loads(out.stdout)["gradients"] == trace["gradients"]
    page.locator("button[data-export=python]").click()
    script = page.evaluate("document.body.dataset.lastCopy")
    assert script.startswith("import httpx")
    namespace: dict = {}
    exec(compile(script, "<copied>", "exec"), namespace)  # runs against the live server
    assert namespace["payload"]["program"] == program and namespace["payload"]["check"] is True
    assert namespace["trace"]["gradients"] == trace["gradients"]
