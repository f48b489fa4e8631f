"""The /playground page in a real browser: the student's points are added,
moved, deleted and pasted (and the next request carries them), a bad CSV
line is named, a dataset in the URL trains to the same boundary, and the
chosen point's graph shows the server's trace of that point at that epoch."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

TRAIN = "0.5,0.5,1;-0.5,-0.5,1;0.5,-0.5,0;-0.5,0.5,0;0.8,0.7,1;-0.7,0.9,0"
TEST = "0.6,0.4,1;-0.4,0.6,0"
URL = "/playground?" + urlencode({"task": "classify", "hidden": "4", "lr": "0.3", "bs": "3",
                                  "seed": "7", "f": "x1|x2|x1·x2", "train": TRAIN,
                                  "test": TEST})


def settle(page: Page) -> dict:
    """Waits until every request asked for is answered and drawn; the last one sent."""
    page.wait_for_function("() => document.body.dataset.pending === '0'")
    return page.evaluate("window.__lastStepRequest")


def points(page: Page) -> list[dict]:
    return page.eval_on_selector_all("svg#boundary [data-point]", """els => els.map(e => ({
        label: e.dataset.label, split: e.dataset.split, user: e.hasAttribute('data-user'),
        cx: +e.getAttribute('cx'), cy: +e.getAttribute('cy')}))""")


@pytest.fixture()
def playground(page: Page) -> Page:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(URL)
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    return page


def test_the_url_dataset_is_drawn_and_sent(playground: Page):
    drawn = points(playground)
    assert [p["split"] for p in drawn].count("train") == 6
    assert [p["split"] for p in drawn].count("test") == 2
    assert not any(p["user"] for p in drawn)
    request = settle(playground)
    assert request["train"] == [[float(v) for v in row.split(",")] for row in TRAIN.split(";")]
    assert request["features"] == ["x1", "x2", "x1·x2"] and request["seed"] == 7


def test_adding_moving_and_deleting_points_changes_the_request(playground: Page):
    box = playground.locator("svg#boundary").bounding_box()
    # An empty spot: the plane's lower-left area, away from the points.
    playground.mouse.click(box["x"] + 70, box["y"] + box["height"] - 60)
    request = settle(playground)
    drawn = points(playground)
    assert len(drawn) == 9 and sum(p["user"] for p in drawn) == 1
    assert len(request["train"]) == 7 and request["train"][-1][2] == 0  # class 0 chosen
    added = request["train"][-1]
    assert added[0] < -0.5 and added[1] < -0.5
    # Shift-click adds the other class.
    playground.keyboard.down("Shift")
    playground.mouse.click(box["x"] + 90, box["y"] + box["height"] - 60)
    playground.keyboard.up("Shift")
    assert settle(playground)["train"][-1][2] == 1

    # Drag the added point to the right: its coordinates change in the next request.
    user = playground.locator("svg#boundary [data-user]").first
    c = user.bounding_box()
    playground.mouse.move(c["x"] + c["width"] / 2, c["y"] + c["height"] / 2)
    playground.mouse.down()
    playground.mouse.move(c["x"] + 120, c["y"] - 40, steps=5)
    playground.mouse.up()
    moved = settle(playground)["train"][6]
    assert moved[0] > added[0] + 0.3 and moved[1] > added[1]

    # Right-click deletes; so does Delete on a focused point.
    playground.locator("svg#boundary [data-user]").first.click(button="right")
    assert len(settle(playground)["train"]) == 7
    assert len(points(playground)) == 9
    playground.locator("svg#boundary [data-user]").first.focus()
    playground.keyboard.press("Delete")
    assert len(settle(playground)["train"]) == 6
    assert not any(p["user"] for p in points(playground))


def test_pasting_points_replaces_the_data(playground: Page):
    playground.fill("textarea#points-csv", "x1,x2,label\n0.1,0.2,1\n-0.3,0.4,0\n0.5,-0.6,1,test\n")
    playground.click("button[data-action=load-points]")
    request = settle(playground)
    assert request["train"] == [[0.1, 0.2, 1], [-0.3, 0.4, 0]]
    assert request["test"] == [[0.5, -0.6, 1]]
    drawn = points(playground)
    assert [(p["label"], p["split"]) for p in drawn] == [("1", "train"), ("0", "train"),
                                                         ("1", "test")]
    assert all(p["user"] for p in drawn)
    assert "train=0.1%2C0.2%2C1" in playground.url  # the URL holds the new dataset


def test_uploading_a_csv_file_and_exporting_it_back(playground: Page):
    csv = b"x1,x2,label,split\n0.25,-0.75,0,train\n-0.5,0.125,1,train\n0.75,0.5,1,test\n"
    playground.set_input_files("#points-file", files=[
        {"name": "points.csv", "mimeType": "text/csv", "buffer": csv}])
    request = settle(playground)
    assert request["train"] == [[0.25, -0.75, 0], [-0.5, 0.125, 1]]
    assert request["test"] == [[0.75, 0.5, 1]]
    playground.click("button[data-action=export-points]")
    assert playground.input_value("textarea#points-csv") == csv.decode().strip()


def test_settings_changed_while_playing_enter_the_next_chunk(playground: Page):
    playground.click("[data-action=play]")
    playground.wait_for_function("() => +document.querySelector('#epoch').textContent >= 5")
    playground.select_option("#lr", "0.01")
    playground.select_option("#activation", "relu")
    playground.wait_for_function("() => window.__lastStepRequest.lr === 0.01 && "
                                 "window.__lastStepRequest.activation === 'relu'")
    request = playground.evaluate("window.__lastStepRequest")
    playground.click("[data-action=play]")
    settle(playground)
    assert request["weights"] is not None and request["epoch"] >= 5  # not restarted


def test_a_bad_csv_line_is_named(playground: Page):
    playground.fill("textarea#points-csv", "0.1,0.2,1\n0.3,0.4,0\n0.5,oops,1\n")
    playground.click("button[data-action=load-points]")
    error = playground.locator("#points-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("line 3, column 2")
    expect(error).to_have_attribute("data-line", "3")
    assert len(points(playground)) == 8  # the data is unchanged


def test_the_url_reproduces_the_same_boundary(page: Page, api):
    boundaries = []
    for _ in range(2):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(URL)
        page.wait_for_selector("svg#boundary [data-point]")
        settle(page)
        for _ in range(3):
            with page.expect_response("**/api/v1/playground/step") as r:
                page.click("[data-action=step]")
            settle(page)
        assert page.locator("#epoch").text_content() == "3"
        boundaries.append(r.value.json()["boundary"])
    assert boundaries[0] == boundaries[1]
    # The same as three epochs asked for in one request.
    request = page.evaluate("window.__lastStepRequest")
    once = api.post("/api/v1/playground/step", json=request | {
        "epoch": 0, "epochs": 3, "weights": None, "point": None}).json()
    assert once["boundary"] == boundaries[0]


@pytest.mark.parametrize("scalar", [True, False])
def test_the_chosen_points_graph_is_the_servers_trace(page: Page, api, scalar):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(URL + ("" if scalar else "&sg=0"))
    page.wait_for_selector("svg#boundary [data-point]")
    playground = page
    settle(playground)
    playground.locator("svg#boundary [data-split=train]").nth(2).click()
    settle(playground)
    playground.click("[data-action=step]")
    request = settle(playground)
    assert request["point"] == 2 and request["epochs"] == 1 and request["scalar"] is scalar
    graph = playground.locator("svg#point-graph")
    expect(graph).to_have_attribute("data-epoch", "1")
    drawn = playground.eval_on_selector_all("svg#point-graph g.node", """els => els.map(e => [
        e.dataset.label, e.dataset.value, e.dataset.grad])""")
    expected = api.post("/api/v1/playground/step", json=request).json()
    trace = expected["point"]["trace"]
    by_label = {n["label"]: n for n in trace["nodes"] if n["label"]}
    labelled = [d for d in drawn if d[0]]
    assert {d[0] for d in labelled} == set(by_label)
    for label, value, grad in labelled:
        assert json.loads(value) == by_label[label]["value"], label
        assert (json.loads(grad) if grad else None) == by_label[label]["grad"], label
    kinds = {type(json.loads(d[1])) for d in labelled}
    assert (list in kinds) is not scalar  # one number per node, or tensors
    loss = next(d for d in drawn if d[0] == "loss")
    assert json.loads(loss[1]) == pytest.approx(expected["history"][-1]["point_loss"], rel=1e-12)
    # Paused, the slider steps back through the pass: at step 0 nothing is evaluated.
    playground.locator("#point-step").fill("0")
    assert playground.locator("svg#point-graph g.node[data-label=loss]").get_attribute(
        "data-value") == ""


@pytest.mark.parametrize("width", [1280, 390])
def test_plays_and_pauses_at_desktop_and_phone_width(page: Page, width, artifacts):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(URL)
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    page.click("[data-action=play]")
    page.wait_for_function("() => +document.querySelector('#epoch').textContent >= 10")
    page.click("[data-action=play]")
    settle(page)
    epoch = int(page.locator("#epoch").text_content())
    assert epoch >= 10
    assert page.locator("#network g.neuron").count() == 3 + 4 + 2
    assert page.locator("#network line.weight").count() == 3 * 4 + 4 * 2
    assert page.locator("#loss-curves g.plot").get_attribute("data-points") == str(2 * (epoch + 1))
    page.screenshot(path=str(artifacts / f"playground-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(page: Page, width):
    from tests.e2e.test_a11y import serious  # the same axe-core audit as every page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(URL)
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    page.locator("svg#boundary [data-split=train]").first.click()
    page.click("[data-action=step]")
    settle(page)
    page.wait_for_timeout(300)  # transitions settle: axe reads final colours
    assert serious(page) == []


def test_200_percent_zoom_has_no_horizontal_scroll(page: Page):
    page.set_viewport_size({"width": 640, "height": 450})
    page.goto(URL)
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_regression_fits_your_points_with_a_curve(page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/playground?" + urlencode({"task": "regress", "hidden": "6", "lr": "0.1",
                                          "f": "x1", "train": "-0.8,0.6;-0.2,0.1;0.3,0.2;0.9,0.8"}))
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    assert [p["label"] for p in points(page)] == ["0.6", "0.1", "0.2", "0.8"]
    assert page.locator("svg#boundary path.prediction").get_attribute("d").count("L") > 50
    box = page.locator("svg#boundary").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 40)  # high up: a large y
    request = settle(page)
    assert request["task"] == "regress" and len(request["train"]) == 5
    assert request["train"][-1][1] > 0.8
    page.locator("svg#boundary [data-split=train]").first.click()
    page.click("[data-action=step]")
    settle(page)
    expect(page.locator("svg#point-graph g.node[data-label=loss]")).to_have_count(1)
    expect(page.locator("#point-info")).to_contain_text("Training point 0 at epoch 1")


def test_a_diverging_loss_is_announced_and_stops_training(page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/playground?" + urlencode({"task": "regress", "hidden": "8,8", "act": "relu",
                                          "lr": "10", "bs": "3", "f": "x1|x1²",
                                          "train": "0.5,3;-0.5,-3;1,9"}))
    page.wait_for_selector("svg#boundary [data-point]")
    settle(page)
    page.click("[data-action=play]")
    expect(page.locator("#diverged")).to_be_visible(timeout=20_000)
    expect(page.locator("#diverged")).to_contain_text("learning rate 10")
    expect(page.locator("[data-action=play]")).to_have_attribute("aria-pressed", "false")
    settle(page)


def test_each_neuron_and_weight_is_drawn_with_its_gradient(playground: Page):
    with playground.expect_response("**/api/v1/playground/step") as r:
        playground.click("[data-action=step]")
    settle(playground)
    answer = r.value.json()
    # 3 features, 4 hidden neurons (one map each, 16 x 16 over the plane), 2 logits.
    assert len(answer["neurons"]) == 1 and len(answer["neurons"][0]) == 4
    maps = playground.locator("#network g.neuron image[href^='data:image/png']")
    expect(maps).to_have_count(3 + 4)
    line = playground.locator('#network line.weight[data-weight="W1[2][3]"]')
    assert float(line.get_attribute("data-value")) == answer["weights"][0][2][3]
    assert float(line.get_attribute("data-grad")) == answer["grads"][0][2][3]
    line.focus()
    expect(playground.locator("#weight-info")).to_contain_text("W1[2][3] = ")
    expect(playground.locator("#weight-info")).to_contain_text("∂L/∂W1[2][3]")
    widths = playground.eval_on_selector_all("#network line.weight", """els => els.map(e =>
        [Math.abs(+e.dataset.value), +e.getAttribute('stroke-width'), e.getAttribute('stroke'),
         +e.dataset.value >= 0])""")
    big = max(widths)
    small = min(widths)
    assert big[1] > small[1]  # thicker = larger
    assert {w[2] for w in widths if w[3]} <= {"#2563eb"}  # blue: positive
    assert {w[2] for w in widths if not w[3]} <= {"#ea580c"}  # orange: negative
