// Step controls: counter, slider, buttons and the phase line reflect the state.
import { activeAt } from "../model.js";
import { gradName } from "../notation.js";
import { clip } from "../format.js";

export function renderControls(root, s) {
  const total = s.model ? s.model.total : 0;
  const k = s.model ? s.step : 0;
  const slider = root.querySelector("#step-slider");
  slider.max = String(total);
  if (slider.value !== String(k)) slider.value = String(k);
  slider.disabled = !s.model;
  slider.setAttribute("aria-valuetext", `step ${k} of ${total}`);
  const counter = root.querySelector("#step-counter");
  counter.textContent = `${k} / ${total}`;
  counter.title = s.model ? `step ${k} of ${total} (forward ${s.model.F}, backward ${s.model.B})` : "";
  const at = (a) => root.querySelector(`button[data-action=${a}]`);
  at("first").disabled = at("back").disabled = !s.model || k <= 0;
  at("last").disabled = at("forward").disabled = !s.model || k >= total;
  const play = at("play");
  play.disabled = !s.model || total === 0;
  play.classList.toggle("is-playing", s.playing);
  play.setAttribute("aria-pressed", String(s.playing));
  play.setAttribute("aria-label", s.playing ? "Pause" : "Play");
  // Each ∂L/∂… in a span that never breaks ("∂L/" | "∂a" on a phone read as two things).
  root.querySelector("#phase").replaceChildren(...(s.model ? phaseText(s.model, k) : "").split(/(∂L\/∂(?:\([^)]*\)|[^\s,])+)/).map((t, i) => {
    if (i % 2 === 0) return document.createTextNode(t);
    const sym = document.createElement("span");
    sym.className = "sym-nowrap";
    sym.textContent = t;
    return sym;
  }));
  root.querySelector("#graph-empty").hidden = Boolean(s.model);
  const hint = root.querySelector("#next-hint");
  const next = s.model ? nextAction(s.model, k) : "";
  hint.hidden = !next;
  hint.textContent = next;
}

/** What to do next, said plainly where a newcomer looks first. */
function nextAction(m, k) {
  if (m.total === 0) return "";
  if (k === 0) return "Press → to run the forward pass";
  if (k < m.F) return "Press → for the next value";
  if (k === m.F) return m.B ? "Press → to start the backward pass" : "";
  if (k === m.total) return "Done · click a leaf for its paths";
  return "";
}

/** The phase line carries the one step count (the same k of n as the counter)
 * and says what the step computes. */
function phaseText(m, k) {
  const a = activeAt(m, k);
  if (a.phase === "start") return `Ready: ${m.nodes.length} nodes. Forward pass ${m.F} steps, backward pass ${m.B} steps.`;
  const name = clip(gradName(m.byId.get(a.id), m), 30);
  if (a.phase === "forward") return `Step ${k} of ${m.total} · forward ${k} of ${m.F} · evaluating ${name}`;
  const j = k - m.F;
  const into = a.step.edges.map((e) => `∂L/∂${clip(gradName(m.byId.get(e.to), m), 24)}`);
  const what = into.length ? `pushes ∂L/∂${name} into ${into.join(", ")}` : `∂L/∂${name}: no input takes a gradient`;
  return `Step ${k} of ${m.total} · backward ${j} of ${m.B} · ${what}`;
}
