// The path view: every path from the output to the chosen leaf, each with the
// product of its local derivatives; their sum is the leaf's gradient.
import { d3 } from "../lib.js";
import { pathsTo } from "../paths.js";
import { num, term, raw, clip } from "../format.js";
import { gradName } from "../notation.js";
import { entry } from "../tensor-worked.js";
import { indicesOf, valueAt } from "../tensor-format.js";

/** The trace's own share of each path ({nodes, slots} → contribution), for
 * paths that cross tensor edges, where the local derivatives are not numbers. */
function tracedShares(m, leaf) {
  const out = new Map();
  for (const p of m.trace.paths ?? []) if (p.leaf === leaf) out.set(`${p.nodes.join(" ")}|${p.slots.join(" ")}`, p.contribution);
  return out;
}

function pathKey(m, p) {
  return `${[m.outputId, ...p.edges.map((e) => e.to)].join(" ")}|${p.edges.map((e) => e.edgeId.split("#")[1]).join(" ")}`;
}

function firstNonzero(grad, shape) {
  const all = indicesOf(shape);
  return all.find((ix) => { const v = valueAt(grad, ix); return typeof v === "number" && v !== 0; }) ?? all[0];
}

let chosenEntry = null; // {leaf, index}: the entry the path view shows, kept across steps

export function renderPaths(el, m, leaf, { onClose, onFocusPath } = {}) {
  const root = d3.select(el);
  root.selectAll("*").remove();
  const node = m && leaf ? m.nodes.find((n) => n.kind === "leaf" && n.label === leaf) : null;
  el.hidden = !node;
  if (!node) {
    el.removeAttribute("data-path-count");
    return null;
  }
  const r = pathsTo(m, node.id);
  el.setAttribute("data-path-count", String(r.count));
  el.setAttribute("data-leaf", leaf);
  const head = root.append("div").attr("class", "paths-head");
  head.append("h2").attr("id", "paths-heading").text(`Every path from L to ${clip(leaf, 20)}: ${r.count.toLocaleString("en")} path${r.count === 1 ? "" : "s"}`);
  head.append("button").attr("type", "button").attr("class", "paths-close").attr("aria-label", "Close the path view").text("×").on("click", () => onClose?.());
  const hint = root.append("p").attr("class", "hint").text(`∂L/∂${leaf} adds up, over every path from the output to ${leaf}, the product of the local derivatives on its edges (the × badges). The path starts at ∂L/∂L = 1.`);
  const grad = m.trace.gradients[leaf];
  if (r.count === 0) {
    root.append("p").attr("class", "muted").text(`No path reaches ${leaf}: the output does not use it, so its gradient is 0.`);
    return { edges: new Set(), nodes: new Set([node.id]), leaf: node.id };
  }
  const onPath = { edges: new Set(), nodes: new Set([m.outputId, node.id]), leaf: node.id };
  const shares = tracedShares(m, leaf);
  const tensorPaths = r.paths && r.paths.some((p) => p.product === null) && shares.size > 0;
  if (tensorPaths) hint.text(`∂L/∂${leaf} adds up, over every path from the output to ${leaf}, that path's share: ∂L/∂L = 1 pushed back along the path's edges alone, each applying its op's backward rule.`);
  if (tensorPaths) return tensorPathList(root, el, m, node, leaf, r, shares, onPath, { onClose, onFocusPath });
  if (r.paths) {
    const list = root.append("ol").attr("class", "path-list");
    for (const p of r.paths) {
      for (const e of p.edges) { onPath.edges.add(e.edgeId); onPath.nodes.add(e.from); onPath.nodes.add(e.to); }
      const li = list.append("li").attr("class", "path").attr("data-path", p.edges.map((e) => e.edgeId).join(" "))
        .attr("data-product", p.product === null ? null : raw(p.product));
      li.on("mouseenter focusin", () => onFocusPath?.(p)).on("mouseleave focusout", () => onFocusPath?.(null)).attr("tabindex", 0);
      const route = ["L", ...p.edges.map((e) => gradName(m.byId.get(e.to), m))];
      li.append("p").attr("class", "route").text(route.map((s) => clip(s, 18)).join(" → "));
      const eq = li.append("p").attr("class", "product");
      eq.append("span").attr("class", "factor-one").attr("title", "∂L/∂L: where every path starts").text("1");
      for (const e of p.edges) {
        eq.append("span").attr("class", "op").text(" · ");
        // Each factor is one edge's local derivative: its formula where it has one (TEACHING.md).
        const formula = e.e.local_formula.replace(/\*\*2\b/g, "²").replace(/\*/g, "·").replace(/-/g, "−");
        const plain = Number.isFinite(Number(formula.replace("−", "-")));
        eq.append("span").attr("class", "pf").attr("title", `local derivative of ${gradName(m.byId.get(e.from), m)} with respect to ${gradName(m.byId.get(e.to), m)}`)
          .text(e.local === null ? `[${formula}]` : plain ? term(e.local) : `(${clip(formula, 22)} = ${num(e.local)})`);
      }
      eq.append("span").attr("class", "op").text(" = ");
      eq.append("strong").text(p.product === null ? "(tensor: Jacobians, not numbers)" : num(p.product));
    }
    const total = root.append("p").attr("class", "paths-total");
    const scalar = r.paths.every((p) => p.product !== null);
    total.text(scalar
      ? `Sum over ${r.paths.length} path${r.paths.length === 1 ? "" : "s"}: ${r.paths.map((p) => term(p.product)).join(" + ")} = ${num(grad)} = ∂L/∂${leaf}`
      : `∂L/∂${leaf} = ${num(grad)}: the sum of the ${r.paths.length} paths' contributions`);
  } else {
    root.append("p").attr("class", "muted").text(`Too many paths to list: grouped by the edge that reaches ${leaf} last. Each group adds up to that edge's contribution (upstream × local).`);
    const list = root.append("ul").attr("class", "path-groups");
    for (const g of r.groups) {
      onPath.edges.add(g.edge.edgeId);
      onPath.nodes.add(g.edge.from);
      list.append("li").attr("class", "path-group").attr("data-group", g.edge.edgeId).attr("data-count", String(g.count))
        .text(`${g.count.toLocaleString("en")} paths through ${clip(gradName(m.byId.get(g.edge.from), m), 24)} → ${leaf}: sum ${num(g.edge.e.contribution)}`);
    }
    root.append("p").attr("class", "paths-total").text(`Their sum: ∂L/∂${leaf} = ${num(grad)}`);
  }
  return onPath;
}

/** Paths through tensor edges, for one entry of the leaf: each path's share of
 * that entry (the trace's `paths`), and their sum, that entry's gradient. */
function tensorPathList(root, el, m, node, leaf, r, shares, onPath, { onClose, onFocusPath }) {
  const shape = node.shape ?? [];
  const grad = m.trace.gradients[leaf];
  if (!chosenEntry || chosenEntry.leaf !== leaf || chosenEntry.index.length !== shape.length) {
    chosenEntry = { leaf, index: shape.length ? firstNonzero(grad, shape) : [] };
  }
  const index = chosenEntry.index;
  const name = `∂L/∂${entry(leaf, index)}`;
  el.setAttribute("data-entry", index.join(","));
  if (shape.length) {
    const pick = root.append("p").attr("class", "paths-entry");
    pick.append("span").text(`${leaf} is a tensor of shape (${shape.join(", ")}${shape.length === 1 ? "," : ""}): the paths are followed for one entry at a time. Entry`);
    const sel = pick.append("select").attr("data-paths-entry", "").attr("aria-label", `entry of ${leaf} to follow`);
    sel.selectAll("option").data(indicesOf(shape).slice(0, 4096)).join("option").attr("value", (d) => d.join(","))
      .property("selected", (d) => d.join(",") === index.join(",")).text((d) => `[${d.join(", ")}]`);
    sel.on("change", () => {
      chosenEntry = { leaf, index: sel.property("value").split(",").map(Number) };
      renderPaths(el, m, leaf, { onClose, onFocusPath }); // the same paths: only the numbers change
      el.querySelector("select[data-paths-entry]")?.focus();
    });
  }
  const list = root.append("ol").attr("class", "path-list");
  const parts = [];
  for (const p of r.paths) {
    for (const e of p.edges) { onPath.edges.add(e.edgeId); onPath.nodes.add(e.from); onPath.nodes.add(e.to); }
    const c = shares.get(pathKey(m, p));
    const share = c === undefined ? null : shape.length ? valueAt(c, index) : c;
    parts.push(share);
    const li = list.append("li").attr("class", "path").attr("data-path", p.edges.map((e) => e.edgeId).join(" "))
      .attr("data-entry-share", share === null ? null : raw(share)).attr("tabindex", 0);
    li.on("mouseenter focusin", () => onFocusPath?.(p)).on("mouseleave focusout", () => onFocusPath?.(null));
    const route = ["L", ...p.edges.map((e) => gradName(m.byId.get(e.to), m))];
    li.append("p").attr("class", "route").text(route.map((s) => clip(s, 18)).join(" → "));
    const eq = li.append("p").attr("class", "product");
    // Each step: the op's backward rule (its shapes), applied to the upstream from the step above.
    eq.append("span").attr("class", "muted").text(`1 pushed back through ${p.edges.map((e) => m.byId.get(e.from).op).join(" → ")}, then read at ${entry(leaf, index)}: `);
    eq.append("strong").attr("class", "entry-share").text(share === null ? "?" : num(share));
  }
  const total = root.append("p").attr("class", "paths-total");
  const g = shape.length ? valueAt(grad, index) : grad;
  total.attr("data-value", raw(g)).text(parts.length > 1
    ? `Sum over ${parts.length} paths at ${entry(leaf, index)}: ${parts.map((v) => term(v)).join(" + ")} = ${num(g)} = ${name}`
    : `One path: its share is all of ${name} = ${num(g)}`);
  root.append("p").attr("class", "hint").text("Each edge applies its op's backward rule (the ledger's \"rule\" line) to the whole upstream tensor; the number is the path's result at this entry.");
  return onPath;
}
