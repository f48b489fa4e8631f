// The chain-rule ledger: the active step in words and numbers.
// Every piece of user text goes in with .text(); terms link to their edges.
import { d3 } from "../lib.js";
import { activeAt, contributionsUpTo, fanIn, nodeName, edgeIds } from "../model.js";
import { num, term, clip, shapeText } from "../format.js";

const d = (name) => `∂${clip(name, 26)}`;
const L = "L";

export function renderLedger(el, model, step, { onFocusEdge } = {}) {
  const root = d3.select(el);
  root.selectAll("*").remove();
  if (!model) {
    root.append("p").attr("class", "muted").text("Build a graph, then step through it: forward to compute values, backward to push gradients.");
    return;
  }
  const a = activeAt(model, step);
  if (a.phase === "start") {
    root.append("p").attr("class", "muted").text(`Nothing is evaluated yet. Press → to run the forward pass (${model.F} steps), then the backward pass (${model.B} steps).`);
    return;
  }
  const node = model.byId.get(a.id);
  const name = nodeName(node, model);
  if (a.phase === "forward") forwardStep(root, model, node, name);
  else backwardStep(root, model, node, name, a.step, step, onFocusEdge);
  for (const w of node.warnings || []) root.append("p").attr("class", "warning").text(`⚠ ${w}`);
}

function forwardStep(root, model, node, name) {
  const head = root.append("p").attr("class", "ledger-head");
  head.append("span").attr("class", "badge forward").text("forward");
  if (node.kind === "leaf") head.append("span").text(` ${name} is a leaf: an input or parameter.`);
  else if (node.kind === "const") head.append("span").text(` ${node.label ?? node.text} is a constant: it takes no gradient.`);
  else head.append("span").text(` compute ${clip(node.text || name, 40)}`);
  const eq = root.append("p").attr("class", "eq");
  const inputs = node.inputs.map((i) => model.byId.get(i));
  if (inputs.length) {
    const shown = (i) => (i.kind === "const" ? i.label ?? num(i.value) : `${clip(nodeName(i, model), 20)} = ${num(i.value)}`);
    eq.append("span").text(inputs.map(shown).join(",  "));
    eq.append("span").attr("class", "arrow").text("  ⟹  ");
  }
  eq.append("span").attr("class", "result").text(`${node.id === model.outputId ? `L = ${node.label ?? "output"}` : clip(name, 30)} = ${num(node.value)}`);
  if (node.shape?.length) eq.append("span").attr("class", "muted").text(`  ${shapeText(node.shape)}`);
}

function backwardStep(root, model, node, name, st, step, onFocusEdge) {
  const head = root.append("p").attr("class", "ledger-head");
  head.append("span").attr("class", "badge backward").text("backward");
  if (node.id === model.outputId) head.append("span").text(` ∂L/∂L = ${num(st.grad)}: the backward pass starts from the output.`);
  else head.append("span").text(` ∂L/${d(name)} = ${num(st.grad)} is complete; push it into the inputs.`);
  const ids = edgeIds(node, st.edges);
  st.edges.forEach((e, i) => edgeRow(root, model, node, name, st, e, ids[i], step, onFocusEdge));
  if (!st.edges.length) root.append("p").attr("class", "muted").text("No input of this node takes a gradient.");
}

function edgeRow(root, model, node, name, st, e, edgeId, step, onFocusEdge) {
  const input = model.byId.get(e.to);
  const inName = nodeName(input, model);
  const row = root.append("div").attr("class", "ledger-row").attr("data-edge", edgeId).attr("data-to", e.to);
  row.on("mouseenter", () => onFocusEdge?.(edgeId)).on("mouseleave", () => onFocusEdge?.(null));
  const tensor = Array.isArray(e.contribution) || Array.isArray(st.grad);
  const times = tensor ? " ⊙ " : " × ";
  const eq = row.append("p").attr("class", "eq");
  if (e.local === null) {
    eq.text(`∂${L}/${d(inName)} ⇐ ${clip(e.local_formula, 60)} = ${num(e.contribution)}`);
  } else {
    eq.text(`∂${L}/${d(inName)} = ∂${L}/${d(name)} · ${d(name)}/${d(inName)} = ${term(st.grad)}${times}${term(e.local)} = ${num(e.contribution)}`);
    row.append("p").attr("class", "local").text(`local derivative ${d(name)}/${d(inName)} = ${clip(e.local_formula, 60)}`);
  }
  const total = fanIn(model, e.to);
  if (total < 2) return;
  const got = contributionsUpTo(model, e.to, step);
  const sum = row.append("p").attr("class", "sum").attr("data-node", e.to);
  sum.append("span").text(`∂${L}/${d(inName)} = `);
  got.forEach((ev, i) => {
    if (i) sum.append("span").text(" + ");
    sum.append("button").attr("type", "button").attr("class", `term${ev.edgeId === edgeId ? " is-new" : ""}`)
      .attr("data-edge", ev.edgeId).attr("data-contribution", JSON.stringify(ev.contribution))
      .attr("title", `from ${clip(nodeName(model.byId.get(ev.from), model), 30)}`)
      .text(`(${num(ev.contribution)})`)
      .on("click focus mouseenter", () => onFocusEdge?.(ev.edgeId))
      .on("blur mouseleave", () => onFocusEdge?.(null));
  });
  sum.append("span").text(` = ${num(e.grad_after)}`);
  const note = got.length < total ? `  (${got.length} of ${total} contributions so far: +=)` : `  (all ${total} contributions: complete)`;
  sum.append("span").attr("class", "muted").text(note);
}
