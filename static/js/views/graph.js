// The computation graph: layout once per trace, then cheap per-step updates
// (only nodes and edges whose shown state changed are touched).
import { d3 } from "../lib.js";
import { shownAt, activeAt, activeEdges } from "../model.js";
import { gradColor, dominant } from "../colors.js";
import { num } from "../format.js";
import { layoutGraph } from "./layout.js";
import { sizeOf, drawNode, updateNode, isTensor } from "./node.js";
import { drawExpanded } from "./heatmap.js";
import { createZoom } from "./zoom.js";

export const LARGE = 300; // above this many nodes: compact boxes, no animation

export function createGraphView(svgEl, { onToggleExpand } = {}) {
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
  const zoom = createZoom(svg, viewport);
  let current = null; // {model, layout, nodeSel, edgeSel, caches, compact}

  function build(model) {
    const compact = model.nodes.length > LARGE;
    svg.classed("compact", compact).classed("no-anim", compact);
    const layout = layoutGraph(model, (n) => sizeOf(n, compact));
    const line = d3.line().x((p) => p.x).y((p) => p.y).curve(compact ? d3.curveLinear : d3.curveBasis);
    edgeLayer.selectAll("*").remove();
    nodeLayer.selectAll("*").remove();
    labelLayer.selectAll("*").remove();
    overlay.selectAll("*").remove();
    const edgeSel = edgeLayer.selectAll("path").data(model.edges, (e) => e.id).join("path")
      .attr("class", (e) => `edge${model.byId.get(e.source).kind === "const" ? " from-const" : ""}`)
      .attr("data-edge", (e) => e.id)
      .attr("d", (e) => line(layout.routes.get(e.id)))
      .attr("marker-end", "url(#arrow-plain)");
    const nodeSel = nodeLayer.selectAll("g").data(model.nodes, (n) => n.id).join("g")
      .attr("transform", (n) => { const p = layout.pos.get(n.id); return `translate(${p.x},${p.y})`; })
      .each(function (n) { drawNode(d3.select(this), n, layout.pos.get(n.id), compact); });
    nodeSel.filter((n) => isTensor(n) && !compact)
      .on("click", (ev, n) => onToggleExpand?.(n.id))
      .on("keydown", (ev, n) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); ev.stopPropagation(); onToggleExpand?.(n.id); } });
    const els = new Map();
    nodeSel.each(function (n) { els.set(n.id, d3.select(this)); });
    const edgeEls = new Map();
    edgeSel.each(function (e) { edgeEls.set(e.id, d3.select(this)); });
    current = { model, layout, els, edgeEls, caches: new Map(), compact, active: null, activeEdges: new Map() };
    zoom.setBounds(layout.width, layout.height, !compact);
    zoom.fit(false);
  }

  function update(model, step, { expanded = new Set(), focusEdge = null } = {}) {
    if (!current || current.model !== model) build(model);
    const c = current;
    for (const node of model.nodes) {
      let cache = c.caches.get(node.id);
      if (!cache) c.caches.set(node.id, (cache = { value: null, grad: null }));
      updateNode(c.els.get(node.id), node, shownAt(model, node, step), cache, c.compact);
    }
    const a = activeAt(model, step);
    if (c.active !== a.id) {
      if (c.active) c.els.get(c.active)?.classed("is-active", false);
      if (a.id) c.els.get(a.id)?.classed("is-active", true).raise();
      c.active = a.id;
    }
    const edges = activeEdges(model, step);
    for (const [id] of c.activeEdges) if (!edges.has(id)) setEdge(c.edgeEls.get(id), null);
    for (const [id, info] of edges) setEdge(c.edgeEls.get(id), info);
    c.activeEdges = edges;
    edgeLabels(c, edges);
    if (c.focusEdge !== focusEdge) {
      c.edgeEls.get(c.focusEdge)?.classed("is-focus", false);
      c.edgeEls.get(focusEdge)?.classed("is-focus", true).raise();
      c.focusEdge = focusEdge;
    }
    drawOverlays(c, step, expanded);
    svg.attr("data-step", step).attr("data-phase", a.phase);
    if (a.id) zoom.follow(c.layout.pos.get(a.id), !c.compact);
  }

  function setEdge(el, info) {
    if (!el) return;
    el.classed("is-forward", info?.dir === "forward").classed("is-backward", info?.dir === "backward")
      .attr("marker-end", info?.dir === "backward" ? null : `url(#arrow-${info ? info.dir : "plain"})`)
      .attr("marker-start", info?.dir === "backward" ? "url(#arrow-backward)" : null)
      .style("stroke", info?.edge ? gradColor(dominant(info.edge.contribution)) : null);
    if (info) el.raise();
  }

  function edgeLabels(c, edges) {
    const items = [...edges].filter(([, i]) => i.dir === "backward" && i.edge.local !== null).map(([id, i]) => ({ id, ...i }));
    labelLayer.selectAll("g").data(items, (d) => d.id).join((enter) => {
      const g = enter.append("g").attr("class", "edge-label");
      g.append("rect").attr("rx", 5);
      g.append("text");
      return g;
    }).each(function (d) {
      const path = c.edgeEls.get(d.id).node();
      const p = path.getPointAtLength(path.getTotalLength() * 0.5);
      const g = d3.select(this).attr("transform", `translate(${p.x},${p.y})`);
      const text = `${Array.isArray(d.edge.local) ? "⊙" : "×"} ${num(d.edge.local)}`;
      g.select("text").text(text);
      const w = text.length * 7 + 12;
      g.select("rect").attr("x", -w / 2).attr("y", -11).attr("width", w).attr("height", 20);
    });
  }

  function drawOverlays(c, step, expanded) {
    overlay.selectAll("*").remove();
    for (const id of c.expanded ?? []) if (!expanded.has(id)) c.els.get(id)?.attr("aria-expanded", "false");
    c.expanded = new Set(expanded);
    for (const id of expanded) {
      const node = c.model.byId.get(id);
      if (!node || !isTensor(node) || c.compact) continue;
      c.els.get(id).attr("aria-expanded", "true");
      drawExpanded(overlay, node, shownAt(c.model, node, step), c.layout.pos.get(id), () => onToggleExpand?.(id));
    }
  }

  function clear() {
    current = null;
    for (const l of [edgeLayer, nodeLayer, labelLayer, overlay]) l.selectAll("*").remove();
  }

  return {
    update, clear, zoom,
    isCompact: () => current?.compact ?? false,
    bounds: () => (current ? { width: current.layout.width, height: current.layout.height } : null),
  };
}
