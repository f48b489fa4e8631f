// The compare page: a landscape or the user's own program, five optimizers from the
// same start, the contour with animated trajectories, the loss charts, what each
// method spent, and the trust panel. Controls change state; views render state.
import { d3 } from "../lib.js";
import { post } from "./api.js";
import { drawCharts } from "./charts.js";
import { drawPaths, drawSurface } from "./contour.js";
import { DEFAULT_LR, METHODS } from "./methods.js";
import { drawCosts, drawOverwrite, drawTrust } from "./tables.js";
import { explainNewton } from "./why.js";
import { renderError } from "../views/error.js";

const data = JSON.parse(document.getElementById("compare-data").textContent);
const $ = (id) => document.getElementById(id);
const state = { result: null, trace: null, step: 0, maxStep: 0, timer: null, request: null };

function fillForm(landscape) {
  $("cmp-program").value = landscape.program;
  $("param-x").value = landscape.params[0];
  $("param-y").value = landscape.params[1];
  $("max-steps").value = landscape.max_steps;
  $("landscape-lesson").textContent = landscape.lesson;
  for (const m of METHODS) {
    const lr = document.querySelector(`input[name="lr-${m.id}"]`);
    if (lr) lr.value = landscape.lr[m.id] ?? DEFAULT_LR[m.id];
  }
}

function buildControls() {
  d3.select("#landscape").selectAll("option").data(data.landscapes).join("option")
    .attr("value", (d) => d.id).text((d) => d.title);
  const rows = d3.select("#method-rows").selectAll("div").data(METHODS).join("div").attr("class", "method-row");
  const check = rows.append("label").attr("class", "method-check");
  check.append("input").attr("type", "checkbox").attr("name", "method").attr("value", (d) => d.id).property("checked", true);
  check.append("span").attr("class", "swatch").style("background", (d) => d.color);
  check.append("span").text((d) => d.name);
  rows.filter((d) => d.lr).append("input").attr("type", "number").attr("step", "any").attr("min", "0")
    .attr("name", (d) => `lr-${d.id}`).attr("aria-label", (d) => `${d.name} step size`);
  rows.filter((d) => !d.lr).append("span").attr("class", "seed-label").text("seed");
  rows.filter((d) => !d.lr).append("input").attr("type", "number").attr("step", "1").attr("min", "0")
    .attr("name", "es-seed").attr("value", 0).attr("aria-label", "Evolution strategy seed").attr("title", "seed");
}

function requestBody() {
  const methods = [...document.querySelectorAll('input[name="method"]:checked')].map((el) => el.value);
  const lr = {};
  for (const m of methods) {
    const v = Number(document.querySelector(`input[name="lr-${m}"]`)?.value);
    if (v > 0) lr[m] = v;
  }
  return {
    program: $("cmp-program").value,
    params: [$("param-x").value.trim(), $("param-y").value.trim()],
    methods,
    max_steps: Number($("max-steps").value) || 0,
    lr,
    es: { seed: Math.max(0, Math.floor(Number(document.querySelector('input[name="es-seed"]').value) || 0)) },
  };
}

// The main page's positioned error (message, source line, caret); a failed run
// greys the previous result, which no longer answers the program shown.
function showError(err) {
  const d = err ? err.detail || { message: String(err.message || err) } : null;
  renderError($("error"), document.createElement("pre"), $("cmp-program").value, d);
  for (const id of ["cmp-contour-heading", "cmp-charts-heading"]) {
    $(id).closest("section").classList.toggle("stale", Boolean(err));
  }
}

function setStep(k) {
  state.step = Math.max(0, Math.min(k, state.maxStep));
  $("cmp-step").value = state.step;
  $("cmp-step-counter").textContent = `${state.step} / ${state.maxStep}`;
  if (!state.result) return;
  drawPaths($("contour"), state.result, state.step);
  drawCharts($("loss-steps"), $("loss-evals"), state.result, state.step);
}

function play() {
  stop();
  if (state.step >= state.maxStep) setStep(0);
  $("cmp-play").setAttribute("aria-pressed", "true");
  $("cmp-play").textContent = "Pause";
  const each = Math.max(16, 4000 / Math.max(1, state.maxStep));
  state.timer = setInterval(() => (state.step >= state.maxStep ? stop() : setStep(state.step + 1)), each);
}

function stop() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  $("cmp-play").setAttribute("aria-pressed", "false");
  $("cmp-play").textContent = "Play";
}

async function run() {
  stop();
  showError(null);
  state.request?.abort();
  const request = (state.request = new AbortController());
  const body = requestBody();
  document.body.classList.add("is-busy");
  try {
    // The trust panel's trace is a second opinion: if it fails, the comparison still shows.
    const traced = post("/graphs", { program: body.program, check: true }, request.signal)
      .catch((err) => (err.name === "AbortError" ? Promise.reject(err) : { failed: err }));
    const [result, trace] = await Promise.all([post("/compare", body, request.signal), traced]);
    Object.assign(state, { result, trace: trace.failed ? null : trace });
    state.maxStep = d3.max(Object.values(result.runs), (r) => r.history.length - 1) || 0;
    $("cmp-step").max = state.maxStep;
    // The landscape's own lesson and minima apply only while its program is unchanged.
    const shown = data.landscapes.find((l) => l.id === $("landscape").value);
    const same = shown && shown.program === body.program && shown.params.join() === body.params.join();
    drawSurface($("contour"), result, same ? shown.minima : []);
    drawCosts(document.querySelector("#costs tbody"), result);
    drawTrust({ ratio: $("cost-ratio"), symbolic: document.querySelector("#symbolic tbody") }, state.trace,
      trace.failed);
    drawOverwrite($("overwrite"), state.trace, $("overwrite-toggle").checked);
    explainNewton($("newton-why"), result, same ? shown.id : null);
    d3.select("#cmp-legend").selectAll("span.item").data(Object.keys(result.runs)).join("span")
      .attr("class", "item").attr("data-method", (d) => d).each(function (id) {
        const m = METHODS.find((x) => x.id === id);
        const item = d3.select(this).text("");
        item.append("span").attr("class", "swatch").style("background", m.color);
        item.append("span").text(m.name);
      });
    setStep(0);
    play();
  } catch (err) {
    if (err.name !== "AbortError") showError(err);
  } finally {
    if (state.request === request) document.body.classList.remove("is-busy");
  }
}

buildControls();
// ?landscape=rosenbrock links to one landscape; the select shows the same choice.
const asked = new URLSearchParams(window.location.search).get("landscape");
const first = data.landscapes.find((l) => l.id === asked) || data.landscapes[0];
$("landscape").value = first.id;
fillForm(first);
$("landscape").addEventListener("change", (e) => {
  fillForm(data.landscapes.find((l) => l.id === e.target.value));
  const url = new URL(window.location.href);
  url.searchParams.set("landscape", e.target.value);
  window.history.replaceState(null, "", url);
  run();
});
$("compare-form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
$("cmp-play").addEventListener("click", () => (state.timer ? stop() : play()));
$("cmp-step").addEventListener("input", (e) => {
  stop();
  setStep(Number(e.target.value));
});
$("overwrite-toggle").addEventListener("change", (e) => state.trace && drawOverwrite($("overwrite"), state.trace, e.target.checked));
run();
