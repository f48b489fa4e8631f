// The step-through without sight: one sentence per step for a polite live
// region, a table of every node with its value and gradient at this step, and
// a spoken label on each graph node. Every number comes from the trace.
import { activeAt, nodeName, shownAt } from "../model.js";
import { num } from "../format.js";
import { isSmallTensor, tensorText } from "../tensor-format.js";
import { d3 } from "../lib.js";


/** "Backward step 3 of 4: ∂L/∂w += upstream −6.0 × local 3.0 = −18.0". */
export function stepSentence(m, k) {
  if (!m) return "";
  if (k <= 0) return `Start: nothing evaluated yet. ${m.F} forward and ${m.B} backward steps; press → to step.`;
  const a = activeAt(m, k);
  const node = m.byId.get(a.id);
  const name = nodeName(node, m);
  if (a.phase === "forward") {
    return `Forward step ${k} of ${m.F}: ${name} = ${num(node.value)}.`;
  }
  const j = k - m.F;
  const head = `Backward step ${j} of ${m.B}`;
  const seed = j === 1 ? " The pass starts with ∂L/∂L = 1." : "";
  const parts = a.step.edges.map((e) => {
    const input = nodeName(m.byId.get(e.to), m);
    const local = e.local === null || e.local === undefined ? "the local derivative" : `local ${num(e.local)}`;
    return `∂L/∂${input} += upstream ${num(a.step.grad)} × ${local} = ${num(e.contribution)}, `
      + `total so far ${num(e.grad_after)}`;
  });
  return `${head}: at ${name}.${seed} ${parts.join("; ")}.`;
}

export function renderAnnouncement(el, m, k) {
  const text = stepSentence(m, k);
  if (el.textContent !== text) el.textContent = text;
}

/** The graph as a table: node, operation, value and gradient at step k. */
export function renderNodeTable(table, m, k) {
  const rows = m ? m.nodes : [];
  d3.select(table).select("tbody").selectAll("tr").data(rows, (n) => n.id).join("tr")
    .attr("data-node", (n) => n.id)
    .each(function (n) {
      const shown = shownAt(m, n, k);
      const cells = [nodeName(n, m), n.kind === "op" ? n.text || n.op : n.kind,
        shown.value === undefined ? "not yet" : isSmallTensor(shown.value) ? tensorText(shown.value) : num(shown.value),
        shown.grad === undefined ? "not yet" : isSmallTensor(shown.grad) ? tensorText(shown.grad) : num(shown.grad)];
      d3.select(this).selectAll("td").data(cells).join("td").text((c) => c);
    });
}

/** Every graph node is focusable and says what it is, its value and gradient. */
export function labelGraphNodes(svg, m, k) {
  if (!m) return;
  d3.select(svg).selectAll("g.node").each(function () {
    const raw = this.getAttribute("data-id");
    const n = m.byId.get(raw) ?? m.byId.get(Number(raw));
    if (!n) return;
    const shown = shownAt(m, n, k);
    const what = n.kind === "op" ? `${nodeName(n, m)} = ${n.text || n.op}` : `${n.kind} ${nodeName(n, m)}`;
    const value = shown.value === undefined ? "no value yet" : `value ${num(shown.value)}`;
    const grad = shown.grad === undefined ? "no gradient yet" : `gradient ${num(shown.grad)}`;
    this.setAttribute("tabindex", "0");
    if (!this.getAttribute("role")) this.setAttribute("role", "img");
    this.setAttribute("aria-label", `${what}: ${value}, ${grad}`);
  });
}
