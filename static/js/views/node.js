// One graph node: its size, its static content, and what changes per step.
// Plain DOM calls here: this runs for every node of a 5,000-node graph.
import { num, raw, clip, shapeText } from "../format.js";
import { gradColor, inkOn, dominant } from "../colors.js";
import { drawHeatmap } from "./heatmap.js";
import { d3 } from "../lib.js";

const SVG = "http://www.w3.org/2000/svg";
const CHAR = 9; // px per character at the node font size (15px mono), for sizing without measuring

export function isTensor(node) {
  return Array.isArray(node.shape) && node.shape.length > 0;
}

/** Box size; compact boxes for large graphs carry the title and colour only.
 * `fullTitle`: name and operation together (notation.js nodeTitle). */
export function sizeOf(node, compact, fullTitle, fan = 1) {
  const title = clip(fullTitle, compact ? 10 : 24);
  if (compact) return { width: Math.max(56, title.length * CHAR + 16), height: 34 };
  if (isTensor(node)) return { width: Math.max(148, title.length * CHAR + 40), height: 108 };
  const longest = Math.max(title.length + 3, num(node.value).length + 2, num(node.grad).length + 4 + (fan > 1 ? 9 : 0));
  return { width: Math.max(96, longest * CHAR + 24), height: 74 };
}

function el(parent, tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

/** Build a node's elements (once per node); returns the parts that change per step. */
export function drawNode(g, node, box, compact, fullTitle) {
  const { w, h } = box;
  const tensor = isTensor(node);
  const cls = `node kind-${node.kind} op-${node.op}${tensor ? " is-tensor" : ""}${node.warnings?.length ? " has-warning" : ""}`;
  g.setAttribute("class", cls);
  g.setAttribute("data-id", node.id);
  g.setAttribute("data-op", node.op);
  g.setAttribute("data-label", node.label ?? "");
  g.setAttribute("data-value", "");
  g.setAttribute("data-grad", "");
  g.setAttribute("transform", `translate(${box.x},${box.y})`);
  const parts = { g, box: null, value: null, chipRect: null, chipText: null, bar: null, hmValue: null, hmGrad: null, lastValue: null, lastGrad: null };
  if (!compact) el(g, "title", {}, tooltip(node));
  if (tensor && !compact) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-expanded", "false");
  }
  parts.box = el(g, "rect", { class: "box", x: -w / 2, y: -h / 2, width: w, height: h, rx: compact ? 6 : 10 });
  parts.title = el(g, "text", { class: "title", y: compact ? -3 : -h / 2 + 20 }, clip(fullTitle, compact ? 10 : 24));
  if (node.warnings?.length) el(g, "text", { class: "warn-badge", x: -w / 2 + 10, y: -h / 2 + 16 }, "⚠");
  if (compact) {
    parts.value = el(g, "text", { class: "value small", y: 9 });
  } else if (tensor) {
    el(g, "text", { class: "shape", y: -h / 2 + 35 }, shapeText(node.shape));
    parts.hmValue = d3.select(el(g, "g", { class: "hm hm-value", transform: `translate(${-w / 2 + 10},${-h / 2 + 54})` }));
    parts.hmGrad = d3.select(el(g, "g", { class: "hm hm-grad", transform: `translate(6,${-h / 2 + 54})` }));
  } else {
    parts.value = el(g, "text", { class: "value", y: 3 });
    const chip = el(g, "g", { class: "grad-chip", transform: `translate(0,${h / 2 - 19})` });
    parts.chipRect = el(chip, "rect", { x: -w / 2 + 6, y: -11, width: w - 12, height: 22, rx: 6 });
    parts.chipText = el(chip, "text", { y: 5 });
  }
  return parts;
}

function tooltip(node) {
  const lines = [node.text || node.label || node.op, `${node.op} · ${shapeText(node.shape)}`];
  for (const w of node.warnings || []) lines.push(`⚠ ${w}`);
  return lines.join("\n");
}

/** Update what changes with the step; `parts` remembers the last values drawn. */
export function updateNode(parts, node, shown, compact) {
  const { g } = parts;
  if (parts.lastValue !== shown.value) {
    parts.lastValue = shown.value;
    const known = shown.value !== undefined;
    g.setAttribute("data-value", known ? raw(shown.value) : "");
    g.classList.toggle("has-value", known);
    if (parts.hmValue) drawHeatmap(parts.hmValue, known ? shown.value : null, "value");
    else parts.value.textContent = known ? (compact ? clip(num(shown.value), 10) : `= ${num(shown.value)}`) : "";
  }
  const partial = shown.grad !== undefined && shown.got < shown.of;
  if (parts.lastGrad !== shown.grad || parts.lastPartial !== partial) {
    parts.lastGrad = shown.grad;
    parts.lastPartial = partial;
    g.classList.toggle("is-partial", partial);
    const known = shown.grad !== undefined;
    const color = known ? gradColor(dominant(shown.grad)) : "";
    g.setAttribute("data-grad", known ? raw(shown.grad) : "");
    g.classList.toggle("has-grad", known);
    if (compact) {
      // A large graph's node is filled with its gradient colour: one element, no chip.
      parts.box.style.fill = color;
      parts.title.style.fill = parts.value.style.fill = known ? inkOn(dominant(shown.grad)) : "";
    } else if (parts.hmGrad) drawHeatmap(parts.hmGrad, known ? shown.grad : null, "grad");
    else {
      const none = node.grad === null || node.grad === undefined;
      parts.chipRect.style.fill = color;
      parts.chipText.style.fill = known ? inkOn(shown.grad) : "";
      // A sum still waiting for contributions says how far it has got.
      parts.chipText.textContent = known ? `∇ ${num(shown.grad)}${partial ? ` (${shown.got} of ${shown.of})` : ""}` : none ? "no ∇" : "∇ ?";
    }
    parts.box.style.stroke = color;
  }
}
