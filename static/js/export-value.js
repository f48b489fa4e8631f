// The traced program as chainrule.Value code, in evaluation order: leaves as
// Value/Tensor, a statement per named node, unnamed nodes used once inline.
// Run it and chainrule.show() gives back the same step-through (the trace's
// values are the leaves' values, so values given beside the program are in).

const SYMBOL = { add: "+", sub: "-", mul: "*", div: "/", pow: "**", matmul: "@" };
const METHOD = {
  exp: "exp", log: "log", sqrt: "sqrt", sin: "sin", cos: "cos", tanh: "tanh",
  sigmoid: "sigmoid", relu: "relu", abs: "abs", sum: "sum", mean: "mean",
  softmax: "softmax", log_softmax: "log_softmax", max: "maximum", min: "minimum",
  cross_entropy: "cross_entropy", mse: "mse",
};

/** A number or nested list from the trace as a Python literal. */
function literal(v) {
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  if (v === "NaN") return 'float("nan")';
  if (v === "Infinity") return 'float("inf")';
  if (v === "-Infinity") return 'float("-inf")';
  const text = String(v);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

const PREC = { add: 1, sub: 1, mul: 2, div: 2, matmul: 2, neg: 3, pow: 4 };
const ATOM = 5;

export function asValueCode(trace) {
  const nodes = trace.nodes;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const uses = new Map();
  for (const n of nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) || 0) + 1);
  const expr = new Map(); // id -> [python text, precedence]
  const lines = [];
  let tensors = false;
  let numpy = false;
  let fresh = 0;
  const taken = new Set(nodes.map((n) => n.label).filter(Boolean));
  const newName = () => {
    do fresh += 1; while (taken.has(`t${fresh}`));
    return `t${fresh}`;
  };
  // A constant written in place (a tensor as a numpy array, so `[1, 2] + x`
  // does not concatenate lists); a negative number binds like unary minus.
  const constant = (n) => {
    if (n.shape.length) { numpy = true; return [`np.array(${literal(n.value)})`, ATOM]; }
    const text = literal(n.value);
    return [text, text.startsWith("-") ? PREC.neg : ATOM];
  };
  const operand = (id, need) => {
    const [text, prec] = expr.get(id) || constant(byId.get(id));
    return prec >= need ? text : `(${text})`;
  };
  for (const n of nodes) {
    if (n.kind === "const") continue;
    const label = n.label && /^[A-Za-z_]\w*$/.test(n.label) ? n.label : null;
    if (n.kind === "leaf") {
      const kind = n.shape.length ? "Tensor" : "Value";
      tensors ||= kind === "Tensor";
      const name = label || newName();
      lines.push(`${name} = ${kind}(${literal(n.value)}, label=${JSON.stringify(name)})`);
      expr.set(n.id, [name, ATOM]);
        continue;
    }
    const [a, b] = n.inputs;
    let text;
    let prec = ATOM;
    if (n.op === "pow") {
      [text, prec] = [`${operand(a, ATOM)}**${operand(b, PREC.neg)}`, PREC.pow];
    } else if (SYMBOL[n.op]) {
      prec = PREC[n.op];
      const space = prec === 1 ? " " : "";
      text = `${operand(a, prec)}${space}${SYMBOL[n.op]}${space}${operand(b, prec + 1)}`;
    } else if (n.op === "neg") {
      [text, prec] = [`-${operand(a, PREC.neg + 1)}`, PREC.neg];
    } else if (METHOD[n.op]) {
      const rest = n.inputs.slice(1).map((i) => operand(i, 0)).join(", ");
      text = `${receiver(a)}.${METHOD[n.op]}(${rest})`;
    } else {
      throw new Error(`no Python form for the op ${n.op}`);
    }
    const inline = !label && uses.get(n.id) === 1 && n.id !== trace.output && text.length <= 60;
    if (inline) { expr.set(n.id, [text, prec]); continue; }
    const name = label || newName();
    lines.push(`${name} = ${text}`);
    expr.set(n.id, [name, ATOM]);
  }
  const out = expr.get(trace.output)[0];
  const leaves = nodes.filter((n) => n.kind === "leaf").map((n) => expr.get(n.id)[0]);
  return [
    "# The program as chainrule.Value code (pip install chainrule; run it in Python or Jupyter)",
    "import chainrule",
    `from chainrule import ${tensors ? "Tensor, Value" : "Value"}`,
    ...(numpy ? ["import numpy as np"] : []),
    "",
    ...lines,
    "",
    `${out}.backward()`,
    `print({${leaves.map((l) => `${JSON.stringify(l)}: ${l}.grad`).join(", ")}})`,
    `chainrule.show(${out})`,
    "",
  ].join("\n");

  // A method on a constant needs a recorded value to call it on: the
  // constant becomes a Value (a leaf, so it gets a gradient it did not have).
  function receiver(id) {
    if (expr.has(id)) return operand(id, ATOM);
    const n = byId.get(id);
    return n.shape.length ? `chainrule.Tensor(${literal(n.value)})` : `Value(${literal(n.value)})`;
  }
}
