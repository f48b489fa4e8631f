// The loss as filled contours over the two parameters, with each method's path up to
// the current step. drawSurface once per result; drawPaths on every animation frame.
import { d3 } from "../lib.js";
import { BY_ID } from "./methods.js";

const W = 640;
const H = 470;
const M = { top: 22, right: 86, bottom: 40, left: 56 };
const BAR = { x: W - 68, width: 12 };  // the colour scale, right of the plot
const LEVELS = 16;

function finite(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/** Loss to a level coordinate: log of the height above the grid's minimum, so a
 * banana valley and a bowl both show many rings where the optimizers travel. */
function heightScale(contour) {
  const lo = finite(contour.min) ? contour.min : 0;
  const hi = finite(contour.max) ? contour.max : lo + 1;
  const delta = Math.max((hi - lo) * 1e-4, 1e-12);
  return (v) => Math.log10((finite(v) ? v : hi) - lo + delta);
}

export function scales(contour) {
  const { xs, ys } = contour;
  return {
    x: d3.scaleLinear([xs[0], xs[xs.length - 1]], [M.left, W - M.right]),
    y: d3.scaleLinear([ys[0], ys[ys.length - 1]], [H - M.bottom, M.top]),
  };
}

export function drawSurface(svg, result, minima = []) {
  const { contour } = result;
  const n = contour.xs.length;
  const m = contour.ys.length;
  const { x, y } = scales(contour);
  const h = heightScale(contour);
  const values = contour.loss.flat().map(h);
  const [t0, t1] = d3.extent(values);
  const thresholds = d3.range(LEVELS).map((i) => t0 + ((t1 - t0) * i) / LEVELS);
  const color = d3.scaleSequential((t) => d3.interpolateGnBu(0.08 + 0.6 * t)).domain([t1, t0]);
  const dx = (contour.xs[n - 1] - contour.xs[0]) / (n - 1);
  const dy = (contour.ys[m - 1] - contour.ys[0]) / (m - 1);
  // d3.contours puts value i at the cell [i, i + 1]: its centre is grid point i.
  const project = d3.geoTransform({
    point(gx, gy) {
      this.stream.point(x(contour.xs[0] + (gx - 0.5) * dx), y(contour.ys[0] + (gy - 0.5) * dy));
    },
  });
  const root = d3.select(svg).attr("viewBox", `0 0 ${W} ${H}`);
  root.selectAll("defs").data([null]).join("defs")
    .selectAll("clipPath").data([null]).join("clipPath").attr("id", "cmp-clip")
    .selectAll("rect").data([null]).join("rect")
    .attr("x", M.left).attr("y", M.top).attr("width", W - M.left - M.right).attr("height", H - M.top - M.bottom);
  const surface = root.selectAll("g.surface").data([null]).join("g").attr("class", "surface")
    .attr("clip-path", "url(#cmp-clip)");
  surface.selectAll("path").data(d3.contours().size([n, m]).thresholds(thresholds)(values))
    .join("path").attr("d", d3.geoPath(project)).attr("fill", (d) => color(d.value));
  root.selectAll("g.x-axis").data([null]).join("g").attr("class", "x-axis axis")
    .attr("transform", `translate(0,${H - M.bottom})`).call(d3.axisBottom(x).ticks(6));
  root.selectAll("g.y-axis").data([null]).join("g").attr("class", "y-axis axis")
    .attr("transform", `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(6));
  root.selectAll("text.x-label").data([contour.x]).join("text").attr("class", "x-label axis-label")
    .attr("x", W - M.right).attr("y", H - 6).attr("text-anchor", "end").text((d) => d);
  root.selectAll("text.y-label").data([contour.y]).join("text").attr("class", "y-label axis-label")
    .attr("x", 6).attr("y", 14).text((d) => d);
  drawColorBar(root, thresholds, color, contour);
  drawMinima(root, minima, x, y);
  root.selectAll("g.paths").data([null]).join("g").attr("class", "paths").attr("clip-path", "url(#cmp-clip)").raise();
}

/** The colour scale: one band per contour level, ticked in loss units (the
 * levels are log-spaced heights above the grid's lowest loss). */
function drawColorBar(root, thresholds, color, contour) {
  const top = M.top;
  const bottom = H - M.bottom;
  const [t0, t1] = [thresholds[0], thresholds[thresholds.length - 1] + (thresholds[1] - thresholds[0] || 1)];
  const pos = d3.scaleLinear([t0, t1], [bottom, top]);
  const bar = root.selectAll("g.colorbar").data([null]).join("g").attr("class", "colorbar");
  bar.selectAll("rect.band").data(thresholds).join("rect").attr("class", "band")
    .attr("x", BAR.x).attr("width", BAR.width)
    .attr("y", (t, i) => pos(thresholds[i + 1] ?? t1)).attr("height", (t, i) => pos(t) - pos(thresholds[i + 1] ?? t1))
    .attr("fill", (t) => color(t));
  // Tick at five levels, labelled with the loss that level stands for.
  const lo = Number.isFinite(contour.min) ? contour.min : 0;
  const hi = Number.isFinite(contour.max) ? contour.max : lo + 1;
  const delta = Math.max((hi - lo) * 1e-4, 1e-12);
  const loss = (t) => 10 ** t - delta + lo;
  // Ticks where the labels differ: the levels crowd near the lowest loss.
  const fmt = d3.format(".3~g");
  const ticks = [];
  for (const t of d3.range(6).map((i) => t0 + ((t1 - t0) * i) / 5)) {
    if (!ticks.some((u) => fmt(loss(u)) === fmt(loss(t)))) ticks.push(t);
  }
  bar.selectAll("text.tick").data(ticks).join("text").attr("class", "tick")
    .attr("x", BAR.x + BAR.width + 3).attr("y", (t) => pos(t) + 4).text((t) => fmt(loss(t)));
  bar.selectAll("text.title").data(["loss"]).join("text").attr("class", "title axis-label")
    .attr("x", BAR.x - 2).attr("y", top - 8).text((d) => d);
}

/** The true minima, as the landscape knows them: a ring with a cross. */
function drawMinima(root, minima, x, y) {
  const g = root.selectAll("g.minima").data([null]).join("g").attr("class", "minima");
  const marks = g.selectAll("g.minimum").data(minima).join((enter) => {
    const m = enter.append("g").attr("class", "minimum");
    m.append("path").attr("d", "M-6,-6L6,6M-6,6L6,-6");
    m.append("text").attr("x", -10).attr("y", -9).attr("text-anchor", "end").text("true minimum");
    return m;
  });
  marks.attr("transform", (d) => `translate(${x(d[0])},${y(d[1])})`)
    .attr("data-x", (d) => d[0]).attr("data-y", (d) => d[1]);
}

function point(entry, params, x, y) {
  const [a, b] = params.map((p) => entry.params[p]);
  return finite(a) && finite(b) ? [x(a), y(b)] : null;
}

export function drawPaths(svg, result, step) {
  const { x, y } = scales(result.contour);
  const params = result.params;
  const runs = Object.entries(result.runs).map(([id, run]) => {
    const shown = run.history.slice(0, step + 1).map((e) => point(e, params, x, y));
    return { id, shown, here: shown[shown.length - 1] };
  });
  const line = d3.line().defined((p) => p !== null);
  // Wide lines first: the thinner, dashed ones on top stay visible where paths coincide.
  runs.sort((a, b) => (BY_ID[a.id].last ?? false) - (BY_ID[b.id].last ?? false) || BY_ID[b.id].width - BY_ID[a.id].width);
  const groups = d3.select(svg).select("g.paths").selectAll("g.run").data(runs, (d) => d.id)
    .join("g").attr("class", "run").attr("data-method", (d) => d.id).order();
  groups.selectAll("path.halo").data((d) => [d]).join("path").attr("class", "halo")
    .attr("stroke-width", (d) => BY_ID[d.id].width + 2.5).attr("d", (d) => line(d.shown));
  groups.selectAll("path.trail").data((d) => [d]).join("path").attr("class", "trail")
    .attr("stroke", (d) => BY_ID[d.id].color).attr("stroke-width", (d) => BY_ID[d.id].width)
    .attr("stroke-dasharray", (d) => BY_ID[d.id].dash).attr("d", (d) => line(d.shown));
  groups.selectAll("circle.at").data((d) => (d.here ? [d] : [])).join("circle").attr("class", "at")
    .attr("r", (d) => 3 + BY_ID[d.id].width / 1.5).attr("fill", (d) => BY_ID[d.id].color)
    .attr("cx", (d) => d.here[0]).attr("cy", (d) => d.here[1]);
  drawEnds(svg, result, step, x, y);
  d3.select(svg).select("g.minima").raise();  // the true minima stay visible under the paths' dots
  const start = point(Object.values(result.runs)[0].history[0], params, x, y);
  d3.select(svg).select("g.paths").selectAll("circle.start").data(start ? [start] : []).join("circle")
    .attr("class", "start").attr("r", 7).attr("cx", (d) => d[0]).attr("cy", (d) => d[1]).lower();
}

const KIND_TEXT = { minimum: "minimum", saddle: "saddle point", maximum: "maximum", unknown: "" };

/** Once a run's path is drawn to its end, name the kind of point it stopped at;
 * runs ending at the same place and kind share one label ("GD, Adam: minimum"). */
function drawEnds(svg, result, step, x, y) {
  const ends = [];
  for (const [id, run] of Object.entries(result.runs)) {
    const last = run.history.length - 1;
    const p = point(run.history[last], result.params, x, y);
    if (step < last || !p || !run.end || run.end.kind === "unknown") continue;
    const same = ends.find((e) => e.kind === run.end.kind && Math.hypot(e.p[0] - p[0], e.p[1] - p[1]) < 16);
    if (same) same.ids.push(id);
    else ends.push({ ids: [id], p, kind: run.end.kind });
  }
  const texts = d3.select(svg).selectAll("g.ends").data([null]).join("g").attr("class", "ends")
    .selectAll("text.end").data(ends, (d) => d.ids.join()).join("text").attr("class", "end")
    .attr("data-method", (d) => d.ids.join(" ")).attr("data-kind", (d) => d.kind)
    .attr("fill", (d) => (d.ids.length === 1 ? BY_ID[d.ids[0]].color : "#0f172a"))
    .text((d) => `${d.ids.map((i) => BY_ID[i].short).join(", ")}: ${KIND_TEXT[d.kind]}`);
  placeLabels(svg, result, x, y, texts);
  // A label moved away from its point keeps a thin line back to it.
  const far = [];
  texts.each(function (d) {
    const [lx, ly] = [Number(this.getAttribute("x")), Number(this.getAttribute("y"))];
    if (Math.abs(ly - d.p[1]) > 20) far.push({ d, to: [lx, ly < d.p[1] ? ly + 3 : ly - 13] });
  });
  d3.select(svg).select("g.ends").selectAll("line.leader").data(far, (f) => f.d.ids.join()).join("line")
    .attr("class", "leader").attr("x1", (f) => f.d.p[0]).attr("y1", (f) => f.d.p[1])
    .attr("x2", (f) => f.to[0]).attr("y2", (f) => f.to[1]);
}

/** Points every few units along every whole path: what a label should not cover.
 * Whole paths, so the labels stay put while the animation draws them. */
const SAMPLES = new WeakMap();
const PLACED = new WeakMap();  // label node -> the result it was placed for
function pathSamples(result, x, y) {
  if (SAMPLES.has(result)) return SAMPLES.get(result);
  const out = [];
  SAMPLES.set(result, out);
  for (const run of Object.values(result.runs)) {
    const pts = run.history.map((e) => point(e, result.params, x, y));
    for (let i = 1; i < pts.length; i += 1) {
      const [a, b] = [pts[i - 1], pts[i]];
      if (!a || !b) continue;
      const n = Math.min(200, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 3));
      for (let k = 0; k <= n; k += 1) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
    }
  }
  return out;
}

// Places tried for a label near its point [dx, dy, anchor], nearest first.
const PLACES = [18, -10, 5, 34, -26, 50, -42, 66, -58].flatMap((dy) =>
  [[10, dy, "start"], [-10, dy, "end"], ...(dy === 5 ? [] : [[0, dy, "middle"]])]);

/** Each end label (and each "true minimum") goes where it covers the fewest path
 * points, inside the plot and clear of the labels placed before it. */
function placeLabels(svg, result, x, y, texts) {
  const samples = pathSamples(result, x, y);
  const placed = [];
  const inside = (b, p) => p[0] >= b.x - 2 && p[0] <= b.x + b.width + 2 && p[1] >= b.y - 2 && p[1] <= b.y + b.height + 2;
  const crosses = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const place = (node, at) => {
    let best = null;
    for (const [dx, dy, anchor] of PLACES) {
      node.setAttribute("x", at[0] + dx);
      node.setAttribute("y", at[1] + dy);
      node.setAttribute("text-anchor", anchor);
      const b = node.getBBox();
      const out = b.x < M.left || b.x + b.width > W - M.right || b.y < M.top || b.y + b.height > H - M.bottom;
      const covers = samples.filter((p) => inside(b, p)).length;
      const score = covers + (out ? 1000 : 0) +
        placed.filter((o) => crosses(o, b)).length * 500 + Math.abs(dy) / 20;
      if (!best || score < best.score) best = { score, covers, dx, dy, anchor, b };
    }
    node.setAttribute("x", at[0] + best.dx);
    node.setAttribute("y", at[1] + best.dy);
    node.setAttribute("text-anchor", best.anchor);
    node.dataset.covers = String(best.covers);  // path points under the label
    placed.push(best.b);
  };
  // Placing a label measures it at many spots: do it once per result and label,
  // not on every animation frame.
  const key = (node, what) => {
    if (PLACED.get(node) === result && node.dataset.placedFor === what) return false;
    PLACED.set(node, result);
    node.dataset.placedFor = what;
    return true;
  };
  d3.select(svg).selectAll("g.minimum").each(function (d) {
    const label = this.querySelector("text");
    if (!label) return;
    if (!key(label, String(d))) {
      placed.push(label.getBBox());  // placed before: still an obstacle for the end labels
      return;
    }
    // The minimum's label is positioned inside its translated group: work in plot units.
    const at = [x(d[0]), y(d[1])];
    label.setAttribute("transform", `translate(${-at[0]},${-at[1]})`);
    place(label, at);
  });
  texts.each(function (d) { if (key(this, `${d.ids.join()} ${d.p}`)) place(this, d.p); });
}
