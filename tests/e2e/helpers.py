"""What the browser tests share: building a graph and reading what the page shows."""

from __future__ import annotations

import json
import math
import re

from playwright.sync_api import Page, expect


def trace_for(api, program: str, **extra) -> dict:
    r = api.post("/api/v1/graphs", json={"program": program, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def expected_active(trace: dict) -> list[str | None]:
    """The node each step makes active: none, then forward, then backward."""
    return [None, *trace["forward"], *(s["node"] for s in trace["backward"])]


def build(page: Page, program: str, trace: dict | None = None) -> None:
    """Type a program and submit it; wait until the graph is drawn."""
    page.locator("textarea[name=program]").fill(program)
    page.locator("#program-form button[type=submit]").click()
    # The click marks the page busy at once; wait for this request's answer, not
    # an earlier one (the page builds its default program on load).
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-busy\b"))
    if trace is not None:
        wait_drawn(page, trace)


def wait_drawn(page: Page, trace: dict) -> None:
    """Wait until the page shows this trace, at its default step (after the forward pass)."""
    total = len(trace["forward"]) + len(trace["backward"])
    expect(page.locator("#step-counter")).to_have_text(f"{len(trace['forward'])} / {total}")
    expect(page.locator("svg#graph g.node")).to_have_count(len(trace["nodes"]))


def step_of(page: Page) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+) / (\d+)", page.locator("#step-counter").inner_text().strip())
    assert m, "the step counter reads 'k / n'"
    return int(m[1]), int(m[2])


def active_id(page: Page) -> str | None:
    active = page.locator("svg#graph g.node.is-active")
    count = active.count()
    assert count <= 1, "at most one active node"
    return active.get_attribute("data-id") if count else None


def shown_grads(page: Page) -> dict[str, str]:
    js = "els => Object.fromEntries(els.map(e => [e.dataset.id, e.dataset.grad]))"
    return page.eval_on_selector_all("svg#graph g.node", js)


def parse(text: str):
    """A data-value / data-grad attribute back to numbers (JSON, or NaN/Infinity)."""
    if text in ("NaN", "Infinity", "-Infinity"):
        return float(text)
    return json.loads(text)


def close(a, b, rel: float = 1e-9) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(
            close(x, y, rel) for x, y in zip(a, b, strict=True))
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def go_slider(page: Page, k: int) -> None:
    js = "(el, k) => { el.value = k; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    page.eval_on_selector("#step-slider", js, k)
