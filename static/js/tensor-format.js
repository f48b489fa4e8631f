// Small tensors written out in full: up to SMALL entries every number is shown
// (on the node, in the tables, in the ledger); larger ones are summarised.
import { num, flatten } from "./format.js";

export const SMALL = 12;

export function isSmallTensor(v) {
  return Array.isArray(v) && flatten(v).length <= SMALL;
}

/** [[0.1], [1.85]]: numpy's nesting, each number as the page shows it. */
export function tensorText(v) {
  return Array.isArray(v) ? `[${v.map(tensorText).join(", ")}]` : num(v);
}

/** Every index of a shape, row by row: [[0, 0], [0, 1], …]. */
export function indicesOf(shape) {
  const out = [[]];
  for (const n of shape) {
    const next = [];
    for (const p of out) for (let i = 0; i < n; i++) next.push([...p, i]);
    out.splice(0, out.length, ...next);
  }
  return out;
}

export const valueAt = (v, index) => index.reduce((x, i) => x[i], v);
