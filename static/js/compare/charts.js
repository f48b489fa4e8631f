// Loss against iteration and against evaluations, one line per method. Losses that
// are all positive get a log axis (Newton's 1e-29 next to gradient descent's 0.1);
// a loss that goes negative (the saddle's valley) gets a symmetric-log one.
import { d3 } from "../lib.js";
import { BY_ID } from "./methods.js";

const W = 420;
const H = 260;
const M = { top: 22, right: 12, bottom: 38, left: 56 };

function finite(v) {
  return typeof v === "number" && Number.isFinite(v);
}

function yScale(runs) {
  const losses = runs.flatMap((r) => r.history.map((e) => e.loss)).filter(finite);
  const [lo, hi] = d3.extent(losses.length ? losses : [1]);
  const range = [H - M.bottom, M.top];
  if (lo >= 0) {
    // A loss of exactly 0 (Newton on a quadratic) sits on the floor, 12 decades down.
    const positive = losses.filter((v) => v > 0);
    const floor = Math.max(d3.min(positive) || 1e-12, (hi || 1) * 1e-12);
    return d3.scaleLog([floor, Math.max(hi, floor * 10) * 1.5], range).clamp(true);
  }
  return d3.scaleSymlog([lo, hi], range).constant(Math.max(1e-3, (hi - lo) * 1e-3));
}

/** Symlog ticks: 0 and the powers of ten on each side that fall inside the domain. */
function symlogTicks(y) {
  const [lo, hi] = y.domain();
  const out = [0, lo, hi];  // the ends too: a valley below 0 shows how deep it goes
  for (let k = -3; k <= 12; k += 1) {
    const p = 10 ** k;
    if (p <= hi && p >= y.constant() * 10) out.push(p);
    if (-p >= lo && p >= y.constant() * 10) out.push(-p);
  }
  return out.length > 8 ? out.filter((v, i) => i < 3 || i % 2 === 0) : out;
}

function chart(svg, runs, xOf, xLabel, step) {
  const entries = runs.flatMap((r) => r.history);
  const xMax = d3.max(entries, xOf) || 1;
  const x = d3.scaleLinear([0, xMax], [M.left, W - M.right]);
  const y = yScale(runs);
  const root = d3.select(svg).attr("viewBox", `0 0 ${W} ${H}`);
  root.selectAll("g.x-axis").data([null]).join("g").attr("class", "x-axis axis")
    .attr("transform", `translate(0,${H - M.bottom})`).call(d3.axisBottom(x).ticks(5));
  root.selectAll("g.y-axis").data([null]).join("g").attr("class", "y-axis axis")
    .attr("transform", `translate(${M.left},0)`)
    .call(y.base ? d3.axisLeft(y).ticks(4, "~e") : d3.axisLeft(y).tickValues(symlogTicks(y)).tickFormat(d3.format(".2~g")));
  root.selectAll("text.x-label").data([xLabel]).join("text").attr("class", "x-label axis-label")
    .attr("x", W - M.right).attr("y", H - 6).attr("text-anchor", "end").text((d) => d);
  root.selectAll("text.y-label").data([y.base ? "loss (log scale)" : "loss (symmetric log scale: linear near 0)"]).join("text").attr("class", "y-label axis-label")
    .attr("x", 4).attr("y", 12).text((d) => d);
  const line = d3.line().defined((e) => finite(e.loss)).x((e) => x(xOf(e))).y((e) => y(e.loss));
  root.selectAll("g.lines").data([null]).join("g").attr("class", "lines")
    .selectAll("path").data(runs, (r) => r.id).join("path").attr("data-method", (r) => r.id)
    .attr("stroke", (r) => BY_ID[r.id].color).attr("d", (r) => line(r.history.slice(0, step + 1)));
}

export function drawCharts(stepsSvg, evalsSvg, result, step) {
  const runs = Object.entries(result.runs).map(([id, run]) => ({ id, history: run.history }));
  chart(stepsSvg, runs, (e) => e.step, "iteration", step);
  chart(evalsSvg, runs, (e) => e.evaluations, "evaluations (f, ∇f or ∇²f)", step);
}
