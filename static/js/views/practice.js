// Practice mode, the view: stepping forward into the backward pass stops at
// each step that pushes gradients, asks for every edge's contribution, and
// reveals the step (goTo) once each edge is answered or shown. Everything it
// needs comes in as functions (model, step, goTo), so a standalone export can
// drive it without the editor or the server. User text only ever goes in as
// textContent.
import {
  nextQuestion, questionCount, questions, parseAnswer, diagnose, diagnoseLocal,
  scoreText, parseScore, ASK_TEXT, TOLERANCE_TEXT,
} from "../practice.js";
import { EXERCISES } from "../exercises.js";
import { hint, localHint, shownText } from "./practice-hints.js";
import { num, term, clip, raw } from "../format.js";
import { gradName, opExpr, localSymbol, inputName } from "../notation.js";

const el = (tag, attrs = {}, text = null) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
};

/**
 * panel: an empty element to draw into; toggle: the Practice button.
 * getStep(), goTo(k): the step-through. onProgram(text): load an
 * exercise (optional: without it the picker is hidden). onFocusEdge(id|null): light an edge. onBlock(): a step was held
 * back; onQuestion(k): step k's question is open. The model comes in with setModel.
 */
export function createPractice({ panel, toggle, getStep, goTo, onProgram, onFocusEdge, onBlock, onQuestion, location = window.location }) {
  const fromUrl = new URLSearchParams(location.search);
  let on = fromUrl.get("practice") === "1";
  let score = parseScore(fromUrl.get("score")) ?? { right: 0, done: 0 };
  let keepScore = on; // the first model keeps the score a shared link carries
  let model = null;
  let maxSeen = 0;    // every step up to here is revealed
  let pending = null; // the step being asked
  let records = new Map(); // step -> { edges: [{tries, right, shown, done, localDone, answer, slip}], done }
  let localFirst = false;

  const ui = build(panel);
  ui.exercise.closest("label").hidden = !onProgram; // no editor (a standalone export): no exercises to load
  toggle.addEventListener("click", () => setOn(!on));
  ui.exercise.addEventListener("change", () => {
    const ex = EXERCISES.find((e) => e.id === ui.exercise.value);
    if (ex) onProgram(ex.program);
  });
  ui.localFirst.addEventListener("change", () => { localFirst = ui.localFirst.checked; render(); });
  ui.restart.addEventListener("click", restart);

  function setOn(value) {
    on = value;
    pending = null;
    if (on && model) maxSeen = Math.max(getStep() ?? 0, model.F);
    syncUrl();
    render();
  }

  function restart() {
    records = new Map();
    score = { right: 0, done: 0 };
    pending = null;
    if (model) {
      maxSeen = model.F;
      goTo(model.F);
    }
    syncUrl();
    render();
  }

  /** The step to go to instead of k: forward moves stop before a step not yet answered. */
  function limit(k) {
    if (!on || !model || k <= maxSeen) return k;
    const q = nextQuestion(model, maxSeen, k);
    if (q === null) { maxSeen = k; return k; }
    maxSeen = q - 1;
    if (pending !== q) { pending = q; render(true); }
    onQuestion?.(q);
    onBlock?.();
    return q - 1;
  }

  function setModel(m, step, program = "") {
    if (m === model) return;
    model = m;
    records = new Map();
    pending = null;
    maxSeen = Math.max(step ?? 0, m.F);
    if (!keepScore) score = { right: 0, done: 0 };
    keepScore = false;
    const text = program.trim();
    const ex = EXERCISES.find((e) => e.program.trim() === text);
    ui.exercise.value = ex ? ex.id : "";
    syncUrl();
    render();
  }

  /** The page moved: a question stays open only while its step is next (or just revealed). */
  function onStep(step) {
    if (pending !== null && step !== pending - 1 && step !== pending) { pending = null; render(); }
    else if (on) renderNext();
  }

  function record(k) {
    if (!records.has(k)) {
      records.set(k, { done: false, edges: questions(model, k).map(() => ({ tries: 0, right: null, shown: false, done: false, localDone: false, answer: "", localAnswer: "", slip: null, localSlip: null })) });
    }
    return records.get(k);
  }

  function check(k, i, text) {
    const rec = record(k);
    const q = questions(model, k)[i];
    const st = rec.edges[i];
    if (st.done) return;
    st.answer = text;
    if (localFirst && q.local !== null && !st.localDone) {
      st.slip = "local-first";
      return render();
    }
    const d = diagnose(model, q, parseAnswer(text));
    // A typo (not a number, too few values) is not an attempt: it does not cost the first try.
    const attempt = d.slip !== "unreadable" && d.slip !== "count";
    if (attempt) st.tries++;
    if (st.right === null && attempt) st.right = d.correct;
    st.slip = d.correct ? null : d.slip;
    st.alt = d.alt;
    if (d.correct) st.done = true;
    finish(k, i);
  }

  function checkLocal(k, i, text) {
    const st = record(k).edges[i];
    const q = questions(model, k)[i];
    st.localAnswer = text;
    const d = diagnoseLocal(q, parseAnswer(text));
    st.localSlip = d.correct ? null : d.slip;
    if (d.correct) st.localDone = true;
    render(false, { k, i, after: d.correct ? "contribution" : "local" });
  }

  function show(k, i) {
    const st = record(k).edges[i];
    if (st.done) return;
    st.shown = true;
    st.done = true;
    st.localDone = true;
    st.slip = null;
    st.answer = raw(questions(model, k)[i].contribution);
    finish(k, i);
  }

  /** Once every edge is done, the step counts and is revealed. */
  function finish(k, i) {
    const rec = record(k);
    if (!rec.done && rec.edges.every((e) => e.done)) {
      rec.done = true;
      score = { right: score.right + (rec.edges.every((e) => e.right === true && !e.shown) ? 1 : 0), done: score.done + 1 };
      maxSeen = Math.max(maxSeen, k);
      syncUrl();
      goTo(k);
      render(false, { next: true });
      return;
    }
    // A wrong answer keeps the focus where it was typed; a right one moves on.
    render(false, { k, i: rec.edges[i].done ? rec.edges.findIndex((e) => !e.done) : i });
  }

  function syncUrl() {
    const q = new URLSearchParams(window.location.search);
    if (on) { q.set("practice", "1"); q.set("score", scoreText(score)); } else { q.delete("practice"); q.delete("score"); }
    const url = `${window.location.pathname}?${q.toString()}`;
    if (url === window.location.pathname + window.location.search) return;
    try {
      window.history.replaceState(null, "", url);
    } catch {
      // A page opened from a file may refuse a new query: the score still shows on screen.
    }
  }

  function render(focusFirst = false, focus = {}) {
    panel.hidden = !on;
    toggle.setAttribute("aria-pressed", String(on));
    toggle.classList.toggle("is-on", on);
    if (!on) return;
    const total = model ? questionCount(model) : 0;
    ui.score.dataset.score = scoreText(score);
    ui.score.textContent = `Score: ${score.right} of ${score.done} step${score.done === 1 ? "" : "s"} right first try · ${total} step${total === 1 ? "" : "s"} to answer in this program`;
    ui.question.replaceChildren();
    if (model && pending !== null) drawQuestion(pending);
    renderNext();
    const k = pending;
    if (k === null) return;
    const rec = record(k);
    let target = null;
    if (focus.next) target = ui.question.querySelector("button[data-practice=next]") ?? ui.question.querySelector(".practice-done");
    else if (focus.k === k && focus.i !== undefined && focus.i >= 0) {
      const which = focus.after === "local" ? "data-predict-local" : "data-predict";
      target = ui.question.querySelector(`.practice-edge[data-i="${focus.i}"] input[${which}]`);
    } else if (focusFirst) {
      const i = rec.edges.findIndex((e) => !e.done);
      target = ui.question.querySelector(`.practice-edge[data-i="${i}"] input`);
    }
    if (target) {
      // The graph stays in view: the panel's end comes to the screen's end
      // (the graph sits above it), and only the panel scrolls to the field.
      target.focus({ preventScroll: true });
      panel.scrollIntoView({ block: "end" });
      target.scrollIntoView({ block: "nearest" });
    }
    // Screen readers hear the newest feedback, not the whole panel again.
    const said = focus.k === k && focus.i >= 0 ? ui.question.querySelector(`.practice-edge[data-i="${focus.i}"] [data-slip]`) : null;
    ui.live.textContent = focus.next ? "Right. The step is revealed in the ledger." : said?.textContent ?? "";
  }

  function renderNext() {
    const step = getStep() ?? 0;
    let text = "";
    if (!model) text = "Build a graph to practise on it.";
    else if (pending !== null && record(pending).done) text = "";
    else if (pending !== null) text = "";
    else if (step < model.F) text = "Step to the end of the forward pass: the backward pass asks the questions.";
    else if (nextQuestion(model, step, model.total) === null) text = score.done ? "Done: every step of this program is answered. Start over, or pick the next exercise." : "Every step is revealed already: press Start over to practise this program.";
    else text = "Press → (or Step forward) for the next backward step: it asks before it shows.";
    ui.status.textContent = text;
    ui.status.hidden = !text;
  }

  function drawQuestion(k) {
    const rec = record(k);
    const qs = questions(model, k);
    const node = qs[0].node;
    const box = el("div", { class: "practice-question", "data-step": String(k) });
    const j = k - model.F;
    box.append(el("h3", {}, `Backward step ${j} of ${model.B}: ${clip(statement(node), 40)}`));
    const up = el("p", { class: "practice-upstream" });
    up.append(`upstream ∂L/∂${clip(gradName(node, model), 24)} = `, el("span", { class: "result" }, num(qs[0].upstream)),
      node.id === model.outputId ? " (the output: ∂L/∂L = 1)" : " (complete)");
    if (!Array.isArray(node.value)) up.append(`; the node's value ${num(node.value)}`);
    box.append(up);
    qs.forEach((q, i) => box.append(edgeRow(q, rec.edges[i], k, i)));
    if (rec.done) {
      const last = nextQuestion(model, k, model.total) === null;
      const done = el("p", { class: "practice-done", tabindex: "-1" });
      done.append(last ? `Step revealed in the ledger. That was the last question: ${score.right} of ${score.done} right first try.` : "Step revealed in the ledger. ");
      if (!last) {
        const next = el("button", { type: "button", "data-practice": "next", class: "practice-next" }, "Next step →");
        next.addEventListener("click", () => goTo((getStep() ?? 0) + 1));
        done.append(next);
      }
      box.append(done);
    }
    ui.question.append(box);
  }

  function edgeRow(q, st, k, i) {
    const inName = clip(gradName(q.input, model), 24);
    const row = el("div", { class: "practice-edge", "data-i": String(i), "data-edge": q.edgeId, "data-to": q.to });
    row.classList.toggle("is-correct", st.done && !st.shown);
    row.classList.toggle("is-shown", st.shown);
    const sym = localSymbol(q.node, model, q.slot);
    const about = el("p", { class: "practice-about" });
    // "input (w·x + b), its value 7.0": an "= 7.0" here would read as the answer.
    about.append(`Edge to input ${inputName(model, q.to)}`);
    if (!Array.isArray(q.input.value)) about.append(`, its value ${num(q.input.value)}`);
    if (q.earlier > 0) about.append(` · it already holds ${q.earlier} earlier contribution${q.earlier > 1 ? "s" : ""}`);
    row.append(about);
    if (localFirst && q.local !== null) {
      row.append(field(`local ${sym.text}${sym.which} =`, "data-predict-local", q, st.localAnswer, st.localDone, st.localSlip && !st.localDone,
        (text) => checkLocal(k, i, text)));
      if (st.localSlip && !st.localDone) row.append(hintLine(st.localSlip, localHint(model, st.localSlip, q)));
    }
    const f = field(`contribution to ∂L/∂${inName} =`, "data-predict", q, st.answer, st.done, st.slip && !st.done, (text) => check(k, i, text));
    if (!st.done) {
      const showMe = el("button", { type: "button", "data-practice": "show", class: "practice-show" }, "Show me");
      showMe.addEventListener("click", () => show(k, i));
      f.append(showMe);
    }
    row.append(f);
    if (st.shown) row.append(hintLine("shown", shownText(q), "is-shown-note"));
    else if (st.done) row.append(hintLine("correct", `Right: ${term(q.upstream)} × ${q.local === null ? "(the op's rule)" : term(q.local)} = ${num(q.contribution)}.`, "is-correct-note"));
    else if (st.slip) row.append(hintLine(st.slip, hint(model, st, q)));
    return row;
  }

  function field(label, attr, q, value, done, wrong, onCheck) {
    const wrap = el("p", { class: "practice-field" });
    const lab = el("label");
    const id = `p-${attr}-${q.k}-${q.i}`;
    lab.setAttribute("for", id);
    lab.textContent = label;
    const n = Array.isArray(q.contribution) ? q.contribution.flat(Infinity).length : 1;
    const input = el("input", {
      id, type: "text", autocomplete: "off", spellcheck: "false", [attr]: q.to, "data-edge": q.edgeId,
      inputmode: n > 1 ? "text" : "decimal", placeholder: n > 1 ? `${n} values, comma-separated` : null,
      class: n > 1 ? "is-tensor" : null,
    });
    input.value = value;
    input.readOnly = done;
    input.classList.toggle("is-correct", done);
    input.classList.toggle("is-wrong", Boolean(wrong));
    if (wrong) input.setAttribute("aria-invalid", "true");
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); onCheck(input.value); } });
    input.addEventListener("focus", () => onFocusEdge?.(q.edgeId));
    input.addEventListener("blur", () => onFocusEdge?.(null));
    wrap.append(lab, " ", input);
    if (!done) {
      const b = el("button", { type: "button", "data-practice": "check" }, "Check");
      b.addEventListener("click", () => onCheck(input.value));
      wrap.append(" ", b);
    }
    return wrap;
  }

  function statement(node) {
    return node.label ? `${node.label} = ${opExpr(node, model)}` : opExpr(node, model);
  }

  render();
  return { limit, setModel, onStep, isOn: () => on, isAsking: () => pending !== null && !record(pending).done };
}

function hintLine(slip, text, cls = "practice-hint") {
  return el("p", { class: cls, "data-slip": slip }, text);
}

/** The panel's fixed parts: exercise picker, options, score, rules. */
function build(panel) {
  panel.replaceChildren();
  panel.append(el("h2", { id: "practice-heading" }, "Practice: predict each gradient"));
  const bar = el("div", { class: "practice-bar" });
  const exLabel = el("label", { class: "field" });
  exLabel.append(el("span", {}, "Exercise"));
  const exercise = el("select", { "data-practice": "exercise" });
  exercise.append(el("option", { value: "" }, "Choose an exercise (easiest first)…"));
  for (const ex of EXERCISES) exercise.append(el("option", { value: ex.id }, ex.title));
  exLabel.append(exercise);
  const lfLabel = el("label", { class: "toggle" });
  const localFirst = el("input", { type: "checkbox", "data-practice": "local-first" });
  lfLabel.append(localFirst, el("span", {}, "Ask for the local derivative first"));
  const restart = el("button", { type: "button", "data-practice": "restart" }, "Start over");
  bar.append(exLabel, lfLabel, restart);
  const score = el("p", { class: "practice-score", id: "practice-score", "aria-live": "polite" });
  const rules = el("p", { class: "hint practice-rules" }, `${ASK_TEXT} ${TOLERANCE_TEXT}`);
  const question = el("div", { class: "practice-questions" });
  const status = el("p", { class: "practice-status" });
  const live = el("p", { class: "sr-only", "aria-live": "polite" });
  panel.append(bar, score, rules, status, question, live);
  return { exercise, localFirst, restart, score, question, status, live };
}
