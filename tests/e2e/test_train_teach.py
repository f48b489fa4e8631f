"""/train teaches: the update worked out for the scrubbed iteration (numbers
from the engine's history), the fit view of a program fitting data, the
classification playground's boundary, and the deep-gradient chart on one
fixed axis with its healthy band."""

from __future__ import annotations

import json

from chainrule.nets.classify import ClassifyConfig, split
from chainrule.optimize.fit import FIT_EXAMPLES
from chainrule.optimize.optim import OptimizerConfig
from chainrule.optimize.train import train_program
from playwright.sync_api import Page, expect

STREAM_ABORT = r"requestfailed: .*/api/v1/(train|classify) net::ERR_ABORTED"


def fill(page: Page, **fields: str) -> None:
    for name, value in fields.items():
        page.locator(f"#train-form [name={name}]").fill(value)


def train(page: Page, source: str, optimizer: str, lr: str, steps: str) -> None:
    page.goto("/train")
    page.select_option("#source", source)
    page.select_option("#optimizer", optimizer)
    fill(page, lr=lr, max_steps=steps, tol="0")
    page.locator("#train-button").click()
    expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps", timeout=15_000)


def test_sgd_update_hook_shows_the_new_value(page: Page, examples, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "regression", "sgd", "0.01", "20")
    hook = page.locator('[data-update][data-param="w"]')
    # Iteration 0: w ← 2.0 − 0.01 × (−18.0) = 2.18, the engine's first update.
    expected = train_program(examples["regression"]["program"], ["w", "b"],
                             OptimizerConfig("sgd", 0.01), 20, 0.0)["history"]
    page.locator("#iteration").fill("0")
    expect(hook).to_contain_text("= 2 − 0.01 × (−18) = 2.18")
    assert float(hook.get_attribute("data-new")) == expected[1]["params"]["w"]
    page.locator("#iteration").fill("7")
    expect(hook).to_have_attribute("data-new", str(expected[8]["params"]["w"]))
    assert hook.text_content().endswith(f"= {expected[8]['params']['w']:.6g}".replace("-", "−"))


def test_adam_update_writes_out_its_moments(page: Page, examples, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "regression", "adam", "0.1", "5")
    page.locator("#iteration").fill("2")
    block = page.locator("#update .worked-param").first
    expect(block).to_contain_text("m ← β₁·m + (1 − β₁)·g")
    expect(block).to_contain_text("v̂ = v / (1 − β₂^t)")
    expected = train_program(examples["regression"]["program"], ["w", "b"],
                             OptimizerConfig("adam", 0.1), 5, 0.0)["history"]
    hook = page.locator('[data-update][data-param="b"]')
    assert float(hook.get_attribute("data-new")) == expected[3]["params"]["b"]


def test_fit_view_draws_the_data_and_the_models_curve(page: Page, page_problems):
    page_problems.allow(STREAM_ABORT)
    program = next(e for e in FIT_EXAMPLES if e["id"] == "fit_line")["program"]
    train(page, "fit_line", "sgd", "0.05", "100")
    fit = page.locator("svg#fit")
    expect(fit).to_be_visible()
    assert fit.locator("circle.datum").count() == 8
    expected = train_program(program, ["w", "b"], OptimizerConfig("sgd", 0.05), 100, 0.0)
    assert fit.get_attribute("data-step") == "100"
    before = fit.locator("path.prediction").get_attribute("d")
    page.locator("#iteration").fill("0")
    expect(fit).to_have_attribute("data-step", "0")
    assert fit.locator("path.prediction").get_attribute("d") != before
    assert int(fit.get_attribute("data-curve-points")) == len(expected["history"][0]["fit"]["x"])


def test_a_program_without_data_has_no_fit_view(page: Page, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "regression", "sgd", "0.01", "5")
    expect(page.locator("#fit-panel")).to_be_hidden()


def test_classify_draws_the_boundary_and_opens_a_sample(page: Page, page_problems):
    page_problems.allow(STREAM_ABORT)
    page.goto("/train")
    page.select_option("#source", "classify")
    page.select_option("#dataset", "xor")
    fill(page, hidden="8", epochs="200", seed="0")
    page.locator("#train-button").click()
    expect(page.locator("#status")).to_have_attribute("data-stopped", "max_steps", timeout=20_000)
    boundary = page.locator("svg#boundary")
    assert boundary.get_attribute("data-epoch") == "200"
    assert boundary.get_attribute("data-cells") == str(40 * 40)
    X, _, X_test, _ = split(ClassifyConfig(dataset="xor"))
    assert boundary.locator("circle.train").count() == len(X)
    assert boundary.locator("circle.test").count() == len(X_test)
    expect(page.locator("#classify-accuracy")).to_contain_text("train")
    page.locator("#snapshot").fill("0")
    expect(boundary).to_have_attribute("data-epoch", "0")
    href = page.locator("#open-sample").get_attribute("href")
    assert "cross_entropy" in href
    page.locator("#open-sample").click()
    expect(page.locator("svg#graph g.node").first).to_be_visible(timeout=10_000)
    assert page.locator("svg#graph g.node[data-label=W1]").count() >= 1


def test_deep_chart_keeps_one_axis_for_every_setting(page: Page):
    page.goto("/train")
    chart = page.locator("#deep-chart")
    expect(chart.locator("g.plot")).to_have_attribute("data-points", "16", timeout=10_000)
    ticks = chart.locator("g.axis.y").text_content()
    expect(page.locator("#deep-why")).to_contain_text("σ′ ≤ 0.25")
    for init in ("xavier", "he"):
        page.select_option("#deep-init", init)
        expect(chart).to_have_attribute("data-setting", f"sigmoid {init}")
        assert chart.locator("g.axis.y").text_content() == ticks
    assert chart.locator("g.band rect").count() == 1
    # 15 hidden layers make 16 weight layers: the heading, the axis and the points agree.
    points = int(chart.locator("g.plot").get_attribute("data-points"))
    assert f"{points} weight layers" in page.locator("#deep-heading").text_content()
    x_title = f"weight layer k (1 = input side, {points} = output)"
    assert chart.locator("text.x-title").text_content() == x_title
    # The band's label is beside the plot, clear of the curve.
    curve = chart.locator("path.line").bounding_box()
    label = chart.locator("g.band text").bounding_box()
    assert label["x"] >= curve["x"] + curve["width"]
    assert "1e+10" in ticks and "1e-10" in ticks  # the nine settings span 10⁻¹⁰ … 10¹⁰


def symbols_of(page: Page, rule: str):
    return page.locator(f"#update [data-symbols={rule}]")


def test_update_defines_every_symbol_and_where_g_comes_from(page: Page, examples, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "regression", "adam", "0.1", "5")
    page.locator("#iteration").fill("2")
    expected = train_program(examples["regression"]["program"], ["w", "b"],
                             OptimizerConfig("adam", 0.1), 5, 0.0)["history"]
    t = expected[3]["update"]["w"]["t"]
    head = page.locator("#update .worked-head")
    # The update from iteration 2 to 3 is the engine's Adam step t: the page says which.
    expect(head).to_contain_text(f"Update 2 → 3 (Adam step t = {t})")
    expect(head).to_contain_text("the gradient at iteration 2")
    symbols = symbols_of(page, "adam")
    expect(symbols).to_contain_text("being updated, at iteration 2 (the backward pass")
    for text in ("lr = 0.1, the learning rate", "β₁ = 0.9, β₂ = 0.999",
                 "m = running mean of the gradients",
                 "v = running mean of the squared gradients", "m̂ = m / (1 − β₁^t)", "ε = 1e−8",
                 f"t = {t}, the number of Adam steps", "with respect to the parameter p",
                 "g = ∂L/∂p: the gradient of the loss L"):
        expect(symbols).to_contain_text(text)
    # g is the backward pass's gradient at iteration 2: the link opens that iteration.
    link = page.locator("#open-gradient")
    expect(link).to_contain_text("open iteration 2 in the step-through view")
    link.click()
    expect(page.locator("svg#graph g.node").first).to_be_visible(timeout=10_000)
    w = page.evaluate("() => new URLSearchParams(location.search).get('values')")
    assert abs(json.loads(w)["w"] - expected[2]["params"]["w"]) < 1e-12


def test_momentum_update_defines_mu_and_v(page: Page, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "regression", "momentum", "0.01", "4")
    symbols = symbols_of(page, "momentum")
    expect(symbols).to_contain_text("μ = 0.9, the momentum")
    expect(symbols).to_contain_text("v = the velocity")


def test_fit_view_says_which_iteration_it_shows(page: Page, page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "fit_line", "sgd", "0.05", "100")
    at = page.locator("#fit-at")
    expect(at).to_have_attribute("data-final", "true")
    expect(at).to_contain_text("The final fit: the prediction at iteration 100")
    expect(page.locator("#fit-legend")).to_contain_text("prediction at iteration 100")
    expect(page.locator("#fit-legend")).to_contain_text("red dotted: residual, data − prediction")
    assert page.locator("svg#fit line.residual").count() == 8
    page.locator("#iteration").fill("0")
    expect(at).to_have_attribute("data-final", "false")
    expect(at).to_contain_text("The prediction at iteration 0")
    expect(at).to_contain_text("not the final fit")
    # Each dashed line marks the scrubbed iteration, and says so.
    marker = page.locator("#param-chart text.marker-label")
    expect(marker).to_have_text("iteration 0 (the scrubber)")


def test_program_box_shows_the_loss_line_without_scrolling(page: Page):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/train")
        page.select_option("#source", "fit_tanh")
        box = page.locator("#train-program")
        assert box.input_value().rstrip().splitlines()[-1].startswith("loss")
        assert box.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1"), width


def test_the_classifier_lesson_trains_with_adam_one_update_written_out(page: Page, examples,
                                                                       page_problems):
    page_problems.allow(STREAM_ABORT)
    train(page, "classifier", "adam", "0.05", "4")
    assert page.locator("#params").input_value() == "W1, b1, W2, b2"  # X, y are the data
    page.locator("#iteration").fill("1")
    expected = train_program(examples["classifier"]["program"], ["W1", "b1", "W2", "b2"],
                             OptimizerConfig("adam", 0.05), 4, 0.0)["history"]
    head = page.locator("#update .worked-head")
    expect(head).to_contain_text("Update 1 → 2 (Adam step t = 2)")
    hook = page.locator('[data-update][data-param="W2"]')
    expect(hook).to_contain_text("W2[0, 0] ← W2[0, 0] − lr·m̂ / (√v̂ + ε)")
    assert json.loads(hook.get_attribute("data-new")) == expected[2]["params"]["W2"][0][0]
    # where g comes from: the same network's step-through at iteration 1
    page.locator("#open-gradient").click()
    expect(page.locator("svg#graph g.node[data-label=W1] .nums-value .num-cell")).to_have_count(
        12, timeout=10_000)
