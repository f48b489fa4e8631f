// The step-through without sight: one sentence per step for a polite live
// region, a table of every node with its value and gradient at this step, and
// a spoken label on each graph node. Every number comes from the trace.
import { activeAt, nodeName, shownAt, touchedBetween } from "../model.js";
import { num } from "../format.js";
import { isSmallTensor, tensorText } from "../tensor-format.js";


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

const LAZY_ROWS = 2000; // above this many nodes the table's rows exist only while it is open

/** Node ids whose row or label must be redrawn going from the last drawn
 * step to k: the step's own nodes for a one-step move, every node otherwise
 * (a jump, a new trace). A → step touches a handful, whatever the graph's size. */
function changed(el, m, k) {
  const last = el._drawn;
  el._drawn = { m, k };
  if (!last || last.m !== m) return null;
  if (last.k === k) return [];
  // Playing draws these a few times a second: a run of steps is still a handful.
  if (Math.abs(k - last.k) > 64) return null;
  const ids = new Set();
  for (let s = Math.min(k, last.k); s < Math.max(k, last.k); s++) {
    const step = touchedBetween(m, s, s + 1);
    if (step === null) return null;
    for (const id of step) ids.add(id);
  }
  return [...ids];
}

/** The graph as a table: node, operation, value and gradient at step k.
 * Rows are made once per trace; a step rewrites only the rows it changes. */
export function renderNodeTable(table, m, k) {
  const tbody = table.querySelector("tbody");
  if (!m) {
    tbody.replaceChildren();
    table._drawn = null;
    return;
  }
  // A big graph's table (50,000 rows) costs layout on every step even folded
  // away: it is made when opened, and dropped when folded.
  const details = table.closest("details");
  if (m.nodes.length > LAZY_ROWS && details && !details.open) {
    table._pending = { m, k };
    if (!table._listening) {
      table._listening = true;
      details.addEventListener("toggle", () => {
        const p = table._pending;
        if (p && details.open) renderNodeTable(table, p.m, p.k);
        else if (!details.open && p && p.m.nodes.length > LAZY_ROWS) { tbody.replaceChildren(); table._drawn = null; }
      });
    }
    if (table._drawn) { tbody.replaceChildren(); table._drawn = null; }
    return;
  }
  table._pending = { m, k };
  let ids = changed(table, m, k);
  if (ids === null) {
    const frag = document.createDocumentFragment();
    table._rows = new Map();
    for (const n of m.nodes) {
      const tr = document.createElement("tr");
      tr.setAttribute("data-node", n.id);
      const cells = [nodeName(n, m), n.kind === "op" ? n.text || n.op : n.kind, "", ""].map((text) => {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
        return td;
      });
      table._rows.set(n.id, cells);
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    ids = m.nodes.map((n) => n.id);
  }
  for (const id of ids) {
    const cells = table._rows.get(id);
    const shown = shownAt(m, m.byId.get(id), k);
    setText(cells[2], shown.value === undefined ? "not yet" : cellText(shown.value));
    setText(cells[3], shown.none ? "no ∇: takes no gradient" : shown.grad === undefined ? "not yet" : cellText(shown.grad));
  }
}

/** A tensor of up to 12 entries in full, a bigger one summarised. */
function cellText(x) {
  return isSmallTensor(x) ? tensorText(x) : num(x);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Every graph node is focusable and says what it is, its value and gradient
 * (a step relabels only the nodes it changes). */
export function labelGraphNodes(svg, m, k) {
  if (!m) return;
  let ids = changed(svg, m, k);
  if (ids === null) {
    svg._els = new Map();
    for (const g of svg.querySelectorAll("g.node")) svg._els.set(g.getAttribute("data-id"), g);
    ids = [...svg._els.keys()];
  }
  for (const id of ids) {
    const g = svg._els.get(id);
    const n = m.byId.get(id) ?? m.byId.get(Number(id));
    if (g && n) label(g, n, m, k);
  }
}

function label(el, n, m, k) {
  const shown = shownAt(m, n, k);
  const what = n.kind === "op" ? `${nodeName(n, m)} = ${n.text || n.op}` : `${n.kind} ${nodeName(n, m)}`;
  const value = shown.value === undefined ? "no value yet" : `value ${num(shown.value)}`;
  const grad = shown.none ? "takes no gradient" : shown.grad === undefined ? "no gradient yet" : `gradient ${num(shown.grad)}`;
  el.setAttribute("tabindex", "0");
  if (!el.getAttribute("role")) el.setAttribute("role", "img");
  el.setAttribute("aria-label", `${what}: ${value}, ${grad}`);
}
