// How the page writes a node: its name, its operation over its inputs' names,
// and the three things the ledger keeps apart (local derivative, contribution,
// gradient). Text only: every number comes from the trace.
import { num, clip } from "./format.js";

const INFIX = { add: "+", sub: "−", mul: "·", div: "/", matmul: "@" };
const FN = { sigmoid: "σ", log_softmax: "log_softmax", cross_entropy: "cross_entropy" };
const SUPER = { 2: "²", 3: "³" };
const SIMPLE = /^[A-Za-z_][A-Za-z_0-9]*$|^[\d.]+$|^\(.*\)$/;

/** How an input is named inside another node's expression. `short`: an
 * unnamed op input is "(…)" (the graph's box), else its source text. */
export function inputName(m, id, { short = false, max = 24 } = {}) {
  const n = m.byId.get(id);
  if (n.kind === "const") return n.label ?? num(n.value);
  if (n.label) return clip(n.label, max);
  if (short) return "(…)";
  // Between tensors, * is entry by entry: ⊙, so it never reads as a dot product.
  const times = n.shape?.length ? "⊙" : "·";
  const t = clip(n.text || n.op, max).replace(/-/g, "−").replace(/\*\*2\b/g, "²").replace(/\*/g, times);
  return SIMPLE.test(t) ? t : `(${t})`;
}

const bare = (s) => (s.startsWith("(") && s.endsWith(")") ? s.slice(1, -1) : s);

/** The node's operation over its inputs: `(…)²`, `w·x`, `σ(h)`. */
export function opExpr(node, m, opts = {}) {
  const ins = node.inputs.map((id) => inputName(m, id, opts));
  const [a, b] = ins;
  if (node.op === "mul" && node.shape?.length) return `${a} ⊙ ${b}`; // elementwise, not a dot product
  if (INFIX[node.op]) return `${a} ${INFIX[node.op]} ${b}`;
  if (node.op === "pow") {
    const e = m.byId.get(node.inputs[1]);
    return e.kind === "const" && SUPER[e.value] ? `${a}${SUPER[e.value]}` : `${a}^${b}`;
  }
  if (node.op === "neg") return `−${a}`;
  const fn = FN[node.op] ?? node.op;
  return `${fn}(${ins.map(bare).join(", ")})`;
}

/** The name of a node in ∂L/∂name: L for the output, its label, or its text. */
export function gradName(node, m) {
  if (node.id === m.outputId) return "L";
  if (node.label) return clip(node.label, 24);
  return inputName(m, node.id);
}

/** The node's title in the graph: name and operation together. */
export function nodeTitle(node, m) {
  if (node.kind === "leaf") return node.label ?? node.op;
  if (node.kind === "const") return node.label ?? num(node.value);
  const expr = opExpr(node, m, { short: true, max: 10 });
  return node.label ? `${node.label} = ${expr}` : expr;
}

/** ∂(node's expression)/∂(input), marking which slot when an input is used twice. */
export function localSymbol(node, m, slot) {
  const expr = opExpr(node, m);
  const id = node.inputs[slot];
  const twice = node.inputs.filter((i) => i === id).length > 1;
  const which = twice ? (slot === 0 ? " (first factor)" : " (second factor)") : "";
  return { text: `∂(${expr})/∂${inputName(m, id)}`, which };
}

export const shapeOf = (shape) => (shape && shape.length ? `(${shape.join(", ")}${shape.length === 1 ? "," : ""})` : "scalar");
