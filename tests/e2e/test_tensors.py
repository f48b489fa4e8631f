"""Tensors with numbers: a small tensor's node shows every value and gradient
(the trace's), a matrix product's worked entry matches the gradient for the
entry shown and for any other one chosen, and the path view of a tensor leaf
lists per-path shares of one entry that add up to that entry's gradient."""

from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import build, close, go_slider, parse, trace_for

MINUS = "\u2212"
TEACHING = ("X = [[1, 2], [3, -1]]\nW = [[0.5], [-0.25]]\nb = [0.1]\ny = [[1], [0]]\n"
            "pred = X @ W + b\nloss = mean((pred - y)**2)")
WIDE = ("A = [[0.3, -1.2, 0.8], [1.5, 0.2, -0.4]]\nB = [[0.7, -0.1, 0.4, 1.1], "
        "[-0.6, 0.9, 0.2, 0.5], [0.25, -0.8, 1.3, -0.2]]\nloss = sum(tanh(A @ B))")
VECTOR = ("v = [0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 0.1, -0.3]\nM = [[1.0, -0.5], [0.2, 0.4], "
          "[-0.3, 0.8], [0.6, -0.1], [0.9, 0.3], [-0.4, -0.7], [0.05, 0.5], [0.7, -0.2]]\n"
          "h = v @ M\nloss = sum(h * h) + mean(v * v)")
PROGRAMS = [TEACHING, WIDE, VECTOR]


def fmt(v: float) -> str:
    """The page's number format (static/js/format.js num) for moderate values."""
    if v == 0:
        return "0"
    s = repr(float(f"{v:.4g}"))
    return (s[:-2] + ".0" if s.endswith(".0") else s).replace("-", MINUS)


def flat(v):
    return [y for x in v for y in flat(x)] if isinstance(v, list) else [v]


def at(v, index):
    for i in index:
        v = v[i]
    return v


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def pretty(text: str) -> str:
    """The engine's text as the ledger writes it (ledger-entry.js pretty)."""
    return re.sub(r"\*\*2\b", "²", text).replace("**", "^").replace("*", "·").replace("-", MINUS)


def last_step(page: Page, trace: dict) -> None:
    go_slider(page, len(trace["forward"]) + len(trace["backward"]))


@pytest.mark.parametrize("program", PROGRAMS, ids=["teaching", "wide", "vector"])
def test_small_tensor_nodes_show_the_traces_numbers(page: Page, api, program):
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    last_step(page, trace)
    small = [n for n in trace["nodes"] if n["shape"] and math.prod(n["shape"]) <= 12]
    assert small
    for n in small:
        g = page.locator(f"svg#graph g.node[data-id='{n['id']}']")
        for kind, want in (("value", n["value"]), ("grad", n["grad"])):
            cells = g.locator(f".nums-{kind} .num-cell[data-index]")
            expect(cells).to_have_count(math.prod(n["shape"]))
            for k in range(cells.count()):
                cell = cells.nth(k)
                index = [int(i) for i in cell.get_attribute("data-index").split(",")]
                expected = at(want, index)
                assert close(parse(cell.get_attribute("data-value")), expected)
                assert cell.locator("text").text_content() == fmt(expected)
    # the gradients table and the graph-as-table write them out too
    for name, grad in trace["gradients"].items():
        if isinstance(grad, list) and len(flat(grad)) <= 12:
            pill = page.locator(f"table#gradients tr[data-leaf='{name}'] .pill").inner_text()
            assert [number(x) for x in re.findall(r"[−\d.e]+", pill)] == \
                [number(fmt(x)) for x in flat(grad)]
            assert "≤" not in pill


def matmul_steps(trace: dict) -> list[int]:
    ops = {n["id"]: n["op"] for n in trace["nodes"]}
    return [j for j, s in enumerate(trace["backward"]) if ops[s["node"]] == "matmul"]


def at_first_matmul(page: Page, api, program: str) -> tuple[dict, dict]:
    """Build the program and step to its first matmul's backward step: (trace, that step)."""
    trace = trace_for(api, program)
    page.goto("/")
    build(page, program, trace)
    j = matmul_steps(trace)[0]
    go_slider(page, len(trace["forward"]) + 1 + j)
    return trace, trace["backward"][j]


def recompute(text: str) -> float:
    numbers = text.split(" = ")[2].replace(MINUS, "-").replace("·", "*")
    assert re.fullmatch(r"[\d.\s()+\-*e]+", numbers), numbers
    return float(eval(numbers))  # noqa: S307 (digits and operators only, checked above)


@pytest.mark.parametrize("program", PROGRAMS, ids=["teaching", "wide", "vector"])
def test_the_worked_matmul_entry_matches_for_any_entry_chosen(page: Page, api, program):
    trace, st = at_first_matmul(page, api, program)
    rows = page.locator("#ledger .is-current .ledger-row")
    for i, e in enumerate(st["edges"]):
        # one edge's explanation at a time: its tab in the entry's head shows it
        edge = rows.nth(i).get_attribute("data-edge")
        page.locator(f"#ledger .is-current .explain-tab[data-edge='{edge}']").click()
        worked = rows.nth(i).locator(".worked-entry")
        expect(worked).to_be_visible()
        # as the engine wrote it
        engine_text = pretty(e["explain"]["worked"]["text"])
        expect(worked.locator(".worked-text")).to_have_text(engine_text)
        pick = worked.locator("select")
        options = pick.locator("option")
        count = options.count()
        assert count == len(flat(e["contribution"]))
        # the page works the engine's own entry out the same way
        first = pick.input_value()
        target = options.nth((count - 1) if count > 1 else 0).get_attribute("value")
        pick.select_option(target)
        expect(worked).to_have_attribute("data-entry", target)
        pick.select_option(first)
        expect(worked.locator(".worked-text")).to_have_text(engine_text)
        # by keyboard: the next entry down
        pick.focus()
        page.keyboard.press("ArrowDown")
        chosen = pick.input_value()
        expect(worked).to_have_attribute("data-entry", chosen)
        for value in {target, chosen}:
            pick.select_option(value)
            index = [int(x) for x in value.split(",")]
            expected = at(e["contribution"], index)
            expect(worked).to_have_attribute("data-entry", value)
            assert close(parse(worked.get_attribute("data-value")), expected, rel=1e-9)
            text = worked.locator(".worked-text").inner_text()
            scale = max([1.0, *(abs(x) for x in flat(e["contribution"]))])
            assert abs(recompute(text) - expected) <= 2e-3 * scale * scale
            assert abs(number(text.rsplit(" = ", 1)[1]) - expected) <= 1e-3 * max(1, abs(expected))


def test_a_mean_step_says_copy_not_sum(page: Page, api):
    trace = trace_for(api, TEACHING)
    ops = {n["id"]: n["op"] for n in trace["nodes"]}
    j = next(j for j, s in enumerate(trace["backward"]) if ops[s["node"]] == "mean")
    page.goto("/")
    build(page, TEACHING, trace)
    go_slider(page, len(trace["forward"]) + 1 + j)
    row = page.locator("#ledger .is-current .ledger-row").first
    expect(row.locator(".explain")).to_contain_text("× 1/2")
    expect(row.locator(".explain")).to_have_attribute("data-rule", "mean")
    expect(row.locator("[data-sum-axis]")).to_have_count(0)
    expect(row.locator(".shapes")).to_contain_text("copied to (2, 1)")
    assert "scalar ⊙ scalar" not in row.inner_text()


CLASSIFY = ("z = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]]\nw = [[1.0, -1.0, 0.5], [0.5, 0.5, 2.0]]\n"
            "c = [0, 2]\nloss = cross_entropy(relu(z * w), c)")


def test_the_local_line_says_elementwise_only_for_elementwise_ops(page: Page, api):
    """cross_entropy's local is one number's partial by each entry: never 'elementwise'."""
    trace = trace_for(api, CLASSIFY)
    ops = {n["id"]: n["op"] for n in trace["nodes"]}
    page.goto("/")
    build(page, CLASSIFY, trace)
    seen = set()
    for j, step in enumerate(trace["backward"]):
        if ops[step["node"]] not in ("cross_entropy", "relu", "mul"):
            continue
        go_slider(page, len(trace["forward"]) + 1 + j)
        local = page.locator("#ledger .is-current .ledger-row .line.local").first.inner_text()
        if ops[step["node"]] == "cross_entropy":
            assert "elementwise" not in local and "by each entry of" in local, local
        else:
            assert "elementwise" in local, local
        seen.add(ops[step["node"]])
    assert seen == {"cross_entropy", "relu", "mul"}


@pytest.mark.parametrize(("program", "leaf"), [(TEACHING, "W"), (TEACHING, "b"), (VECTOR, "v"),
                                               (WIDE, "A")])
def test_the_path_view_of_a_tensor_leaf_entry_sums_to_its_gradient(page: Page, api, program,
                                                                   leaf):
    trace = trace_for(api, program)
    grad = trace["gradients"][leaf]
    page.goto("/")
    build(page, program, trace)
    page.locator(f"table#gradients tr[data-leaf='{leaf}']").click()
    view = page.locator("#paths")
    pick = view.locator("select[data-paths-entry]")
    expect(pick).to_be_visible()
    values = [pick.locator("option").nth(k).get_attribute("value")
              for k in range(pick.locator("option").count())]
    assert len(values) == len(flat(grad))
    for value in [pick.input_value(), values[-1]]:
        pick.select_option(value)
        expect(view).to_have_attribute("data-entry", value)
        index = [int(x) for x in value.split(",")]
        shares = view.locator("[data-entry-share]")
        expect(shares).to_have_count(int(view.get_attribute("data-path-count")))
        got = [parse(shares.nth(k).get_attribute("data-entry-share"))
               for k in range(shares.count())]
        assert math.isclose(sum(got), at(grad, index), rel_tol=1e-9, abs_tol=1e-12)
        total = view.locator(".paths-total")
        assert close(parse(total.get_attribute("data-value")), at(grad, index))
        assert "Jacobians" not in view.inner_text()


def test_the_ledger_writes_small_tensors_out_and_folds_big_ones(page: Page, api):
    trace, st = at_first_matmul(page, api, VECTOR)
    rows = page.locator("#ledger .is-current .ledger-row")
    ids = {n["id"]: n for n in trace["nodes"]}
    for i, e in enumerate(st["edges"]):
        result = rows.nth(i).locator(".contribution .result").first
        n = len(flat(e["contribution"]))
        if n <= 12:  # v's 8 entries: every number at once
            assert [number(x) for x in re.findall(r"[−\d.e]+", result.inner_text())] == \
                [number(fmt(x)) for x in flat(e["contribution"])]
        else:  # M's 16: a summary that opens to every value
            assert ids[e["to"]]["label"] == "M"
            expect(result.locator("summary")).to_contain_text(f"… {n} values")
            result.locator("summary").click()
            listed = result.locator(".values-list").inner_text()
            assert len(re.findall(r"[−\d.e]+", listed)) == n


def test_clicking_an_entry_on_a_node_works_that_entry_out(page: Page, api):
    trace, st = at_first_matmul(page, api, TEACHING)
    x = next(n for n in trace["nodes"] if n["label"] == "X")
    e = next(e for e in st["edges"] if e["to"] == x["id"])
    row = page.locator(f"#ledger .is-current .ledger-row[data-to='{x['id']}']")
    node = page.locator(f"svg#graph g.node[data-id='{x['id']}']")
    cell = node.locator(".nums-grad .num-cell[data-index='1,1']")
    cell.dispatch_event("click")
    worked = row.locator(".worked-entry")
    expect(worked).to_have_attribute("data-entry", "1,1")
    assert close(parse(worked.get_attribute("data-value")), e["contribution"][1][1])
    expect(worked.locator(".worked-text")).to_contain_text("∂L/∂X₁₁ = g₁₀·W₁₀ = ")
    # the click works the entry out; it does not also open the node's enlarged view
    expect(page.locator("svg#graph .expanded")).to_have_count(0)


CLASS_INDEX = "z = [2.0, 0.5, -1.0]\nc = 0\nunused = 4.0\nloss = cross_entropy(z, c)"


@pytest.mark.parametrize("program", ["classifier", CLASS_INDEX], ids=["tensor-y", "scalar-c"])
def test_a_class_index_shows_no_gradient_like_a_constant(page: Page, api, examples, program):
    """cross_entropy's class index takes no gradient: its node says "no ∇" at
    every step (never "∇ ?", as if one were still to come), as the node table does."""
    program = examples[program]["program"] if program in examples else program
    trace = trace_for(api, program)
    name = "y" if "y = " in program else "c"
    index = next(n for n in trace["nodes"] if n["label"] == name)
    ce = next(n for n in trace["nodes"] if n["op"] == "cross_entropy")
    assert ce["inputs"][1] == index["id"]
    assert all(e["to"] != index["id"] for st in trace["backward"] for e in st["edges"])
    page.goto("/")
    build(page, program, trace)
    node = page.locator(f"svg#graph g.node[data-id='{index['id']}']")
    F, B = len(trace["forward"]), len(trace["backward"])
    for k in range(F + 1, F + B + 1):
        go_slider(page, k)
        expect(page.locator("#step-counter")).to_have_text(f"{k} / {F + B}")
        expect(node).to_have_attribute("data-grad", "")
        if index["shape"]:
            expect(node.locator(".nums-grad .nums-label")).to_have_text("no ∇")
            expect(node.locator(".nums-grad .num-cell:visible")).to_have_count(0)
        else:
            expect(node.locator(".grad-chip text")).to_have_text("no ∇")
        assert "?" not in node.text_content()
        row = page.locator("#node-table tbody tr").nth(trace["nodes"].index(index))
        expect(row.locator("td").nth(3)).to_have_text("no ∇: takes no gradient")
    # A leaf the output does not use keeps its gradient of 0 at the end.
    unused = next((n for n in trace["nodes"] if n["label"] == "unused"), None)
    if unused:
        chip = page.locator(f"svg#graph g.node[data-id='{unused['id']}'] .grad-chip text")
        expect(chip).to_have_text("∇ 0")
