"""The overfitting lesson in a real browser: the first run overfits (its
numbers are the engine's), early stopping keeps the best step's weights, L1
zeroes weights that L2 only shrinks, and the sweep draws the U."""

from __future__ import annotations

import re

import numpy as np
from chainrule.nets.polyfit import overfit_lesson
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program
from playwright.sync_api import Page, expect

ALLOW_STREAM_ABORT = r"requestfailed: .*/api/v1/train net::ERR_ABORTED"


def engine_run(**kw) -> dict:
    lesson = overfit_lesson(seed=0)
    return train_program(lesson["program"], ["w"], OptimizerConfig("adam", lr=0.05), 3000, 0.0,
                         values=lesson["values"], validation=lesson["validation"], **kw)


def drawn_weights(page: Page) -> np.ndarray:
    bars = page.locator("#weights rect.bar-run")
    return np.array([float(bars.nth(k).get_attribute("data-value")) for k in range(bars.count())])


def test_first_run_overfits_and_early_stopping_keeps_the_best(page: Page, page_problems):
    page_problems.allow(ALLOW_STREAM_ABORT)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/overfit")
    expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps", timeout=20_000)
    full = engine_run()
    h = full["history"]
    best = int(np.argmin([e["validation_loss"] for e in h]))
    expect(page.locator("#loss-summary")).to_contain_text(f"at step {best}")
    expect(page.locator("#loss-summary")).to_contain_text("overfitting")
    assert np.allclose(drawn_weights(page), full["params"]["w"])
    assert page.locator("#fit-curve circle.pt-train").count() == 12
    assert page.locator("#fit-curve").get_attribute("data-step") == str(h[-1]["step"])

    page.check("#early")
    page.click("#train-button")
    expect(page.locator("#status")).to_have_attribute("data-stopped", "early_stopping",
                                                      timeout=20_000)
    stopped = engine_run(patience=200)
    expect(page.locator("#status")).to_contain_text(f"step {stopped['best_step']}")
    assert page.locator("#fit-curve").get_attribute("data-step") == str(stopped["best_step"])
    assert np.allclose(drawn_weights(page), stopped["params"]["w"])
    assert page.locator("#overfit-loss line.marker").count() == 1
    # The summary says where the run stopped, and why the x-axis ends there.
    end = stopped["history"][-1]["step"]
    summary = page.locator("#loss-summary")
    expect(summary).to_have_attribute("data-stopped-at", str(end))
    expect(summary).to_contain_text(f"Stopped early at step {end} of 3000: the validation loss "
                                    f"last improved at step {stopped['best_step']}")
    expect(summary).to_contain_text(f"the x-axis ends at step {end}")
    expect(page.locator("#overfit-loss text.marker-label")).to_contain_text(
        f"step {stopped['best_step']}")


def test_maths_in_headings_keeps_its_case(page: Page, page_problems):
    page_problems.allow(ALLOW_STREAM_ABORT)
    page.goto("/overfit")
    for heading in ("#fit-heading", "#weights-heading"):
        h2 = page.locator(heading)
        assert h2.evaluate("el => getComputedStyle(el).textTransform") == "none"
    # What the reader sees is the text as written: sin(πx), not SIN(ΠX).
    assert "sin(πx)" in page.locator("#fit-heading").inner_text()
    assert "|w_k|" in page.locator("#weights-heading").inner_text()


def test_l1_marks_zeroed_weights_and_l2_does_not(page: Page, page_problems):
    page_problems.allow(ALLOW_STREAM_ABORT)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/overfit")
    expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps", timeout=20_000)
    counts = {}
    for field, other in (("#l1", "#l2"), ("#l2", "#l1")):
        page.select_option(field, "0.02")
        page.select_option(other, "0")
        page.click("#train-button")
        expect(page.locator("#weights rect.bar-base")).to_have_count(10, timeout=20_000)
        w = drawn_weights(page)
        zeroed = int(np.sum(np.abs(w) < 1e-2 * np.abs(w).max()))
        assert page.locator("#weights text.bar-zero").count() == zeroed
        counts[field] = zeroed
        page.locator("#weights").evaluate("el => el.replaceChildren()")
    assert counts["#l1"] > counts["#l2"]


def test_sweep_draws_the_u(page: Page, page_problems):
    page_problems.allow(ALLOW_STREAM_ABORT)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/overfit")
    expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps", timeout=20_000)
    page.click("#sweep-button")
    summary = page.locator("#sweep-summary")
    expect(summary).to_have_attribute("data-best", re.compile(".+"), timeout=60_000)
    expect(summary).to_contain_text(
        "final training and validation loss after all 3000 steps, without early stopping")
    points = page.locator("#sweep circle.s-validation")
    assert points.count() == 8
    rows = [(float(points.nth(k).get_attribute("data-strength")),
             float(points.nth(k).get_attribute("data-validation"))) for k in range(8)]
    best = min(rows, key=lambda r: r[1])
    assert rows[0][1] > best[1] < rows[-1][1]  # a U, not a slope
    engine = engine_run(l2=best[0])["history"][-1]["validation_loss"]
    assert np.isclose(best[1], engine)


def test_digits_on_100_images_show_the_gap_weight_decay_changes(page: Page):
    from chainrule.nets.digits import DigitsConfig, train_digits

    page.goto("/train")
    page.select_option("#source", "digits")
    for wd in ("0", "0.01"):
        page.locator("#epochs").fill("15")
        page.locator("#train-size").fill("100")
        page.locator("#weight-decay").fill(wd)
        page.locator("#train-button").click()
        expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps",
                                                          timeout=20_000)
        run = train_digits(DigitsConfig(epochs=15, train_size=100, weight_decay=float(wd),
                                        optimizer=OptimizerConfig("adam", lr=0.01)))
        expect(page.locator("#accuracy")).to_contain_text(
            f"Test accuracy {run['test_accuracy'] * 100:.1f}% "
            f"(train {run['train_accuracy'] * 100:.1f}%)")
        assert run["train_accuracy"] - run["test_accuracy"] > 0.03  # the gap is visible
