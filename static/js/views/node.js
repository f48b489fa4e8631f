// One graph node: its size, its static content, and what changes per step.
import { num, raw, clip, shapeText } from "../format.js";
import { gradColor, inkOn, dominant } from "../colors.js";
import { OP_SYMBOL, nodeTitle } from "../model.js";
import { drawHeatmap } from "./heatmap.js";

const CHAR = 7.6; // px per character at the node font size, for sizing without measuring

export function isTensor(node) {
  return Array.isArray(node.shape) && node.shape.length > 0;
}

/** Box size; compact boxes for large graphs carry the title and colour only. */
export function sizeOf(node, compact) {
  const title = clip(nodeTitle(node), compact ? 10 : 18);
  if (compact) return { width: Math.max(56, title.length * CHAR + 16), height: 34 };
  const badge = node.kind === "op" && node.label ? (OP_SYMBOL[node.op] || node.op).length + 2 : 0;
  if (isTensor(node)) return { width: Math.max(148, (title.length + badge) * CHAR + 40), height: 108 };
  const longest = Math.max(title.length + 3 + badge, num(node.value).length + 2, num(node.grad).length + 2);
  return { width: Math.max(96, longest * CHAR + 24), height: 74 };
}

/** Draw the parts of a node that never change (called once per node). */
export function drawNode(g, node, box, compact) {
  const { w, h } = box;
  const tensor = isTensor(node);
  g.attr("class", `node kind-${node.kind} op-${node.op}${tensor ? " is-tensor" : ""}${node.warnings?.length ? " has-warning" : ""}`)
    .attr("data-id", node.id)
    .attr("data-op", node.op)
    .attr("data-label", node.label ?? "")
    .attr("data-value", "")
    .attr("data-grad", "");
  if (tensor && !compact) g.attr("tabindex", 0).attr("role", "button").attr("aria-expanded", "false");
  g.append("title").text(tooltip(node));
  g.append("rect").attr("class", "box").attr("x", -w / 2).attr("y", -h / 2).attr("width", w).attr("height", h).attr("rx", compact ? 6 : 10);
  const title = clip(nodeTitle(node), compact ? 10 : 18);
  g.append("text").attr("class", "title").attr("y", compact ? -3 : -h / 2 + 20).text(title);
  if (node.kind === "op" && node.label && !compact) {
    g.append("text").attr("class", "op-badge").attr("x", w / 2 - 10).attr("y", -h / 2 + 16).text(OP_SYMBOL[node.op] || node.op);
  }
  if (node.warnings?.length) g.append("text").attr("class", "warn-badge").attr("x", -w / 2 + 10).attr("y", -h / 2 + 16).text("⚠");
  if (compact) {
    g.append("rect").attr("class", "grad-bar").attr("x", -w / 2 + 3).attr("y", h / 2 - 9).attr("width", w - 6).attr("height", 6).attr("rx", 3);
    g.append("text").attr("class", "value small").attr("y", 9);
    return;
  }
  if (tensor) {
    g.append("text").attr("class", "shape").attr("y", -h / 2 + 35).text(shapeText(node.shape));
    g.append("g").attr("class", "hm hm-value").attr("transform", `translate(${-w / 2 + 10},${-h / 2 + 54})`);
    g.append("g").attr("class", "hm hm-grad").attr("transform", `translate(${6},${-h / 2 + 54})`);
    return;
  }
  g.append("text").attr("class", "value").attr("y", 2);
  const chip = g.append("g").attr("class", "grad-chip").attr("transform", `translate(0,${h / 2 - 19})`);
  chip.append("rect").attr("x", -w / 2 + 6).attr("y", -11).attr("width", w - 12).attr("height", 22).attr("rx", 6);
  chip.append("text").attr("y", 5);
}

function tooltip(node) {
  const lines = [node.text || node.label || node.op, `${node.op} · ${shapeText(node.shape)}`];
  for (const w of node.warnings || []) lines.push(`⚠ ${w}`);
  return lines.join("\n");
}

/** Update what changes with the step; `cache` remembers the last values drawn. */
export function updateNode(g, node, shown, cache, compact) {
  if (cache.value !== shown.value) {
    cache.value = shown.value;
    const known = shown.value !== undefined;
    g.attr("data-value", known ? raw(shown.value) : "").classed("has-value", known);
    if (isTensor(node) && !compact) drawHeatmap(g.select(".hm-value"), known ? shown.value : null, "value");
    else g.select(".value").text(known ? (compact ? clip(num(shown.value), 10) : `= ${num(shown.value)}`) : "");
  }
  if (cache.grad !== shown.grad) {
    cache.grad = shown.grad;
    const known = shown.grad !== undefined;
    const color = known ? gradColor(dominant(shown.grad)) : null;
    g.attr("data-grad", known ? raw(shown.grad) : "").classed("has-grad", known);
    if (compact) g.select(".grad-bar").style("fill", color);
    else if (isTensor(node)) drawHeatmap(g.select(".hm-grad"), known ? shown.grad : null, "grad");
    else {
      g.select(".grad-chip rect").style("fill", color);
      const none = node.grad === null || node.grad === undefined;
      g.select(".grad-chip text").style("fill", known ? inkOn(shown.grad) : null).text(known ? `∇ ${num(shown.grad)}` : none ? "no ∇" : "∇ ?");
    }
    g.select(".box").style("stroke", color);
  }
}
