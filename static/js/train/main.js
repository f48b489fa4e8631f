// The /train page: controls change `run`, views render it. The server does
// every computation; this file only asks, collects the stream and draws.
import { ApiError, cancelRun, deepGradients, fetchTrain, streamTrain } from "./api.js";
import { num, render } from "./chart.js";
import { renderConfusion, renderDigits } from "./digits.js";
import { renderBoundary, renderFit } from "./classify.js";
import { DEEP_WHY, HEALTHY } from "./deep.js";
import { renderUpdate } from "./update.js";
import { renderError } from "../views/error.js";

const $ = (sel) => document.querySelector(sel);
const { examples } = JSON.parse($("#train-data").textContent);
const DATA_NAMES = new Set(["x", "y", "X", "Y", "x1", "x2", "target", "lam"]);
const run = { history: [], kind: "program", cancel: null, program: "", done: null, step: 0 };
let frame = 0;
const XLABEL = { step: "step (updates taken)", epoch: "epoch (passes over the training set)" };
let current = 0;  // lines of a replaced run are dropped

function leaves(program) {
  // `name = 2.0` or `name = [..]` at the start of a line: the leaves.
  return [...program.matchAll(/^\s*([A-Za-z_]\w*)\s*=\s*[-+]?[\d.[]/gm)].map((m) => m[1]);
}

/** The program box grows to show every line, the loss last, without scrolling. */
function fitProgram() {
  const box = $("#train-program");
  if (box.offsetParent === null) return;
  box.style.height = "auto";
  box.style.height = `${box.scrollHeight + 2}px`;
}

function chooseSource() {
  const id = $("#source").value;
  const digits = id === "digits";
  run.kind = digits || id === "classify" ? id : "program";
  // data-for="program classify": shown for each kind it names.
  document.querySelectorAll("[data-for]:not([data-for=momentum])").forEach((el) => {
    el.hidden = !el.dataset.for.split(" ").includes(run.kind);
  });
  $("#fit-panel").hidden = true;  // until a run brings data to fit
  if (digits) {
    $("#optimizer").value = "adam";
    $("#lr").value = "0.01";
  } else if (run.kind === "classify") {
    $("#optimizer").value = "adam";
    $("#lr").value = "0.03";
    $("#epochs").value = "300";
  } else {
    const ex = examples.find((e) => e.id === id);
    $("#train-program").value = ex.program;
    fitProgram();
    const all = leaves(ex.program);
    const trained = all.filter((n) => !DATA_NAMES.has(n));
    $("#params").value = (trained.length ? trained : all).join(", ");
    if ($("#optimizer").value === "adam" && $("#lr").value === "0.01") $("#optimizer").value = "sgd";
  }
  chooseOptimizer();
}

function chooseOptimizer() {
  $("[data-for=momentum]").hidden = $("#optimizer").value !== "momentum";
}

function number(sel) {
  const v = Number($(sel).value);
  return Number.isFinite(v) ? v : $(sel).value;  // the server's 422 names a bad field
}

function requestBody() {
  const optimizer = { name: $("#optimizer").value, lr: number("#lr") };
  if (optimizer.name === "momentum") optimizer.momentum = number("#momentum");
  if (run.kind === "digits") {
    const body = { model: "digits", epochs: number("#epochs"), seed: number("#seed"), optimizer,
      weight_decay: number("#weight-decay") };
    // A small training set (e.g. 100 images) makes the train/test gap visible.
    if ($("#train-size").value.trim()) body.train_size = number("#train-size");
    return body;
  }
  if (run.kind === "classify") {
    const hidden = $("#hidden").value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
    return { dataset: $("#dataset").value, noise: number("#noise"), hidden, activation: $("#activation").value,
      optimizer, epochs: number("#epochs"), l2: number("#l2"), seed: number("#seed") };
  }
  return {
    program: $("#train-program").value,
    params: $("#params").value.split(",").map((s) => s.trim()).filter(Boolean),
    optimizer, max_steps: number("#max-steps"), tol: number("#tol"),
    regularization: { l1: number("#l1"), l2: number("#l2") },
  };
}

async function train(event) {
  event.preventDefault();
  if (run.cancel && !run.done) cancelRun(run.cancel);  // a new run replaces the old
  const body = requestBody();
  Object.assign(run, { history: [], cancel: null, done: null, step: 0, program: body.program });
  run.total = run.kind === "program" ? body.max_steps : body.epochs;
  run.fitData = null;
  run.data = null;
  run.snapshot = null;
  $("#error").hidden = true;
  setStale(false);
  $("#status").textContent = "Training…";
  $("#train-button").disabled = true;
  document.body.classList.add("is-busy");
  try {
    const token = ++current;
    // Digits takes well under a second: one answer; programs stream their steps.
    const ask = run.kind === "digits" ? fetchTrain : streamTrain;
    const path = run.kind === "classify" ? "/api/v1/classify" : "/api/v1/train";
    await ask(body, (line) => token === current && onLine(line), path);
  } catch (err) {
    showError(err instanceof ApiError ? err.body : { message: String(err) });
  } finally {
    $("#train-button").disabled = false;
    $("#cancel-button").disabled = true;
    document.body.classList.remove("is-busy");
    draw();
  }
}

function onLine(line) {
  if (line.type === "start") {
    run.cancel = line.cancel;
    $("#cancel-button").disabled = false;
  } else if (line.type === "progress") {
    for (const e of line.history) {
      if (e.fit_data) run.fitData = e.fit_data;
      if (e.data) run.data = e.data;
    }
    run.history.push(...line.history);
  } else if (line.type === "done") {
    run.done = line;
    if (line.program) run.program = line.program;
    run.step = Math.max(0, run.history.length - 1);
    run.snapshot = null;  // the playground shows its last boundary first
  } else if (line.type === "error") {
    showError(line.error);
  }
  if (!frame) frame = requestAnimationFrame(draw);  // one redraw per frame, however fast
}

// The main page's positioned error (message, source line, caret); the plots of
// the failed run are greyed, not left to look like its result.
function showError(e) {
  const source = run.kind === "program" ? $("#train-program").value : "";
  renderError($("#error"), document.createElement("pre"), source, e);
  $("#status").textContent = "";
  setStale(true);
}

function setStale(stale) {
  document.querySelectorAll(".chart-panel:not(.deep-panel)").forEach((el) => el.classList.toggle("stale", stale));
}

function draw() {
  frame = 0;
  const h = run.history;
  const x = run.kind === "program" ? "step" : "epoch";
  const last = h[h.length - 1];
  $("#progress").value = run.done ? 1 : last ? Math.min(1, last[x] / Math.max(1, run.total)) : 0;
  render($("#loss-chart"), [{ name: "loss", points: h.map((e) => [e[x], num(e.loss)]) }],
    { logY: h.every((e) => num(e.loss) > 0), xLabel: XLABEL[x],
      yLabel: h.every((e) => num(e.loss) > 0) ? "loss L (log scale)" : "loss L",
      marker: run.kind === "program" && run.done ? run.step : null, markerLabel: scrubbed() });
  const names = last?.grad_norms ? Object.keys(last.grad_norms) : [];
  render($("#grad-chart"), names.map((n) => ({ name: n, points: h.map((e) => [e[x], num(e.grad_norms[n])]) })),
    { logY: true, xLabel: XLABEL[x], yLabel: x === "epoch" ? "RMS ‖∂L/∂W‖ (log)" : "‖∂L/∂p‖ (log scale)" });
  if (run.kind === "program") drawParams(h);
  else if (run.kind === "classify") drawClassify(h);
  else if (run.done) drawDigits(run.done);
  if (run.done) {
    const reason = { converged: "converged", max_steps: "reached max steps", diverged: "diverged",
      cancelled: "cancelled", time_limit: "hit the time limit" }[run.done.stopped];
    // Epochs are numbered from 1 (digits) or from 0, the untrained start (classify): count the last one's number.
    const epochs = last?.epoch ?? 0;
    const steps = run.kind === "program" ? `${Math.max(0, h.length - 1)} updates` : `${epochs} epoch${epochs === 1 ? "" : "s"}`;
    $("#status").textContent = `Stopped: ${reason} after ${steps}.`;
    $("#status").dataset.stopped = run.done.stopped;
  } else if (last) {
    $("#status").textContent = `Training… ${x} ${last[x]}`;
  }
}

/** What the charts' dashed line marks, longest wording first. */
const scrubbed = () => [`iteration ${run.step} (the scrubber)`, `iteration ${run.step}`];

function drawParams(h) {
  const series = [];
  const first = h[0]?.params ?? {};
  for (const [name, v0] of Object.entries(first)) {
    const flat = [v0].flat(Infinity);
    flat.slice(0, 6).forEach((_, k) => {
      const label = Array.isArray(v0) ? `${name}[${k}]` : name;
      series.push({ name: label, points: h.map((e) => [e.step, num([e.params[name]].flat(Infinity)[k])]) });
    });
  }
  render($("#param-chart"), series, { marker: run.done ? run.step : null, markerLabel: scrubbed(), xLabel: XLABEL.step,
    yLabel: "parameter value" });
  const slider = $("#iteration");
  slider.max = String(Math.max(0, h.length - 1));
  slider.disabled = !run.done;
  slider.value = String(run.step);
  $("#iteration-label").textContent = String(run.step);
  renderUpdate($("#update"), h, run.step, (k) => stepLink(h[k]));
  drawFit(h);
  const entry = h[run.step];
  if (!entry) return;
  const short = (v) => (Array.isArray(v) ? `[${v.map(short).join(", ")}]` : typeof v === "number" ? String(+v.toPrecision(6)) : v);
  $("#iteration-values").textContent = `loss ${short(entry.loss)} · ` +
    Object.entries(entry.params).map(([n, v]) => `${n} = ${short(v)}`).join(" · ");
  $("#open-step").href = stepLink(entry);
}

/** The step-through view of the program at one iteration's parameter values. */
function stepLink(entry) {
  return `/?${new URLSearchParams({ program: run.program, values: JSON.stringify(entry.params) })}`;
}

/** The data and the prediction at the shown step: the last curve at or before it. */
function drawFit(h) {
  $("#fit-panel").hidden = !run.fitData;
  if (!run.fitData) return;
  const upTo = run.done ? run.step : h.length - 1;
  let entry = null;
  for (let k = Math.min(upTo, h.length - 1); k >= 0 && !entry; k -= 1) if (h[k].fit) entry = h[k];
  renderFit($("#fit"), run.fitData, entry);
  const k = entry?.step ?? 0;
  const final = Boolean(run.done) && run.step === h.length - 1;
  // Curves are kept every few iterations: say when the one shown is an earlier one.
  const saved = run.done && k !== run.step ? ` (the last curve kept at or before iteration ${run.step})` : "";
  $("#fit-at").textContent = !run.done ? `While training: the prediction at iteration ${k}.`
    : final ? `The final fit: the prediction at iteration ${k}, the last one. Move the iteration scrubber (below) to see earlier fits.`
      : `The prediction at iteration ${k}${saved}, not the final fit: move the iteration scrubber (below) to the end, ${h.length - 1}, for that.`;
  $("#fit-at").dataset.step = String(k);
  $("#fit-at").dataset.final = String(Boolean(final));
  $("#fit-legend-k").textContent = String(k);
}

/** The boundary at the chosen snapshot (live: the newest), accuracies, the link. */
function drawClassify(h) {
  const snaps = h.filter((e) => e.boundary);
  const slider = $("#snapshot");
  slider.max = String(Math.max(0, snaps.length - 1));
  slider.disabled = !run.done;
  if (!run.done || run.snapshot === null) run.snapshot = snaps.length - 1;
  slider.value = String(Math.max(0, run.snapshot));
  const entry = snaps[run.snapshot];
  renderBoundary($("#boundary"), run.data, entry);
  $("#snapshot-label").textContent = entry ? String(entry.epoch) : "0";
  if (entry) {
    $("#classify-accuracy").textContent = `epoch ${entry.epoch}: train ${(entry.train_accuracy * 100).toFixed(1)}% · ` +
      `test ${(entry.test_accuracy * 100).toFixed(1)}% · loss ${(+num(entry.loss).toPrecision(4))}`;
    $("#open-sample").href = `/?${new URLSearchParams({ program: entry.sample })}`;
  }
  render($("#accuracy-chart"), [
    { name: "train", points: h.map((e) => [e.epoch, e.train_accuracy * 100]) },
    { name: "test", points: h.map((e) => [e.epoch, e.test_accuracy * 100]) },
  ], { xLabel: "epoch (full-batch updates)", yLabel: "accuracy (%)", yDomain: [0, 100],
    marker: run.done && entry ? entry.epoch : null, markerLabel: entry ? `epoch ${entry.epoch}` : "" });
}

function drawDigits(done) {
  $("#accuracy").textContent = `Test accuracy ${(done.test_accuracy * 100).toFixed(1)}% ` +
    `(train ${(done.train_accuracy * 100).toFixed(1)}%) in ${done.seconds.toFixed(2)} s`;
  renderDigits($("#digits-grid"), done);
  // The program is tens of kilobytes: it travels in the fragment, which is never sent to the server.
  // Step 1 is the digit itself (the leaf x): the view opens on its image.
  $("#open-digit").href = `/#${new URLSearchParams({ program: done.sample, step: "1" })}`;
  renderConfusion($("#confusion"), done.confusion);
}

// One fixed log axis for every setting, so an explosion looks as large as it is:
// the nine settings are asked for once and the axis spans them all.
const deep = { all: null, domain: null };

async function drawDeep() {
  try {
    if (!deep.all) {
      const settings = ["sigmoid", "tanh", "relu"].flatMap((a) => ["naive", "xavier", "he"].map((i) => [a, i]));
      deep.all = await Promise.all(settings.map(([a, i]) => deepGradients(a, i)));
      const norms = deep.all.flatMap((d) => d.layers.map((l) => num(l.grad_norm))).filter((v) => v > 0 && Number.isFinite(v));
      deep.domain = [10 ** Math.floor(Math.log10(Math.min(...norms))), 10 ** Math.ceil(Math.log10(Math.max(...norms)))];
    }
    const activation = $("#deep-activation").value;
    const init = $("#deep-init").value;
    const data = deep.all.find((d) => d.activation === activation && d.init === init);
    render($("#deep-chart"), [{ name: "‖∂L/∂W‖", points: data.layers.map((l) => [l.layer, num(l.grad_norm)]) }],
      { logY: true, xLabel: `weight layer k (1 = input side, ${data.layers.length} = output)`, yLabel: "‖∂L/∂W_layer‖ (log scale)", yDomain: deep.domain,
        band: HEALTHY, bandLabel: ["healthy:", "10⁻² to 10¹"] });
    $("#deep-why").textContent = DEEP_WHY[`${activation} ${init}`];
    $("#deep-chart").dataset.setting = `${activation} ${init}`;
  } catch (err) {
    renderError($("#error"), document.createElement("pre"), "", { message: String(err.message ?? err) });
  }
}

function init() {
  for (const e of examples) $("#source").append(new Option(e.title, e.id));
  $("#source").append(new Option("Digits classifier, 64-32-10 (1,797 images)", "digits"));
  $("#source").append(new Option("Classification playground: 2-D points", "classify"));
  $("#snapshot").addEventListener("input", (e) => { run.snapshot = Number(e.target.value); draw(); });
  $("#source").addEventListener("change", chooseSource);
  $("#optimizer").addEventListener("change", chooseOptimizer);
  $("#train-form").addEventListener("submit", train);
  $("#cancel-button").addEventListener("click", () => run.cancel && cancelRun(run.cancel));
  $("#iteration").addEventListener("input", (e) => { run.step = Number(e.target.value); draw(); });
  $("#train-program").addEventListener("input", fitProgram);
  $("#deep-activation").addEventListener("change", drawDeep);
  $("#deep-init").addEventListener("change", drawDeep);
  window.addEventListener("resize", () => { fitProgram(); if (!frame) frame = requestAnimationFrame(draw); });
  chooseSource();
  draw();
  drawDeep();
}

if (window.d3) init();
else window.addEventListener("DOMContentLoaded", init);
