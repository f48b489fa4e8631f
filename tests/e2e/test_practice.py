"""Practice mode: the backward pass asks for each edge's contribution before it
shows the step. The right answers come from the trace the API returns; each
slip is provoked on a program built for it and must be named."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from chainrule.language.examples import example
from playwright.sync_api import Page, expect

from .helpers import build, trace_for, wait_drawn

SEED = "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"
SOFTMAX = "logits = [2.0, 1.0, 0.1]\nloss = cross_entropy(logits, 0)"
FANOUT = "a = 3.0\nb = -2.0\nc = a*b\nloss = c*a"
MULTIPLY = "a = 3.0\nb = -2.0\nL = a*b"
SIGMOID = "w = 0.5\nx = 2.0\nb = 0.5\nL = sigmoid(w*x + b)"
CORRECT = re.compile(r"\bis-correct\b")
WRONG = re.compile(r"\bis-wrong\b")


def field_of(page: Page, i: int):
    return page.locator(f".practice-question .practice-edge[data-i='{i}'] input[data-predict]")


def start(page: Page, api, program: str) -> dict:
    """The page in practice mode with `program` built, at the end of the forward pass."""
    trace = trace_for(api, program)
    page.goto("/")
    expect(page.locator("svg#graph g.node").first).to_be_visible()
    page.locator("button[data-action=practice]").click()
    expect(page.locator("button[data-action=practice]")).to_have_attribute("aria-pressed", "true")
    build(page, program, trace)
    return trace


def typed(v) -> str:
    """A number (or a tensor's numbers) as a learner types it."""
    if isinstance(v, list):
        return ", ".join(repr(float(x)) for x in _flat(v))
    return repr(float(v))


def _flat(v):
    return [y for x in v for y in _flat(x)] if isinstance(v, list) else [v]


def ask(page: Page, trace: dict, j: int) -> None:
    """Step forward into backward step j: the question opens, the step stays hidden."""
    F, total = len(trace["forward"]), len(trace["forward"]) + len(trace["backward"])
    page.locator("button[data-action=forward]").click()
    expect(page.locator(f".practice-question[data-step='{F + 1 + j}']")).to_be_visible()
    expect(page.locator("#step-counter")).to_have_text(f"{F + j} / {total}")
    expect(page.locator(f"#ledger [data-step='{F + 1 + j}']")).to_have_count(0)


def answer(page: Page, i: int, text: str):
    field = field_of(page, i)
    field.fill(text)
    field.press("Enter")
    return field


@pytest.mark.parametrize("program", [SEED, SOFTMAX, example("classifier").program],
                         ids=["seed", "softmax_tensor", "classifier"])
def test_solved_with_the_traces_answers(page: Page, api, program):
    trace = start(page, api, program)
    F, total = len(trace["forward"]), len(trace["forward"]) + len(trace["backward"])
    asked = 0
    for j, st in enumerate(trace["backward"]):
        if not st["edges"]:
            continue
        ask(page, trace, j)
        asked += 1
        for i, e in enumerate(st["edges"]):
            field = page.locator(f".practice-edge[data-i='{i}'] input[data-predict]")
            assert field.get_attribute("data-predict") == e["to"]
            if i < len(st["edges"]) - 1:  # the step stays hidden until every edge is answered
                answer(page, i, typed(e["contribution"]))
                expect(page.locator("#step-counter")).to_have_text(f"{F + j} / {total}")
            else:
                answer(page, i, typed(e["contribution"]))
            expect(field_of(page, i)).to_have_class(CORRECT)
        expect(page.locator("#step-counter")).to_have_text(f"{F + j + 1} / {total}")
        expect(page.locator(f"#ledger [data-step='{F + 1 + j}'].is-current")).to_be_visible()
        expect(page.locator(".practice-question input.is-wrong")).to_have_count(0)
    score = page.locator("#practice-score")
    expect(score).to_have_attribute("data-score", f"{asked}/{asked}")
    assert parse_qs(urlparse(page.url).query)["score"] == [f"{asked}/{asked}"]
    assert parse_qs(urlparse(page.url).query)["practice"] == ["1"]


def _edge(trace: dict, pick) -> tuple[int, int, dict, dict]:
    """The (step, edge) the slip is provoked at: the first for which pick(step, edge) holds."""
    for j, st in enumerate(trace["backward"]):
        for i, e in enumerate(st["edges"]):
            if pick(st, e):
                return j, i, st, e
    raise AssertionError("the program has no edge to provoke this slip")


def _nodes(trace):
    return {n["id"]: n for n in trace["nodes"]}


def _seen_twice(trace):
    seen: set[str] = set()

    def pick(st, e):
        twice = e["to"] in seen
        seen.add(e["to"])
        return twice
    return pick


def _sigmoid_swap(trace):
    """σ′ written with the input in place of the output: z(1 − z) instead of σ(1 − σ)."""
    nodes = _nodes(trace)
    j, i, st, e = _edge(trace, lambda st, e: nodes[st["node"]]["op"] == "sigmoid")
    z = nodes[e["to"]]["value"]
    return j, i, st["grad"] * z * (1 - z)


def _pow_at_output(trace):
    """(u)² differentiated at the output: 2·u² instead of 2·u."""
    nodes = _nodes(trace)
    j, i, st, e = _edge(trace, lambda st, e: nodes[st["node"]]["op"] == "pow")
    return j, i, st["grad"] * 2 * nodes[st["node"]]["value"]


def _mul_own(trace):
    """∂(a·b)/∂a taken as a: the input's own value instead of the other factor."""
    nodes = _nodes(trace)
    j, i, st, e = _edge(trace, lambda st, e: nodes[st["node"]]["op"] == "mul")
    return j, i, st["grad"] * nodes[e["to"]]["value"]


def _upstream(trace):
    j, i, st, e = _edge(trace, lambda st, e: st["grad"] != 1 and e["local"] is not None)
    return j, i, e["local"]


def _sign(trace):
    j, i, st, e = _edge(trace, lambda st, e: e["contribution"] != 0)
    return j, i, -e["contribution"]


def _fanout(trace):
    j, i, st, e = _edge(trace, _seen_twice(trace))
    assert e["grad_after"] != e["contribution"]
    return j, i, e["grad_after"]


SLIPS = [
    ("upstream", SEED, _upstream, "local derivative alone"),
    ("sign", SEED, _sign, "sign"),
    ("fanout", FANOUT, _fanout, "running sum"),
    ("output", MULTIPLY, _mul_own, "own value"),
    ("output", SEED, _pow_at_output, "at the output"),
    ("output", SIGMOID, _sigmoid_swap, "output"),
]


@pytest.mark.parametrize(("slip", "program", "provoke", "says"), SLIPS,
                         ids=["upstream", "sign", "fanout", "output-mul", "output-pow",
                              "output-sigmoid"])
def test_each_slip_is_named(page: Page, api, slip, program, provoke, says):
    trace = start(page, api, program)
    j, i, wrong = provoke(trace)
    F = len(trace["forward"])
    st = trace["backward"][j]
    assert not math.isclose(wrong, st["edges"][i]["contribution"], rel_tol=1e-3), "wrong here"
    for jj in range(j):  # reveal the steps before with their right answers
        if trace["backward"][jj]["edges"]:
            ask(page, trace, jj)
            for ii, e in enumerate(trace["backward"][jj]["edges"]):
                answer(page, ii, typed(e["contribution"]))
            expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F + jj + 1} /"))
    ask(page, trace, j)
    field = answer(page, i, typed(wrong))
    expect(field).to_have_class(WRONG)
    hint = page.locator(f".practice-edge[data-i='{i}'] .practice-hint")
    expect(hint).to_have_attribute("data-slip", slip)
    expect(hint).to_contain_text(says)
    expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F + j} /"))  # still hidden
    # Then the right answer reveals it, but the step no longer counts as first try.
    for ii, e in enumerate(st["edges"]):
        answer(page, ii, typed(e["contribution"]))
    expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F + j + 1} /"))
    right = sum(1 for s in trace["backward"][:j] if s["edges"])
    expect(page.locator("#practice-score")).to_have_attribute("data-score", f"{right}/{right + 1}")


def test_show_me_reveals_without_scoring(page: Page, api):
    trace = start(page, api, SEED)
    F = len(trace["forward"])
    ask(page, trace, 0)
    page.locator(".practice-edge[data-i='0'] button[data-practice=show]").click()
    expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F + 1} /"))
    shown = page.locator(".practice-edge[data-i='0'] input[data-predict]")
    assert json.loads(shown.input_value()) == trace["backward"][0]["edges"][0]["contribution"]
    expect(page.locator("#practice-score")).to_have_attribute("data-score", "0/1")


def test_a_wrong_answer_then_the_right_one_and_the_tolerance(page: Page, api):
    trace = start(page, api, SIGMOID)
    e = trace["backward"][0]["edges"][0]
    ask(page, trace, 0)
    field = answer(page, 0, "12345")
    expect(field).to_have_class(WRONG)
    expect(page.locator(".practice-hint")).to_have_attribute("data-slip", "unknown")
    # Two significant digits are enough, as the panel says.
    answer(page, 0, f"{e['contribution']:.2g}")
    expect(field_of(page, 0)).to_have_class(CORRECT)
    expect(page.locator(".practice-rules")).to_contain_text("two significant digits")


def test_a_tensor_answer_needs_every_value(page: Page, api):
    trace = start(page, api, SOFTMAX)
    e = trace["backward"][0]["edges"][0]
    ask(page, trace, 0)
    answer(page, 0, typed(e["contribution"][:2]))
    expect(page.locator(".practice-hint")).to_have_attribute("data-slip", "count")
    expect(page.locator(".practice-hint")).to_contain_text(f"{len(e['contribution'])} values")
    answer(page, 0, typed(e["contribution"]))  # a miscount is not an attempt: still first try
    expect(page.locator("#practice-score")).to_have_attribute("data-score", "1/1")


def test_score_and_mode_come_back_from_the_url(page: Page, api):
    trace = trace_for(api, SEED)
    F = len(trace["forward"])
    query = urlencode({"program": SEED, "step": F, "practice": 1, "score": "2/3"})
    page.goto(f"/?{query}")
    wait_drawn(page, trace)
    expect(page.locator("#practice")).to_be_visible()
    expect(page.locator("#practice-score")).to_have_attribute("data-score", "2/3")
    expect(page.locator("#practice-score")).to_contain_text("2 of 3")
    page.locator("button[data-action=last]").click()  # End still stops at the first question
    expect(page.locator(f".practice-question[data-step='{F + 1}']")).to_be_visible()
    expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F} /"))


def test_play_stops_at_the_first_question(page: Page, api):
    trace = start(page, api, SEED)
    F = len(trace["forward"])
    page.locator("button[data-action=first]").click()
    page.locator("#speed").select_option("0")
    page.locator("button[data-action=play]").click()
    expect(page.locator(f".practice-question[data-step='{F + 1}']")).to_be_visible()
    expect(page.locator("button[data-action=play]")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F} /"))
    expect(page.locator("#next-hint")).to_be_hidden()


def test_exercises_easiest_first(page: Page, api):
    page.goto("/")
    expect(page.locator("svg#graph g.node").first).to_be_visible()
    page.locator("button[data-action=practice]").click()
    ids = page.eval_on_selector_all("select[data-practice=exercise] option",
                                    "os => os.map(o => o.value)")
    assert ids == ["", "multiply", "seed", "fanout", "sigmoid", "softmax_ce", "classifier"]
    page.select_option("select[data-practice=exercise]", "fanout")
    wait_drawn(page, trace_for(api, FANOUT))
    assert page.locator("textarea[name=program]").input_value() == FANOUT


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_of_a_wrong_answer(page: Page, api, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    trace = start(page, api, SEED)
    j, i, wrong = _upstream(trace)
    for jj in range(j):
        ask(page, trace, jj)
        for ii, e in enumerate(trace["backward"][jj]["edges"]):
            answer(page, ii, typed(e["contribution"]))
    ask(page, trace, j)
    answer(page, i, typed(wrong))
    hint = page.locator(".practice-hint")
    expect(hint).to_be_visible()
    hint.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"practice-wrong-{width}.png"))


def test_local_derivative_first(page: Page, api):
    trace = start(page, api, SEED)
    e = trace["backward"][1]["edges"][0]  # upstream −6, local 1: the two answers differ
    page.locator("input[data-practice=local-first]").check()
    ask(page, trace, 0)
    e0 = trace["backward"][0]["edges"][0]
    local = page.locator(".practice-edge[data-i='0'] input[data-predict-local]")
    answer(page, 0, typed(e0["contribution"]))
    expect(page.locator(".practice-edge[data-i='0'] [data-slip]")).to_have_attribute(
        "data-slip", "local-first")
    local.fill(typed(e0["local"]))
    local.press("Enter")
    expect(local).to_have_class(CORRECT)
    answer(page, 0, typed(e0["contribution"]))
    ask(page, trace, 1)
    local = page.locator(".practice-edge[data-i='0'] input[data-predict-local]")
    local.fill(typed(e["contribution"]))
    local.press("Enter")
    expect(local).to_have_class(WRONG)
    expect(page.locator(".practice-edge[data-i='0'] .practice-hint")).to_have_attribute(
        "data-slip", "multiplied")


def test_by_keyboard_alone(page: Page, api):
    trace = start(page, api, SEED)
    F = len(trace["forward"])
    page.locator("#graph-panel").focus()
    page.keyboard.press("ArrowRight")
    for j, st in enumerate(trace["backward"]):
        for i, e in enumerate(st["edges"]):
            expect(field_of(page, i)).to_be_focused()
            page.keyboard.type(typed(e["contribution"]))
            page.keyboard.press("Enter")
        expect(page.locator("#step-counter")).to_have_text(re.compile(f"^{F + j + 1} /"))
        if j < len(trace["backward"]) - 1:
            expect(page.locator("button[data-practice=next]")).to_be_focused()
            page.keyboard.press("ArrowRight")  # the arrow works from the focused button
    expect(page.locator(".practice-done")).to_be_focused()
    expect(page.locator(".practice-done")).to_contain_text("last question")
