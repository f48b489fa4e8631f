// The standalone step-through (one HTML file, no server): the same view
// modules as main.js, wired to a trace embedded in the page instead of the
// API. No editor, no URL state, no request. Built into static/bundle/standalone.js
// by scripts/bundle.sh.
import { state, set, subscribe, clampStep } from "./state.js";
import { buildModel, activeAt } from "./model.js";
import { createGraphView } from "./views/graph-view.js";
import { renderLedger } from "./views/ledger.js";
import { renderPaths } from "./views/paths.js";
import { renderControls } from "./views/controls.js";
import { renderTable } from "./views/table.js";
import { renderLegend, defineOutput } from "./views/legend.js";
import { wireKeys, createPlayer } from "./player.js";
import { wireTrust } from "./trust.js";
import { labelGraphNodes, renderAnnouncement, renderNodeTable } from "./views/announce.js";
import { createPractice } from "./views/practice.js";

const $ = (sel) => document.querySelector(sel);

/** The embedded data: {trace, step, program, values, version}. JSON, never markup. */
export function readEmbedded(doc = document) {
  return JSON.parse(doc.getElementById("chainrule-data").textContent);
}

const data = readEmbedded();
const graph = createGraphView($("#graph"), { onToggleExpand: toggleExpand, onSelectLeaf: (leaf) => selectLeaf(leaf) });
let ledgerTimer = null;

function toggleExpand(id) {
  const expanded = new Set(state.expanded);
  if (expanded.has(id)) expanded.delete(id);
  else expanded.add(id);
  set({ expanded });
}

function selectLeaf(leaf) {
  set({ leaf: leaf === state.leaf ? null : leaf });
  if (state.leaf) $(".ledger-panel").scrollTop = 0;
}

function goTo(k) {
  // Practice mode holds a forward move back at a step not yet answered.
  const step = practice.limit(clampStep(k));
  if (step !== state.step) set({ step });
}

function drawLedger() {
  renderLedger($("#ledger"), state.model, state.step ?? 0, { onFocusEdge: (focusEdge) => set({ focusEdge }), onJump: goTo, eq: state.eq });
  renderAnnouncement($("#announce"), state.model, state.step ?? 0);
  renderNodeTable($("#node-table"), state.model, state.step ?? 0);
  labelGraphNodes($("#graph"), state.model, state.step ?? 0);
}

const player = createPlayer({ goTo, getState: () => state, set });
// Practice needs no server: the file's own trace holds every answer. No
// exercise picker here (onProgram is not given): the file shows one program.
const practice = createPractice({
  panel: $("#practice"),
  toggle: $("button[data-action=practice]"),
  getStep: () => state.step,
  goTo,
  onFocusEdge: (focusEdge) => set({ focusEdge }),
  onBlock: () => player.stop(),
});

subscribe((s, patch) => {
  if ("model" in patch || "step" in patch || "expanded" in patch || "focusEdge" in patch || "eq" in patch) {
    if (s.model) graph.update(s.model, s.step, { expanded: s.expanded, focusEdge: s.focusEdge, eq: s.eq });
  }
  if ("model" in patch || "step" in patch || "eq" in patch || ("playing" in patch && !s.playing)) {
    clearTimeout(ledgerTimer);
    if (s.playing && s.speed < 100 && !("model" in patch)) ledgerTimer = setTimeout(drawLedger, 150);
    else drawLedger();
  }
  if ("model" in patch) {
    $("#legend").classList.toggle("has-tensors", Boolean(s.model?.nodes.some((n) => n.shape?.length)));
    defineOutput($("#legend"), s.model);
  }
  if ("model" in patch || "leaf" in patch) {
    const lit = renderPaths($("#paths"), s.model, s.leaf, {
      onClose: () => set({ leaf: null }),
      onFocusPath: (p) => graph.highlight(state.litPaths, p),
    });
    s.litPaths = lit;
    graph.highlight(lit);
    document.querySelectorAll("table#gradients tr[data-leaf]").forEach((tr) => tr.classList.toggle("is-selected", tr.dataset.leaf === s.leaf));
  }
  if ("trace" in patch || "check" in patch) renderTable($("#gradients"), s.trace, s.check, false);
  if ("step" in patch || "model" in patch) {
    const a = activeAt(s.model, s.step ?? 0);
    document.body.dataset.active = a.id ?? "";
  }
  if ("step" in patch) practice.onStep(s.step);
  renderControls(document, s);
});

wireTrust();

$("table#gradients tbody").addEventListener("click", (ev) => {
  const tr = ev.target.closest("tr[data-leaf]");
  if (tr) selectLeaf(tr.dataset.leaf);
});
$("#speed").addEventListener("change", (ev) => set({ speed: Number(ev.target.value) }));
wireKeys({ goTo, player, graph, getState: () => state });
renderLegend($("#legend"));

// Who made this file and from what: program text and values as text, never markup.
$("#made-by").textContent = `chainrule ${data.version}`;
$("#source-program").textContent = data.program ?? "(the program text was not given with this trace)";
$("#source-name").textContent = data.source ? `from ${data.source}` : "";
$("#source-values").textContent = data.values && Object.keys(data.values).length ? `values: ${JSON.stringify(data.values)}` : "";
$("#source-values").hidden = !$("#source-values").textContent;

const model = buildModel(data.trace);
const step = Number.isInteger(data.step) ? Math.max(0, Math.min(model.total, data.step)) : model.F;
set({ program: data.program ?? "", trace: data.trace, model, step, check: data.trace.check ?? null, error: null });
practice.setModel(model, step, data.program ?? "");
document.body.dataset.ready = "true";
