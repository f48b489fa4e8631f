// Practice mode, the logic: which backward steps ask a question, what the
// right answer is, and which slip a wrong answer most likely is. Pure
// functions of the model (model.js) and a step: no DOM, no server, so the
// main page and a standalone export can both use them. Every expected number
// comes from the trace; the slips are the trace's numbers recombined.
import { flatten, toNumber } from "./format.js";

export const REL_TOL = 1e-3;
export const TOLERANCE_TEXT = "Accepted: within 0.1 % of the exact value (relative tolerance 1e-3), "
  + "or the exact value rounded to two significant digits (0.67 for 0.6667).";
export const ASK_TEXT = "For each edge, type its contribution to the input's gradient: upstream × local. "
  + "Type this edge's contribution only, not the input's running sum: the page adds it (+=).";

/** Backward step k asks a question when it pushes through at least one edge. */
export function asksAt(m, k) {
  return k > m.F && k <= m.total && m.trace.backward[k - m.F - 1].edges.length > 0;
}

/** The first step in (from, to] that asks a question, or null. */
export function nextQuestion(m, from, to) {
  for (let k = Math.max(from + 1, m.F + 1); k <= to; k++) if (asksAt(m, k)) return k;
  return null;
}

/** Number of steps in the program that ask a question. */
export function questionCount(m) {
  let n = 0;
  for (let k = m.F + 1; k <= m.total; k++) if (asksAt(m, k)) n++;
  return n;
}

/** The questions of step k: one per edge, with what the answer is made of. */
export function questions(m, k) {
  const j = k - m.F - 1;
  const st = m.trace.backward[j];
  const node = m.byId.get(st.node);
  return st.edges.map((e, i) => {
    const at = m.edgeAt[j][i];
    const terms = m.arrivals.get(e.to).slice(0, at.index + 1);
    return {
      i, k, node, to: e.to, input: m.byId.get(e.to), edgeId: at.edgeId, slot: at.slot,
      upstream: st.grad, local: e.local, localFormula: e.local_formula, contribution: e.contribution, gradAfter: e.grad_after,
      earlier: terms.length - 1, // contributions the input already holds
    };
  });
}

/** A typed number, or a list of them for a tensor ("0.1, -0.2" or "[0.1 -0.2]"). Never evaluated. */
export function parseAnswer(text) {
  const s = String(text).trim().replace(/[\u2212\u2013]/g, "-").replace(/^\[|\]$/g, "");
  if (!s) return null;
  const parts = s.split(/[\s,;]+/).filter(Boolean);
  const xs = parts.map(parseOne);
  if (xs.some((x) => x === null)) return null;
  return xs.length === 1 ? xs[0] : xs;
}

function parseOne(p) {
  const frac = /^([-+]?\d*\.?\d+(?:e[-+]?\d+)?)\/([-+]?\d*\.?\d+(?:e[-+]?\d+)?)$/i.exec(p);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p) ? Number(p) : null;
}

/** Is `answer` the number `exact`, within the stated tolerance? Lists compare elementwise. */
export function matches(answer, exact) {
  if (answer === null || exact === null || exact === undefined) return false;
  const a = flatten(answer);
  const b = flatten(exact).map(toNumber);
  return a.length === b.length && a.every((x, n) => near(x, b[n]));
}

function near(x, y) {
  if (!Number.isFinite(y)) return x === y;
  if (Math.abs(x - y) <= REL_TOL * Math.abs(y) || Math.abs(x - y) < 1e-12) return true;
  return y !== 0 && x === Number(y.toPrecision(2));
}

const times = (a, b) => (Array.isArray(b) ? flatten(b).map((x) => toNumber(a) * x) : toNumber(a) * toNumber(b));
const negate = (v) => (Array.isArray(v) ? flatten(v).map((x) => -toNumber(x)) : -toNumber(v));

// A unary op's derivative as a function of its input: what the local is when
// evaluated at the right place, and what it becomes at the wrong one.
const DERIV = {
  sin: Math.cos, cos: (x) => -Math.sin(x), exp: Math.exp, log: (x) => 1 / x,
  sqrt: (x) => 0.5 / Math.sqrt(x),
  tanh: (x) => 1 - Math.tanh(x) ** 2,
  sigmoid: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); },
};
// Ops whose local is written with the output (σ(1 − σ), 1 − tanh², exp):
// the slip is to put the input in the output's place.
const BY_OUTPUT = { sigmoid: (x) => x * (1 - x), tanh: (x) => 1 - x * x, exp: (x) => x };

/** Locals a learner gets by mixing up an input's value with the output's
 * (or, for mul, with the other factor's): each with what it says. */
export function swappedLocals(q, m) {
  const { node, slot } = q;
  const ins = node.inputs.map((id) => m.byId.get(id));
  const x = ins[slot]?.value;
  const y = node.value;
  if (typeof x !== "number" || typeof y !== "number") return [];
  const out = [];
  if (node.op === "mul" && ins.length === 2 && typeof ins[1 - slot].value === "number") {
    out.push({ local: x, why: "own" }); // ∂(a·b)/∂a taken as a, not b
  } else if (node.op === "pow" && ins[1].kind === "const" && slot === 0) {
    const c = ins[1].value;
    out.push({ local: c * y ** (c - 1), why: "output" });
  } else if (DERIV[node.op]) {
    out.push({ local: DERIV[node.op](y), why: "output" });
    if (BY_OUTPUT[node.op]) out.push({ local: BY_OUTPUT[node.op](x), why: "input-for-output" });
  }
  return out.filter((s) => Number.isFinite(s.local));
}

/** Check an answer to question q. {correct, slip, alt}: slip is one of
 * "sign", "fanout", "upstream", "output", "count" (too few or many values
 * for a tensor), "unreadable" or "unknown"; alt says more for "output". */
export function diagnose(m, q, answer) {
  if (answer === null) return { correct: false, slip: "unreadable" };
  const c = q.contribution;
  if (flatten(answer).length !== flatten(c).length) return { correct: false, slip: "count" };
  if (matches(answer, c)) return { correct: true, slip: null };
  const isZero = flatten(c).every((v) => toNumber(v) === 0);
  if (!isZero && matches(answer, negate(c))) return { correct: false, slip: "sign" };
  if (q.earlier > 0 && matches(answer, q.gradAfter)) return { correct: false, slip: "fanout" };
  const upIsOne = flatten(q.upstream).every((v) => toNumber(v) === 1);
  if (q.local !== null && !upIsOne && matches(answer, q.local)) return { correct: false, slip: "upstream" };
  if (q.local !== null && !Array.isArray(q.local)) {
    for (const s of swappedLocals(q, m)) {
      if (matches(s.local, q.local)) continue; // the swap gives the same number here: no slip to name
      if (matches(answer, times(q.upstream, s.local)) || (!upIsOne && matches(answer, s.local))) {
        return { correct: false, slip: "output", alt: s };
      }
    }
  }
  return { correct: false, slip: "unknown" };
}

/** Check the optional local-derivative answer: {correct, slip}. */
export function diagnoseLocal(q, answer) {
  if (answer === null) return { correct: false, slip: "unreadable" };
  if (q.local === null) return { correct: true, slip: null };
  if (matches(answer, q.local)) return { correct: true, slip: null };
  if (!matches(q.local, 0) && matches(answer, negate(q.local))) return { correct: false, slip: "sign" };
  if (matches(answer, q.contribution)) return { correct: false, slip: "multiplied" };
  return { correct: false, slip: "unknown" };
}

/** The score as the URL keeps it: "right/done" (steps right first try / steps answered). */
export function scoreText(score) {
  return `${score.right}/${score.done}`;
}

export function parseScore(text) {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? "");
  if (!m || Number(m[1]) > Number(m[2])) return null;
  return { right: Number(m[1]), done: Number(m[2]) };
}
