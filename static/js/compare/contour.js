// The loss as filled contours over the two parameters, with each method's path up to
// the current step. drawSurface once per result; drawPaths on every animation frame.
import { d3 } from "../lib.js";
import { BY_ID } from "./methods.js";

const W = 640;
const H = 470;
const M = { top: 22, right: 14, bottom: 40, left: 56 };
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

export function drawSurface(svg, result) {
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
  root.selectAll("g.paths").data([null]).join("g").attr("class", "paths").attr("clip-path", "url(#cmp-clip)").raise();
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
  const groups = d3.select(svg).select("g.paths").selectAll("g.run").data(runs, (d) => d.id)
    .join("g").attr("class", "run").attr("data-method", (d) => d.id);
  groups.selectAll("path.halo").data((d) => [d]).join("path").attr("class", "halo").attr("d", (d) => line(d.shown));
  groups.selectAll("path.trail").data((d) => [d]).join("path").attr("class", "trail")
    .attr("stroke", (d) => BY_ID[d.id].color).attr("d", (d) => line(d.shown));
  groups.selectAll("circle.at").data((d) => (d.here ? [d] : [])).join("circle").attr("class", "at")
    .attr("r", 5.5).attr("fill", (d) => BY_ID[d.id].color).attr("cx", (d) => d.here[0]).attr("cy", (d) => d.here[1]);
  const start = point(Object.values(result.runs)[0].history[0], params, x, y);
  d3.select(svg).select("g.paths").selectAll("circle.start").data(start ? [start] : []).join("circle")
    .attr("class", "start").attr("r", 7).attr("cx", (d) => d[0]).attr("cy", (d) => d[1]).lower();
}
