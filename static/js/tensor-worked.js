// One entry of a tensor edge's contribution worked out, for any entry the
// reader selects: the same rules and wording as the engine's `explain.worked`
// (engine/explain/tensor_text.py), from the trace's own numbers. Pure data.

import { fanIn } from "./model.js";

const MINUS = "\u2212";
const SUB = "₀₁₂₃₄₅₆₇₈₉";
const MAX_TERMS = 12;

/** Python's f"{v:.4g}" with ".0" on whole numbers and a true minus: the engine's `number`. */
export function number(v) {
  if (typeof v === "string") return v === "NaN" ? "nan" : v === "Infinity" ? "inf" : MINUS + "inf";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : `${MINUS}inf`;
  if (v === 0) return "0.0"; // −0 too: a relu that blocks has no sign
  const [mant, e] = v.toExponential(3).split("e");
  const exp = Number(e);
  let s;
  if (exp < -4 || exp >= 4) s = `${strip(mant)}e${exp}`;
  else {
    s = strip(v.toFixed(Math.max(0, 3 - exp)));
    if (!s.includes(".")) s += ".0";
  }
  return s.replace("-", MINUS);
}

function strip(s) {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** A number inside a product: negatives in parentheses. */
export function factor(v) {
  const s = number(v);
  return s.startsWith(MINUS) ? `(${s})` : s;
}

const simple = (name) => /^[A-Za-z_][A-Za-z_0-9]*$/.test(name) || name === "g";

/** A₀₁ for a simple name and one-digit indices, else A[10, 2]. */
export function entry(name, index) {
  if (!index.length) return name;
  if (index.every((i) => i < 10) && simple(name)) return name + index.map((i) => SUB[i]).join("");
  return `${name}[${index.join(", ")}]`;
}

function join(terms) {
  if (terms.length <= MAX_TERMS) return terms.join(" + ");
  return `${terms.slice(0, 3).join(" + ")} + … + ${terms[terms.length - 1]} (${terms.length} terms)`;
}

export function shapeOfValue(v) {
  const s = [];
  for (let x = v; Array.isArray(x); x = x[0]) s.push(x.length);
  return s;
}

const at = (v, index) => index.reduce((x, i) => x[i], v);
const num = (x) => (typeof x === "string" ? Number(x === "NaN" ? NaN : x === "Infinity" ? Infinity : -Infinity) : x);

/** v (of shape `shape`) read at position p of the broadcast shape `product`. */
function broadcastAt(v, shape, product, p) {
  if (!Array.isArray(v)) return num(v);
  const lead = product.length - shape.length;
  return num(at(v, shape.map((n, i) => (n === 1 ? 0 : p[lead + i]))));
}

function* positions(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < n; flat++) {
    const p = [];
    let r = flat;
    for (let i = shape.length - 1; i >= 0; i--) { p.unshift(r % shape[i]); r = Math.floor(r / shape[i]); }
    yield p;
  }
}

function sym(name, index, share) {
  const target = `∂L/∂${entry(name, index)}`;
  return share ? `the contribution to ${target}` : target;
}

/** `@`, input slot k: ∂L/∂A[i, p] = Σ_j g[i, j]·B[p, j] or ∂L/∂B[p, j] = Σ_i A[i, p]·g[i, j]. */
export function matmulWorked(k, an, bn, a, b, g, index, share = false) {
  const sa = shapeOfValue(a), sb = shapeOfValue(b);
  if (sa.length > 2 || sb.length > 2) return null;
  const a2 = sa.length === 1 ? [a] : a;
  const b2 = sb.length === 1 ? b.map((x) => [x]) : b;
  const m = a2.length, n = b2[0].length;
  const g2 = sa.length === 1 && sb.length === 1 ? [[g]] : sa.length === 1 ? [g] : sb.length === 1 ? g.map((x) => [x]) : g;
  const aIx = (i, p) => (sa.length === 1 ? [p] : [i, p]);
  const bIx = (p, j) => (sb.length === 1 ? [p] : [p, j]);
  const gIx = (i, j) => [...(sa.length > 1 ? [i] : []), ...(sb.length > 1 ? [j] : [])];
  const syms = [], nums = [];
  let total = 0;
  if (k === 0) {
    const [i, p] = sa.length === 1 ? [0, index[0]] : index;
    for (let j = 0; j < n; j++) {
      const gv = num(g2[i][j]), bv = num(b2[p][j]);
      syms.push(`${entry("g", gIx(i, j))}·${entry(bn, bIx(p, j))}`);
      nums.push(`${factor(gv)}·${factor(bv)}`);
      total += gv * bv;
    }
  } else {
    const [p, j] = sb.length === 1 ? [index[0], 0] : index;
    for (let i = 0; i < m; i++) {
      const av = num(a2[i][p]), gv = num(g2[i][j]);
      syms.push(`${entry(an, aIx(i, p))}·${entry("g", gIx(i, j))}`);
      nums.push(`${factor(av)}·${factor(gv)}`);
      total += av * gv;
    }
  }
  return { entry: index, text: `${sym(k === 0 ? an : bn, index, share)} = ${join(syms)} = ${join(nums)} = ${number(total)}`, value: total };
}

/** An elementwise edge (and the sum that undoes a broadcast): Σ over the
 * output entries this input entry was copied to, of g × local. */
export function elementwiseWorked(name, index, xShape, g, local, contribution, share = false) {
  const gShape = shapeOfValue(g), lShape = shapeOfValue(local);
  const n = Math.max(gShape.length, lShape.length);
  const product = [];
  for (let i = 0; i < n; i++) product.push(Math.max(gShape[gShape.length - n + i] ?? 1, lShape[lShape.length - n + i] ?? 1));
  const lead = product.length - xShape.length;
  const constant = !Array.isArray(local);
  const syms = [], nums = [];
  const ps = [...positions(product)].filter((p) => xShape.every((d, i) => d === 1 || p[lead + i] === index[i]));
  const lc = constant ? num(local) : null;
  const lt = constant ? `(${lc === 1 ? "1" : lc === -1 ? `${MINUS}1` : number(lc)})` : null;
  for (const p of ps) {
    const gv = broadcastAt(g, gShape, product, p);
    if (constant && lc === 1) {
      syms.push(entry("g", p));
      nums.push(ps.length > 1 ? factor(gv) : number(gv));
    } else if (constant) {
      syms.push(`${entry("g", p)}·${lt}`);
      nums.push(`${factor(gv)}·${lt}`);
    } else {
      syms.push(`${entry("g", p)}·${entry("local", p)}`);
      nums.push(`${factor(gv)}·${factor(broadcastAt(local, lShape, product, p))}`);
    }
  }
  const value = Array.isArray(contribution) ? num(at(contribution, index)) : num(contribution);
  const shown = [join(syms), join(nums), number(value)];
  if (shown[1] === shown[2]) shown.splice(1, 1);
  return { entry: index, text: `${sym(name, index, share)} = ${shown.join(" = ")}`, value };
}

/** A reduction: every entry gets the upstream (× 1/n for mean). */
export function reductionWorked(op, name, index, xShape, g, contribution, share = false) {
  const n = xShape.reduce((a, b) => a * b, 1);
  const value = Array.isArray(contribution) ? num(at(contribution, index)) : num(contribution);
  const up = number(num(g));
  return { entry: index, text: `${sym(name, index, share)} = ${up} × ${op === "mean" ? `1/${n}` : "1"} = ${number(value)}`, value };
}

const SIMPLE = /^-?[\w.]+$/;

/** How the engine names a node inside a formula: its label, or its text in brackets. */
export function formulaName(n) {
  if (n.label) return n.label;
  return SIMPLE.test(n.text) ? n.text : `(${n.text})`;
}

/** The worked entry of trace edge `e` (step `st` at `node`) for `index`, or null
 * where only the engine's text applies (softmax family, batched @). */
export function workedAt(m, node, st, e, slot, index) {
  const names = node.inputs.map((id) => formulaName(m.byId.get(id)));
  const input = m.byId.get(e.to);
  const share = fanIn(m, e.to) > 1;
  const name = names[slot];
  const rule = e.explain?.rule;
  if (rule === "matmul") {
    const [a, b] = node.inputs.map((id) => m.byId.get(id).value);
    return matmulWorked(slot, names[0], names[1], a, b, st.grad, index, share);
  }
  if (rule === "sum" || rule === "mean") return reductionWorked(rule, name, index, input.shape, st.grad, e.contribution, share);
  if (rule === "elementwise" || rule === "broadcast") return elementwiseWorked(name, index, input.shape, st.grad, e.local, e.contribution, share);
  return null;
}
