// One idempotent line chart: render(svg, series, options) draws every series
// [{name, points: [[x, y], ...]}] with keyed joins; non-finite or (on a log
// axis) non-positive y are gaps, never NaN paths.

const d3 = window.d3;
const MARGIN = { top: 10, right: 90, bottom: 38, left: 66 };
const LECTURE_MARGIN = { top: 12, right: 130, bottom: 56, left: 100 };
const COLORS = ["#4338ca", "#c2410c", "#0f766e", "#a21caf", "#0369a1", "#b45309",
  "#15803d", "#be123c", "#475569", "#7c3aed"];

export function color(i) {
  return COLORS[i % COLORS.length];
}

/** Options: logY; marker (an x to mark, drawn dashed) and markerLabel (what it marks: a
 * string, or wordings from longest to shortest); xLabel, yLabel (axis titles, with units);
 * yDomain (a fixed y range, the same whatever the data); band ([lo, hi] shaded, with
 * bandLabel, a string or lines). */
export function render(svgEl, series, { logY = false, marker = null, markerLabel = "", xLabel = "step", yLabel = "",
  yDomain = null, band = null, bandLabel = "" } = {}) {
  const svg = d3.select(svgEl);
  const { width, height } = svgEl.getBoundingClientRect();
  // Lecture mode sets chart text at 18 px: wider margins keep the axis titles
  // clear of the tick labels (and the right-hand labels inside the chart).
  const M = document.body.classList.contains("lecture") ? LECTURE_MARGIN : MARGIN;
  if (!width || !height) return;
  const ok = (y) => Number.isFinite(y) && (!logY || y > 0);
  const points = series.flatMap((s) => s.points.filter((p) => ok(p[1])));
  svg.attr("viewBox", `0 0 ${width} ${height}`);
  svg.selectAll("text.empty").data(points.length ? [] : [null]).join("text")
    .attr("class", "empty").attr("x", width / 2).attr("y", height / 2)
    .attr("text-anchor", "middle").text("Train to draw this chart");
  if (!points.length) {
    svg.selectAll("g.plot").remove();
    return;
  }
  const xs = d3.extent(points, (p) => p[0]);
  let ys = yDomain ?? d3.extent(points, (p) => p[1]);
  if (ys[0] === ys[1]) ys = logY ? [ys[0] / 2, ys[1] * 2] : [ys[0] - 1, ys[1] + 1];
  const x = d3.scaleLinear().domain(xs[0] === xs[1] ? [xs[0], xs[0] + 1] : xs)
    .range([M.left, width - M.right]);
  const y = (logY ? d3.scaleLog() : d3.scaleLinear()).domain(ys)
    .range([height - M.bottom, M.top]);
  if (!yDomain) y.nice();
  const plot = svg.selectAll("g.plot").data([null]).join("g").attr("class", "plot");
  const shade = plot.selectAll("g.band").data(band ? [band] : []).join("g").attr("class", "band");
  shade.selectAll("rect").data((b) => [b]).join("rect").attr("x", M.left)
    .attr("width", width - M.left - M.right)
    .attr("y", (b) => y(b[1])).attr("height", (b) => y(b[0]) - y(b[1]));
  // The band's label sits in the right margin, beside the band: never on a curve.
  const bandLines = [bandLabel].flat();
  shade.selectAll("text").data((b) => [b]).join("text").attr("x", width - M.right + 4)
    .attr("y", (b) => (y(b[0]) + y(b[1])) / 2 - (bandLines.length - 1) * 6.5)
    .selectAll("tspan").data(bandLines).join("tspan").attr("x", width - M.right + 4)
    .attr("dy", (d, i) => (i ? 13 : 4)).text((d) => d);
  plot.selectAll("text.x-title").data([xLabel]).join("text").attr("class", "axis-title x-title")
    .attr("x", (M.left + width - M.right) / 2).attr("y", height - 4)
    .attr("text-anchor", "middle").text((d) => d);
  plot.selectAll("text.y-title").data(yLabel ? [yLabel] : []).join("text").attr("class", "axis-title y-title")
    .attr("transform", `translate(13,${(M.top + height - M.bottom) / 2}) rotate(-90)`)
    .attr("text-anchor", "middle").text((d) => d);
  plot.selectAll("g.x").data([null]).join("g").attr("class", "axis x")
    .attr("transform", `translate(0,${height - M.bottom})`)
    .call(d3.axisBottom(x).ticks(Math.max(2, width / 90)).tickSizeOuter(0));
  plot.selectAll("g.y").data([null]).join("g").attr("class", "axis y")
    .attr("transform", `translate(${M.left},0)`)
    .call(logY ? d3.axisLeft(y).ticks(Math.max(2, height / 45), "~e")
      : d3.axisLeft(y).ticks(Math.max(2, height / 45)).tickFormat(plain));
  const line = d3.line().defined((p) => ok(p[1])).x((p) => x(p[0])).y((p) => y(p[1]));
  plot.selectAll("path.line").data(series, (s) => s.name).join("path")
    .attr("class", "line").attr("stroke", (s, i) => s.color ?? color(i))
    .attr("d", (s) => line(s.points));
  const last = series.map((s, i) => ({ s, i, p: [...s.points].reverse().find((q) => ok(q[1])) }))
    .filter((d) => d.p).slice(0, 10);
  plot.selectAll("text.label").data(last, (d) => d.s.name).join("text")
    .attr("class", "label").attr("x", width - M.right + 4)
    .attr("y", (d, k) => Math.min(height - M.bottom, M.top + 8 + k * 14))
    .attr("fill", (d) => d.s.color ?? color(d.i)).attr("font-size", 12)
    .text((d) => d.s.name);
  plot.selectAll("line.marker").data(marker === null ? [] : [marker]).join("line")
    .attr("class", "marker").attr("x1", (m) => x(m)).attr("x2", (m) => x(m))
    .attr("y1", M.top).attr("y2", height - M.bottom);
  // Say on the chart what the dashed line marks (e.g. the scrubbed iteration):
  // the longest wording that fits inside the plot, on whichever side has room.
  const tag = plot.selectAll("text.marker-label").data(marker === null || !markerLabel ? [] : [marker])
    .join("text").attr("class", "marker-label").attr("y", M.top + 10);
  tag.each(function (m) {
    const fits = (lo, hi) => lo >= M.left && hi <= width - M.right;
    let chosen = null;
    for (const text of [markerLabel].flat()) {
      this.textContent = text;
      const w = this.getComputedTextLength();
      if (fits(x(m) - 4 - w, x(m) - 4)) chosen = [text, x(m) - 4, "end"];
      else if (fits(x(m) + 4, x(m) + 4 + w)) chosen = [text, x(m) + 4, "start"];
      if (chosen) break;
    }
    chosen ??= [[markerLabel].flat().at(-1), M.left + 2, "start"];
    this.textContent = chosen[0];
    this.setAttribute("x", chosen[1]);
    this.setAttribute("text-anchor", chosen[2]);
  });
  plot.attr("data-points", points.length).attr("data-x-label", xLabel);
}

/** Linear-axis ticks: 100 and 0.25 as written, exponents only when very large or small. */
function plain(v) {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? d3.format("~e")(v) : d3.format(",~r")(v);
}

/** A JSON number or one of the strings "NaN", "Infinity", "-Infinity". */
export function num(v) {
  if (typeof v === "number") return v;
  return v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : NaN;
}
