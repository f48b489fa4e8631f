// Numbers as the page shows them: short, with a true minus sign.

const MINUS = "\u2212";

export function isNonFinite(v) {
  return v === "NaN" || v === "Infinity" || v === "-Infinity";
}

/** A scalar for display: 4 significant digits, exponent for very large or small. */
export function num(v) {
  if (v === null || v === undefined) return "";
  if (v === "NaN") return "NaN";
  if (v === "Infinity") return "∞";
  if (v === "-Infinity") return MINUS + "∞";
  if (Array.isArray(v)) return tensorSummary(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  let s;
  if (a >= 1e5 || a < 1e-3) s = v.toExponential(2).replace("e+", "e");
  else s = String(Number(v.toPrecision(4)));
  if (Number.isInteger(Number(s))) s = Number(s).toFixed(1);
  return s.replace("-", MINUS);
}

/** A number inside an expression: negatives in parentheses. */
export function term(v) {
  const s = num(v);
  return s.startsWith(MINUS) ? `(${s})` : s;
}

export function flatten(v) {
  return Array.isArray(v) ? v.flat(Infinity) : [v];
}

export function toNumber(v) {
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
}

export function shapeText(shape) {
  return shape && shape.length ? `[${shape.join("×")}]` : "scalar";
}

function tensorSummary(v) {
  const xs = flatten(v).map(toNumber);
  // Nested as numpy prints it: a (2, 1) column reads [[−0.9], [1.85]], not as a row.
  const nested = (a) => (Array.isArray(a) ? `[${a.map(nested).join(", ")}]` : num(a));
  if (xs.length <= 3) return nested(v);
  return `[${num(xs[0])}, ${num(xs[1])}, … ${xs.length} values]`;
}

/** The exact value as a data attribute: what a test can parse back. */
export function raw(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Short one-line text, for node titles. */
export function clip(s, n = 22) {
  if (!s) return "";
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? one.slice(0, n - 1) + "…" : one;
}
