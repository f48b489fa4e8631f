// The student's points: CSV in and out, and the compact form the URL holds.
// A point is {x: [x1, x2] or [x], y: label or target, test: bool, user: bool}.
// Pure functions, no DOM.

export const MAX_POINTS = 1000;
export const MAX_COORD = 10;

export class PointsError extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
}

const round = (v) => Math.round(v * 1000) / 1000;

/** CSV text → points. Columns x1,x2,label (classify) or x,y (regress), an
 * optional last column `test` (or `train`); a first line of words is a header.
 * A bad line throws PointsError naming the line (1-based) and what is wrong. */
export function parseCsv(text, task) {
  const width = task === "classify" ? 3 : 2;
  const lines = text.split(/\r?\n/);
  const points = [];
  let seenHeader = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (!line || line.startsWith("#")) return;
    const cells = line.split(/\s*[,;\t]\s*|\s+/).filter((c) => c !== "");
    // A first line starting with a name (x1, x, label...) is the header.
    if (!points.length && !seenHeader && /^[A-Za-z_"]/.test(cells[0])) {
      seenHeader = true;
      return;
    }
    let split = "train";
    if (cells.length === width + 1 && /^(test|train)$/i.test(cells[width])) split = cells.pop().toLowerCase();
    const want = width === 3 ? "x1, x2, label" : "x, y";
    if (cells.length !== width) throw new PointsError(`line ${n}: ${cells.length} values, expected ${width} (${want})`, n);
    const nums = cells.map(Number);
    const bad = nums.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new PointsError(`line ${n}, column ${bad + 1}: "${cells[bad]}" is not a number`, n);
    const far = nums.findIndex((v) => Math.abs(v) > MAX_COORD);
    if (far >= 0) throw new PointsError(`line ${n}, column ${far + 1}: ${cells[far]} is outside ±${MAX_COORD}`, n);
    if (width === 3 && nums[2] !== 0 && nums[2] !== 1) throw new PointsError(`line ${n}, column 3: the label must be 0 or 1, not ${cells[2]}`, n);
    points.push({ x: nums.slice(0, width - 1).map(round), y: width === 3 ? nums[2] : round(nums[1]), test: split === "test", user: true });
    if (points.length > MAX_POINTS) throw new PointsError(`line ${n}: more than ${MAX_POINTS} points`, n);
  });
  if (!points.length) throw new PointsError("line 1: no points in the text", 1);
  return points;
}

export function toCsv(points, task) {
  const head = task === "classify" ? "x1,x2,label,split" : "x,y,split";
  return [head, ...points.map((p) => [...p.x, p.y, p.test ? "test" : "train"].join(","))].join("\n");
}

/** Compact URL form: "x1,x2,label;..." (or "x,y;..."), 3 decimals. */
export function encodePoints(points) {
  return points.map((p) => [...p.x, p.y].map((v) => String(round(v))).join(",")).join(";");
}

export function decodePoints(text, task, test) {
  if (!text) return [];
  const csv = text.split(";").join("\n");
  return parseCsv(csv, task).map((p) => ({ ...p, test, user: false }));
}

/** The points as the server wants them: [x1, x2, label] or [x, y]. */
export function asRows(points) {
  return points.map((p) => [...p.x, p.y]);
}
