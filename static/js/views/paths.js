// The path view: every path from the output to the chosen leaf, each with the
// product of its local derivatives; their sum is the leaf's gradient.
import { d3 } from "../lib.js";
import { pathsTo } from "../paths.js";
import { num, term, raw, clip } from "../format.js";
import { gradName } from "../notation.js";

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
  root.append("p").attr("class", "hint").text(`∂L/∂${leaf} adds up, over every path from the output to ${leaf}, the product of the local derivatives on its edges (the × badges). The path starts at ∂L/∂L = 1.`);
  const grad = m.trace.gradients[leaf];
  if (r.count === 0) {
    root.append("p").attr("class", "muted").text(`No path reaches ${leaf}: the output does not use it, so its gradient is 0.`);
    return { edges: new Set(), nodes: new Set([node.id]), leaf: node.id };
  }
  const onPath = { edges: new Set(), nodes: new Set([m.outputId, node.id]), leaf: node.id };
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
