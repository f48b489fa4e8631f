// The chain-rule ledger: every step taken so far, the current one in full,
// the earlier ones one line per edge (greyed, click to jump back there), so
// at the last step each leaf's gradient can be traced back without stepping.
// Every piece of user text goes in with .text().
import { d3 } from "../lib.js";
import { activeAt } from "../model.js";
import { renderEntry } from "./ledger-entry.js";

const HISTORY_MAX = 200; // past entries kept in the DOM: a 5,000-step pass stays responsive

export function renderLedger(el, model, step, { onFocusEdge, onJump, eq = false } = {}) {
  const root = d3.select(el);
  root.selectAll("*").remove();
  if (!model) {
    root.append("p").attr("class", "muted").text("Build a graph, then step through it: forward to compute values, backward to push gradients.");
    return;
  }
  const a = activeAt(model, step);
  if (a.phase === "start") {
    root.append("p").attr("class", "muted start-hint").text(`Nothing is evaluated yet. Press → to run the forward pass (${model.F} steps), then the backward pass (${model.B} steps).`);
    return;
  }
  const first = Math.max(1, step - HISTORY_MAX);
  if (first > 1) root.append("p").attr("class", "muted").text(`${first - 1} earlier steps are not listed: use the slider to go back.`);
  const list = root.append("ol").attr("class", "history");
  // In the backward pass the forward steps fold away: their values are on the graph.
  const fold = a.phase === "backward" && first <= model.F;
  let fwd = list;
  if (fold) {
    const details = list.append("li").attr("class", "fold").append("details");
    details.append("summary").text(`Forward pass: steps ${first}–${model.F}, the values on the graph`);
    fwd = details.append("ol").attr("class", "history");
  }
  for (let k = first; k <= step; k++) {
    const parent = k <= model.F ? fwd : list;
    const li = parent.append("li").attr("class", "entry");
    const full = k === step;
    renderEntry(li, model, k, { full, eq, onFocusEdge });
    if (!full) {
      li.attr("tabindex", 0).attr("role", "button").attr("aria-label", `Go back to step ${k}`)
        .on("click", () => onJump?.(k))
        .on("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); onJump?.(k); } });
    }
  }
  scrollToCurrent(el);
}

/** Keep the current entry in view inside the ledger (never scroll the page). */
function scrollToCurrent(el) {
  const cur = el.querySelector(".is-current");
  const box = el.closest(".ledger-panel") ?? el;
  if (!cur) return;
  const top = cur.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  const room = box.clientHeight - cur.offsetHeight;
  box.scrollTop = room > 40 ? top - room + 24 : top - 8;
}
