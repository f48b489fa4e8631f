// Wires the page: controls change the state, views render the state.
import { state, set, subscribe, readUrl, writeUrl, clampStep } from "./state.js";
import { fetchExamples, postGraph, requestBody } from "./api.js";
import { buildModel } from "./model.js";
import { LARGE } from "./views/graph.js";
import { createGraphView } from "./views/graph-view.js";
import { renderLedger } from "./views/ledger.js";
import { renderPaths } from "./views/paths.js";
import { renderControls } from "./views/controls.js";
import { renderTable } from "./views/table.js";
import { renderLegend, defineOutput } from "./views/legend.js";
import { renderError, offsetOf, tokenEnd } from "./views/error.js";
import { markActive } from "./views/editor.js";
import { activeAt } from "./model.js";
import { wireExports } from "./actions.js";
import { wireKeys, createPlayer } from "./player.js";
import { wireTrust } from "./trust.js";
import { labelGraphNodes, renderAnnouncement, renderNodeTable } from "./views/announce.js";
import { createPractice } from "./views/practice.js";

const $ = (sel) => document.querySelector(sel);
const form = $("#program-form");
const textarea = form.elements.program;
const valuesInput = $("#values");
const backdrop = $(".editor-backdrop");
const examplesSelect = $("#examples");
const graph = createGraphView($("#graph"), { onToggleExpand: toggleExpand, onSelectLeaf: (leaf) => selectLeaf(leaf) });

function selectLeaf(leaf, fromTable = false) {
  set({ leaf: leaf === state.leaf ? null : leaf });
  if (!state.leaf) return;
  // The paths sit above the ledger, under the graph: bring both into view.
  const panel = $(".ledger-panel");
  panel.scrollTop = 0;
  if (fromTable) $("#graph-panel").scrollIntoView({ block: "start" });
  if (window.innerWidth < 900) $("#paths").scrollIntoView({ block: "start" });
}
let requestId = 0;
let urlTimer = null;
let ledgerTimer = null;

function drawLedger() {
  renderLedger($("#ledger"), state.model, state.step ?? 0, { onFocusEdge: (focusEdge) => set({ focusEdge }), onJump: goTo, eq: state.eq });
  renderAnnouncement($("#announce"), state.model, state.step ?? 0);
  renderNodeTable($("#node-table"), state.model, state.step ?? 0);
  labelGraphNodes($("#graph"), state.model, state.step ?? 0);
}

// Lecture mode wants larger text: frame the graph again (zoom.js reads the mode).
window.addEventListener("lecturechange", () => requestAnimationFrame(() => graph.refit()));

function toggleExpand(id) {
  const expanded = new Set(state.expanded);
  if (expanded.has(id)) expanded.delete(id);
  else expanded.add(id);
  set({ expanded });
}

function parseValues(text) {
  if (!text.trim()) return {};
  const v = JSON.parse(text);
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("values must be a JSON object");
  return v;
}

/** Send the program; on success show the trace at `step` (default: after the forward pass). */
async function submit({ step = null, push = true } = {}) {
  const program = textarea.value;
  const valuesText = valuesInput.value.trim();
  let values;
  try {
    values = parseValues(valuesText);
  } catch (e) {
    set({ error: { type: "value_error", message: `Input values: ${e.message}` }, program, values: valuesText });
    return;
  }
  const id = ++requestId;
  player.stop();
  set({ busy: true, program, values: valuesText });
  try {
    const trace = await postGraph(requestBody(program, values, false));
    if (id !== requestId) return;
    const model = buildModel(trace);
    const start = step === null ? model.F : Math.max(0, Math.min(model.total, step));
    set({ trace, model, step: start, error: null, check: null, busy: false, expanded: new Set(), focusEdge: null, leaf: null });
    practice.setModel(model, start, program);
    writeUrl({ push });
    if (model.nodes.length <= LARGE) runCheck(id, program, values);
  } catch (e) {
    if (id !== requestId) return;
    set({ trace: null, model: null, step: null, check: null, busy: false, error: e.detail || { message: String(e) } });
    graph.clear();
    writeUrl({ push });
    markTextarea(program, state.error);
  }
}

/** The numeric gradient check, asked for separately so the graph never waits for it. */
async function runCheck(id, program, values) {
  set({ checking: true });
  try {
    const traced = await postGraph(requestBody(program, values, true));
    if (id === requestId) set({ check: traced.check ?? null, checking: false });
  } catch {
    if (id === requestId) set({ checking: false });
  }
}

function markTextarea(program, error) {
  if (!error || !error.line) return;
  const a = offsetOf(program, error.line, error.col);
  textarea.focus();
  textarea.setSelectionRange(a, tokenEnd(program, a));
}

export function goTo(k) {
  if (!state.model) return;
  // Practice mode holds a forward move back at a step not yet answered.
  const step = practice.limit(clampStep(k));
  if (step !== state.step) set({ step });
}

const player = createPlayer({ goTo, getState: () => state, set });
const practice = createPractice({
  panel: $("#practice"),
  toggle: $("button[data-action=practice]"),
  getStep: () => state.step,
  goTo,
  onProgram: (program) => {
    textarea.value = program;
    valuesInput.value = "";
    pickExample();
    submit();
  },
  onFocusEdge: (focusEdge) => set({ focusEdge }),
  onBlock: () => player.stop(),
  onQuestion: () => { $("#next-hint").hidden = true; }, // the question says what to do
});

// Views: each renders from the state when something it shows has changed.
subscribe((s, patch) => {
  if ("model" in patch || "step" in patch || "expanded" in patch || "focusEdge" in patch || "eq" in patch) {
    if (s.model) graph.update(s.model, s.step, { expanded: s.expanded, focusEdge: s.focusEdge, eq: s.eq });
  }
  if ("model" in patch || "step" in patch || "eq" in patch || ("playing" in patch && !s.playing)) {
    // Playing at full speed, the ledger changes faster than anyone reads: draw it
    // a few times a second and keep every frame for the graph.
    clearTimeout(ledgerTimer);
    if (s.playing && s.speed < 100 && !("model" in patch)) ledgerTimer = setTimeout(drawLedger, 150);
    else drawLedger();
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => writeUrl(), s.playing ? 400 : 60);
  }
  if ("model" in patch) {
    $("#legend").classList.toggle("has-tensors", Boolean(s.model?.nodes.some((n) => n.shape?.length)));
    defineOutput($("#legend"), s.model);
  }
  if ("eq" in patch) $("#legend").classList.toggle("show-eq", Boolean(s.eq));
  if ("model" in patch || "leaf" in patch) {
    const lit = renderPaths($("#paths"), s.model, s.leaf, {
      onClose: () => set({ leaf: null }),
      onFocusPath: (p) => graph.highlight(state.litPaths, p),
    });
    s.litPaths = lit;
    graph.highlight(lit);
    document.querySelectorAll("table#gradients tr[data-leaf]").forEach((tr) => tr.classList.toggle("is-selected", tr.dataset.leaf === s.leaf));
  }
  if ("trace" in patch || "check" in patch || "checking" in patch) renderTable($("#gradients"), s.trace, s.check, s.checking);
  if ("error" in patch || "program" in patch) renderError($("#error"), backdrop, s.program, s.error);
  if (("step" in patch || "model" in patch || "playing" in patch) && s.model && !s.error && !(s.playing && s.speed < 100) && textarea.value === s.program) {
    const a = activeAt(s.model, s.step ?? 0);
    markActive(backdrop, s.program, a.id ? s.model.byId.get(a.id) : null);
  }
  if ("step" in patch) practice.onStep(s.step);
  renderControls(document, s);
  if (practice.isAsking()) $("#next-hint").hidden = true;
  document.body.classList.toggle("is-busy", Boolean(s.busy));
});

wireTrust();

$("table#gradients tbody").addEventListener("click", (ev) => {
  const tr = ev.target.closest("tr[data-leaf]");
  if (tr) selectLeaf(tr.dataset.leaf, true);
});

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  submit();
});
textarea.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    submit();
  }
});
textarea.addEventListener("input", () => {
  backdrop.textContent = "";
  backdrop.dataset.active = "";
  pickExample();
});

/** The picker names the example the text is, or "custom" once it is edited. */
function pickExample() {
  const text = textarea.value.trim();
  const match = [...examplesSelect.options].find((o) => o.exampleData && o.exampleData.program.trim() === text);
  let custom = examplesSelect.querySelector("option[value=custom]");
  if (!match && !custom) {
    custom = document.createElement("option");
    custom.value = "custom";
    custom.textContent = "custom (your program)";
    examplesSelect.append(custom);
  }
  examplesSelect.value = match ? match.value : text ? "custom" : "";
  if (!match) $("#example-description").textContent = "";
  else $("#example-description").textContent = match.exampleData.description;
}
textarea.addEventListener("scroll", () => { backdrop.scrollTop = textarea.scrollTop; });

examplesSelect.addEventListener("change", () => {
  const ex = examplesSelect.selectedOptions[0]?.exampleData;
  $("#example-description").textContent = ex ? ex.description : "";
  if (!ex) return;
  textarea.value = ex.program;
  valuesInput.value = "";
  submit();
});

async function loadExamples() {
  try {
    const examples = await fetchExamples();
    for (const ex of examples) {
      const opt = document.createElement("option");
      opt.value = ex.id;
      opt.textContent = ex.title;
      opt.exampleData = ex;
      examplesSelect.append(opt);
    }
    pickExample();
  } catch {
    $("#example-description").textContent = "The examples could not be loaded.";
  }
}

window.addEventListener("popstate", () => {
  const u = readUrl();
  if (u.program !== null && u.program !== state.program) {
    textarea.value = u.program;
    valuesInput.value = u.values;
    submit({ step: u.step, push: false });
  } else if (u.step !== null) goTo(u.step);
});

$("#speed").addEventListener("change", (ev) => set({ speed: Number(ev.target.value) }));
wireKeys({ goTo, player, graph, getState: () => state });
wireExports({ graph, getState: () => state, valuesOf: () => parseValues(valuesInput.value) });
renderLegend($("#legend"));
renderLedger($("#ledger"), null, 0);
renderControls(document, state);
loadExamples();

const initial = readUrl();
if (initial.program !== null) {
  textarea.value = initial.program;
  valuesInput.value = initial.values;
  if (initial.values) valuesInput.closest("details").open = true;
}
submit({ step: initial.step, push: false });
