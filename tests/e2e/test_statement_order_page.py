"""The page shows the gradient check for programs whose output is an earlier
node with a leaf after it (the check used to fail there, and the page showed
no check at all)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import build, trace_for


@pytest.mark.parametrize("program", [
    "x = 1.0\ny = 2.0\nloss = x",
    "w = 2.0\nx = 3.0\nloss = w\nb = 1.0\nc = b*b",
])
def test_the_check_is_shown_for_every_leaf(page: Page, api, page_problems, program):
    trace = trace_for(api, program)
    checked = trace_for(api, program, check=True)
    page.goto("/")
    build(page, program, trace)
    for leaf in checked["check"]:
        badge = page.locator(f"table#gradients tr[data-leaf='{leaf}'] td.check .badge-check")
        expect(badge).to_have_class("badge-check ok")
