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

/** Text colour on that gradient's colour: white or black, whichever
 * contrasts more (WCAG relative luminance). One of the two always reaches
 * 4.5:1 (they cross near luminance 0.18, at 4.6:1); a softer near-black
 * would not on mid blues. */
export function inkOn(g) {
  const bg = gradColor(g);
  if (!bg) return "#000";
  return contrast(bg, "#ffffff") >= contrast(bg, "#000000") ? "#fff" : "#000";
}

function luminance(colour) {
  const { r, g, b } = d3.rgb(colour);
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
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
