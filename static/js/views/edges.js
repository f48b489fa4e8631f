// Graph edges. Small graphs: one path per edge. Large graphs: every edge in
// one static path (thousands of elements cost a repaint each frame), and only
// the edges of the current step drawn on top as their own paths.
import { d3 } from "../lib.js";
import { gradColor, dominant } from "../colors.js";

export function createEdges(layer, model, layout, compact) {
  const line = d3.line().x((p) => p.x).y((p) => p.y).curve(compact ? d3.curveLinear : d3.curveBasis);
  const byId = new Map(model.edges.map((e) => [e.id, e]));
  const els = new Map();
  const root = layer.node();
  const make = (e, parent) => {
    const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
    p.setAttribute("class", `edge${model.byId.get(e.source).kind === "const" ? " from-const" : ""}`);
    p.setAttribute("data-edge", e.id);
    p.setAttribute("d", line(layout.routes.get(e.id)));
    p.setAttribute("marker-end", "url(#arrow-plain)");
    parent.appendChild(p);
    return p;
  };
  let hot = root;
  if (compact) {
    const all = document.createElementNS("http://www.w3.org/2000/svg", "path");
    all.setAttribute("class", "edge-all");
    all.setAttribute("d", model.edges.map((e) => line(layout.routes.get(e.id))).join(""));
    root.appendChild(all);
    hot = document.createElementNS("http://www.w3.org/2000/svg", "g");
    root.appendChild(hot);
  } else {
    const frag = document.createDocumentFragment();
    for (const e of model.edges) els.set(e.id, make(e, frag));
    root.appendChild(frag);
  }
  let active = new Map();
  let focus = null;

  /** The path of an edge; in a large graph it is drawn only while it is needed. */
  function path(id) {
    if (!els.has(id) && compact && byId.has(id)) els.set(id, make(byId.get(id), hot));
    return els.get(id);
  }

  function release(id) {
    if (!compact || active.has(id) || id === focus) return;
    els.get(id)?.remove();
    els.delete(id);
  }

  function style(p, info) {
    if (!p) return;
    p.classList.toggle("is-forward", info?.dir === "forward");
    p.classList.toggle("is-backward", info?.dir === "backward");
    if (info?.dir === "backward") {
      p.removeAttribute("marker-end");
      p.setAttribute("marker-start", "url(#arrow-backward)");
    } else {
      p.setAttribute("marker-end", `url(#arrow-${info ? info.dir : "plain"})`);
      p.removeAttribute("marker-start");
    }
    p.style.stroke = info?.edge ? gradColor(dominant(info.edge.contribution)) : "";
    if (info && !compact) p.parentNode.appendChild(p); // on top of the others
  }

  return {
    path,
    setActive(edges) {
      const old = active;
      active = edges;
      for (const [id] of old) if (!edges.has(id)) { style(els.get(id), null); release(id); }
      for (const [id, info] of edges) style(path(id), info);
    },
    setFocus(id) {
      if (id === focus) return;
      const old = focus;
      focus = id;
      if (old) { els.get(old)?.classList.remove("is-focus"); release(old); }
      if (id) path(id)?.classList.add("is-focus");
    },
  };
}
