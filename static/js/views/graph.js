// The computation graph: layout once per trace, then cheap per-step updates
// (only nodes and edges whose shown state changed are touched).
import { d3 } from "../lib.js";
import { shownAt, activeAt, activeEdges, touchedBetween } from "../model.js";
import { num, clip } from "../format.js";
import { nodeTitle } from "../notation.js";
import { layoutGraph } from "./layout.js";
import { sizeOf, drawNode, updateNode, isTensor } from "./node.js";
import { drawExpanded } from "./heatmap.js";
import { createZoom } from "./zoom.js";
import { createEdges } from "./edges.js";

export const LARGE = 300; // above this many nodes: compact boxes, no animation
const NARROW = 560;
const KEEP_BADGES = 80; // up to this many nodes, earlier steps' badges stay on the graph // a view narrower than this (a phone) lays the graph out top to bottom

export function createGraphView(svgEl, { onToggleExpand, onSelectLeaf } = {}) {
  const svg = d3.select(svgEl);
  const defs = svg.append("defs");
  for (const k of ["plain", "forward", "backward"]) {
    defs.append("marker").attr("id", `arrow-${k}`).attr("class", `arrow arrow-${k}`)
      .attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5)
      .attr("markerUnits", "userSpaceOnUse").attr("markerWidth", k === "plain" ? 9 : 13).attr("markerHeight", k === "plain" ? 9 : 13)
      .attr("orient", "auto-start-reverse")
      .append("path").attr("d", "M0,0L10,5L0,10z");
  }
  const viewport = svg.append("g").attr("class", "viewport");
  const edgeLayer = viewport.append("g").attr("class", "edges");
  const nodeLayer = viewport.append("g").attr("class", "nodes");
  const labelLayer = viewport.append("g").attr("class", "edge-labels");
  const overlay = viewport.append("g").attr("class", "overlays");
  const zoom = createZoom(svg, viewport, (rect) => cull(rect));
  let current = null; // {model, layout, nodeSel, edgeSel, caches, compact}

  function build(model) {
    const compact = model.nodes.length > LARGE;
    svg.classed("compact", compact).classed("no-anim", compact);
    const rect = svg.node().getBoundingClientRect();
    const narrow = rect.width < NARROW;
    const titles = new Map(model.nodes.map((n) => [n.id, nodeTitle(n, model)]));
    const layout = layoutGraph(model, (n) => sizeOf(n, compact, titles.get(n.id), model.arrivals.get(n.id).length), narrow, { w: rect.width - 24, h: rect.height - 24 });
    zoom.setBounds(layout.width, layout.height, !compact); // before the new elements exist: no forced layout
    zoom.fit(false);
    for (const l of [edgeLayer, nodeLayer, labelLayer, overlay]) l.node().replaceChildren();
    const edges = createEdges(edgeLayer, model, layout, compact);
    const els = new Map();
    const parts = new Map();
    const frag = document.createDocumentFragment();
    for (const n of model.nodes) {
      const g = document.createElementNS("http://www.w3.org/2000/svg", "g");
      parts.set(n.id, drawNode(g, n, layout.pos.get(n.id), compact, titles.get(n.id)));
      frag.appendChild(g);
    }
    nodeLayer.node().appendChild(frag);
    const nodeSel = nodeLayer.selectAll("g.node").data(model.nodes);
    nodeSel.each(function (n) { els.set(n.id, d3.select(this)); });
    nodeSel.filter((n) => isTensor(n) && !compact)
      .on("click", (ev, n) => onToggleExpand?.(n.id))
      .on("keydown", (ev, n) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); ev.stopPropagation(); onToggleExpand?.(n.id); } });
    nodeSel.filter((n) => n.kind === "leaf" && !isTensor(n)).on("click", (ev, n) => onSelectLeaf?.(n.label));
    const edgeInfo = new Map(model.edgeAt.flatMap((row, j) => row.map((at, i) => [at.edgeId, model.trace.backward[j].edges[i]])));
    current = { model, layout, els, parts, edges, compact, edgeInfo, active: null, step: null, lit: null, badges: null, activeEdges: new Map() };
    cull(zoom.visibleRect());
  }

  function update(model, step, { expanded = new Set(), focusEdge = null, eq = false } = {}) {
    if (!current || current.model !== model) build(model);
    const c = current;
    // Stepping by one touches a handful of nodes; a jump (or the = replay) re-checks them all.
    const ids = c.eq === eq ? touchedBetween(model, c.step, step) : null;
    const nodes = ids ? ids.map((id) => model.byId.get(id)) : model.nodes;
    for (const node of nodes) updateNode(c.parts.get(node.id), node, shownAt(model, node, step, eq), c.compact);
    c.step = step;
    c.eq = eq;
    const a = activeAt(model, step);
    if (c.active !== a.id) {
      if (c.active) c.els.get(c.active)?.classed("is-active", false);
      const el = a.id ? c.els.get(a.id)?.classed("is-active", true) : null;
      if (el && !c.compact) el.raise(); // re-ordering thousands of siblings costs a full repaint
      c.active = a.id;
    }
    const edges = activeEdges(model, step);
    c.edges.setActive(edges);
    c.activeEdges = edges;
    edgeLabels(c, edges);
    c.edges.setFocus(focusEdge);
    drawOverlays(c, step, expanded);
    if (svg.attr("data-phase") !== a.phase) svg.attr("data-phase", a.phase);
    // Forward moves right, backward moves left: pan ahead of the motion.
    // After the last forward step the next move is backward: the view leaves room for it.
    if (a.id) zoom.follow(c.layout.pos.get(a.id), !c.compact, a.phase === "forward" && step < model.F ? 1 : -1, c.layout.pos.values());
  }

  /** The × badges: the current step's edges, and (dimmer) every edge an
   * earlier backward step or the chosen path went through, so each gradient
   * on the graph has its factors on screen. */
  function edgeLabels(c, edges) {
    const items = [...edges].filter(([, i]) => i.dir === "backward" && i.edge.local !== null).map(([id, i]) => ({ id, edge: i.edge, kind: "current" }));
    if (!c.compact) {
      const seen = new Set(items.map((d) => d.id));
      // Placing a badge clear of the others costs: a big graph keeps only the current step's (and the path's).
      const done = c.model.nodes.length > KEEP_BADGES ? 0 : Math.min(c.step ?? 0, c.model.total) - c.model.F - 1; // the current backward step's index
      for (let j = 0; j < done; j++) {
        c.model.edgeAt[j].forEach((at, i) => {
          const edge = c.model.trace.backward[j].edges[i];
          if (!seen.has(at.edgeId) && edge.local !== null) { seen.add(at.edgeId); items.push({ id: at.edgeId, edge, kind: "past" }); }
        });
      }
      for (const id of c.lit?.edges ?? []) {
        const edge = c.edgeInfo.get(id);
        if (edge && edge.local !== null && !seen.has(id)) { seen.add(id); items.push({ id, edge, kind: "past" }); }
      }
    }
    const onPath = c.lit?.edges ?? new Set();
    // Arrowheads (both ends of each active edge) are kept clear like boxes.
    const placed = [];
    for (const [id] of edges) {
      const path = c.edges.path(id);
      if (!path) continue;
      const len = path.getTotalLength();
      for (const t of [0, len]) {
        const q = path.getPointAtLength(t);
        placed.push({ x0: q.x - 9, y0: q.y - 9, x1: q.x + 9, y1: q.y + 9 });
      }
    }
    // A badge that stays keeps its place; the current ones are placed around them.
    const kept = c.badges ??= new Map();
    const box = (p, w) => ({ x0: p.x - w / 2, y0: p.y - 11, x1: p.x + w / 2, y1: p.y + 11 });
    const text = (d) => (Array.isArray(d.edge.local) ? `⊙ ${clip(d.edge.local_formula, 12)}` : `× ${num(d.edge.local)}`);
    for (const d of items) if (d.kind === "past" && kept.has(d.id)) placed.push(box(kept.get(d.id), kept.get(d.id).w));
    for (const d of [...items].sort((a, b) => (a.kind === "current" ? 0 : 1) - (b.kind === "current" ? 0 : 1))) {
      d.text = text(d);
      d.w = d.text.length * 8.6 + 12;
      if (d.kind === "past" && kept.has(d.id)) { d.p = kept.get(d.id); continue; }
      d.p = placeLabel(c, c.edges.path(d.id), d.w, 22, placed);
      kept.set(d.id, { ...d.p, w: d.w });
      placed.push(box(d.p, d.w));
    }
    labelLayer.selectAll("g").data(items, (d) => d.id).join((enter) => {
      const g = enter.append("g").attr("class", "edge-label");
      g.append("rect").attr("rx", 5);
      g.append("text");
      return g;
    }).each(function (d) {
      // A tensor's local derivative is too long for a badge: its formula stands in (the ledger has the numbers).
      const g = d3.select(this).attr("transform", `translate(${d.p.x},${d.p.y})`).attr("data-edge", d.id)
        .classed("is-past", d.kind === "past").classed("on-path", onPath.has(d.id));
      g.select("text").text(d.text);
      g.select("rect").attr("x", -d.w / 2).attr("y", -11).attr("width", d.w).attr("height", 22);
    });
  }

  /** A badge's place on its edge: the middle if it covers no node box,
   * arrowhead or other badge, else the nearest free spot along or beside it. */
  function placeLabel(c, path, w, h, placed) {
    const len = path.getTotalLength();
    const mid = path.getPointAtLength(len / 2);
    const near = [];
    for (const b of c.layout.pos.values()) {
      if (Math.abs(b.x - mid.x) < len / 2 + b.w / 2 + w && Math.abs(b.y - mid.y) < len / 2 + b.h / 2 + 60) {
        near.push({ x0: b.x - b.w / 2 - 3, y0: b.y - b.h / 2 - 3, x1: b.x + b.w / 2 + 3, y1: b.y + b.h / 2 + 3 });
      }
    }
    const hits = (x, y) => [...near, ...placed].some((r) => x - w / 2 < r.x1 && x + w / 2 > r.x0 && y - h / 2 < r.y1 && y + h / 2 > r.y0);
    // Five points along the edge, measured once (getPointAtLength is the costly part).
    const along = [0.5, 0.4, 0.6, 0.3, 0.7].map((t) => path.getPointAtLength(len * t));
    for (const [dx, dy] of [[0, 0], [0, -18], [0, 18], [-w / 2 - 8, 0], [w / 2 + 8, 0], [0, -34], [0, 34], [-w - 8, 0], [w + 8, 0], [0, -52], [0, 52]]) {
      for (const q of along) {
        if (!hits(q.x + dx, q.y + dy)) return { x: q.x + dx, y: q.y + dy };
      }
    }
    return { x: mid.x, y: mid.y }; // a plain object: a DOMPoint's x, y do not survive {...p}
  }

  function drawOverlays(c, step, expanded) {
    overlay.selectAll("*").remove();
    for (const id of c.expanded ?? []) if (!expanded.has(id)) c.els.get(id)?.attr("aria-expanded", "false");
    c.expanded = new Set(expanded);
    for (const id of expanded) {
      const node = c.model.byId.get(id);
      if (!node || !isTensor(node) || c.compact) continue;
      c.els.get(id).attr("aria-expanded", "true");
      drawExpanded(overlay, node, shownAt(c.model, node, step), c.layout.pos.get(id), () => onToggleExpand?.(id), c.layout.height);
    }
  }

  /** Large graphs: text outside the view is not laid out at all. Chromium lays
   * out every SVG text again on each step otherwise (~40 ms at 1,000 nodes). */
  function cull(rect) {
    if (!current?.compact) return;
    const mx = (rect.x1 - rect.x0) * 0.5;
    const my = (rect.y1 - rect.y0) * 0.5;
    for (const [id, parts] of current.parts) {
      const p = current.layout.pos.get(id);
      const off = p.x < rect.x0 - mx || p.x > rect.x1 + mx || p.y < rect.y0 - my || p.y > rect.y1 + my;
      if (parts.off !== off) {
        parts.off = off;
        parts.g.classList.toggle("offscreen", off);
      }
    }
  }

  /** The path view: every edge and node on a path to the chosen leaf, and the
   * one path under the pointer. */
  function highlight(lit, focus = null) {
    const c = current;
    if (!c) return;
    const on = lit ?? { edges: new Set(), nodes: new Set() };
    const hot = new Set(focus ? focus.edges.map((e) => e.edgeId) : []);
    for (const id of c.lit?.edges ?? []) if (!on.edges.has(id)) c.edges.path(id)?.classList.remove("on-path", "path-focus");
    for (const id of c.lit?.nodes ?? []) if (!on.nodes.has(id)) c.els.get(id)?.classed("on-path", false);
    for (const id of on.edges) {
      const p = c.edges.path(id);
      p?.classList.add("on-path");
      p?.classList.toggle("path-focus", hot.has(id));
    }
    for (const id of on.nodes) c.els.get(id)?.classed("on-path", true);
    // The chosen leaf stands out from the other nodes on its paths.
    if (c.lit?.leaf !== on.leaf) c.els.get(c.lit?.leaf)?.classed("is-chosen", false);
    if (on.leaf !== undefined && c.lit?.leaf !== on.leaf) {
      c.els.get(on.leaf)?.classed("is-chosen", true);
      zoom.follow(c.layout.pos.get(on.leaf), !c.compact); // bring it into view
    }
    svg.classed("has-paths", on.edges.size > 0 || on.leaf !== undefined);
    const redraw = c.lit?.edges !== on.edges;
    c.lit = on;
    if (redraw && c.step !== null) edgeLabels(c, c.activeEdges); // the path's × badges
  }

  function clear() {
    current = null;
    for (const l of [edgeLayer, nodeLayer, labelLayer, overlay]) l.node().replaceChildren();
  }

  return {
    update, clear, zoom, highlight,
    isCompact: () => current?.compact ?? false,
    bounds: () => (current ? { width: current.layout.width, height: current.layout.height } : null),
  };
}
