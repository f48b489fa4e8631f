"""The /compare page in Chromium: every method's trajectory on the contour, the
charts, the costs, the trust panel with KaTeX, the = replay, and bad input shown
as positioned text. Any JS error, console error or failed request fails a test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .colour_vision import MACHADO, delta_e

METHODS = ["gd", "momentum", "adam", "newton", "es"]
PWN = "window.__pwned=1"


def wait_finished(page: Page, steps: int) -> None:
    expect(page.locator("#costs tbody tr")).to_have_count(len(METHODS))
    expect(page.locator("#cmp-step-counter")).to_have_text(f"{steps} / {steps}", timeout=15_000)


def test_rosenbrock_runs_every_method_and_animates_to_the_end(page: Page, api, artifacts):
    page.goto("/compare?landscape=rosenbrock")
    expect(page.locator("#landscape")).to_have_value("rosenbrock")
    wait_finished(page, 200)
    expect(page.locator("#contour g.surface path").first).to_be_attached()
    assert page.locator("#contour g.surface path").count() > 5
    for m in METHODS:
        trail = page.locator(f'#contour g.run[data-method="{m}"] path.trail')
        expect(trail).to_have_count(1)
        assert len(trail.get_attribute("d") or "") > 10, f"{m} draws a path"
        expect(page.locator(f'#loss-steps path[data-method="{m}"]')).to_have_count(1)
        expect(page.locator(f'#loss-evals path[data-method="{m}"]')).to_have_count(1)
    # Newton's row: converged in a few exact Hessians, no gradient or loss evaluations
    newton = page.locator('#costs tr[data-method="newton"] td')
    cells = newton.all_inner_texts()
    assert cells[-2].strip() == "converged" and cells[3].strip() == "0" and int(cells[5]) >= 1
    assert cells[-1].startswith("minimum (eigenvalues of the Hessian: ")
    expect(page.locator("#newton-why")).to_contain_text("Newton needs several steps")
    # The true minimum (1, 1) is marked on the contour, with a colour scale beside it.
    expect(page.locator("#contour g.minimum")).to_have_count(1)
    assert page.locator("#contour g.minimum").get_attribute("data-x") == "1"
    assert page.locator("#contour g.colorbar rect.band").count() > 5
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(artifacts / "compare-rosenbrock-1280.png"), full_page=True)


def test_regression_newton_in_one_step_and_the_symbolic_check(page: Page, api, artifacts):
    page.goto("/compare")
    expect(page.locator("#landscape")).to_have_value("regression")
    wait_finished(page, 60)
    newton = page.locator('#costs tr[data-method="newton"] td').all_inner_texts()
    assert newton[1].strip() == "1"  # one step on a quadratic
    expect(page.locator("#newton-why")).to_contain_text("took 1 step")
    program = page.locator("#cmp-program").input_value()
    trace = api.post("/api/v1/graphs", json={"program": program, "check": True}).json()
    for leaf in ("w", "b"):
        row = page.locator(f'#symbolic tr[data-leaf="{leaf}"]')
        expect(row).to_have_count(1)
        expect(row.locator(".katex")).to_have_count(1)  # the derivative rendered by KaTeX
        assert trace["check"][leaf]["symbolic"] == pytest.approx(trace["gradients"][leaf])
    ratio = trace["cost"]["ratio"]
    expect(page.locator("#cost-ratio")).to_contain_text(f"backward = {ratio:.2f} × forward")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "compare-regression-390.png"), full_page=True)


def test_the_overwrite_toggle_shows_the_fanout_leaf(page: Page, api):
    page.goto("/compare?landscape=saddle")
    wait_finished(page, 80)
    program = page.locator("#cmp-program").input_value()
    trace = api.post("/api/v1/graphs", json={"program": program}).json()
    expect(page.locator("#overwrite")).to_be_hidden()
    page.locator("#overwrite-toggle").check()
    expect(page.locator("#overwrite")).to_be_visible()
    wrong = [w["node"] for w in trace["overwrite"]["wrong"]]
    assert wrong, "y is used twice in the saddle"
    expect(page.locator("#overwrite-table tbody tr")).to_have_count(len(wrong))
    for node in wrong:
        expect(page.locator(f'#overwrite-table tr[data-node="{node}"]')).to_have_count(1)


def test_a_bad_program_is_a_positioned_error_as_text(page: Page, api, page_problems):
    page_problems.allow(r"http 400: POST .*/api/v1/(compare|graphs)")
    page_problems.allow(r"status of 400")
    page.goto("/compare?landscape=ill_conditioned")
    wait_finished(page, 100)
    program = "x = 1.0\ny = (2.0\nloss = x*y"
    err = api.post("/api/v1/compare", json={"program": program, "params": ["x", "y"]}).json()
    page.locator("#cmp-program").fill(program)
    page.locator("#compare-form button[type=submit]").click()
    box = page.locator("#error[role=alert]")
    expect(box).to_be_visible()
    expect(box).to_contain_text(f"Line {err['error']['line']}, column {err['error']['col']}")
    expect(box.locator(".caret")).to_have_text(" " * (err["error"]["col"] - 1) + "^")
    # The old comparison no longer answers the program shown: it is greyed.
    expect(page.locator("section.cmp-contour-panel")).to_have_class(re.compile("stale"))
    # A parameter name full of HTML comes back in the message, as text
    page.locator("#cmp-program").fill("x = 1.0\ny = 2.0\nloss = x*y")
    page.locator("#param-y").fill(f"<img src=x onerror={PWN}>")
    page_problems.allow(r"http 422: POST .*/api/v1/compare")
    page_problems.allow(r"status of 422")
    page.locator("#compare-form button[type=submit]").click()
    expect(box).to_contain_text(re.compile(r"params"))
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("#error img")).to_have_count(0)


def test_saddle_newton_is_labelled_a_saddle_not_converged(page: Page, api, artifacts):
    page.goto("/compare?landscape=saddle")
    wait_finished(page, 80)
    cells = page.locator('#costs tr[data-method="newton"] td').all_inner_texts()
    assert cells[-2].strip() == "converged — to a saddle, not a minimum"
    end = page.locator('#costs tr[data-method="newton"] td[data-kind]')
    expect(end).to_have_attribute("data-kind", "saddle")
    label = page.locator('#contour text.end[data-kind="saddle"]')
    expect(label).to_have_text("Newton: saddle point")
    gd = page.locator('#contour text.end[data-kind="minimum"]')
    expect(gd).to_contain_text("GD")
    expect(page.locator("#newton-why")).to_contain_text("its stationary point is the saddle")
    assert page.locator("#contour g.minimum").count() == 2
    # Paths never hide each other: each method has its own dash pattern or width.
    trails = [page.locator(f'#contour g.run[data-method="{m}"] path.trail') for m in METHODS]
    styles = {(t.get_attribute("stroke-dasharray"), t.get_attribute("stroke-width"))
              for t in trails}
    assert len(styles) == len(METHODS)
    # Newton's few long jumps are drawn last, in a colour far from momentum's orange.
    runs = page.locator("#contour g.paths g.run")
    assert runs.nth(runs.count() - 1).get_attribute("data-method") == "newton"
    trail = '#contour g.run[data-method="{}"] path.trail'
    colour = {m: page.locator(trail.format(m)).get_attribute("stroke") for m in METHODS}
    for kind in (None, *MACHADO):
        assert delta_e(colour["newton"], colour["momentum"], kind) > 25, kind
    # The labels sit where they cover (almost) no path: Newton's covers none.
    expect(label).to_have_attribute("data-covers", "0")
    for end in page.locator("#contour text.end").all():
        assert int(end.get_attribute("data-covers")) <= 15
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"compare-saddle-{width}.png"), full_page=True)


def test_costs_and_scales_are_explained(page: Page, api):
    page.goto("/compare?landscape=saddle")
    wait_finished(page, 80)
    cells = page.locator('#costs tr[data-method="newton"] td').all_inner_texts()
    steps, grads, hessians = int(cells[1]), int(cells[3]), int(cells[5])
    assert grads == 0 and hessians == steps + 1
    notes = page.locator("#costs-notes")
    expect(notes).to_contain_text("a minimum if all are > 0, a saddle if they have mixed signs, "
                                  "a maximum if all are < 0")
    expect(notes).to_contain_text("First-order methods (gradient descent, momentum, Adam) "
                                  "use only first derivatives")
    expect(notes).to_contain_text("so Newton's ∇ evals are 0")
    expect(notes).to_contain_text("n steps cost n + 1 evaluations")
    # The Hessian's eigenvalues are not written λ, the evolution strategy's λ.
    end = page.locator('#costs tr[data-method="newton"] td[data-kind]')
    eigenvalues = r"^saddle \(eigenvalues of the Hessian: −2(\.0)?, 2(\.0)?\)$"
    expect(end).to_have_text(re.compile(eigenvalues))
    assert "λ" not in page.locator("#costs tbody").text_content().replace("(1+λ)", "")
    # A loss that goes below 0 gets a symmetric log axis, and says so.
    y_label = page.locator("#loss-steps text.y-label")
    expect(y_label).to_have_text("loss (symmetric log scale: linear near 0)")
    expect(page.locator("#contour-key")).to_contain_text(
        "evenly spaced in log(loss − the lowest loss on the grid)")
    expect(page.locator("#landscape-lesson")).to_contain_text(
        "first-order methods (they use only the gradient")
    page.goto("/compare?landscape=ill_conditioned")
    wait_finished(page, 100)
    expect(page.locator("#loss-steps text.y-label")).to_have_text("loss (log scale)")
