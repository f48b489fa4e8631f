// The computation graph: layout once per trace, then cheap per-step updates
// (only nodes and edges whose shown state changed are touched).
import { d3 } from "../lib.js";
import { shownAt, activeAt, activeEdges, touchedBetween } from "../model.js";
import { num, clip, raw } from "../format.js";
import { nodeTitle, opExpr } from "../notation.js";
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
  const stubLayer = viewport.append("g").attr("class", "cut-stubs");
  const tipLayer = viewport.append("g").attr("class", "full-titles");
  const zoom = createZoom(svg, viewport, (rect) => cull(rect));
  let current = null; // {model, layout, nodeSel, edgeSel, caches, compact}

  function build(model) {
    const compact = model.nodes.length > LARGE;
    svg.classed("compact", compact).classed("no-anim", compact);
    const rect = svg.node().getBoundingClientRect();
    const narrow = rect.width < NARROW;
    const tight = document.body.classList.contains("lecture");
    const titles = new Map(model.nodes.map((n) => [n.id, nodeTitle(n, model)]));
    const layout = layoutGraph(model, (n) => sizeOf(n, compact, titles.get(n.id), model.arrivals.get(n.id).length), narrow, { w: rect.width - 24, h: rect.height - 24 }, tight);
    zoom.setBounds(layout.width, layout.height, !compact, compact ? [] : [...layout.pos].map(([id, p]) => ({ id, ...p }))); // before the new elements exist: no forced layout
    if (compact) zoom.fit(false); // a small graph is framed per step (update)
    for (const l of [edgeLayer, nodeLayer, labelLayer, overlay, stubLayer, tipLayer]) l.node().replaceChildren();
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
    // A title that shortens its inputs to (…) shows the whole expression on hover or focus.
    if (!compact) {
      nodeSel.filter((n) => titles.get(n.id).includes("(…)")).each(function (n) {
        const full = n.label ? `${n.label} = ${opExpr(n, model, { max: 60 })}` : opExpr(n, model, { max: 60 });
        d3.select(this).attr("data-full", full)
          .on("mouseenter.full focus.full", () => showFull(n, full))
          .on("mouseleave.full blur.full", () => tipLayer.node().replaceChildren());
      });
    }
    const edgeInfo = new Map(model.edgeAt.flatMap((row, j) => row.map((at, i) => [at.edgeId, model.trace.backward[j].edges[i]])));
    current = { model, layout, els, parts, edges, compact, narrow, tight, edgeInfo, titles, active: null, step: null, lit: null, badges: null, activeEdges: new Map() };
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
    c.args = { expanded, focusEdge, eq };
    // Forward moves right, backward moves left: pan ahead of the motion.
    // After the last forward step the next move is backward: the view leaves room for it.
    if (c.compact) {
      if (a.id) zoom.follow(c.layout.pos.get(a.id), false, a.phase === "forward" && step < model.F ? 1 : -1, c.layout.pos.values());
    } else frameStep(c);
  }

  /** The active node with its inputs and outputs: what a step is about. */
  function neighbourhood(c) {
    if (!c.active) return null;
    const node = c.model.byId.get(c.active);
    const ids = new Set([c.active, ...node.inputs, ...(c.model.consumers.get(c.active) ?? [])]);
    const box = (id) => {
      const p = c.layout.pos.get(id);
      return p && { ...p, tensor: c.model.byId.get(id)?.shape?.length > 0 };
    };
    return [...ids].map((id) => {
      const b = box(id);
      return b && { id, ...b };
    }).filter(Boolean);
  }

  function frameStep(c, animate = true) {
    const near = neighbourhood(c);
    const badges = (c.badgeBoxes ?? []).filter((b) => c.currentBadges.has(b.id)).map((b) => ({ ...b, badge: true }));
    zoom.frame(near && [...near, ...badges], animate, c.badgeBoxes ?? []);
  }

  // A node or an earlier step's badge that the framed view would cut in half
  // is hidden instead. The framed part is whole by construction: the active
  // node with its inputs and outputs (or, for tensors too big for that, the
  // active node alone); the current step's badges are never hidden.
  zoom.onCut((ids, view) => {
    const c = current;
    if (!c) return;
    const next = new Set(ids.filter((id) => !c.currentBadges?.has(id)));
    for (const id of c.cutOff ?? []) if (!next.has(id)) cutOff(c, id, false);
    for (const id of next) cutOff(c, id, true); // again: a badge's class is rewritten on every step
    c.cutOff = next;
    // The active node's inputs and outputs out of view (a tensor's active
    // node alone is framed) get a tag too.
    const away = view ? (neighbourhood(c) ?? []).filter((b) => b.x + b.w / 2 < view.x0 || b.x - b.w / 2 > view.x1 || b.y + b.h / 2 < view.y0 || b.y - b.h / 2 > view.y1).map((b) => b.id) : [];
    stubs(c, [...[...next].filter((id) => !id.startsWith("badge:")), ...away], view);
  });

  /** Where a hidden node's edges lead: a small tag with its name, inside the
   * view where the node would have been cut ("↑ W1"), so no edge runs to an
   * empty spot. */
  function stubs(c, ids, view) {
    stubLayer.node().replaceChildren();
    if (!view || !ids.length) return;
    const { x0, y0, x1, y1, k } = view;
    const fs = document.body.classList.contains("lecture") ? 18 : 12; // px on screen, whatever the zoom
    const placed = [];
    for (const id of ids) {
      const p = c.layout.pos.get(id);
      const a = p.x - p.w / 2, b = p.x + p.w / 2, top = p.y - p.h / 2, bottom = p.y + p.h / 2;
      // The side the node leaves by: the one it reaches furthest past.
      const past = [[y0 - top, "↑"], [bottom - y1, "↓"], [x0 - a, "←"], [b - x1, "→"]].sort((u, v) => v[0] - u[0])[0][1];
      const title = c.titles.get(id) ?? id;
      const text = `${past} ${title.length > 18 ? `${title.slice(0, 17)}…` : title}`;
      const wPx = text.length * fs * 0.6 + 14;
      const w = wPx / k;
      const h = (fs + 6) / k;
      const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), Math.max(lo, hi));
      const cx = clamp((Math.max(a, x0) + Math.min(b, x1)) / 2, x0 + w / 2 + 2 / k, x1 - w / 2 - 2 / k);
      let cy = clamp((Math.max(top, y0) + Math.min(bottom, y1)) / 2, y0 + h / 2 + 2 / k, y1 - h / 2 - 2 / k);
      // Two tags at one spot (two inputs off the same edge): the next one below.
      while (placed.some((q) => Math.abs(q.x - cx) < (q.w + w) / 2 && Math.abs(q.y - cy) < h + 4 / k) && cy + h < y1) cy += h + 4 / k;
      placed.push({ x: cx, y: cy, w });
      const g = stubLayer.append("g").attr("class", "cut-stub").attr("data-id", id).attr("transform", `translate(${cx},${cy}) scale(${1 / k})`);
      g.append("title").text(`${title}: out of view (drag the graph, or Fit, to see it)`);
      g.append("rect").attr("x", -wPx / 2).attr("y", -(fs + 6) / 2).attr("width", wPx).attr("height", fs + 6).attr("rx", (fs + 6) / 2);
      g.append("text").attr("y", fs / 3).style("font-size", `${fs}px`).text(text);
    }
  }
  // A hidden node takes its edges' earlier badges with it, and its edges fade:
  // they lead out of the picture, not to an empty spot.
  function cutOff(c, id, on) {
    const badge = (edgeId) => {
      if (on && c.currentBadges?.has(`badge:${edgeId}`)) return;
      for (const el of labelLayer.node().querySelectorAll(`[data-edge="${CSS.escape(edgeId)}"]`)) el.classList.toggle("cut-off", on);
    };
    if (id.startsWith("badge:")) return badge(id.slice(6));
    c.els.get(id)?.classed("cut-off", on);
    for (const e of c.model.edges) {
      if (e.source !== id && e.target !== id) continue;
      c.edges.path(e.id)?.classList.toggle("cut-edge", on);
      badge(e.id);
    }
  }

  /** The view changed size (a window resize, lecture mode, a panel opening, an
   * iframe): lay out again if it crossed the phone width, then frame again. */
  function refit() {
    const c = current;
    if (!c || c.step === null) return;
    if (c.compact) return;
    const narrow = svg.node().getBoundingClientRect().width < NARROW;
    if (narrow !== c.narrow || document.body.classList.contains("lecture") !== c.tight) {
      const { model, step, args } = c;
      current = null;
      update(model, step, args);
      return;
    }
    frameStep(c, false);
  }
  zoom.onResize(refit);

  // A phone: the page scrolls (to show the current entry, or by hand) and the
  // sticky controls cover the graph's top; the active part is framed in what
  // is left on screen.
  zoom.insets(() => {
    if (!current?.narrow) return null;
    const r = svg.node().getBoundingClientRect();
    const bar = document.querySelector(".graph-panel > .toolbar");
    const cover = bar && getComputedStyle(bar).position === "sticky" ? bar.getBoundingClientRect().bottom : 0;
    return { top: Math.max(0, cover - r.top), bottom: Math.max(0, r.bottom - innerHeight) };
  });
  // Scroll events come at most once a frame, before its animation callbacks:
  // framing at once means the frame is painted framed.
  window.addEventListener("scroll", () => {
    if (!current?.narrow || current.compact || current.step === null) return;
    if (svg.attr("data-fit") === "active") frameStep(current, false);
  }, { passive: true });

  /** The × badges: the current step's edges, and (dimmer) every edge an
   * earlier backward step or the chosen path went through, so each gradient
   * on the graph has its factors on screen. */
  function edgeLabels(c, edges) {
    const a = activeAt(c.model, c.step ?? 0);
    const items = [...edges].filter(([, i]) => i.dir === "backward" && i.edge.local !== null).map(([id, i]) => ({ id, edge: i.edge, kind: "current", up: a.step?.grad }));
    if (!c.compact) {
      const seen = new Set(items.map((d) => d.id));
      // Placing a badge clear of the others costs: a big graph keeps only the current step's (and the path's).
      const done = c.model.nodes.length > KEEP_BADGES ? 0 : Math.min(c.step ?? 0, c.model.total) - c.model.F - 1; // the current backward step's index
      for (let j = 0; j < done; j++) {
        c.model.edgeAt[j].forEach((at, i) => {
          const edge = c.model.trace.backward[j].edges[i];
          if (!seen.has(at.edgeId) && edge.local !== null) { seen.add(at.edgeId); items.push({ id: at.edgeId, edge, kind: "past", up: c.model.trace.backward[j].grad }); }
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
    const box = (p, w, h = 22) => ({ x0: p.x - w / 2, y0: p.y - h / 2, x1: p.x + w / 2, y1: p.y + h / 2 });
    // A phone's top-to-bottom graph has no room beside an edge: the contribution goes under the local badge.
    const stack = c.narrow;
    const text = (d) => (Array.isArray(d.edge.local) ? `⊙ ${clip(d.edge.local_formula, 12)}` : `× ${num(d.edge.local)}`);
    const factor = (v) => (v < 0 ? `(${num(v)})` : num(v));
    const scalar = (d) => d.up !== undefined && !Array.isArray(d.up) && !Array.isArray(d.edge.local) && !Array.isArray(d.edge.contribution);
    for (const d of items) if (d.kind === "past" && kept.has(d.id)) placed.push(box(kept.get(d.id), kept.get(d.id).w, kept.get(d.id).h));
    for (const d of [...items].sort((p, q) => (p.kind === "current" ? 0 : 1) - (q.kind === "current" ? 0 : 1))) {
      d.text = text(d);
      d.wl = d.text.length * 8.6 + 12;
      // The chain rule on the edge itself: upstream × local = contribution, beside the local badge.
      // An earlier step's keeps the whole product too (dimmed): "× local" beside "= contribution"
      // alone would read as a false equation (× 1.0 = −6.0). A negative upstream goes in brackets.
      d.sum = !scalar(d) ? null : `${factor(d.up)} × ${num(d.edge.local)} = ${num(d.edge.contribution)}`;
      d.wc = d.sum ? d.sum.length * 8.6 + 12 : 0;
      const shape = (stacked) => {
        d.w = stacked ? Math.max(d.wl, d.wc) : d.wl + (d.sum ? 4 + d.wc : 0);
        d.h = stacked && d.sum ? 46 : 22;
        // Where each part sits in the badge: [x, y] of the local badge's centre, and the contribution's.
        d.at = stacked && d.sum ? [[0, -12], [0, 12]] : [[(d.wl - d.w) / 2, 0], [d.w / 2 - d.wc / 2, 0]];
      };
      shape(stack);
      if (d.kind === "past" && kept.has(d.id)) {
        d.p = kept.get(d.id);
        shape(d.p.stacked);
        continue;
      }
      // Side by side where it fits along its edge, else stacked (narrower), else the nearest free spot.
      const path = c.edges.path(d.id);
      d.p = placeLabel(c, path, d.w, d.h, placed, false);
      if (!d.p && d.sum && !stack) {
        shape(true);
        d.p = placeLabel(c, path, d.w, d.h, placed, false);
        if (!d.p) shape(false);
      }
      d.p ??= placeLabel(c, path, d.w, d.h, placed, true);
      // No free spot for the wide form: the stacked one (narrower) anywhere, before covering a node.
      if (d.p.covers && d.sum && !stack) {
        shape(true);
        const p = placeLabel(c, path, d.w, d.h, placed, true);
        if (p.covers) shape(false);
        else d.p = p;
      }
      d.p.stacked = d.h > 22;
      kept.set(d.id, { ...d.p, w: d.w, h: d.h });
      placed.push(box(d.p, d.w, d.h));
    }
    // An earlier step's badge with no free spot anywhere (a crowded graph) is left
    // out rather than drawn over a node: the ledger keeps its numbers.
    // Nor one that would lie over a current badge (a crowded phone): the
    // current step's product must be read whole.
    const now = items.filter((d) => d.kind === "current").map((d) => box(d.p, d.w, d.h));
    const overNow = (d) => { const b = box(d.p, d.w, d.h); return now.some((r) => b.x0 < r.x1 && b.x1 > r.x0 && b.y0 < r.y1 && b.y1 > r.y0); };
    const shown = items.filter((d) => !(d.kind === "past" && (d.p.covers || overNow(d))));
    // For the framing: a badge is kept whole in the view, or hidden, like a node.
    c.badgeBoxes = c.compact ? [] : shown.map((d) => ({ id: `badge:${d.id}`, x: d.p.x, y: d.p.y, w: d.w, h: d.h }));
    c.currentBadges = new Set(shown.filter((d) => d.kind === "current").map((d) => `badge:${d.id}`));
    labelLayer.selectAll("g.edge-label").data(shown, (d) => d.id).join((enter) => {
      const g = enter.append("g").attr("class", "edge-label");
      g.append("rect").attr("rx", 5);
      g.append("text");
      return g;
    }).each(function (d) {
      // A tensor's local derivative is too long for a badge: its formula stands in (the ledger has the numbers).
      const g = d3.select(this).attr("transform", `translate(${d.p.x},${d.p.y})`).attr("data-edge", d.id)
        .classed("is-past", d.kind === "past").classed("on-path", onPath.has(d.id));
      const [x, y] = d.at[0];
      const lead = d.p.anchor ? [{ x1: 0, y1: 0, x2: d.p.anchor.x - d.p.x, y2: d.p.anchor.y - d.p.y }] : [];
      g.selectAll("line.leader").data(lead).join((en) => en.insert("line", ":first-child").attr("class", "leader"))
        .attr("x1", (l) => l.x1).attr("y1", (l) => l.y1).attr("x2", (l) => l.x2).attr("y2", (l) => l.y2);
      g.select("text").text(d.text).attr("x", x).attr("y", y + 5);
      g.select("rect").attr("x", x - d.wl / 2).attr("y", y - 11).attr("width", d.wl).attr("height", 22);
    });
    // Each contribution: g.edge [data-contribution] on the current step's
    // edges (data-value = the contribution), dimmed on earlier steps' edges.
    labelLayer.selectAll("g.edge-contribution").data(shown.filter((d) => d.sum), (d) => d.id).join((enter) => {
      const g = enter.append("g");
      g.append("rect").attr("rx", 5);
      g.append("text");
      return g;
    }).each(function (d) {
      const now = d.kind === "current";
      const g = d3.select(this).attr("class", now ? "edge edge-contribution" : "edge-contribution is-past")
        .attr("transform", `translate(${d.p.x},${d.p.y})`).attr("data-edge", d.id);
      const [x, y] = d.at[1];
      g.select("text").text(d.sum).attr("x", x).attr("y", y + 5)
        .attr("data-contribution", now ? "" : null).attr("data-value", now ? raw(d.edge.contribution) : null);
      g.select("rect").attr("x", x - d.wc / 2).attr("y", y - 11).attr("width", d.wc).attr("height", 22);
    });
  }

  /** A badge's place on its edge: the middle if it covers no node box,
   * arrowhead or other badge, else the nearest free spot along or beside it. */
  function placeLabel(c, path, w, h, placed, anywhere = true) {
    const len = path.getTotalLength();
    const mid = path.getPointAtLength(len / 2);
    const near = [];
    for (const b of c.layout.pos.values()) {
      if (Math.abs(b.x - mid.x) < len / 2 + b.w / 2 + w + 380 && Math.abs(b.y - mid.y) < len / 2 + b.h / 2 + 260) {
        near.push({ x0: b.x - b.w / 2 - 3, y0: b.y - b.h / 2 - 3, x1: b.x + b.w / 2 + 3, y1: b.y + b.h / 2 + 3 });
      }
    }
    // A badge past the layout's edge would be cut off by the framed view.
    const outside = (x, y) => x - w / 2 < 2 || x + w / 2 > c.layout.width - 2 || y - h / 2 < 2 || y + h / 2 > c.layout.height - 2;
    const hits = (x, y) => outside(x, y) || [...near, ...placed].some((r) => x - w / 2 < r.x1 && x + w / 2 > r.x0 && y - h / 2 < r.y1 && y + h / 2 > r.y0);
    // Five points along the edge, measured once (getPointAtLength is the costly part).
    const along = [0.5, 0.4, 0.6, 0.3, 0.7].map((t) => path.getPointAtLength(len * t));
    for (const [dx, dy] of [[0, 0], [0, -18], [0, 18], [-w / 2 - 8, 0], [w / 2 + 8, 0], [0, -34], [0, 34], [-w - 8, 0], [w + 8, 0], [0, -52], [0, 52],
      [-w / 2, -26], [w / 2, -26], [-w / 2, 26], [w / 2, 26], [0, -70], [0, 70], [-w / 2, -52], [w / 2, -52], [-w / 2, 52], [w / 2, 52]]) {
      for (const q of along) {
        if (hits(q.x + dx, q.y + dy)) continue;
        // Off its edge (not touching it): a leader line says which edge it is.
        const off = Math.abs(dx) > w / 2 + 4 || Math.abs(dy) > h / 2 + 4;
        return off ? { x: q.x + dx, y: q.y + dy, anchor: { x: q.x, y: q.y } } : { x: q.x + dx, y: q.y + dy };
      }
    }
    if (!anywhere) return null;
    // Crowded (a wide contribution badge between close ranks): the free spot
    // nearest the edge, rather than on top of a node.
    let best = null;
    for (let dy = -240; dy <= 240; dy += 12) {
      for (let dx = -360; dx <= 360; dx += 20) {
        const x = mid.x + dx;
        const y = mid.y + dy;
        const d = Math.min(...along.map((q) => (q.x - x) ** 2 + 2 * (q.y - y) ** 2));
        if ((!best || d < best.d) && !hits(x, y)) best = { x, y, d };
      }
    }
    // Away from its edge, a badge points back at it (a faint leader line).
    if (best) {
      const q = along.reduce((a, b) => ((a.x - best.x) ** 2 + (a.y - best.y) ** 2 <= (b.x - best.x) ** 2 + (b.y - best.y) ** 2 ? a : b));
      return { x: best.x, y: best.y, anchor: { x: q.x, y: q.y } };
    }
    // Nowhere free (a crowded graph): on its edge's middle, marked so a narrower form can be tried.
    // A plain object: a DOMPoint's x, y do not survive {...p}.
    return { x: mid.x, y: mid.y, covers: true };
  }

  /** The full expression above a node's box (the title keeps its short form). */
  function showFull(n, full) {
    const p = current?.layout.pos.get(n.id);
    if (!p) return;
    tipLayer.node().replaceChildren();
    const w = full.length * 8.6 + 16;
    const g = tipLayer.append("g").attr("class", "full-title").attr("data-id", n.id)
      .attr("transform", `translate(${p.x},${p.y - p.h / 2 - 16})`);
    g.append("rect").attr("x", -w / 2).attr("y", -13).attr("width", w).attr("height", 26).attr("rx", 6);
    g.append("text").attr("y", 5).text(full);
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
    for (const l of [edgeLayer, nodeLayer, labelLayer, overlay, stubLayer, tipLayer]) l.node().replaceChildren();
  }

  return {
    update, clear, zoom, highlight, refit,
    /** The Fit button: the whole graph, and automatic framing again. */
    fit() {
      zoom.fit(!current?.compact, true);
    },
    isCompact: () => current?.compact ?? false,
    bounds: () => (current ? { width: current.layout.width, height: current.layout.height } : null),
  };
}
