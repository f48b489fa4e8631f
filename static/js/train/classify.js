// The classification playground's views: the decision boundary as a heat map of
// P(class 1) behind the training points (filled) and test points (hollow), and
// the fit view of a program fitting data: the points and the prediction curve.

const d3 = window.d3;
const CLASS = ["#ea580c", "#2563eb"];  // class 0, class 1
const heat = () => d3.scaleLinear([0, 0.5, 1], ["#fdba74", "#f8fafc", "#93c5fd"]).clamp(true);

function frame(svgEl, margin) {
  const { width, height } = svgEl.getBoundingClientRect();
  const svg = d3.select(svgEl).attr("viewBox", `0 0 ${width} ${height}`);
  return { svg, width, height, inner: [margin.left, width - margin.right, height - margin.bottom, margin.top] };
}

function axes(svg, x, y, width, height, m, xTitle, yTitle) {
  svg.selectAll("g.x").data([null]).join("g").attr("class", "axis x")
    .attr("transform", `translate(0,${height - m.bottom})`).call(d3.axisBottom(x).ticks(Math.max(2, width / 80)));
  svg.selectAll("g.y").data([null]).join("g").attr("class", "axis y")
    .attr("transform", `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(Math.max(2, height / 50)));
  svg.selectAll("text.x-title").data([xTitle]).join("text").attr("class", "axis-title x-title")
    .attr("x", (m.left + width - m.right) / 2).attr("y", height - 4).attr("text-anchor", "middle").text((d) => d);
  svg.selectAll("text.y-title").data([yTitle]).join("text").attr("class", "axis-title y-title")
    .attr("transform", `translate(12,${(m.top + height - m.bottom) / 2}) rotate(-90)`)
    .attr("text-anchor", "middle").text((d) => d);
}

/** data: {train: {X, y}, test: {X, y}, grid}; entry: a history entry with `boundary`. */
export function renderBoundary(svgEl, data, entry) {
  const m = { top: 8, right: 8, bottom: 34, left: 44 };
  const { svg, width, height } = frame(svgEl, m);
  if (!width || !data) return;
  const g = data.grid;
  const step = g[1] - g[0];
  const lo = g[0] - step / 2;
  const hi = g[g.length - 1] + step / 2;
  const side = Math.min(width - m.left - m.right, height - m.top - m.bottom);
  const x = d3.scaleLinear([lo, hi], [m.left, m.left + side]);
  const y = d3.scaleLinear([lo, hi], [m.top + side, m.top]);
  const color = heat();
  const cells = entry?.boundary
    ? entry.boundary.flatMap((row, r) => row.map((p, c) => ({ r, c, p }))) : [];
  svg.selectAll("g.heat").data([null]).join("g").attr("class", "heat")
    .selectAll("rect").data(cells).join("rect")
    .attr("x", (d) => x(g[d.c] - step / 2)).attr("y", (d) => y(g[d.r] + step / 2))
    .attr("width", x(step) - x(0) + 0.5).attr("height", y(0) - y(step) + 0.5)
    .attr("fill", (d) => color(d.p));
  const points = [
    ...data.train.X.map((p, i) => ({ p, cls: data.train.y[i], test: false })),
    ...data.test.X.map((p, i) => ({ p, cls: data.test.y[i], test: true })),
  ].filter((d) => d.p[0] >= lo && d.p[0] <= hi && d.p[1] >= lo && d.p[1] <= hi);
  svg.selectAll("g.points").data([null]).join("g").attr("class", "points")
    .selectAll("circle").data(points).join("circle")
    .attr("class", (d) => (d.test ? "test" : "train"))
    .attr("cx", (d) => x(d.p[0])).attr("cy", (d) => y(d.p[1])).attr("r", (d) => (d.test ? 3.6 : 3.2))
    .attr("fill", (d) => (d.test ? "none" : CLASS[d.cls]))
    .attr("stroke", (d) => (d.test ? CLASS[d.cls] : "#fff")).attr("stroke-width", (d) => (d.test ? 1.6 : 0.8));
  axes(svg, x, y, m.left + side + m.right, m.top + side + m.bottom, m, "x₁", "x₂");
  svg.attr("data-epoch", entry?.epoch ?? "").attr("data-cells", cells.length).attr("data-points", points.length);
}

/** The curve's value at x, linear between its samples; null outside it or at a gap. */
function curveAt(curve, x) {
  const i = d3.bisectLeft(curve.x, x);
  if (i >= curve.x.length || (i === 0 && curve.x[0] !== x)) return null;
  if (curve.x[i] === x) return curve.y[i];
  const [x0, x1, y0, y1] = [curve.x[i - 1], curve.x[i], curve.y[i - 1], curve.y[i]];
  return y0 === null || y1 === null ? null : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** fitData: {x, y} the points; entry: a history entry with `fit` {x, y}. Each
 * point's residual (data − prediction) is drawn dashed from the point to the curve. */
export function renderFit(svgEl, fitData, entry) {
  const m = { top: 10, right: 16, bottom: 38, left: 54 };
  const { svg, width, height } = frame(svgEl, m);
  if (!width || !fitData) return;
  const curve = entry?.fit ?? { x: [], y: [] };
  const xs = [...fitData.x, ...curve.x];
  const ys = [...fitData.y, ...curve.y.filter((v) => v !== null && Number.isFinite(v))];
  const x = d3.scaleLinear(d3.extent(xs), [m.left, width - m.right]).nice();
  const [y0, y1] = d3.extent(ys);
  const pad = (y1 - y0) * 0.08 || 1;
  const y = d3.scaleLinear([y0 - pad, y1 + pad], [height - m.bottom, m.top]).nice().clamp(true);
  axes(svg, x, y, width, height, m, "x (the data's input)", "y");
  const points = fitData.x.map((v, i) => ({ x: v, y: fitData.y[i], pred: curveAt(curve, v) }));
  svg.selectAll("g.residuals").data([null]).join("g").attr("class", "residuals")
    .selectAll("line").data(points.filter((d) => d.pred !== null && Number.isFinite(d.pred))).join("line")
    .attr("class", "residual").attr("x1", (d) => x(d.x)).attr("x2", (d) => x(d.x))
    .attr("y1", (d) => y(d.y)).attr("y2", (d) => y(d.pred));
  const line = d3.line().defined((d) => d[1] !== null).x((d) => x(d[0])).y((d) => y(d[1]));
  svg.selectAll("path.prediction").data([curve]).join("path").attr("class", "prediction")
    .attr("d", (c) => line(c.x.map((v, i) => [v, c.y[i]])));
  svg.selectAll("circle.datum").data(points).join("circle")
    .attr("class", "datum").attr("r", 4).attr("cx", (d) => x(d.x)).attr("cy", (d) => y(d.y));
  svg.attr("data-step", entry?.step ?? "").attr("data-curve-points", curve.x.length);
}
