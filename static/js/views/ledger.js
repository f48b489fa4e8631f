// The chain-rule ledger: every step taken so far, the current one in full,
// the earlier ones one line per edge (greyed, click to jump back there), so
// at the last step each leaf's gradient can be traced back without stepping.
// Every piece of user text goes in with .text().
import { d3 } from "../lib.js";
import { activeAt } from "../model.js";
import { renderEntry } from "./ledger-entry.js";

const FAR = 12; // entries this many steps before the current one are "far"
const HISTORY_MAX = 200; // past entries kept in the DOM: a 5,000-step pass stays responsive

export function renderLedger(el, model, step, { onFocusEdge, onJump, eq = false } = {}) {
  const root = d3.select(el);
  const a = model ? activeAt(model, step) : null;
  if (!model || a.phase === "start") {
    el._history = null;
    root.selectAll("*").remove();
    root.append("p").attr("class", "muted start-hint").text(model
      ? `Nothing is evaluated yet. Press → to run the forward pass (${model.F} steps), then the backward pass (${model.B} steps).`
      : "Build a graph, then step through it: forward to compute values, backward to push gradients.");
    return;
  }
  // Another edge's explanation chosen: room for it, and the entry kept whole in view.
  if (!el._onExplained) {
    el._onExplained = () => { if (el._history) { makeRoom(el, el._history.model); scrollToCurrent(el); } };
    el.addEventListener("chainrule:explained", el._onExplained);
  }
  const first = Math.max(1, step - HISTORY_MAX);
  // In the backward pass the forward steps fold away: their values are on the graph.
  const fold = a.phase === "backward" && first <= model.F;
  let h = el._history;
  // Stepping keeps the entries already drawn (one step costs one or two entries);
  // a new trace, the = toggle, or the fold opening or closing draws them all again.
  if (!h || h.model !== model || h.eq !== eq || h.fold !== fold) {
    root.selectAll("*").remove();
    const note = root.append("p").attr("class", "muted history-note");
    const list = root.append("ol").attr("class", "history");
    let fwd = list;
    if (fold) {
      const details = list.append("li").attr("class", "fold").append("details");
      details.append("summary").text(`Forward pass: steps ${first}–${model.F}, the values on the graph`);
      fwd = details.append("ol").attr("class", "history");
    }
    h = el._history = { model, eq, fold, note, list, fwd, entries: new Map(), current: null };
  }
  h.note.attr("hidden", first > 1 ? null : "").text(first > 1 ? `${first - 1} earlier steps are not listed: use the slider to go back.` : "");
  const opts = { eq, onFocusEdge };
  for (const [k, li] of h.entries) {
    if (k > step || k < first) { li.remove(); h.entries.delete(k); }
  }
  if (h.current !== null && h.current !== step && h.entries.has(h.current)) {
    draw(h.entries.get(h.current), model, h.current, false, opts, onJump);
  }
  for (let k = first; k <= step; k++) {
    if (h.entries.has(k)) continue;
    const li = (k <= model.F ? h.fwd : h.list).append("li");
    h.entries.set(k, li);
    draw(li, model, k, k === step, opts, onJump);
  }
  if (h.current === step || !h.entries.get(step).classed("is-current")) draw(h.entries.get(step), model, step, true, opts, onJump);
  h.current = step;
  // Entries well above the view skip layout until scrolled to (the ones near
  // the current step stay laid out, so the view can be placed on whole lines).
  for (const [k, li] of h.entries) if (li.classed("is-far") !== k < step - FAR) li.classed("is-far", k < step - FAR);
  makeRoom(el, model);
  scrollToCurrent(el);
  // After the rest of the step is drawn (the hint above the graph can change its height).
  requestAnimationFrame(() => showOnPhone(el));
}

/** The current entry is read whole, never cut by its panel: the panel is
 * given (framing.css, `--entry-room`) the height of the tallest entry of this
 * program so far, so the graph above does not change size on every step. */
function makeRoom(el, model) {
  const cur = el.querySelector(".is-current");
  const panel = el.closest(".ledger-panel");
  if (!cur || !panel?.parentElement) return;
  const cs = getComputedStyle(panel);
  const chrome = panel.offsetHeight - panel.clientHeight + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom);
  // A tensor program's entries explain one edge at a time (ledger-entry.js) and
  // its legend folds to one line, so its panel grows too; framing.css caps it
  // where the graph would drop under its usable height.
  // A phone's graph keeps its height whatever the panel takes: the panel fits
  // the current entry, so no earlier line sits between the graph and it.
  const phone = matchMedia("(max-width: 600px)").matches && !document.body.classList.contains("lecture");
  const need = Math.ceil(cur.offsetHeight + chrome + (phone ? 0 : 14));
  const room = !phone && el._room?.model === model ? Math.max(el._room.need, need) : need;
  el._room = { model, need: room };
  panel.parentElement.style.setProperty("--entry-room", `${room}px`);
}

/** A phone shows the graph, then the current entry: the page (not a small
 * box inside it) scrolls so the entry is whole under the sticky controls. */
function showOnPhone(el) {
  if (!matchMedia("(max-width: 600px)").matches || document.body.classList.contains("lecture")) return;
  const cur = el.querySelector(".is-current");
  if (!cur) return;
  const r = cur.getBoundingClientRect();
  const bar = document.querySelector(".graph-panel > .toolbar")?.getBoundingClientRect().bottom ?? 0;
  const top = Math.max(bar, 0) + 4;
  // Scroll down just enough for the entry's end; or back up (as far as the
  // entry stays whole) when the sticky controls cover the graph's top.
  const end = r.bottom - innerHeight + 8;
  const graphTop = (document.querySelector("svg#graph")?.getBoundingClientRect().top ?? top) - top;
  let dy = end > -4 ? Math.max(end, 0) : graphTop < 0 ? Math.max(end, graphTop) : 0;
  // The step's sentence above the graph is shown whole or hidden whole under
  // the controls, never cut in half: whole if the entry still fits, else hidden.
  const row = document.querySelector(".graph-panel > .phase-row")?.getBoundingClientRect();
  if (row && row.top - dy < bar && row.bottom - dy > bar) {
    const up = dy - (bar - (row.top - dy));
    dy = r.bottom - up <= innerHeight - 4 ? up : dy + (row.bottom - dy - bar);
  }
  if (r.top - dy < top) dy = r.top - top; // taller than the screen: its start first
  if (Math.abs(dy) > 1) window.scrollBy(0, dy);
}

function draw(li, model, k, full, opts, onJump) {
  li.selectAll("*").remove();
  li.attr("class", "entry").on("click", null).on("keydown", null).attr("tabindex", null).attr("role", null).attr("aria-label", null);
  renderEntry(li, model, k, { full, ...opts });
  if (full) return;
  // Focusable and labelled, but still a list item (a role of button would take
  // it out of its list for screen readers).
  li.attr("tabindex", 0).attr("aria-label", `Step ${k}: go back to it with Enter`)
    .on("click", () => onJump?.(k))
    .on("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); onJump?.(k); } });
}

/** Keep the current entry in view inside the ledger (never scroll the page). */
function scrollToCurrent(el) {
  const cur = el.querySelector(".is-current");
  const box = el.closest(".ledger-panel") ?? el;
  if (!cur) return;
  const top = cur.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  const room = box.clientHeight - cur.offsetHeight;
  // A phone: the entry at the panel's top, so the room left under it is not
  // taken from the graph above (the page scrolls to the entry's end).
  if (matchMedia("(max-width: 600px)").matches && !document.body.classList.contains("lecture")) {
    box.scrollTop = top;
    return;
  }
  let target = room > 40 ? top - room + 24 : top - 8;
  // Never cut a line in half at the top: show the line the view would cut, whole.
  const boxTop = box.getBoundingClientRect().top - box.scrollTop;
  const straddles = (e) => {
    const r = e.getBoundingClientRect();
    return r.height && r.top - boxTop < target && r.bottom - boxTop > target ? r.top - boxTop : null;
  };
  // The entry at the cut, then its line (measuring every line of 200 entries costs a step).
  // Showing that line whole must not push the current entry's end out: else the line goes.
  const curBottom = cur.getBoundingClientRect().bottom - boxTop;
  const entry = [...el.querySelectorAll("li")].reverse().find((li) => li !== cur && !li.contains(cur) && straddles(li) !== null);
  for (const line of entry?.querySelectorAll("p, summary") ?? []) {
    const y0 = straddles(line);
    if (y0 === null) continue;
    target = curBottom - (y0 - 4) <= box.clientHeight ? y0 - 4 : line.getBoundingClientRect().bottom - boxTop + 2;
    break;
  }
  box.scrollTop = target;
}
