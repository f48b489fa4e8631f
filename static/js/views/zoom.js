// Zoom, pan, fit-to-view, and keeping the active node in sight.
import { d3 } from "../lib.js";

const LOD_SCALE = 0.45; // below this zoom, text is hidden (too small to read, costly to paint)

export function createZoom(svg, viewport, onViewChange = () => {}) {
  let bounds = { width: 1, height: 1 };
  // Fitting never goes below a readable scale: the view pans to the active node
  // instead (a 2,000-node chain fitted whole is a hairline). The Fit button
  // fits the whole graph.
  let minFit = 0.02;
  // Plain interpolation: the default zooms out and back in on every pan.
  const zoom = d3.zoom().scaleExtent([0.02, 6]).interpolate(d3.interpolate).on("zoom", (ev) => {
    viewport.attr("transform", ev.transform);
    svg.classed("lod-low", ev.transform.k < LOD_SCALE);
  }).on("end", (ev) => onViewChange(visibleRect(ev.transform)));
  svg.call(zoom).on("dblclick.zoom", null);

  // The view's size, kept by a ResizeObserver: reading it never forces a layout.
  let view = null;
  new ResizeObserver(([e]) => { view = { w: Math.max(1, e.contentRect.width), h: Math.max(1, e.contentRect.height) }; }).observe(svg.node());
  const size = () => {
    if (!view) {
      const r = svg.node().getBoundingClientRect();
      view = { w: Math.max(1, r.width), h: Math.max(1, r.height) };
    }
    return view;
  };
  const apply = (t, animate) => (animate ? svg.transition().duration(350).call(zoom.transform, t) : svg.call(zoom.transform, t));

  function fit(animate = true, whole = false) {
    const { w, h } = size();
    const k = Math.min(1.6, (w - 24) / bounds.width, (h - 24) / bounds.height);
    const s = Math.max(whole ? 0.02 : minFit, k);
    // Too wide to fit: show the output end (inputs left, output right), where
    // the page opens (after the forward pass) and the backward pass starts.
    const tx = bounds.width * s > w ? w - 12 - bounds.width * s : (w - bounds.width * s) / 2;
    const t = d3.zoomIdentity.translate(tx, (h - bounds.height * s) / 2).scale(s);
    apply(t, animate);
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
    setBounds(width, height, readable) { bounds = { width, height }; minFit = readable ? 11 / 14 : 11 / 12; },
    fit,
    follow,
    visibleRect,
    zoomBy(f, animate = true) { animate ? svg.transition().duration(200).call(zoom.scaleBy, f) : svg.call(zoom.scaleBy, f); },
  };
}
