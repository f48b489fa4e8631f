// Small heatmaps of a tensor's value or gradient, drawn in a node or enlarged.
import { toNumber } from "../format.js";
import { gradColor, valueScale } from "../colors.js";

/** A tensor as rows of numbers (1-D is one row; higher ranks fold into rows). */
export function asMatrix(v) {
  if (!Array.isArray(v)) return [[v]];
  if (!Array.isArray(v[0])) return [v];
  if (!Array.isArray(v[0][0])) return v;
  return v.flatMap((x) => asMatrix(x));
}

/** Draw up to maxCells per side into g; returns {width, height}. */
export function drawHeatmap(g, v, kind, { cell = 0, maxSide = 8, box = [56, 44], label = true, like = null } = {}) {
  g.selectAll("*").remove();
  const caption = kind === "grad" ? "∇" : "value";
  if (label) g.append("text").attr("class", "hm-label").attr("x", 0).attr("y", -2).text(caption);
  if ((v === null || v === undefined) && like !== null && like !== undefined && cell) {
    const m = asMatrix(like);
    const w = Math.min(m[0].length, maxSide) * cell;
    const h = Math.min(m.length, maxSide) * cell;
    g.append("rect").attr("class", "hm-empty").attr("y", 2).attr("width", w).attr("height", h).attr("rx", 3);
    return { width: w, height: h + 2 };
  }
  if (v === null || v === undefined) {
    g.append("rect").attr("class", "hm-empty").attr("y", 2).attr("width", box[0]).attr("height", box[1] - 8).attr("rx", 3);
    return { width: box[0], height: box[1] };
  }
  let m = asMatrix(v);
  // A long vector folds into a near-square block, row by row (64 pixels: the 8×8
  // image), so every entry is drawn; titles keep the entry's own index.
  const folded = m.length === 1 && m[0].length > maxSide ? Math.ceil(Math.sqrt(m[0].length)) : 0;
  if (folded) m = Array.from({ length: Math.ceil(m[0].length / folded) }, (_, r) => m[0].slice(r * folded, (r + 1) * folded));
  const rows = Math.min(m.length, maxSide);
  const cols = Math.min(m[0].length, maxSide);
  const size = cell || Math.max(3, Math.min(12, Math.floor(Math.min(box[0] / cols, (box[1] - 8) / rows))));
  const color = kind === "grad" ? gradColor : valueScale(v);
  const cells = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (c < m[r].length) cells.push({ r, c, x: m[r][c] });
  const grid = g.append("g").attr("transform", "translate(0,2)");
  grid.selectAll("rect").data(cells).join("rect")
    .attr("x", (d) => d.c * size).attr("y", (d) => d.r * size)
    .attr("width", size - 1).attr("height", size - 1)
    .style("fill", (d) => color(d.x))
    .append("title").text((d) => `[${folded ? `${Array.isArray(v[0]) ? "0, " : ""}${d.r * folded + d.c}` : `${d.r}, ${d.c}`}] ${toNumber(d.x)}`);
  if (m.length > rows || m[0].length > cols) {
    g.append("text").attr("class", "hm-more").attr("x", cols * size + 2).attr("y", rows * size).text("…");
  }
  return { width: cols * size, height: rows * size + 2 };
}

/** The enlarged view of a tensor node, drawn in the overlay layer. */
export function drawExpanded(layer, node, shown, box, onClose, bottom = Infinity) {
  const g = layer.append("g").attr("class", "expanded").attr("data-for", node.id);
  const pad = 12;
  const panel = g.append("rect").attr("class", "expanded-bg").attr("rx", 10);
  g.append("text").attr("class", "expanded-title").attr("x", pad).attr("y", 20).text(`${node.label ?? node.op}  ${JSON.stringify(node.shape)}`);
  const hv = g.append("g").attr("transform", `translate(${pad},44)`);
  const a = drawHeatmap(hv, shown.value ?? null, "value", { cell: 16, maxSide: 24, box: [160, 160] });
  const hg = g.append("g").attr("transform", `translate(${pad * 2 + Math.max(a.width, 60)},44)`);
  const b = drawHeatmap(hg, shown.grad ?? null, "grad", { cell: 16, maxSide: 24, box: [160, 160], like: node.value });
  const width = pad * 3 + Math.max(a.width, 60) + Math.max(b.width, 60);
  const height = 44 + Math.max(a.height, b.height) + pad + 4;
  panel.attr("width", width).attr("height", height);
  const close = g.append("g").attr("class", "expanded-close").attr("transform", `translate(${width - 18},16)`);
  close.append("circle").attr("r", 9);
  close.append("text").attr("y", 4).text("×");
  close.on("click", (ev) => { ev.stopPropagation(); onClose(); });
  // Below the node, or above it when the node sits in the lower part of the graph.
  const below = box.y < bottom / 2;
  g.attr("transform", `translate(${box.x - width / 2},${below ? box.y + box.h / 2 + 8 : box.y - box.h / 2 - 8 - height})`);
  return g;
}
