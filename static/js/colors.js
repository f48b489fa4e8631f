// Gradient colour: hue by sign, depth by log10 of the magnitude, so a vanishing
// gradient fades and an exploding one burns. Values use a separate palette.
import { d3 } from "./lib.js";
import { flatten, toNumber } from "./format.js";

export const LOG_MIN = -6;
export const LOG_MAX = 6;
export const ZERO = "#e3e6ec";
export const NONFINITE = "#8a2be2";

export function magnitudeT(g) {
  const t = (Math.log10(Math.abs(g)) - LOG_MIN) / (LOG_MAX - LOG_MIN);
  return Math.max(0, Math.min(1, t));
}

/** Colour of one scalar gradient. */
export function gradColor(g) {
  const x = toNumber(g);
  if (x === undefined || x === null) return null;
  if (!Number.isFinite(x)) return NONFINITE;
  if (x === 0) return ZERO;
  const t = 0.18 + 0.82 * magnitudeT(x);
  return x > 0 ? d3.interpolateOranges(t) : d3.interpolateBlues(t);
}

/** Whether text on that colour should be light. */
export function inkOn(g) {
  const x = toNumber(g);
  if (!Number.isFinite(x)) return "#fff";
  return x !== 0 && magnitudeT(x) > 0.55 ? "#fff" : "#111827";
}

/** The scalar that stands for a tensor gradient: the element of largest magnitude. */
export function dominant(v) {
  if (!Array.isArray(v)) return v;
  let best = 0;
  for (const e of flatten(v)) {
    const x = toNumber(e);
    if (!Number.isFinite(x)) return e;
    if (Math.abs(x) > Math.abs(best)) best = x;
  }
  return best;
}

/** A colour function for one tensor's values, symmetric about zero. */
export function valueScale(v) {
  let m = 1e-12;
  for (const e of flatten(v)) {
    const x = Math.abs(toNumber(e));
    if (Number.isFinite(x) && x > m) m = x;
  }
  return (x) => {
    const y = toNumber(x);
    return Number.isFinite(y) ? d3.interpolatePRGn(0.5 + 0.5 * (y / m)) : NONFINITE;
  };
}
