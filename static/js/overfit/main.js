// The overfitting lesson: the lesson's data from the server, one streamed
// /api/v1/train run per press (with a validation set and, if chosen, early
// stopping), and a sweep of L2 strengths. The server computes; this draws.
import { ApiError, fetchTrain, streamTrain } from "../train/api.js";
import { num, render } from "../train/chart.js";
import { renderFit, renderSweep, renderWeights } from "./plots.js";

const $ = (sel) => document.querySelector(sel);
const STRENGTHS = [0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];
const PATIENCE = 200;
const state = { lesson: null, history: [], best: null, base: null, sweep: [], busy: false };

function fmt(v) {
  return Number.isFinite(v) ? (Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3)) : String(v);
}

function body(l2, l1, early) {
  const { lesson } = state;
  const out = {
    program: lesson.program, params: lesson.params, values: lesson.values,
    validation: lesson.validation, optimizer: { name: "adam", lr: 0.05 },
    max_steps: Number($("#steps").value), tol: 0, regularization: { l1, l2 },
  };
  if (early) out.early_stopping = { patience: PATIENCE };
  return out;
}

function showError(err) {
  const box = $("#error");
  box.hidden = !err;
  box.textContent = err ? (err.body?.message ?? err.message) : "";
}

async function loadLesson() {
  const seed = Number($("#seed").value);
  const r = await fetch(`/api/v1/lessons/overfit?seed=${Number.isInteger(seed) && seed >= 0 ? seed : 0}`);
  const data = await r.json();
  if (!r.ok) throw new ApiError({ message: "could not load the lesson's data" });
  state.lesson = data;
  state.base = null;
  state.history = [];
  state.sweep = [];
  draw();
}

function draw() {
  const h = state.history;
  const last = h[h.length - 1];
  const shown = state.best !== null && h[state.best] ? h[state.best] : last;
  renderFit($("#fit-curve"), state.lesson, shown?.params.w, shown?.step);
  const points = (key) => h.map((e) => [e.step, num(e[key])]);
  render($("#overfit-loss"), [
    { name: "training", points: points("train_loss"), color: "#4338ca" },
    { name: "validation", points: points("validation_loss"), color: "#c2410c" },
  ], { logY: true, marker: state.best, xLabel: "step",
    markerLabel: state.best === null ? ""
      : [`lowest validation loss: step ${state.best}, weights kept`, `best: step ${state.best}`] });
  renderSweep($("#sweep"), state.sweep);
}

async function baseline() {
  if (state.base) return state.base;
  let result = null;
  await fetchTrain(body(0, 0, false), (line) => { if (line.type === "done") result = line; });
  state.base = result.params.w;
  return state.base;
}

async function train(event) {
  event?.preventDefault();
  if (state.busy) return;
  state.busy = true;
  showError(null);
  const l2 = Number($("#l2").value);
  const l1 = Number($("#l1").value);
  const early = $("#early").checked;
  state.history = [];
  state.best = null;
  $("#status").textContent = "Training…";
  $("#status").removeAttribute("data-stopped");
  let frame = 0;
  try {
    let done = null;
    await streamTrain(body(l2, l1, early), (line) => {
      if (line.type === "progress") {
        state.history.push(...line.history);
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(draw);
      } else if (line.type === "error") {
        throw new ApiError(line.error);
      } else if (line.type === "done") {
        done = line;
      }
    });
    state.best = done.stopped === "early_stopping" ? done.best_step : null;
    draw();
    report(done);
    const penalised = l1 > 0 || l2 > 0;
    renderWeights($("#weights"), done.params.w, penalised || early ? await baseline() : null);
    if (!penalised && !early) state.base = done.params.w;
  } catch (err) {
    showError(err);
    $("#status").textContent = "";
  } finally {
    state.busy = false;
  }
}

function report(done) {
  const h = state.history;
  const last = h[h.length - 1];
  const bestStep = h.reduce((b, e, i) => (num(e.validation_loss) < num(h[b].validation_loss) ? i : b), 0);
  const status = $("#status");
  status.dataset.stopped = done.stopped;
  status.textContent = done.stopped === "early_stopping"
    ? `Early stopping: the validation loss last improved at step ${done.best_step}; the weights shown are that step's.`
    : `Stopped: ${done.stopped.replace("_", " ")} after ${last.step} steps.`;
  // An early stop ends the run, and so the x-axis, before the steps asked for.
  const stop = done.stopped === "early_stopping"
    ? `Stopped early at step ${last.step} of ${$("#steps").value}: the validation loss last improved at step `
      + `${done.best_step} and had not improved for ${PATIENCE} steps since, so training ended there and `
      + `the x-axis ends at step ${last.step}. The fit and weights shown are step ${done.best_step}'s. `
    : "";
  $("#loss-summary").dataset.stoppedAt = String(last.step);
  $("#loss-summary").textContent = stop + `Last step: training loss ${fmt(num(last.train_loss))}, `
    + `validation loss ${fmt(num(last.validation_loss))}. Lowest validation loss `
    + `${fmt(num(h[bestStep].validation_loss))} at step ${bestStep}`
    + (num(last.validation_loss) > 1.5 * num(h[bestStep].validation_loss)
      ? ": since then the fit has been learning the noise (overfitting)." : ".");
}

async function sweep() {
  if (state.busy) return;
  state.busy = true;
  showError(null);
  state.sweep = [];
  const l1 = Number($("#l1").value);
  try {
    for (const strength of STRENGTHS) {
      $("#sweep-summary").textContent = `Training with λ₂ = ${strength}…`;
      let done = null;
      let history = [];
      await fetchTrain(body(strength, l1, false), (line) => {
        if (line.type === "progress") history = line.history;
        else done = line;
      });
      const last = history[history.length - 1];
      state.sweep.push({ strength, train: num(last.train_loss), validation: num(last.validation_loss),
        w: done.params.w });
      draw();
    }
    const best = state.sweep.reduce((a, b) => (b.validation < a.validation ? b : a));
    $("#sweep-summary").textContent = `Each strength is one run; its points are the final training and `
      + `validation loss after all ${$("#steps").value} steps, without early stopping (so not comparable `
      + `with an early-stopped run's best). Lowest validation loss at λ₂ = ${best.strength} (${fmt(best.validation)}). Too little penalty fits `
      + "the noise; too much cannot bend to the curve.";
    $("#sweep-summary").dataset.best = best.strength;
  } catch (err) {
    showError(err);
  } finally {
    state.busy = false;
  }
}

$("#overfit-form").addEventListener("submit", train);
$("#sweep-button").addEventListener("click", sweep);
$("#seed").addEventListener("change", () => loadLesson().catch(showError));
window.addEventListener("resize", draw);
loadLesson().then(() => train()).catch(showError);
