"""The seed program: stepping forward and backward, and what each step shows."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import (
    active_id,
    build,
    close,
    expected_active,
    go_slider,
    parse,
    shown_grads,
    step_of,
    trace_for,
)


def test_seed_last_step_shows_the_api_gradients(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")
    k, n = step_of(page)
    assert k == n == len(trace["forward"]) + len(trace["backward"])
    leaves = {node["label"]: node["id"] for node in trace["nodes"] if node["kind"] == "leaf"}
    assert set(leaves) == set(trace["gradients"])
    grads = shown_grads(page)
    for name, node_id in leaves.items():
        assert grads[node_id] != "", f"{name} shows no gradient at the last step"
        assert close(parse(grads[node_id]), trace["gradients"][name]), name
        row = page.locator(f"table#gradients tr[data-leaf='{name}']")
        expect(row).to_have_count(1)
        assert close(parse(row.get_attribute("data-grad")), trace["gradients"][name])
    expect(page.locator("table#gradients .badge-check.ok")).to_have_count(len(leaves))


def test_every_step_activates_the_traced_node(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    want = expected_active(trace)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("Home")
    assert step_of(page)[0] == 0 and active_id(page) is None
    assert all(v == "" for v in shown_grads(page).values()), "no gradient is known at step 0"
    for k in range(1, len(want)):
        page.keyboard.press("ArrowRight")
        assert step_of(page)[0] == k
        assert active_id(page) == want[k], f"step {k}"
    page.keyboard.press("ArrowRight")  # past the end: stays
    assert step_of(page)[0] == len(want) - 1


def test_gradients_arrive_only_when_their_step_comes(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    F = len(trace["forward"])
    page.goto("/")
    build(page, program, trace)
    for j, st in enumerate(trace["backward"]):
        go_slider(page, F + j)
        before = shown_grads(page)
        go_slider(page, F + j + 1)
        after = shown_grads(page)
        assert close(parse(after[st["node"]]), st["grad"])
        for e in st["edges"]:
            assert close(parse(after[e["to"]]), e["grad_after"])
            if before[e["to"]]:
                assert not close(parse(before[e["to"]]), e["grad_after"]) or e["contribution"] == 0


def test_buttons_keys_and_slider_agree(page: Page, api, examples):
    program = examples["regression"]["program"]
    trace = trace_for(api, program)
    n = len(expected_active(trace)) - 1
    page.goto("/")
    build(page, program, trace)
    target = n - 2
    seen = {}
    go_slider(page, target)
    seen["slider"] = (step_of(page), active_id(page), shown_grads(page))
    page.locator("button[data-action=first]").click()
    for _ in range(target):
        page.locator("button[data-action=forward]").click()
    seen["buttons"] = (step_of(page), active_id(page), shown_grads(page))
    page.locator("button[data-action=last]").click()
    assert step_of(page)[0] == n
    page.locator("button[data-action=back]").click()
    page.locator("button[data-action=back]").click()
    seen["back"] = (step_of(page), active_id(page), shown_grads(page))
    page.keyboard.press("Home")
    for _ in range(target):
        page.keyboard.press("ArrowRight")
    seen["keys"] = (step_of(page), active_id(page), shown_grads(page))
    assert seen["slider"][0] == (target, n)
    assert all(v == seen["slider"] for v in seen.values()), seen
    assert page.locator("#step-slider").input_value() == str(target)


def test_play_runs_to_the_end(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.locator("#speed").select_option("0")
    page.keyboard.press("Home")
    page.locator("button[data-action=play]").click()
    n = len(expected_active(trace)) - 1
    expect(page.locator("#step-counter")).to_have_text(f"{n} / {n}")
    expect(page.locator("button[data-action=play]")).to_have_attribute("aria-pressed", "false")


def test_reload_reproduces_program_and_step(page: Page, api, examples):
    program = examples["fanout"]["program"]
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    k, n = step_of(page)
    active, grads = active_id(page), shown_grads(page)
    expect(page).to_have_url(re.compile(rf"[?&]step={k}(&|$)"))
    page.reload()
    expect(page.locator("#step-counter")).to_have_text(f"{k} / {n}")
    assert page.locator("textarea[name=program]").input_value() == program
    assert active_id(page) == active
    assert shown_grads(page) == grads
