// One graph node: its size, its static content, and what changes per step.
// Plain DOM calls here: this runs for every node of a 5,000-node graph.
import { num, raw, clip, shapeText } from "../format.js";
import { gradColor, inkOn, dominant } from "../colors.js";
import { drawHeatmap } from "./heatmap.js";
import { d3 } from "../lib.js";
import { SMALL } from "../tensor-format.js";

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
  const grid = numberGrid(node);
  if (grid) {
    const g = gridSize(grid);
    return { width: Math.max(148, title.length * CHAR + 40, g.width + 20), height: 50 + g.height };
  }
  if (isTensor(node)) return { width: Math.max(148, title.length * CHAR + 40), height: isImage(node) ? 150 : 108 };
  const longest = Math.max(title.length + 3, num(node.value).length + 2, num(node.grad).length + 4 + (fan > 1 ? 9 : 0));
  return { width: Math.max(96, longest * CHAR + 24), height: 74 };
}

// A tensor of up to SMALL entries shows every number: a grid of its value and
// one of its gradient, side by side for a column, stacked otherwise.
const CELL_W = 82;
const CELL_H = 21;
const LABEL_H = 18;

/** A vector of k² entries (k ≥ 4), such as a digit's 64 pixels, folds into a k × k
 * heat map: drawn larger, it is the image. */
function isImage(node) {
  const n = node.shape?.length === 1 ? node.shape[0] : 0;
  const k = Math.round(Math.sqrt(n));
  return n >= 16 && k * k === n;
}

/** Rows × columns the node's numbers are drawn in, or null for a heat map. */
export function numberGrid(node) {
  if (!isTensor(node)) return null;
  const size = node.shape.reduce((a, b) => a * b, 1);
  if (size > SMALL || size === 0) return null;
  const d = node.shape;
  let rows, cols;
  if (d.length === 1) [rows, cols] = d[0] <= 6 ? [1, d[0]] : [Math.ceil(d[0] / 6), 6];
  else [rows, cols] = [size / d[d.length - 1], d[d.length - 1]];
  return { rows, cols, side: cols <= 2 };
}

function gridSize(grid) {
  const w = grid.cols * CELL_W;
  const h = LABEL_H + grid.rows * CELL_H;
  return grid.side ? { width: 2 * w + 16, height: h } : { width: w, height: 2 * h + 6 };
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
  const parts = { g, box: null, value: null, chipRect: null, chipText: null, bar: null, hmValue: null, hmGrad: null, numValue: null, numGrad: null, lastValue: null, lastGrad: null };
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
  } else if (numberGrid(node)) {
    const grid = numberGrid(node);
    el(g, "text", { class: "shape", y: -h / 2 + 35 }, shapeText(node.shape));
    const sz = gridSize(grid);
    const w1 = grid.cols * CELL_W;
    const x0 = -sz.width / 2;
    const y0 = -h / 2 + 44;
    parts.numValue = numberCells(g, grid, "value", x0, y0);
    parts.numGrad = grid.side ? numberCells(g, grid, "grad", x0 + w1 + 16, y0)
      : numberCells(g, grid, "grad", x0, y0 + LABEL_H + grid.rows * CELL_H + 6);
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

/** One grid of numbers: a caption and a cell per entry, row by row (data-index "i,j"). */
function numberCells(g, grid, kind, x, y) {
  const box = el(g, "g", { class: `nums nums-${kind}`, transform: `translate(${x},${y})` });
  const label = el(box, "text", { class: "nums-label", x: 0, y: 14 }, kind === "grad" ? "∇" : "value");
  const cells = [];
  cells.label = label;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const cell = el(box, "g", { class: "num-cell", transform: `translate(${c * CELL_W},${LABEL_H + r * CELL_H})` });
      // A click on an entry asks the ledger to work that entry out (if the current step has it).
      cell.addEventListener("click", (ev) => {
        const index = cell.getAttribute("data-index");
        if (!index) return;
        const ask = new CustomEvent("chainrule:entry", { cancelable: true, detail: { id: g.getAttribute("data-id"), index } });
        // Taken by the ledger: the click is used; else it opens the node, as elsewhere on it.
        if (!document.dispatchEvent(ask)) ev.stopPropagation();
      });
      const rect = el(cell, "rect", { x: 1, y: 0, width: CELL_W - 2, height: CELL_H - 2, rx: 3 });
      const text = el(cell, "text", { x: CELL_W / 2, y: CELL_H - 5 });
      cells.push({ cell, rect, text });
    }
  }
  return cells;
}

function fillCells(cells, v, node, kind) {
  const flat = v === undefined || v === null ? null : [v].flat(Infinity);
  const shape = node.shape;
  // A node that takes no gradient (a class index) says so, as a constant's chip does.
  if (kind !== "value") cells.label.textContent = kind === "none" ? "no ∇" : "∇";
  cells.forEach((c, k) => {
    const known = flat !== null && k < flat.length;
    if (k >= shape.reduce((a, b) => a * b, 1) || kind === "none") { c.cell.setAttribute("visibility", "hidden"); return; }
    c.cell.setAttribute("data-index", unravel(k, shape).join(","));
    c.cell.setAttribute("data-value", known ? raw(flat[k]) : "");
    c.text.textContent = known ? num(flat[k]) : kind === "grad" ? "?" : "";
    if (kind === "grad") {
      c.rect.style.fill = known ? gradColor(flat[k]) : "";
      c.text.style.fill = known ? inkOn(flat[k]) : "";
    }
  });
}

function unravel(k, shape) {
  const out = [];
  for (let i = shape.length - 1; i >= 0; i--) { out.unshift(k % shape[i]); k = Math.floor(k / shape[i]); }
  return out;
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
    if (parts.numValue) fillCells(parts.numValue, known ? shown.value : null, node, "value");
    else if (parts.hmValue) drawHeatmap(parts.hmValue, known ? shown.value : null, "value", isImage(node) ? { box: [64, 80] } : {});
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
    } else if (parts.numGrad) fillCells(parts.numGrad, known ? shown.grad : null, node, shown.none ? "none" : "grad");
    else if (parts.hmGrad) drawHeatmap(parts.hmGrad, known ? shown.grad : null, "grad", isImage(node) ? { box: [64, 80] } : {});
    else {
      const none = shown.none;
      parts.chipRect.style.fill = color;
      parts.chipText.style.fill = known ? inkOn(shown.grad) : "";
      // A sum still waiting for contributions says how far it has got.
      parts.chipText.textContent = known ? `∇ ${num(shown.grad)}${partial ? ` (${shown.got} of ${shown.of})` : ""}` : none ? "no ∇" : "∇ ?";
    }
    parts.box.style.stroke = color;
  }
}
