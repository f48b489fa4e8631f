// The graph view the page uses: the SVG view (views/graph.js: every hook,
// focusable nodes) up to CANVAS_MIN nodes, the canvas view above it (views/
// canvas-graph.js: zoom, pan, search, jump to the active node). Same interface.
import { createGraphView as createSvgGraph } from "./graph.js";
import { createCanvasGraph, CANVAS_MIN } from "./canvas-graph.js";

export function createGraphView(svgEl, opts = {}) {
  const small = createSvgGraph(svgEl, opts);
  let big = null;
  let view = small;

  function pick(model) {
    const want = model.nodes.length > CANVAS_MIN ? (big ??= createCanvasGraph(svgEl.parentNode, opts)) : small;
    if (want === view) return;
    view.clear();
    view = want;
    svgEl.style.display = view === small ? "" : "none";
    if (big) big.el.hidden = view !== big;
  }

  return {
    update(model, step, options) { pick(model); view.update(model, step, options); },
    clear() { view.clear(); },
    highlight(...args) { view.highlight(...args); },
    // The SVG view frames per step and refits on a resize; the canvas keeps its own view.
    refit: () => view.refit?.(),
    fit: () => (view.fit ? view.fit() : view.zoom.fit(false, true)),
    isCompact: () => view.isCompact(),
    isCanvas: () => view === big,
    png: () => (view === big ? big.png() : null),
    bounds: () => view.bounds(),
    zoom: {
      fit: (...args) => view.zoom.fit(...args),
      follow: (...args) => view.zoom.follow(...args),
      visibleRect: (...args) => view.zoom.visibleRect(...args),
      zoomBy: (...args) => view.zoom.zoomBy(...args),
    },
  };
}
