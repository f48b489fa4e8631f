"""Positioned errors, and user text that must stay text."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .helpers import build, trace_for

PWN = "window.__pwned=1"


def offset_of(program: str, line: int, col: int) -> int:
    lines = program.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + col - 1


def allow_rejection(page_problems, status: int) -> None:
    page_problems.allow(rf"http {status}: POST .*/api/v1/graphs")
    page_problems.allow(rf"status of {status}")


def test_bad_program_shows_a_positioned_error(page: Page, api, page_problems):
    program = "w = 2.0\nx = 3.0\nloss = w*x + y"
    r = api.post("/api/v1/graphs", json={"program": program})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err.get("line") and err.get("col"), "the API positions this error"
    allow_rejection(page_problems, 400)
    page.goto("/")
    build(page, program)
    box = page.locator("#error[role=alert]")
    expect(box).to_be_visible()
    expect(box).to_contain_text(f"Line {err['line']}, column {err['col']}")
    expect(box).to_contain_text(err["message"])
    start = offset_of(program, err["line"], err["col"])
    sel = page.locator("textarea[name=program]").evaluate("t => [t.selectionStart, t.selectionEnd]")
    assert sel[0] == start and sel[1] > start
    expect(page.locator(".editor-backdrop mark")).to_have_text(program[sel[0]:sel[1]])
    expect(page.locator("svg#graph g.node")).to_have_count(0)
    # Fixing the program clears the error.
    build(page, program.replace("+ y", "+ 1.0"))
    expect(box).to_be_hidden()
    expect(page.locator("svg#graph g.node").first).to_be_visible()


def test_html_in_a_program_is_shown_as_text(page: Page, api):
    comment = f'# <img src=x onerror="{PWN}"> <script>{PWN}</script>'
    program = comment + "\nw = 2.0\nb = w*w\nloss = b + w"
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    page.keyboard.press("End")
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("body img")).to_have_count(0)
    expect(page.locator("body script:not([src]):not([type='application/json'])")).to_have_count(0)
    assert page.locator("textarea[name=program]").input_value() == program


def test_html_in_an_error_message_is_shown_as_text(page: Page, api, page_problems):
    name = f"<img src=x onerror={PWN}>"
    r = api.post("/api/v1/graphs", json={"program": "w = 2.0\nloss = w*w", "values": {name: 1}})
    assert r.status_code in (400, 422)
    message = r.json()["error"]["message"]
    assert "<img" in message, "the API echoes the name: the page must show it as text"
    allow_rejection(page_problems, r.status_code)
    page.goto("/")
    page.locator("details.values summary").click()
    page.locator("#values").fill(f'{{"{name}": 1}}')
    build(page, "w = 2.0\nloss = w*w")
    box = page.locator("#error")
    expect(box).to_contain_text(message)
    expect(box.locator("img")).to_have_count(0)
    expect(page.locator("body img")).to_have_count(0)
    assert page.evaluate("window.__pwned") is None


def test_malformed_values_are_reported_without_a_request(page: Page):
    page.goto("/")
    page.locator("details.values summary").click()
    page.locator("#values").fill("{not json")
    build(page, "w = 2.0\nloss = w*w")
    expect(page.locator("#error")).to_contain_text("Input values")
