// Layered layout, inputs left and output right. Small graphs use the vendored
// dagre (crossing reduction, routed edges); above DAGRE_MAX nodes dagre's cost
// grows too fast for a lecture (seconds at a few hundred nodes), so a linear
// layering with barycentre ordering takes over.
import { dagre } from "../lib.js";

export const DAGRE_MAX = 150;
const GAP_X = 56;
const GAP_Y = 18;
const RANK_GAP = 96;
const ROW_GAP = 48;

/** `vertical`: inputs on top, output at the bottom, for a phone's narrow view
 * (a left-to-right graph fitted into 350 px is too small to read). */
/** `tight`: lecture mode, where the graph is drawn at 20 px text and every
 * pixel of width counts: ranks and rows closer together. */
export function layoutGraph(model, sizeOf, vertical = false, view = null, tight = false) {
  const n = model.nodes.length;
  if (!(n <= DAGRE_MAX && dagre)) return fastLayout(model, sizeOf);
  const layout = dagreLayout(model, sizeOf, vertical, tight);
  return view && !vertical ? wrapRows(layout, view) : layout;
}

/** A long left-to-right graph folds into rows (like text) when that shows it
 * larger in a view of `view` = {w, h}: cuts fall between ranks, and an edge
 * that crosses rows runs down between them. */
function wrapRows(layout, view) {
  const scaleFor = (rows) => Math.min(view.w / (layout.width / rows + 40), view.h / (rows * (layout.height + ROW_GAP)));
  let rows = 1;
  for (let r = 2; r <= 4; r++) if (scaleFor(r) > scaleFor(rows) * 1.15) rows = r;
  if (rows === 1) return layout;
  const target = layout.width / rows;
  const ranks = [...new Set([...layout.pos.values()].map((p) => Math.round(p.x)))].sort((a, b) => a - b);
  const left = (x) => Math.min(...[...layout.pos.values()].filter((p) => Math.round(p.x) === x).map((p) => p.x - p.w / 2));
  const rowOf = new Map();
  const starts = [];
  let start = null;
  for (const x of ranks) {
    if (start === null || (x - start > target && starts.length < rows)) {
      start = left(x) - 16;
      starts.push(start);
    }
    rowOf.set(x, starts.length - 1);
  }
  const band = layout.height + ROW_GAP;
  const shift = (p, r) => ({ ...p, x: p.x - starts[r] + 16, y: p.y + r * band });
  const pos = new Map();
  const row = new Map();
  for (const [id, p] of layout.pos) {
    const r = rowOf.get(Math.round(p.x));
    row.set(id, r);
    pos.set(id, shift(p, r));
  }
  const routes = new Map();
  let width = 0;
  for (const p of pos.values()) width = Math.max(width, p.x + p.w / 2 + 16);
  for (const [id, pts] of layout.routes) {
    const [src, rest] = id.split(">");
    const dst = rest.split("#")[0];
    const rs = row.get(src);
    const rt = row.get(dst);
    if (rs === rt) {
      routes.set(id, pts.map((q) => shift(q, rs)));
      continue;
    }
    const a = pos.get(src);
    const b = pos.get(dst);
    const down = (rs + 1) * band - ROW_GAP / 2;
    const ax = a.x + a.w / 2;
    const bx = b.x - b.w / 2;
    routes.set(id, [{ x: ax, y: a.y }, { x: ax + 14, y: a.y }, { x: ax + 14, y: down }, { x: bx - 14, y: down },
      { x: bx - 14, y: b.y }, { x: bx, y: b.y }]);
  }
  return { pos, routes, width, height: starts.length * band - ROW_GAP + 16 };
}

function dagreLayout(model, sizeOf, vertical, tight = false) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  // Ranks far enough apart that an edge's badge (its local derivative) fits
  // between the boxes without covering them or the arrowheads.
  g.setGraph({ rankdir: vertical ? "TB" : "LR", nodesep: vertical ? GAP_X / 2 : GAP_Y + (tight ? 0 : 8),
    ranksep: vertical ? 64 : tight ? RANK_GAP - 32 : RANK_GAP, edgesep: 12, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of model.nodes) g.setNode(node.id, { ...sizeOf(node) });
  for (const e of model.edges) g.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(g);
  const pos = new Map();
  for (const node of model.nodes) {
    const d = g.node(node.id);
    pos.set(node.id, { x: d.x, y: d.y, w: d.width, h: d.height });
  }
  const routes = new Map();
  for (const e of model.edges) routes.set(e.id, g.edge({ v: e.source, w: e.target, name: e.id }).points);
  const { width, height } = g.graph();
  return { pos, routes, width, height };
}

/** Rank by longest path; sources sit one rank before their first consumer. */
function ranks(model) {
  const rank = new Map();
  for (const id of model.trace.forward) {
    const node = model.byId.get(id);
    let r = 0;
    for (const i of node.inputs) r = Math.max(r, (rank.get(i) ?? 0) + 1);
    rank.set(id, r);
  }
  for (const node of model.nodes) {
    if (node.inputs.length) continue;
    const cs = model.consumers.get(node.id);
    if (cs.length) rank.set(node.id, Math.max(0, Math.min(...cs.map((c) => rank.get(c))) - 1));
  }
  return rank;
}

function fastLayout(model, sizeOf) {
  const rank = ranks(model);
  const layers = [];
  for (const id of model.trace.forward) {
    const r = rank.get(id);
    (layers[r] ||= []).push(id);
  }
  const order = new Map();
  const renumber = () => layers.forEach((L) => L && L.forEach((id, i) => order.set(id, i)));
  renumber();
  const bary = (id, nbrs) => {
    const xs = nbrs.map((v) => order.get(v)).filter((v) => v !== undefined);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : order.get(id);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const seq = down ? layers : [...layers].reverse();
    for (const L of seq) {
      if (!L) continue;
      const key = new Map(L.map((id) => [id, bary(id, down ? model.byId.get(id).inputs : model.consumers.get(id))]));
      L.sort((a, b) => key.get(a) - key.get(b));
      L.forEach((id, i) => order.set(id, i));
    }
  }
  // x per layer from the widest node; y: stack in order, then pull each node
  // towards its inputs' centre without overlapping its neighbours.
  const pos = new Map();
  let x = 16;
  let height = 0;
  for (const L of layers) {
    if (!L) continue;
    const sizes = L.map((id) => sizeOf(model.byId.get(id)));
    const w = Math.max(...sizes.map((s) => s.width));
    let y = 16;
    L.forEach((id, i) => {
      const s = sizes[i];
      const ins = model.byId.get(id).inputs.map((v) => pos.get(v)).filter(Boolean);
      const want = ins.length ? ins.reduce((a, p) => a + p.y, 0) / ins.length - s.height / 2 : y;
      const top = Math.max(y, want);
      pos.set(id, { x: x + w / 2, y: top + s.height / 2, w: s.width, h: s.height });
      y = top + s.height + GAP_Y;
    });
    height = Math.max(height, y);
    x += w + GAP_X;
  }
  const routes = new Map();
  for (const e of model.edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    routes.set(e.id, [{ x: a.x + a.w / 2, y: a.y }, { x: b.x - b.w / 2, y: b.y }]);
  }
  return { pos, routes, width: x, height: height + 16 };
}
