// Zoom, pan, fit-to-view, and keeping the active node in sight.
import { d3 } from "../lib.js";

const LOD_SCALE = 0.45; // below this zoom, text is hidden (too small to read, costly to paint)

const PAD = 8; // px kept free around a fitted graph (the layout has its own 16 px margin)

export function createZoom(svg, viewport, onViewChange = () => {}) {
  let bounds = { width: 1, height: 1 };
  let textPx = 14; // the smallest text in the graph, in graph units
  // Fitting never goes below a readable scale: the view pans to the active node
  // instead (a 2,000-node chain fitted whole is a hairline). The Fit button
  // fits the whole graph.
  let minFit = 0.02;
  // Plain interpolation: the default zooms out and back in on every pan.
  // A wheel, drag or the +/− buttons: the user chose the view; automatic
  // framing leaves it alone until the next Fit or a new program.
  let manual = false;
  const zoom = d3.zoom().scaleExtent([0.02, 6]).interpolate(d3.interpolate).on("start", (ev) => {
    if (ev.sourceEvent) manual = true;
  }).on("zoom", (ev) => {
    viewport.attr("transform", ev.transform);
    svg.classed("lod-low", ev.transform.k < LOD_SCALE);
  }).on("end", (ev) => onViewChange(visibleRect(ev.transform)));
  svg.call(zoom).on("dblclick.zoom", null);

  // The view's size, kept by a ResizeObserver: reading it never forces a layout.
  let view = null;
  let onResize = () => {};
  new ResizeObserver(([e]) => {
    const next = { w: Math.max(1, e.contentRect.width), h: Math.max(1, e.contentRect.height) };
    const changed = !view || Math.abs(view.w - next.w) > 0.5 || Math.abs(view.h - next.h) > 0.5;
    view = next;
    // Framed again before this frame is painted: the graph is never shown cut.
    if (changed) onResize(view);
  }).observe(svg.node());
  const size = () => {
    if (!view) {
      const r = svg.node().getBoundingClientRect();
      view = { w: Math.max(1, r.width), h: Math.max(1, r.height) };
    }
    return view;
  };
  const still = window.matchMedia?.("(prefers-reduced-motion: reduce)");
  const apply = (t, animate) => {
    const now = d3.zoomTransform(svg.node());
    if (Math.abs(now.k - t.k) < 1e-6 && Math.abs(now.x - t.x) < 0.5 && Math.abs(now.y - t.y) < 0.5) return; // already there
    svg.interrupt();
    return animate && !still?.matches ? svg.transition().duration(350).call(zoom.transform, t) : svg.call(zoom.transform, t);
  };

  function fit(animate = true, whole = false) {
    const { w, h } = size();
    const k = Math.min(document.body.classList.contains("lecture") ? 2.4 : 1.6, (w - PAD) / bounds.width, (h - PAD) / bounds.height);
    const s = Math.max(whole ? 0.02 : minFit, k);
    // Too wide to fit: show the output end (inputs left, output right), where
    // the page opens (after the forward pass) and the backward pass starts.
    const tx = bounds.width * s > w ? w - 12 - bounds.width * s : (w - bounds.width * s) / 2;
    const t = d3.zoomIdentity.translate(tx, (h - bounds.height * s) / 2).scale(s);
    svg.attr("data-fit", k >= s ? "all" : "active");
    apply(t, animate);
  }

  /** Frame the graph for the current step. A graph whose smallest text stays
   * readable when fitted (11 px, 20 px in lecture mode) is shown whole, so
   * nothing moves while stepping; a larger one is shown at the readable
   * scale with `focus` (the active node, its inputs and its outputs: boxes
   * {x, y, w, h}) inside the view, panning only when part of it is out.
   * Sets svg[data-fit] to "all" or "active". */
  function frame(focus = null, animate = true) {
    if (manual) return;
    const { w, h } = size();
    const lecture = document.body.classList.contains("lecture");
    const kMin = (lecture ? 20 : 11) / textPx;
    const kAll = Math.min(lecture ? 2.4 : 1.6, (w - PAD) / bounds.width, (h - PAD) / bounds.height);
    if (kAll >= kMin) {
      svg.attr("data-fit", "all");
      apply(d3.zoomIdentity.translate((w - bounds.width * kAll) / 2, (h - bounds.height * kAll) / 2).scale(kAll), animate);
      return;
    }
    svg.attr("data-fit", "active");
    if (!focus?.length) { fitAt(Math.max(kMin, kAll), animate); return; }
    const x0 = Math.min(...focus.map((b) => b.x - b.w / 2)) - 8;
    const x1 = Math.max(...focus.map((b) => b.x + b.w / 2)) + 8;
    const y0 = Math.min(...focus.map((b) => b.y - b.h / 2)) - 8;
    const y1 = Math.max(...focus.map((b) => b.y + b.h / 2)) + 8;
    // The neighbourhood must fit whole, even if that means smaller text.
    const k = Math.min(kMin, (w - PAD) / (x1 - x0), (h - PAD) / (y1 - y0));
    const t = d3.zoomTransform(svg.node());
    if (Math.abs(t.k - k) < 1e-6) {
      const [a0, b0] = t.apply([x0, y0]);
      const [a1, b1] = t.apply([x1, y1]);
      if (a0 >= 0 && b0 >= 0 && a1 <= w && b1 <= h) return; // already in view: no motion
    }
    // Centre the neighbourhood, but never show empty space past the graph's ends.
    const clampT = (c, view, span) => (span * k <= view ? (view - span * k) / 2 : Math.min(0, Math.max(view - span * k, c)));
    const tx = clampT(w / 2 - ((x0 + x1) / 2) * k, w, bounds.width);
    const ty = clampT(h / 2 - ((y0 + y1) / 2) * k, h, bounds.height);
    // The clamp may not push the neighbourhood out: it wins over the graph's ends.
    const fx = x0 * k + tx < 0 || x1 * k + tx > w ? w / 2 - ((x0 + x1) / 2) * k : tx;
    const fy = y0 * k + ty < 0 || y1 * k + ty > h ? h / 2 - ((y0 + y1) / 2) * k : ty;
    apply(d3.zoomIdentity.translate(fx, fy).scale(k), animate);
  }

  function fitAt(s, animate) {
    const { w, h } = size();
    const tx = bounds.width * s > w ? w - 12 - bounds.width * s : (w - bounds.width * s) / 2;
    apply(d3.zoomIdentity.translate(tx, (h - bounds.height * s) / 2).scale(s), animate);
  }

  /** The part of the graph in view, in graph coordinates. */
  function visibleRect(t = d3.zoomTransform(svg.node())) {
    const { w, h } = size();
    const [x0, y0] = t.invert([0, 0]);
    const [x1, y1] = t.invert([w, h]);
    return { x0, y0, x1, y1 };
  }

  /** Pan (never zoom) when a node box leaves the view. The node lands on the
   * side it came from, so the next screenful of steps needs no pan: a pan
   * re-lays out every node, which is costly in a large graph. */
  function follow(box, animate, dir = 0, boxes = null) {
    if (!box) return;
    const t = d3.zoomTransform(svg.node());
    const { w, h } = size();
    const [x, y] = t.apply([box.x, box.y]);
    const mx = Math.min(w / 4, (box.w * t.k) / 2 + 8);
    const my = Math.min(h / 4, (box.h * t.k) / 2 + 8);
    if (x > mx && x < w - mx && y > my && y < h - my) return;
    const fx = dir > 0 ? 0.2 : dir < 0 ? 0.8 : 0.5;
    // A graph laid out top to bottom (a phone) moves along y: keep x where the
    // whole width is in view, and put the node where the next steps will be.
    const tall = bounds.height > bounds.width;
    const fitsX = bounds.width * t.k <= w;
    const tx = tall && fitsX ? t.x : w * (tall ? 0.5 : fx) - box.x * t.k;
    const fy = tall ? (dir > 0 ? 0.3 : dir < 0 ? 0.7 : 0.5) : 0.5;
    let ty = h * fy - box.y * t.k;
    // A box the view's top edge would cut in half comes fully into view
    // (or, if that pushed the followed node out, goes fully out of it).
    for (const b of boxes ?? []) {
      const top = ty + (b.y - b.h / 2) * t.k;
      const bottom = ty + (b.y + b.h / 2) * t.k;
      if (top < 0 && bottom > 0) {
        const down = 8 - top;
        ty += ty + (box.y + box.h / 2) * t.k + down < h ? down : -bottom;
        break;
      }
    }
    apply(d3.zoomIdentity.translate(tx, ty).scale(t.k), animate);
  }

  return {
    // The smallest text in the graph is 14 px (12 px in a large graph's compact
    // boxes): never open below the scale that shows it at 11 px.
    setBounds(width, height, readable) {
      bounds = { width, height };
      textPx = readable ? 14 : 12;
      minFit = 11 / textPx;
      manual = false; // a new program is framed afresh
    },
    fit(animate = true, whole = false) { manual = false; fit(animate, whole); },
    frame,
    follow,
    visibleRect,
    isManual: () => manual,
    onResize(fn) { onResize = fn; },
    zoomBy(f, animate = true) { manual = true; animate && !still?.matches ? svg.transition().duration(200).call(zoom.scaleBy, f) : svg.call(zoom.scaleBy, f); },
  };
}
