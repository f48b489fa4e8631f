// Big graphs (more than CANVAS_MIN nodes) on a canvas. An SVG element per node
// makes every pan and every step cost work for all of them in Chromium's style,
// layout and paint; a canvas draws only the boxes in view. Two layers: the base
// (edges and boxes, drawn whole only when the view moves or the trace changes,
// and per step only the boxes the step changes) and an overlay (the step's
// edges, the active box, the search hit, the path view), cleared each step.
// The graph as a table (#node-table) is what a screen reader reads here.
import { d3 } from "../lib.js";
import { shownAt, activeAt, activeEdges, touchedBetween, nodeName } from "../model.js";
import { num, clip } from "../format.js";
import { nodeTitle } from "../notation.js";
import { gradColor, inkOn, dominant } from "../colors.js";
import { layoutGraph } from "./layout.js";
import { sizeOf } from "./node.js";
import { createZoom } from "./zoom.js";

// Above 1,000 nodes: there the compact SVG view's step already cost 1.6x the
// small graph's (style and layout of the SVG), and its play frames 100 ms and more.
export const CANVAS_MIN = 1000;
const TEXT_SCALE = 0.45; // below this zoom no text is drawn (as in the SVG view)
const FORWARD = "#0f766e";
const BACKWARD = "#c2410c";
const PATH = "#7c3aed";
const FOUND = "#4338ca";

export function createCanvasGraph(wrap, { onSelectLeaf } = {}) {
  const root = document.createElement("div");
  root.className = "canvas-graph";
  root.hidden = true;
  root.innerHTML = `<canvas class="base" aria-hidden="true"></canvas><canvas id="graph-canvas" class="overlay" role="img"></canvas>
    <form class="graph-find" role="search"><label><span class="visually-hidden">Find a node by name</span>
    <input id="graph-search" type="search" placeholder="Find a node (name or id)" autocomplete="off"></label>
    <button type="submit">Find</button><button type="button" data-view="active" title="Bring the active node into view">Active node</button>
    <output id="graph-search-status" aria-live="polite"></output></form>`;
  wrap.appendChild(root);
  const base = root.querySelector("canvas.base");
  const top = root.querySelector("canvas.overlay");
  const bctx = base.getContext("2d", { alpha: false });
  const octx = top.getContext("2d");
  const status = root.querySelector("#graph-search-status");
  let t = d3.zoomIdentity;
  let c = null; // {model, layout, idx, ids, x, y, w, h, step, eq, active, lit, found, titles}
  let frame = null;
  let size = { w: 1, h: 1, dpr: 1 };

  // zoom.js drives the transform exactly as for the SVG view; the "viewport"
  // it moves is this view's transform, and every move asks for one redraw.
  const viewport = { attr: (_name, value) => { t = value; schedule(); return viewport; } };
  const zoom = createZoom(d3.select(top), viewport);

  new ResizeObserver(() => { resize(); schedule(); }).observe(root);

  function resize() {
    const r = root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    size = { w: Math.max(1, r.width), h: Math.max(1, r.height), dpr };
    for (const cv of [base, top]) {
      cv.width = Math.round(size.w * dpr);
      cv.height = Math.round(size.h * dpr);
    }
  }

  function schedule() {
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; drawAll(); });
  }

  function build(model) {
    resize();
    const titles = model.nodes.map((n) => nodeTitle(n, model));
    const index = new Map(model.nodes.map((n, i) => [n.id, i]));
    const layout = layoutGraph(model, (n) => sizeOf(n, true, titles[index.get(n.id)], 1));
    const n = model.nodes.length;
    const x = new Float64Array(n), y = new Float64Array(n), w = new Float64Array(n), h = new Float64Array(n);
    model.nodes.forEach((node, i) => {
      const p = layout.pos.get(node.id);
      x[i] = p.x; y[i] = p.y; w[i] = p.w; h[i] = p.h;
    });
    // Edges as index pairs: culling and drawing read typed arrays only.
    const es = new Int32Array(model.edges.length), et = new Int32Array(model.edges.length);
    model.edges.forEach((e, i) => { es[i] = index.get(e.source); et[i] = index.get(e.target); });
    c = { model, layout, index, titles, x, y, w, h, es, et, step: null, eq: false, active: null, lit: null, found: null, foundList: [], foundAt: 0, fill: new Array(n) };
    top.setAttribute("aria-label", `Computation graph of ${n} nodes, drawn as a picture: the table "The graph as a table" below lists every node's value and gradient.`);
    top.dataset.nodes = String(n);
    zoom.setBounds(layout.width, layout.height, true);
    zoom.fit(false);
  }

  /** Box colours of node i at the current step. */
  function look(i) {
    const node = c.model.nodes[i];
    const shown = shownAt(c.model, node, c.step ?? 0, c.eq);
    const known = shown.grad !== undefined;
    const color = known ? gradColor(dominant(shown.grad)) : null;
    return {
      fill: known ? color : node.kind === "leaf" ? "#f5f7ff" : node.kind === "const" ? "#f8f9fb" : "#ffffff",
      stroke: node.warnings?.length ? "#b42318" : color ?? "#c4cbd6",
      ink: known ? inkOn(dominant(shown.grad)) : "#101828",
      faded: shown.value === undefined || node.kind === "const",
      value: shown.value,
      grad: known,
    };
  }

  function setTransform(ctx) {
    const d = size.dpr;
    ctx.setTransform(d * t.k, 0, 0, d * t.k, d * t.x, d * t.y);
  }

  function view() {
    const m = 60;
    return { x0: (-t.x) / t.k - m, y0: (-t.y) / t.k - m, x1: (size.w - t.x) / t.k + m, y1: (size.h - t.y) / t.k + m };
  }

  function drawBox(ctx, i, clear) {
    const { x, y, w, h } = c;
    const s = look(i);
    const x0 = x[i] - w[i] / 2, y0 = y[i] - h[i] / 2;
    if (clear) { ctx.fillStyle = "#ffffff"; ctx.fillRect(x0 - 3, y0 - 3, w[i] + 6, h[i] + 6); }
    if (t.k < TEXT_SCALE) {
      // Zoomed out: a solid block, at least 2 px, so a 50,000-node overview still shows
      // where values and gradients have got to (white boxes with 2-unit borders vanish).
      const px = 2 / t.k;
      ctx.fillStyle = s.grad ? s.fill : s.faded ? "#d0d5dd" : "#98a2b3";
      ctx.fillRect(x0, y0, Math.max(w[i], px), Math.max(h[i], px));
      return;
    }
    ctx.globalAlpha = s.faded ? 0.5 : 1;
    ctx.fillStyle = s.fill;
    ctx.strokeStyle = s.stroke;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.roundRect(x0, y0, w[i], h[i], 6);
    ctx.fill();
    ctx.stroke();
    if (t.k >= TEXT_SCALE) {
      ctx.fillStyle = s.ink;
      ctx.textAlign = "center";
      ctx.font = "700 13px system-ui, sans-serif";
      ctx.fillText(clip(c.titles[i], 10), x[i], y[i] - 3);
      if (s.value !== undefined) {
        ctx.font = "12px ui-monospace, 'DejaVu Sans Mono', monospace";
        ctx.fillText(clip(num(s.value), 10), x[i], y[i] + 11);
      }
    }
    ctx.globalAlpha = 1;
  }

  function visible(i, v) {
    return c.x[i] + c.w[i] / 2 > v.x0 && c.x[i] - c.w[i] / 2 < v.x1 && c.y[i] + c.h[i] / 2 > v.y0 && c.y[i] - c.h[i] / 2 < v.y1;
  }

  /** The base layer, whole: edges under boxes, only what is in view. */
  function drawAll() {
    if (!c) return;
    const t0 = performance.now();
    bctx.setTransform(1, 0, 0, 1, 0, 0);
    bctx.fillStyle = "#ffffff";
    bctx.fillRect(0, 0, base.width, base.height);
    setTransform(bctx);
    const v = view();
    const { x, y, w, es, et } = c;
    bctx.beginPath();
    for (let e = 0; e < es.length; e++) {
      const a = es[e], b = et[e];
      const ax = x[a] + w[a] / 2, bx = x[b] - w[b] / 2;
      if (Math.max(ax, bx) < v.x0 || Math.min(ax, bx) > v.x1 || Math.max(y[a], y[b]) < v.y0 || Math.min(y[a], y[b]) > v.y1) continue;
      bctx.moveTo(ax, y[a]);
      bctx.lineTo(bx, y[b]);
    }
    bctx.strokeStyle = "#c3cad5";
    bctx.lineWidth = Math.max(1.4, 1 / t.k); // never under one screen pixel
    bctx.stroke();
    let drawn = 0;
    for (let i = 0; i < x.length; i++) if (visible(i, v)) { drawBox(bctx, i, false); drawn++; }
    drawOverlay();
    top.dataset.drawn = String(drawn);
    top.dataset.drawMs = (performance.now() - t0).toFixed(1);
  }

  /** The step's marks: its edges, the active box, the search hit, the path view. */
  function drawOverlay() {
    octx.setTransform(1, 0, 0, 1, 0, 0);
    octx.clearRect(0, 0, top.width, top.height);
    if (!c) return;
    setTransform(octx);
    const { x, y, w, h, index } = c;
    const line = (src, dst) => {
      const a = index.get(src), b = index.get(dst);
      octx.moveTo(x[a] + w[a] / 2, y[a]);
      octx.lineTo(x[b] - w[b] / 2, y[b]);
    };
    if (c.lit?.edges?.size) {
      octx.beginPath();
      for (const id of c.lit.edges) { const [s, rest] = id.split(">"); line(s, rest.split("#")[0]); }
      octx.strokeStyle = PATH;
      octx.lineWidth = 3.5;
      octx.stroke();
    }
    const a = activeAt(c.model, c.step ?? 0);
    const badges = [];
    for (const [id, info] of activeEdges(c.model, c.step ?? 0)) {
      const [s, rest] = id.split(">");
      octx.beginPath();
      line(s, rest.split("#")[0]);
      octx.strokeStyle = info.dir === "forward" ? FORWARD : gradColor(dominant(info.edge.contribution)) ?? BACKWARD;
      octx.lineWidth = info.dir === "forward" ? 3.2 : 4.5;
      octx.stroke();
      if (info.dir === "backward" && info.edge.local !== null) badges.push({ s, d: rest.split("#")[0], text: `× ${num(info.edge.local)}` });
    }
    const ring = (i, color, width) => {
      octx.strokeStyle = color;
      octx.lineWidth = width;
      octx.beginPath();
      octx.roundRect(x[i] - w[i] / 2 - 3, y[i] - h[i] / 2 - 3, w[i] + 6, h[i] + 6, 8);
      octx.stroke();
    };
    for (const id of c.lit?.nodes ?? []) ring(index.get(id), PATH, 2.5);
    if (a.id) ring(index.get(a.id), a.phase === "forward" ? FORWARD : BACKWARD, 4.5);
    if (c.found !== null) ring(c.found, FOUND, 4);
    if (t.k >= TEXT_SCALE) {
      octx.font = "600 14px ui-monospace, 'DejaVu Sans Mono', monospace";
      octx.textAlign = "center";
      for (const b of badges) {
        const i = index.get(b.s), j = index.get(b.d);
        const mx = (x[i] + w[i] / 2 + x[j] - w[j] / 2) / 2, my = (y[i] + y[j]) / 2;
        const bw = b.text.length * 8.6 + 12;
        octx.fillStyle = "#fff7ed";
        octx.strokeStyle = "#fdba74";
        octx.lineWidth = 1;
        octx.beginPath();
        octx.roundRect(mx - bw / 2, my - 11, bw, 22, 5);
        octx.fill();
        octx.stroke();
        octx.fillStyle = "#9a3412";
        octx.fillText(b.text, mx, my + 5);
      }
    }
    top.dataset.active = a.id ?? "";
  }

  function update(model, step, { eq = false } = {}) {
    if (!c || c.model !== model) build(model);
    const ids = c.step !== null && c.eq === eq ? touchedBetween(model, c.step, step) : null;
    c.step = step;
    c.eq = eq;
    const a = activeAt(model, step);
    if (a.id) zoom.follow(pos(c.index.get(a.id)), false, a.phase === "forward" && step < model.F ? 1 : -1);
    if (ids === null || frame !== null) { schedule(); return; }
    // A step redraws its own boxes on the base; the view has not moved.
    setTransform(bctx);
    const v = view();
    for (const id of ids) {
      const i = c.index.get(id);
      if (visible(i, v)) drawBox(bctx, i, true);
    }
    drawOverlay();
  }

  const pos = (i) => ({ x: c.x[i], y: c.y[i], w: c.w[i], h: c.h[i] });

  /** Bring node i to the middle of the view at a readable scale. */
  function centre(i) {
    if (t.k < 1) zoom.zoomBy(1 / t.k, false);
    zoom.follow(pos(i), false, 0);
    const [sx, sy] = t.apply([c.x[i], c.y[i]]);
    top.dataset.centredAt = `${Math.round(sx)},${Math.round(sy)}`;
    drawOverlay();
  }

  /** Search by name: exact label or id first, then names that contain the text. */
  function find(text) {
    if (!c) return;
    const q = text.trim().toLowerCase();
    if (!q) return;
    if (c.query !== q) {
      const exact = [], part = [];
      c.model.nodes.forEach((n, i) => {
        const names = [n.id, n.label ?? "", nodeName(n, c.model), c.titles[i]].map((s) => String(s).toLowerCase());
        if (names.includes(q)) exact.push(i);
        else if (names.some((s) => s.includes(q))) part.push(i);
      });
      c.query = q;
      c.foundList = [...exact, ...part];
      c.foundAt = -1;
    }
    if (!c.foundList.length) {
      c.found = null;
      top.dataset.found = "";
      status.textContent = `No node is called “${clip(text, 30)}”.`;
      drawOverlay();
      return;
    }
    c.foundAt = (c.foundAt + 1) % c.foundList.length;
    c.found = c.foundList[c.foundAt];
    const node = c.model.nodes[c.found];
    top.dataset.found = node.id;
    status.textContent = `${c.foundAt + 1} of ${c.foundList.length}: ${clip(c.titles[c.found], 40)} (${node.id})`;
    centre(c.found);
  }

  function jumpToActive() {
    if (!c) return;
    const a = activeAt(c.model, c.step ?? 0);
    if (!a.id) { status.textContent = "No node is active before the first step."; return; }
    const i = c.index.get(a.id);
    status.textContent = `Active: ${clip(c.titles[i], 40)} (${a.id})`;
    const keep = c.found;
    c.found = i;
    centre(i);
    c.found = keep;
  }

  root.querySelector("form").addEventListener("submit", (ev) => { ev.preventDefault(); find(root.querySelector("#graph-search").value); });
  root.querySelector("[data-view=active]").addEventListener("click", jumpToActive);
  top.addEventListener("click", (ev) => {
    if (!c) return;
    const r = top.getBoundingClientRect();
    const [gx, gy] = t.invert([ev.clientX - r.left, ev.clientY - r.top]);
    for (let i = 0; i < c.x.length; i++) {
      if (Math.abs(gx - c.x[i]) <= c.w[i] / 2 && Math.abs(gy - c.y[i]) <= c.h[i] / 2) {
        const n = c.model.nodes[i];
        if (n.kind === "leaf" && !n.shape?.length) onSelectLeaf?.(n.label);
        return;
      }
    }
  });

  /** The path view's edges and nodes, drawn on the overlay. */
  function highlight(lit) {
    if (!c) return;
    c.lit = lit ?? null;
    if (lit?.leaf !== undefined && c.index.has(lit.leaf)) centre(c.index.get(lit.leaf));
    drawOverlay();
  }

  /** The view as shown (both layers), as a PNG blob. */
  async function png() {
    const out = document.createElement("canvas");
    out.width = base.width;
    out.height = base.height;
    const ctx = out.getContext("2d");
    ctx.drawImage(base, 0, 0);
    ctx.drawImage(top, 0, 0);
    return new Promise((res) => out.toBlob(res, "image/png"));
  }

  return {
    el: root,
    png,
    update,
    clear() { c = null; drawOverlay(); bctx.setTransform(1, 0, 0, 1, 0, 0); bctx.fillStyle = "#fff"; bctx.fillRect(0, 0, base.width, base.height); },
    zoom,
    highlight,
    find,
    jumpToActive,
    isCompact: () => true,
    bounds: () => (c ? { width: c.layout.width, height: c.layout.height } : null),
  };
}
