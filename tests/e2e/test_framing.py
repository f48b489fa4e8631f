"""One screen that teaches: at 1280×800, 1280×720 in lecture mode, 390×844
and in a notebook's 1000 px iframe, every step of a small program shows the
graph framed (whole when its text stays readable, else the active node with
its inputs and outputs) and the current ledger entry on screen.

Each size opens one page and walks every step inside one page.evaluate (the
→ key's handler, then the boxes read at once), so the file stays quick."""

from __future__ import annotations

import html
import urllib.parse
from pathlib import Path

import pytest
from chainrule import show
from chainrule.language.examples import example
from playwright.sync_api import Browser, Frame, Page, expect

from .helpers import close, parse, trace_for

# A two-neuron scalar net: 23 nodes, two fan-ins and a fan-out per input.
NET = """x1 = 0.5
x2 = -1.5
w11 = 0.3
w12 = -0.8
w21 = 1.1
w22 = 0.4
h1 = tanh(w11*x1 + w12*x2)
h2 = sigmoid(w21*x1 + w22*x2)
v1 = 0.7
v2 = -1.2
out = v1*h1 + v2*h2
t = 0.25
loss = (out - t)**2"""
# Its output is o, not "loss": the page must say o.
NAMED_O = "p = 2.0\nq = -1.5\no = p*q + q"

PROGRAMS = {
    "seed": example("regression").program,
    "fanout": example("fanout").program,
    "neuron": example("neuron").program,
    "kinks": example("kinks").program,
    "sigmoid_chain": example("sigmoid_chain").program,
    "net": NET,
}
# Small enough that the whole graph must be shown at every step.
WHOLE = {"seed", "fanout"}
# Their current ledger entry is on screen whole at every step, at every size.
ENTRY_WHOLE = {"seed", "fanout"}

# Dispatch → for every step (the page's own key handler), reading after each:
# the view's mode, the graph's visible area, every node box, the smallest
# rendered node text, and the current entry with its panel.
WALK = (Path(__file__).parent / "framing_walk.js").read_text(encoding="utf-8")


def neighbours(trace: dict, node_id: str) -> set[str]:
    ins = next(n["inputs"] for n in trace["nodes"] if n["id"] == node_id)
    outs = [n["id"] for n in trace["nodes"] if node_id in n["inputs"]]
    return {node_id, *ins, *outs}


def inside(box, area, slack=1.0) -> bool:
    return (
        box[0] >= area[0] - slack
        and box[1] >= area[1] - slack
        and box[2] <= area[2] + slack
        and box[3] <= area[3] + slack
    )


def outside(box, area, slack=1.0) -> bool:
    return (
        box[2] <= area[0] + slack
        or box[3] <= area[1] + slack
        or box[0] >= area[2] - slack
        or box[1] >= area[3] - slack
    )


def check_walk(
    frame: Page | Frame,
    trace: dict,
    name: str,
    min_text: int,
    where: str,
    whole: set[str] = WHOLE,
    entry_whole: set[str] = ENTRY_WHOLE,
) -> None:
    total = len(trace["forward"]) + len(trace["backward"])
    shots = frame.evaluate(WALK, {"total": total, "minText": min_text})
    assert len(shots) == total + 1
    for k, s in enumerate(shots):
        at = f"{name} at {where}, step {k}"
        assert s["counter"] == f"{k} / {total}", at
        assert s["fit"] in ("all", "active"), at
        if s["fit"] == "all":
            out = [i for i, b in s["boxes"].items() if not inside(b, s["vis"])]
            assert not out, f"{at}: nodes {out} are outside the view"
            assert s["text"] >= min_text - 0.05, f"{at}: text {s['text']:.1f} px"
        else:
            assert not s["wholeReadable"], (
                f"{at}: the whole graph would be readable, yet only the active part is framed"
            )
            if s["active"]:
                want = neighbours(trace, s["active"])
                out = [i for i in want if not inside(s["boxes"][i], s["vis"])]
                assert not out, f"{at}: the active node's neighbours {out} are outside the view"
                hid = want & set(s["hidden"])
                assert not hid, f"{at}: neighbours of the active node {hid} are hidden"
            # No box is cut in half by the view's edge: each shown node and
            # earlier badge is wholly in view or wholly out of it (a hidden one
            # is one the view would have cut).
            cut = [
                i
                for i, b in s["boxes"].items()
                if i not in s["hidden"] and not inside(b, s["vis"]) and not outside(b, s["vis"])
            ]
            assert not cut, f"{at}: nodes {cut} are cut at the view's edge"
            for i in s["hidden"]:
                b = s["boxes"][i]
                with_border = [b[0] - 2, b[1] - 2, b[2] + 2, b[3] + 2]  # drawn half outside
                assert not inside(with_border, s["vis"]), f"{at}: {i} is hidden though in view"
                # Its edges lead to a tag with its name, whole in the view.
                assert i in s["stubs"], f"{at}: hidden {i} has no tag where its edges lead"
                assert inside(s["stubs"][i], s["vis"]), f"{at}: {i}'s tag is cut"
            badges = [
                d["edge"]
                for d in s["badges"]
                if not d["current"]
                and not inside(d["box"], s["vis"])
                and not outside(d["box"], s["vis"])
            ]
            assert not badges, f"{at}: earlier badges on {badges} are cut at the view's edge"
        if name in whole:
            assert s["fit"] == "all", f"{at}: a small graph is shown whole"
        if k == 0:
            continue
        assert s["entries"] == 1, at
        e = s["entry"]
        w, h = e["view"]
        box, panel = e["box"], e["panel"]
        # The entry's start is on screen and inside its panel; its end is on
        # screen too, or (an entry taller than the panel) the panel's end is.
        assert 0 <= box[1] < h and box[1] >= panel[1] - 1, (
            f"{at}: the current entry starts off screen {box}"
        )
        assert box[0] >= -1 and box[2] <= w + 1, f"{at}: the current entry is cut at the side"
        assert box[3] <= h + 1 or (panel[3] <= h + 1 and box[3] >= panel[3]), (
            f"{at}: the current entry ends off screen {box}"
        )
        if name in entry_whole:
            # The whole entry, top and bottom, on screen and not cut by a
            # scrolling box around it (its last line once was).
            clip = e["clip"]
            assert inside(box, clip), f"{at}: the current entry {box} is cut by {clip}"


@pytest.fixture
def make_page(browser: Browser, live_server: str):
    made = []

    def make(width: int, height: int):
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, reduced_motion="reduce"
        )
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        made.append((ctx, errors))
        return page

    yield make
    for ctx, errors in made:
        ctx.close()
        assert not errors, errors


def load(page: Page, live_server: str, program: str, trace: dict, extra: str = "") -> None:
    page.goto(f"{live_server}/?program={urllib.parse.quote(program)}{extra}")
    expect(page.locator("svg#graph g.node")).to_have_count(len(trace["nodes"]))
    expect(page.locator("#step-counter")).to_have_text(
        f"{len(trace['forward'])} / {len(trace['forward']) + len(trace['backward'])}"
    )


@pytest.mark.parametrize(
    ("width", "height", "lecture"),
    [(1280, 800, False), (1280, 720, True), (390, 844, False)],
    ids=["laptop", "lecture", "phone"],
)
def test_every_step_is_framed_with_its_entry(make_page, live_server, api, width, height, lecture):
    page = make_page(width, height)
    for name, program in PROGRAMS.items():
        if name not in WHOLE | {"net", "neuron", "kinks"} and (width < 600 or lecture):
            continue  # the other sizes walk the big ones too; keep the file quick
        trace = trace_for(api, program)
        load(page, live_server, program, trace, "&lecture=1" if lecture else "")
        # A phone lays the graph out top to bottom: the seed is too tall to show whole there.
        check_walk(
            page,
            trace,
            name,
            20 if lecture else 11,
            f"{width}×{height}{' lecture' if lecture else ''}",
            {"fanout"} if width < 600 else WHOLE,
        )


def test_a_notebook_frame_1000_px_wide_frames_like_the_page(make_page, live_server):
    from chainrule import trace_program

    page = make_page(1100, 900)
    for name in ("seed", "fanout", "neuron", "net"):
        program = PROGRAMS[name]
        trace = trace_program(program)
        doc = html.escape(show(program).html(), quote=True)
        page.set_content(
            f'<iframe srcdoc="{doc}" sandbox="allow-scripts" width="1000" height="760"></iframe>'
        )
        inner = page.frame_locator("iframe")
        expect(inner.locator("body")).to_have_attribute("data-ready", "true")
        (frame,) = [f for f in page.frames if f != page.main_frame]
        # The frame's ledger grows to the current entry as the page's does
        # (standalone.css), its legend folded to one line: the entry is whole.
        check_walk(frame, trace, name, 11, "a 1000 px iframe",
                   entry_whole={"seed", "fanout", "neuron", "net"})


def fit_state(page: Page) -> dict:
    return page.evaluate("""() => {
      const svg = document.querySelector('svg#graph');
      const r = svg.getBoundingClientRect();
      const out = [...svg.querySelectorAll('g.node rect.box')].filter((b) => {
        const q = b.getBoundingClientRect();
        return q.left < r.left - 1 || q.top < r.top - 1
          || q.right > r.right + 1 || q.bottom > r.bottom + 1;
      }).length;
      const t = svg.querySelector('g.node text.title');
      const a = svg.querySelector('g.node.is-active rect.box')?.getBoundingClientRect();
      const activeIn = !a || (a.left >= r.left - 1 && a.top >= r.top - 1
        && a.right <= r.right + 1 && a.bottom <= r.bottom + 1);
      const text = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
      return { fit: svg.dataset.fit, out, active_in: activeIn, text,
               transform: svg.querySelector('.viewport').getAttribute('transform') };
    }""")


def test_resize_and_the_lecture_toggle_refit_at_once(make_page, live_server, api):
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    page.keyboard.press("End")
    before = fit_state(page)
    assert before["fit"] == "all" and before["out"] == 0
    # A taller window: framed again at once, still whole, no step needed.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "t => document.querySelector('#graph .viewport').getAttribute('transform') !== t",
        arg=before["transform"],
    )
    assert fit_state(page)["out"] == 0
    # Too narrow to show it whole at 11 px: the active node and its neighbours, readable.
    page.set_viewport_size({"width": 1000, "height": 800})
    page.wait_for_function("() => document.querySelector('svg#graph').dataset.fit === 'active'")
    narrow = fit_state(page)
    assert narrow["active_in"], narrow
    # The header's toggle: lecture text (≥ 20 px) at once, the whole graph on screen.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.locator("#lecture-toggle").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('svg#graph g.node text.title');"
        " return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a >= 20; }"
    )
    lecture = fit_state(page)
    assert lecture["fit"] == "all" and lecture["out"] == 0, lecture
    legend = page.eval_on_selector_all(
        "#legend .legend-mark span:not(.mark-sample)",
        "els => Math.min(...els.filter(e => e.offsetParent)"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))",
    )
    assert legend >= 16
    expect(page.locator("[data-current-entry]")).to_be_in_viewport()
    # Off again (a laptop at 720 px): framed again at the laptop's scale at once.
    page.locator("#lecture-toggle").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('svg#graph g.node text.title');"
        " return !document.body.classList.contains('lecture')"
        " && parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a < 20; }"
    )
    off = fit_state(page)
    assert off["active_in"] and (off["fit"] == "active" or off["out"] == 0), off


def test_manual_zoom_is_kept_until_fit(make_page, live_server, api):
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    fitted = fit_state(page)["transform"]
    page.locator("button[data-view=zoom-in]").click()
    page.wait_for_function(
        "t => document.querySelector('#graph .viewport').getAttribute('transform') !== t",
        arg=fitted,
    )
    zoomed = fit_state(page)["transform"]
    page.locator("#phase").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert fit_state(page)["transform"] == zoomed, "stepping keeps the reader's zoom"
    page.locator("button[data-view=fit]").click()
    page.wait_for_function(
        "t => document.querySelector('#graph .viewport').getAttribute('transform') !== t",
        arg=zoomed,
    )
    state = fit_state(page)
    assert state["fit"] == "all" and state["out"] == 0, state


def test_a_click_on_the_graph_keeps_the_framing_and_a_drag_stops_it(make_page, live_server, api):
    # A click (a mousedown with no move) starts a zoom gesture too; only a
    # real pan is the reader's choice of view.
    trace = trace_for(api, NET)
    page = make_page(1280, 800)
    load(page, live_server, NET, trace)
    box = page.locator("svg#graph").bounding_box()
    page.mouse.click(box["x"] + 6, box["y"] + 6)
    check_walk(page, trace, "net", 11, "1280×800 after a click on the graph")
    page.mouse.move(box["x"] + 300, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 340, box["y"] + 130, steps=4)
    page.mouse.up()
    dragged = fit_state(page)["transform"]
    page.keyboard.press("Home")
    for _ in range(len(trace["forward"]) + 3):
        page.keyboard.press("ArrowRight")
    assert fit_state(page)["transform"] == dragged, "stepping keeps the reader's pan"


def test_the_output_is_named_for_what_it_is(make_page, live_server, api):
    trace = trace_for(api, NAMED_O)
    page = make_page(1280, 800)
    load(page, live_server, NAMED_O, trace)
    expect(page.locator("#legend [data-define=L]")).to_have_text("L = o, the output")
    page.keyboard.press("ArrowRight")  # the first backward step: the output
    entry = page.locator("[data-current-entry]")
    expect(entry).to_contain_text("L is o, the output")
    assert "loss" not in page.locator(".col-right").inner_text().lower()


def edge_ids(trace: dict, step: dict) -> list[str]:
    """The graph's id (SRC>DST#SLOT) of each edge a backward step pushes, in order."""
    node = next(n for n in trace["nodes"] if n["id"] == step["node"])
    used: set[int] = set()
    ids = []
    for e in step["edges"]:
        slot = next(i for i, src in enumerate(node["inputs"]) if src == e["to"] and i not in used)
        used.add(slot)
        ids.append(f"{e['to']}>{node['id']}#{slot}")
    return ids


def number(text: str) -> float:
    return float(text.strip().strip("()").replace("−", "-"))


def test_pushed_edges_carry_their_contribution(make_page, live_server, api):
    program = NET
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    page.locator("#phase").click()
    pushed: set[str] = set()
    for step in trace["backward"]:
        page.keyboard.press("ArrowRight")
        ids = edge_ids(trace, step)
        current = page.locator("svg#graph g.edge [data-contribution]")
        expect(current).to_have_count(len(ids))
        for edge_id, e in zip(ids, step["edges"], strict=True):
            mark = page.locator(f"svg#graph g.edge[data-edge='{edge_id}'] [data-contribution]")
            assert close(parse(mark.get_attribute("data-value")), e["contribution"]), edge_id
            # "upstream × local = contribution", each factor the trace's, the product right.
            left, result = mark.text_content().split("=")
            up, local = (number(t) for t in left.split("×"))
            assert close(up, step["grad"], 1e-2) and close(local, e["local"], 1e-2), (
                mark.text_content()
            )
            assert close(up * local, number(result), 1e-2) and close(
                number(result), e["contribution"], 1e-2
            )
        # Earlier steps' contributions stay on their edges, dimmed, each a true
        # equation on its own: upstream × local = contribution, never "× local = contribution".
        past = pushed - set(ids)
        dim = page.locator("svg#graph g.edge-contribution.is-past")
        expect(dim).to_have_count(len(past))
        for text in dim.all_text_contents():
            left, result = text.split("=")
            up, local = (number(t) for t in left.split("×"))
            assert close(up * local, number(result), 1e-2), text
        pushed |= set(ids)


def test_an_earlier_steps_badges_keep_their_upstream(make_page, live_server, api):
    """The seed at its last step: each earlier edge's dimmed badge is the trace's
    upstream × local = contribution (a local of 1 beside −6 once read as "× 1.0 = −6.0")."""
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    page.keyboard.press("End")
    checked = 0
    for j, step in enumerate(trace["backward"][:-1]):
        for edge_id, e in zip(edge_ids(trace, step), step["edges"], strict=True):
            if e["local"] is None:
                continue
            badge = page.locator(f"svg#graph g.edge-contribution.is-past[data-edge='{edge_id}']")
            expect(badge).to_have_count(1)
            left, result = badge.text_content().split("=")
            up, local = (number(t) for t in left.split("×"))
            assert close(up, step["grad"], 1e-2), (j, badge.text_content())
            assert close(local, e["local"], 1e-2) and close(number(result), e["contribution"], 1e-2)
            checked += 1
    assert checked >= 5


def test_a_shortened_title_expands_on_hover_and_focus(make_page, live_server, api):
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    out = page.locator(f"svg#graph g.node[data-id='{trace['output']}']")
    expect(out.locator("text.title")).to_contain_text("(…)")
    out.hover()
    full = page.locator("svg#graph .full-title")
    expect(full).to_have_count(1)
    text = full.text_content()
    assert "(…)" not in text and all(name in text for name in ("w", "x", "b", "y")), text
    page.mouse.move(5, 5)
    expect(full).to_have_count(0)
    out.focus()
    expect(full).to_have_count(1)
    assert out.get_attribute("data-full") == text


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)], ids=["laptop", "phone"])
def test_practice_asks_with_the_graph_in_view(make_page, live_server, api, width, height):
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(width, height)
    load(page, live_server, program, trace, "&practice=1")
    page.locator("button[data-action=forward]").click()  # the first backward step asks
    field = page.locator("input[data-predict]").first
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    state = page.evaluate("""() => {
      const svg = document.querySelector('svg#graph');
      const r = svg.getBoundingClientRect();
      const area = [Math.max(r.left, 0), Math.max(r.top, 0),
                    Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)];
      const boxes = [...svg.querySelectorAll('g.node rect.box')].map((b) => {
        const q = b.getBoundingClientRect(); return [q.left, q.top, q.right, q.bottom]; });
      const active = svg.querySelector('g.node.is-active rect.box')?.getBoundingClientRect();
      return { area, boxes, fit: svg.dataset.fit,
               active: active && [active.left, active.top, active.right, active.bottom] };
    }""")
    if state["fit"] == "all":
        assert all(inside(b, state["area"]) for b in state["boxes"]), state
    assert state["active"] and inside(state["active"], state["area"]), state
    # The prompt gives the input's value as its value, not as "= answer".
    about = page.locator(".practice-edge .practice-about").first
    expect(about).to_contain_text("Edge to input")
    expect(about).to_contain_text(", its value ")
    # The page's own fonts (sans for words, mono for maths), not a serif.
    fonts = page.eval_on_selector_all(
        ".practice-upstream, .practice-about, .practice-field label",
        "els => els.map(e => getComputedStyle(e).fontFamily)",
    )
    assert fonts and not any("serif" in f.lower().replace("sans-serif", "") for f in fonts), fonts


def test_the_history_keeps_the_current_entry_in_view(make_page, live_server, api):
    program = PROGRAMS["net"]
    trace = trace_for(api, program)
    page = make_page(1280, 800)
    load(page, live_server, program, trace)
    page.locator("#phase").click()
    page.keyboard.press("End")
    expect(page.locator("[data-current-entry]")).to_be_in_viewport()
    # The first entries are scrolled away (or folded), not shown.
    expect(page.locator("#ledger [data-step='1']")).not_to_be_in_viewport()


def test_lecture_charts_keep_axis_titles_off_the_tick_labels(make_page, live_server):
    page = make_page(1280, 720)
    for path in ("/train", "/compare"):
        page.goto(f"{live_server}{path}?lecture=1")
        expect(page.locator("svg .axis-title, svg .axis-label").first).to_be_attached()
        overlaps = page.evaluate("""() => {
          const out = [];
          for (const t of document.querySelectorAll('svg .axis-title, svg .axis-label')) {
            const r = t.getBoundingClientRect();
            if (!r.width) continue;
            for (const k of t.closest('svg').querySelectorAll('.tick text')) {
              const q = k.getBoundingClientRect();
              if (q.width && r.left < q.right && r.right > q.left
                  && r.top < q.bottom && r.bottom > q.top)
                out.push([t.textContent, k.textContent]);
            }
          }
          return out;
        }""")
        assert not overlaps, (path, overlaps)


# Every step's badges (the local's and the contribution's, current and earlier),
# read after the page's own → key: which badge box meets which node box.
BADGE_WALK = (Path(__file__).parent / "badge_walk.js").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("width", "height", "lecture"),
    [(1280, 800, False), (1280, 720, True), (390, 844, False)],
    ids=["laptop", "lecture", "phone"],
)
def test_no_badge_covers_a_node(make_page, live_server, api, width, height, lecture):
    """A badge beside its edge, or away from it with its leader line: never on a
    node's value or ∇ chip (x's once hid under "× 2.0 | −6.0 × 2.0 = −12.0")."""
    page = make_page(width, height)
    for name in ("seed", "fanout"):
        program = PROGRAMS[name]
        trace = trace_for(api, program)
        load(page, live_server, program, trace, "&lecture=1" if lecture else "")
        total = len(trace["forward"]) + len(trace["backward"])
        out = page.evaluate(BADGE_WALK, total)
        assert not out["hits"], f"{name} at {width}×{height}: badges on nodes {out['hits']}"
        far = out["far"]
        assert not far, f"{name} at {width}×{height}: badges off their edge, no leader {far}"


def test_lecture_mode_keeps_a_colour_key(make_page, live_server, api):
    """The projector's legend drops the scale bar, yet says what blue and orange mean."""
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 720)
    load(page, live_server, program, trace, "&lecture=1")
    key = page.locator("#legend [data-key=sign]")
    expect(key).to_be_visible()
    expect(key).to_contain_text("negative")
    expect(key).to_contain_text("positive")
    # One line, at least 16 px, each word beside a swatch of the chips' own colours.
    box = key.bounding_box()
    assert box and box["height"] < 30, box
    sizes = key.locator("span:not(.legend-swatch)").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 16, sizes
    swatches = key.locator(".legend-swatch").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    page.keyboard.press("End")
    chips = page.evaluate("""() => {
      const out = {};
      for (const g of document.querySelectorAll('svg#graph g.node[data-grad]')) {
        const v = Number(g.dataset.grad);
        const chip = g.querySelector('.grad-chip rect');
        if (chip && v) out[v < 0 ? 'neg' : 'pos'] = getComputedStyle(chip).fill;
      }
      return out;
    }""")
    def rgb(c: str) -> tuple[int, ...]:
        return tuple(int(float(x)) for x in c[c.index("(") + 1 : -1].split(",")[:3])

    neg, pos = rgb(swatches[0]), rgb(swatches[1])
    assert neg[2] > neg[0] and pos[0] > pos[2], swatches  # blue, orange
    # The seed has both signs at its end; its chips have the key's hues.
    assert set(chips) == {"neg", "pos"}, chips
    (nr, _, nb), (pr, _, pb) = rgb(chips["neg"]), rgb(chips["pos"])
    assert nb > nr and pr > pb, chips
    # Off lecture mode the full scale bar says it instead: a chip's colour is its sign
    # (the legend's samples are blue, real chips are blue or orange).
    page.locator("#lecture-toggle").click()
    expect(key).to_be_hidden()
    expect(page.locator("#legend .legend-title")).to_be_visible()
    expect(page.locator("#legend .legend-title")).to_contain_text("colour = its sign")


def test_a_phone_header_wraps_whole_and_gradient_names_never_break(make_page, live_server, api):
    """At 390 px every header link and button is on screen whole (none cut at
    the edge as "O…"), and the step's sentence never breaks inside ∂L/∂a."""
    program = PROGRAMS["fanout"]
    trace = trace_for(api, program)
    page = make_page(390, 844)
    load(page, live_server, program, trace)
    cut = page.evaluate("""() => [...document.querySelectorAll('.topbar a, .topbar button')]
      .filter((e) => e.offsetParent).map((e) => [e.textContent.trim(), e.getBoundingClientRect()])
      .filter(([, r]) => r.left < -0.5 || r.right > innerWidth + 0.5
        || r.height > 2.2 * parseFloat(getComputedStyle(document.body).fontSize))
      .map(([t]) => t)""")
    assert not cut, f"header items cut or broken: {cut}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    seen = 0
    for _ in range(len(trace["backward"])):
        page.keyboard.press("ArrowRight")
        syms = page.locator("#phase .sym-nowrap")
        expect(syms.first).to_be_attached()
        lines = syms.evaluate_all("els => els.map(e => [e.textContent, e.getClientRects().length])")
        assert all(n == 1 for _, n in lines), lines
        assert all(t.startswith("∂L/∂") for t, _ in lines), lines
        seen += len(lines)
    assert seen >= 5


OVERLAPS = """() => {
  const svg = document.querySelector("svg#graph");
  const boxes = [...svg.querySelectorAll("g.node rect.box")].map((b) => b.getBoundingClientRect());
  const hits = [];
  for (const b of svg.querySelectorAll("g.edge-label > rect, g.edge-contribution > rect")) {
    const r = b.getBoundingClientRect();
    if (boxes.some((q) => r.left < q.right - 0.5 && r.right > q.left + 0.5
        && r.top < q.bottom - 0.5 && r.bottom > q.top + 0.5)) hits.push(b.parentNode.textContent);
  }
  return hits;
}"""


def test_no_badge_covers_a_node_after_the_lecture_toggle(make_page, live_server, api):
    """The header's toggle lays the graph out again, tighter: every earlier badge
    is placed at once, and one with no free spot is left out, not drawn on a node."""
    program = PROGRAMS["seed"]
    trace = trace_for(api, program)
    page = make_page(1280, 720)
    load(page, live_server, program, trace)
    page.keyboard.press("End")
    expect(page.locator("svg#graph g.edge-label.is-past").first).to_be_attached()
    assert page.evaluate(OVERLAPS) == []
    page.locator("#lecture-toggle").click()
    page.wait_for_function("() => document.body.classList.contains('lecture')")
    page.wait_for_function(  # laid out again and framed at the lecture's text size
        "() => { const t = document.querySelector('svg#graph g.node text.title');"
        " return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a >= 20; }"
    )
    expect(page.locator("svg#graph g.edge-label:not(.is-past)").first).to_be_attached()
    assert page.evaluate(OVERLAPS) == []
