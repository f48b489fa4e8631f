// The /playground page. The server trains (POST /api/v1/playground/step) and
// keeps nothing: this page holds the points, the settings and the weights, and
// sends them with every chunk of epochs, so an edit made while training enters
// the next chunk. Playing asks for CHUNK epochs at a time, one request after
// the other; Step asks for one. The URL holds points and settings.
import { asRows, decodePoints, encodePoints, MAX_POINTS, parseCsv, PointsError, toCsv } from "./points.js";
import { createPlane } from "./plane.js";
import { fmt, renderNetwork } from "./network.js";
import { createPointView } from "./point.js";
import { num, render } from "../train/chart.js";

const $ = (sel) => document.querySelector(sel);
const CHUNK = 5;
const DATASETS = { classify: ["circle", "xor", "gaussian", "spiral"], regress: ["sine", "parabola"] };
const FEATURES = { classify: ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"], regress: ["x1", "x1²", "sin x1"] };

const state = {
  task: "classify", points: [], source: null, weights: null, epoch: 0, history: [],
  answer: null, playing: false, chosen: null, watch: [0, 0, 0], pointHistory: [],
  generation: 0, features: ["x1", "x2"],
};
let chain = Promise.resolve();
let plane;
let pointView;

function settings() {
  const hidden = $("#hidden").value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  return { hidden, activation: $("#activation").value, lr: Number($("#lr").value),
    batch_size: Number($("#batch-size").value), l2: Number($("#l2").value), seed: Number($("#seed").value) };
}

function body(epochs) {
  const train = state.points.filter((p) => !p.test);
  const test = state.points.filter((p) => p.test);
  const index = state.chosen ? train.indexOf(state.chosen) : -1;
  const s = settings();
  return { task: state.task, train: asRows(train), test: asRows(test), features: state.features, ...s,
    epoch: state.epoch, epochs, weights: state.weights, point: index >= 0 ? index : null, watch: state.watch,
    scalar: $("#point-scalar").checked && parameters(s.hidden) <= MAX_SCALAR };
}

const MAX_SCALAR = 64;  // weights and biases the server writes out one by one

function parameters(hidden) {
  const sizes = [state.features.length, ...hidden, state.task === "classify" ? 2 : 1];
  return sizes.slice(1).reduce((n, b, k) => n + sizes[k] * b + b, 0);
}

/** The scalar graph's switch: off (and saying why) for a network too big to write out. */
function scalarAllowed() {
  const n = parameters(settings().hidden);
  const box = $("#point-scalar");
  box.disabled = n > MAX_SCALAR;
  box.parentElement.title = n > MAX_SCALAR ? `${n} weights and biases: the tensor graph is drawn` : "";
}

/** One request, after the ones before it; a reset while it flies drops its answer. */
function send(epochs) {
  pending(1);
  chain = chain.then(async () => {
    if (!state.points.some((p) => !p.test)) {
      showError({ message: "Add at least one training point (click the plane)." });
      pause();  // nothing to learn from: playing would only ask again
      return;
    }
    const generation = state.generation;
    const request = body(epochs);
    window.__lastStepRequest = request;  // what the browser tests read
    const response = await fetch("/api/v1/playground/step", { method: "POST",
      headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    const answer = await response.json().catch(() => ({ error: { message: `HTTP ${response.status}` } }));
    if (generation !== state.generation) return;
    if (!response.ok) {
      showError(answer.error ?? { message: `HTTP ${response.status}` });
      pause();
      return;
    }
    $("#error").hidden = true;
    take(answer);
  }).catch((err) => { showError({ message: String(err.message ?? err) }); pause(); })
    .finally(() => pending(-1));
  return chain;
}

/** Requests asked for and not yet drawn, on <body data-pending> (tests wait for 0). */
function pending(change) {
  document.body.dataset.pending = String(Number(document.body.dataset.pending ?? 0) + change);
}

function take(answer) {
  state.weights = answer.weights;
  state.epoch = answer.epoch;
  state.answer = answer;
  state.history.push(...answer.history);
  for (const e of answer.history) if ("point_loss" in e) state.pointHistory.push(e);
  if (answer.diverged) pause();
  draw();
}

function showError(e) {
  const el = $("#error");
  el.hidden = false;
  el.textContent = e.message;
}

function draw() {
  const a = state.answer;
  scalarAllowed();
  plane.draw(state.task, state.points, a, state.chosen);
  $("#epoch").textContent = String(state.epoch);
  const last = state.history.at(-1);
  $("#losses").textContent = last ? `train loss ${fmt(last.train_loss ?? NaN)}` +
    (last.test_loss !== null ? ` · test loss ${fmt(last.test_loss)}` : "") : "";
  render($("#loss-curves"), [
    { name: "train", points: state.history.map((e) => [e.epoch, num(e.train_loss ?? NaN)]) },
    { name: "test", points: state.history.map((e) => [e.epoch, num(e.test_loss ?? NaN)]), color: "#c2410c" },
  ], { logY: state.history.every((e) => (e.train_loss ?? 1) > 0), xLabel: "epoch", yLabel: "loss" });
  divergence();
  renderNetwork($("#network"), a, state.features, { watch: state.watch, onWatch: watch,
    onInfo: (d) => { $("#weight-info").textContent = `${d.id} = ${fmt(d.w)} · ∂L/∂${d.id} = ${fmt(d.g)} (train loss, all points)`; } });
  pointView.draw(a?.point ?? null, state.pointHistory, a?.epoch ?? state.epoch);
  fillWatch();
}

/** The honest notice: a non-finite loss, or one far above its best so far. */
function divergence() {
  const losses = state.history.map((e) => e.train_loss);
  const finite = losses.filter((v) => v !== null);
  const best = Math.min(...finite);
  const now = losses.at(-1);
  const gone = state.answer?.diverged || (now !== undefined && (now === null || (finite.length > 5 && now > 3 * best && now > best + 0.5)));
  const el = $("#diverged");
  el.hidden = !gone;
  if (gone) el.textContent = `The loss diverged (epoch ${state.epoch}): learning rate ${$("#lr").value} overshoots. Lower it and press Reset.`;
}

function fillWatch() {
  const sel = $("#watch");
  const W = state.answer?.weights;
  if (!W) return;
  const ids = [];
  for (let k = 0; 2 * k < W.length; k++) W[2 * k].forEach((row, i) => row.forEach((_, j) => ids.push([k, i, j])));
  const key = (w) => w.join(",");
  if (sel.options.length !== ids.length) {
    sel.replaceChildren(...ids.map((w) => new Option(`W${w[0] + 1}[${w[1]}][${w[2]}]`, key(w))));
  }
  sel.value = key(state.watch);
}

function watch(d) {
  state.watch = [d.k, d.i, d.j];
  state.pointHistory = [];
  if (!state.playing) send(0);
}

function play() {
  if (state.playing) return pause();
  state.playing = true;
  $("[data-action=play]").textContent = "Pause";
  $("[data-action=play]").setAttribute("aria-pressed", "true");
  const loop = async () => {
    while (state.playing) {
      await send(CHUNK);
      await new Promise((r) => requestAnimationFrame(r));
    }
  };
  loop();
  return null;
}

function pause() {
  state.playing = false;
  $("[data-action=play]").textContent = "Play";
  $("[data-action=play]").setAttribute("aria-pressed", "false");
}

/** New initial weights from the seed: epoch 0. */
function reset() {
  state.generation += 1;
  Object.assign(state, { weights: null, epoch: 0, history: [], pointHistory: [], answer: null });
  $("#diverged").hidden = true;
  send(0);
}

/** Points changed: the URL follows, and a paused page redraws the prediction. */
function edited() {
  state.source = null;
  writeUrl();
  if (!state.playing) send(0);
  else draw();
}

function writeUrl() {
  const q = new URLSearchParams();
  q.set("task", state.task);
  const s = settings();
  q.set("hidden", s.hidden.join(","));
  q.set("act", s.activation);
  q.set("lr", String(s.lr));
  q.set("bs", String(s.batch_size));
  q.set("l2", String(s.l2));
  q.set("seed", String(s.seed));
  q.set("f", state.features.join("|"));
  if (!$("#point-scalar").checked) q.set("sg", "0");
  if (state.source) {
    q.set("data", state.source);
  } else {
    q.set("train", encodePoints(state.points.filter((p) => !p.test)));
    q.set("test", encodePoints(state.points.filter((p) => p.test)));
  }
  const url = `${location.pathname}?${q}`;
  history.replaceState(null, "", url);
  $("#share").href = url;
}

async function loadDataset(name) {
  const q = new URLSearchParams({ name, seed: $("#seed").value || "0", points: state.task === "classify" ? "200" : "40" });
  const response = await fetch(`/api/v1/playground/data?${q}`);
  const data = await response.json();
  if (!response.ok) return showError(data.error ?? { message: `HTTP ${response.status}` });
  const as = (rows, test) => rows.map((r) => ({ x: r.slice(0, -1), y: r.at(-1), test, user: false }));
  state.points = [...as(data.test, true), ...as(data.train, false)];
  state.chosen = null;
  state.source = name;
  writeUrl();
  reset();
  return null;
}

function chooseTask(task, { keepPoints = false } = {}) {
  state.task = task;
  $("#task").value = task;
  $("#dataset").replaceChildren(...DATASETS[task].map((d) => new Option(d, d)), new Option("none: draw your own", ""));
  state.features = FEATURES[task].filter((f) => state.features.includes(f));
  if (!state.features.length) state.features = ["x1"];
  drawFeatures();
  $("#class-choice").hidden = task !== "classify";
  $("#plane-legend").hidden = task !== "classify";
  $("#points-csv").placeholder = task === "classify" ? "x1,x2,label\n0.5,0.5,1\n-0.5,-0.4,0" : "x,y\n-0.5,0.2\n0.5,0.9";
  if (!keepPoints) loadDataset(DATASETS[task][0]);
}

function drawFeatures() {
  $("#features").replaceChildren(...FEATURES[state.task].map((f) => {
    const label = document.createElement("label");
    label.className = "switch";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = state.features.includes(f);
    box.dataset.feature = f;
    box.setAttribute("role", "switch");
    box.addEventListener("change", () => {
      const on = [...document.querySelectorAll("[data-feature]")].filter((b) => b.checked).map((b) => b.dataset.feature);
      if (!on.length) { box.checked = true; return; }
      state.features = on;
      writeUrl();
      reset();  // a new input layer: new weights
    });
    label.append(box, ` ${f}`);
    return label;
  }));
}

function addPoint(a, b, shift) {
  if (state.points.length >= MAX_POINTS) return showError({ message: `At most ${MAX_POINTS} points.` });
  const r = (v) => Math.round(v * 1000) / 1000;
  const cls = Number(document.querySelector("[name=cls]:checked").value);
  const p = state.task === "classify"
    ? { x: [r(a), r(b)], y: shift ? 1 - cls : cls, test: $("#as-test").checked, user: true }
    : { x: [r(a)], y: r(b), test: $("#as-test").checked, user: true };
  state.points.push(p);
  edited();
  return null;
}

function loadCsv(text) {
  const err = $("#points-error");
  try {
    const points = parseCsv(text, state.task);
    err.hidden = true;
    state.points = points;
    state.chosen = null;
    state.source = null;
    writeUrl();
    reset();  // a new dataset: training starts again from the seed's weights
  } catch (e) {
    if (!(e instanceof PointsError)) throw e;
    err.hidden = false;
    err.textContent = e.message;
    err.dataset.line = String(e.line);
  }
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  const task = q.get("task") === "regress" ? "regress" : "classify";
  if (q.has("hidden")) $("#hidden").value = q.get("hidden").split(",").join(", ");
  for (const [key, sel] of [["act", "#activation"], ["lr", "#lr"], ["l2", "#l2"]]) {
    if (q.has(key) && [...$(sel).options].some((o) => o.value === q.get(key))) $(sel).value = q.get(key);
  }
  if (q.has("bs")) $("#batch-size").value = q.get("bs");
  if (q.has("seed")) $("#seed").value = q.get("seed");
  if (q.has("f")) state.features = q.get("f").split("|");
  if (q.get("sg") === "0") $("#point-scalar").checked = false;
  chooseTask(task, { keepPoints: true });
  if (q.has("train") || q.has("test")) {
    try {
      state.points = [...decodePoints(q.get("test"), task, true), ...decodePoints(q.get("train"), task, false)];
    } catch (e) {
      showError({ message: `The address's points: ${e.message}` });
    }
    $("#dataset").value = "";
    writeUrl();
    reset();
  } else {
    const name = DATASETS[task].includes(q.get("data")) ? q.get("data") : DATASETS[task][0];
    $("#dataset").value = name;
    loadDataset(name);
  }
}

function init() {
  plane = createPlane($("#boundary"), {
    onAdd: addPoint,
    onMove: () => edited(),
    onRemove: (p) => {
      state.points = state.points.filter((q) => q !== p);
      if (state.chosen === p) { state.chosen = null; state.pointHistory = []; }
      edited();
    },
    onChoose: (p) => {
      if (p.test) return;
      state.chosen = p;
      state.pointHistory = [];
      if (!state.playing) send(0);
    },
  });
  pointView = createPointView({ pause });
  $("[data-action=play]").addEventListener("click", play);
  $("[data-action=step]").addEventListener("click", () => { pause(); send(1); });
  $("[data-action=reset]").addEventListener("click", () => { pause(); reset(); });
  $("#task").addEventListener("change", (e) => { pause(); chooseTask(e.target.value); });
  $("#dataset").addEventListener("change", (e) => {
    if (e.target.value) loadDataset(e.target.value);
    else { state.points = []; state.chosen = null; edited(); }
  });
  // These enter the next chunk with the weights as they are; the layers and the
  // seed make new weights (new shapes, or the seed's own), so training restarts.
  for (const sel of ["#lr", "#batch-size", "#l2", "#activation"]) $(sel).addEventListener("change", writeUrl);
  for (const sel of ["#hidden", "#seed"]) $(sel).addEventListener("change", () => { writeUrl(); reset(); });
  $("#watch").addEventListener("change", (e) => watch(Object.fromEntries(["k", "i", "j"].map((k, n) => [k, Number(e.target.value.split(",")[n])]))));
  $("#point-scalar").addEventListener("change", () => { writeUrl(); if (!state.playing) send(0); });
  $("[data-action=load-points]").addEventListener("click", () => loadCsv($("#points-csv").value));
  $("#points-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (file) loadCsv(await file.text());
  });
  $("[data-action=export-points]").addEventListener("click", () => { $("#points-csv").value = toCsv(state.points, state.task); });
  $("[data-action=clear-points]").addEventListener("click", () => { state.points = []; state.chosen = null; edited(); });
  window.addEventListener("resize", () => draw());
  readUrl();
}

if (window.d3) init();
else window.addEventListener("DOMContentLoaded", init);
