// Zoom, pan, fit-to-view, and keeping the active node in sight.
import { d3 } from "../lib.js";

const LOD_SCALE = 0.45; // below this zoom, text is hidden (too small to read, costly to paint)

const PAD = 8; // px kept free around a fitted graph (the layout has its own 16 px margin)

export function createZoom(svg, viewport, onViewChange = () => {}) {
  let bounds = { width: 1, height: 1 };
  let nodes = []; // every node's box {id, x, y, w, h} (centre and size): framing never cuts one in half
  let boxes = nodes; // the nodes, and this step's badges
  let onCut = () => {};
  let textPx = 14; // the smallest text in the graph, in graph units
  // Fitting never goes below a readable scale: the view pans to the active node
  // instead (a 2,000-node chain fitted whole is a hairline). The Fit button
  // fits the whole graph.
  let minFit = 0.02;
  // Plain interpolation: the default zooms out and back in on every pan.
  // A wheel, drag or the +/− buttons: the user chose the view; automatic
  // framing leaves it alone until the next Fit or a new program.
  let manual = false;
  // Only a real move counts: a click on a node or an edge also starts a
  // gesture (mousedown), and must not stop the framing.
  const zoom = d3.zoom().scaleExtent([0.02, 6]).interpolate(d3.interpolate).on("zoom", (ev) => {
    if (ev.sourceEvent && !manual) { manual = true; onCut([]); } // the user's view shows every node
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
  // The part of the view on screen: on a phone the page scrolls to show the
  // current entry and the sticky controls cover the graph's top (insets()).
  let insets = () => null;
  let area = { w: 1, h: 1, top: 0 }; // the part framed into (y from its top), set by frame()
  const shown = () => {
    const { w, h } = size();
    const v = insets();
    if (!v) return { w, h, top: 0 };
    const top = Math.max(0, Math.min(v.top, h - 120)); // never frame into less than 120 px
    return { w, h: Math.max(120, h - top - Math.max(0, v.bottom)), top };
  };
  const still = window.matchMedia?.("(prefers-reduced-motion: reduce)");
  // Where the view is going (a transition may still be on its way there):
  // framing compares against it, so a refit during a pan is not skipped.
  let target = null;
  const apply = (t, animate) => {
    const now = d3.zoomTransform(svg.node());
    target = t;
    if (Math.abs(now.k - t.k) < 1e-6 && Math.abs(now.x - t.x) < 0.5 && Math.abs(now.y - t.y) < 0.5) {
      svg.interrupt(); // already there: a pan still on its way elsewhere stops here
      return;
    }
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
    onCut([]);
  }

  /** Frame the graph for the current step. A graph whose smallest text stays
   * readable when fitted (11 px, 20 px in lecture mode) is shown whole, so
   * nothing moves while stepping; a larger one is shown at the readable
   * scale with `focus` (the active node, its inputs and its outputs: boxes
   * {x, y, w, h}) inside the view, panning only when part of it is out.
   * Sets svg[data-fit] to "all" or "active". */
  function frame(focus = null, animate = true, badges = []) {
    if (manual) return;
    boxes = badges.length ? nodes.concat(badges) : nodes;
    const { w, h } = size();
    const lecture = document.body.classList.contains("lecture");
    const kMin = (lecture ? 20 : 11) / textPx;
    const kAll = Math.min(lecture ? 2.4 : 1.6, (w - PAD) / bounds.width, (h - PAD) / bounds.height);
    if (kAll >= kMin) {
      svg.attr("data-fit", "all");
      apply(d3.zoomIdentity.translate((w - bounds.width * kAll) / 2, (h - bounds.height * kAll) / 2).scale(kAll), animate);
      onCut([]);
      return;
    }
    svg.attr("data-fit", "active");
    // Before the first step: the output end, where the backward pass starts.
    if (!focus?.length && nodes.length) focus = [nodes[nodes.length - 1]];
    if (!focus?.length) { fitAt(Math.max(kMin, kAll), animate); onCut([]); return; }
    const box = (bs) => [Math.min(...bs.map((b) => b.x - b.w / 2)) - 8, Math.max(...bs.map((b) => b.x + b.w / 2)) + 8,
      Math.min(...bs.map((b) => b.y - b.h / 2)) - 8, Math.max(...bs.map((b) => b.y + b.h / 2)) + 8];
    // The active node with its inputs and outputs, even at smaller text; but a
    // tensor's grid of numbers is no use under 8 px (16 in lecture mode): where
    // tensor nodes side by side (on a phone) would need that, readable numbers
    // win and the active node (focus[0]) alone is kept whole at the readable scale.
    // The current step's badges (marked `badge`) join the neighbourhood where
    // it still fits at the readable scale.
    const plan = () => {
      const fits = ([a0, a1, b0, b1]) => Math.min((w - PAD) / (a1 - a0), (area.h - PAD) / (b1 - b0));
      const nodesOnly = focus.filter((b) => !b.badge);
      let kept = nodesOnly;
      for (const b of focus) if (b.badge && fits(box([...kept, b])) >= kMin) kept = [...kept, b];
      const whole = box(kept);
      const kFloor = nodesOnly.some((b) => b.tensor) ? (lecture ? 16 : 8) / textPx : 0;
      const at = fits(whole) >= kFloor ? whole : box(nodesOnly.slice(0, 1));
      // Zooming in past the readable scale is allowed (up to the neighbourhood
      // filling the view) when that keeps every node whole or wholly out.
      const k = Math.min(kMin, fits(at));
      return { at, k, kHi: Math.max(k, Math.min(lecture ? 2.4 : 1.6, fits(at))) };
    };
    area = shown();
    let p = plan();
    // Less than the readable size in the part on screen: smaller text where
    // most of the view is on screen (the neighbourhood stays in sight, as for
    // a neighbourhood too big for the view); else the page is scrolled away
    // from the graph, which is framed as a whole view.
    if (p.k < kMin - 1e-9 && area.h < h * 0.6) {
      area = { w, h, top: 0 };
      p = plan();
    }
    const { k, kHi } = p;
    const [x0, x1, y0, y1] = p.at;
    const { h: hs, top } = area;
    // From here on, y is measured from the top of the part on screen.
    const real = target ?? d3.zoomTransform(svg.node());
    const now = d3.zoomIdentity.translate(real.x, real.y - top).scale(real.k);
    if (now.k >= k - 1e-6 && now.k <= kHi + 1e-6) {
      const [a0, b0] = now.apply([x0, y0]);
      const [a1, b1] = now.apply([x1, y1]);
      // Already in view with no node cut at the edge: no motion.
      if (a0 >= 0 && b0 >= 0 && a1 <= w && b1 <= hs && cutAt(now.k, -now.x / now.k, -now.y / now.k, near([x0, x1, y0, y1], now.k)) === 0) {
        onCut([]);
        return;
      }
    }
    const t = uncut([x0, x1, y0, y1], k, kHi);
    apply(d3.zoomIdentity.translate(t.x, t.y + top).scale(t.k), animate);
    // What is still cut (a neighbourhood taller than the gaps allow) is the
    // caller's to hide: a half-shown box reads as broken.
    const cut = [];
    cutAt(t.k, -t.x / t.k, -t.y / t.k, near([x0, x1, y0, y1], t.k), cut);
    const x = -t.x / t.k;
    const y = -t.y / t.k;
    onCut(cut, { x0: x, y0: y, x1: x + w / t.k, y1: y + hs / t.k, k: t.k });
  }

  // Centre the neighbourhood, but never show empty space past the graph's ends;
  // the clamp may not push the neighbourhood out: it wins over the graph's ends.
  function centred([x0, x1, y0, y1], k) {
    const { w, h } = area;
    const clampT = (c, view, span) => (span * k <= view ? (view - span * k) / 2 : Math.min(0, Math.max(view - span * k, c)));
    const tx = clampT(w / 2 - ((x0 + x1) / 2) * k, w, bounds.width);
    const ty = clampT(h / 2 - ((y0 + y1) / 2) * k, h, bounds.height);
    const fx = x0 * k + tx < 0 || x1 * k + tx > w ? w / 2 - ((x0 + x1) / 2) * k : tx;
    const fy = y0 * k + ty < 0 || y1 * k + ty > h ? h / 2 - ((y0 + y1) / 2) * k : ty;
    return [fx, fy];
  }

  /** The nodes a view of `box` at scale k or more could touch. */
  function near([x0, x1, y0, y1], k) {
    const { w, h } = area;
    const W = w / k;
    const H = h / k;
    return boxes.filter((n) => n.x + n.w / 2 > x1 - W && n.x - n.w / 2 < x0 + W && n.y + n.h / 2 > y1 - H && n.y - n.h / 2 < y0 + H);
  }

  /** How many nodes the view's edge cuts (part in, part out) with its top
   * left corner at (L, T) in graph units, at scale k. */
  function cutAt(k, L, T, boxes, ids = null) {
    const { w, h } = area;
    const R = L + w / k;
    const B = T + h / k;
    const e = 1 / k; // a pixel's overlap cuts nothing a reader sees
    let cut = 0;
    for (const n of boxes) {
      const a = n.x - n.w / 2, b = n.x + n.w / 2, c = n.y - n.h / 2, d = n.y + n.h / 2;
      if (b <= L + e || a >= R - e || d <= T + e || c >= B - e) continue; // wholly out
      if (a >= L - e && b <= R + e && c >= T - e && d <= B + e) continue; // wholly in
      cut++;
      ids?.push(n.id);
    }
    return cut;
  }

  /** A view of `box` at a scale from k to kHi in which no node is cut in half
   * by the view's edge (a half-shown node reads as broken): its edges are
   * tried just clear of each nearby node, the nearest to the centred view
   * first. Fewest cut nodes wins, then the smallest scale (the most context),
   * then the least motion away from the centred view. */
  function uncut(box, k, kHi) {
    const { w, h } = area;
    const [x0, x1, y0, y1] = box;
    const nearby = near(box, k);
    const E = 3; // graph units kept clear of a node's border
    const scales = kHi > k * 1.01 ? Array.from({ length: 9 }, (_, i) => k * (kHi / k) ** (i / 8)) : [k];
    let best = null;
    for (const s of scales) {
      const W = w / s;
      const H = h / s;
      const [tx, ty] = centred(box, s);
      const L0 = -tx / s;
      const T0 = -ty / s;
      // Edge positions along one axis that keep the neighbourhood in view:
      // the centred one, and each just clear of a nearby node, either side.
      const tries = (lo, hi, span, ends, p0) => {
        const out = new Set([p0]);
        for (const [a, b] of ends) for (const p of [a - E, b + E, a - E - span, b + E - span]) out.add(p);
        return [...out].filter((p) => p <= lo + 0.5 && p + span >= hi - 0.5).sort((p, q) => Math.abs(p - p0) - Math.abs(q - p0)).slice(0, 16);
      };
      const Ls = tries(x0, x1, W, nearby.map((n) => [n.x - n.w / 2, n.x + n.w / 2]), L0);
      const Ts = tries(y0, y1, H, nearby.map((n) => [n.y - n.h / 2, n.y + n.h / 2]), T0);
      for (const L of Ls) {
        for (const T of Ts) {
          const cut = cutAt(s, L, T, nearby);
          const moved = Math.hypot((L - L0) * s, (T - T0) * s);
          if (!best || cut < best.cut || (cut === best.cut && moved < best.moved && s === best.s)) best = { cut, s, L, T, moved };
        }
      }
      if (best?.cut === 0) break; // the smallest scale with nothing cut
    }
    if (!best) {
      const [tx, ty] = centred(box, k);
      return d3.zoomIdentity.translate(tx, ty).scale(k);
    }
    return d3.zoomIdentity.translate(-best.L * best.s, -best.T * best.s).scale(best.s);
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
    setBounds(width, height, readable, all = []) {
      bounds = { width, height };
      // A box's border is drawn half outside it: 2 px more each way.
      nodes = boxes = all.map((b) => ({ ...b, w: b.w + 4, h: b.h + 4 }));
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
    /** fn() → {top, bottom}: px of the view hidden at its top and bottom (or null). */
    insets(fn) { insets = fn; },
    /** fn(ids, view): the boxes the framed view still cuts at its edge ([] for
     * none), and the part on screen {x0, y0, x1, y1} (graph units) at scale k. */
    onCut(fn) { onCut = fn; },
    zoomBy(f, animate = true) { manual = true; animate && !still?.matches ? svg.transition().duration(200).call(zoom.scaleBy, f) : svg.call(zoom.scaleBy, f); },
  };
}
