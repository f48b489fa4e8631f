// The lesson's own charts: the fit (points and curves), the weights as bars,
// and the sweep on a categorical strength axis. One idempotent render each.
const d3 = window.d3;
const M = { top: 12, right: 16, bottom: 34, left: 52 };

function frame(svgEl) {
  const { width, height } = svgEl.getBoundingClientRect();
  const svg = d3.select(svgEl).attr("viewBox", `0 0 ${width} ${height}`);
  return { svg, width, height };
}

function axes(svg, x, y, width, height, xLabel, yLabel, yFormat = "~g") {
  svg.selectAll("g.x").data([null]).join("g").attr("class", "axis x")
    .attr("transform", `translate(0,${height - M.bottom})`).call(d3.axisBottom(x).ticks(6));
  svg.selectAll("g.y").data([null]).join("g").attr("class", "axis y")
    .attr("transform", `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5, yFormat));
  svg.selectAll("text.xl").data([xLabel]).join("text").attr("class", "axis-label xl")
    .attr("x", (M.left + width - M.right) / 2).attr("y", height - 4).attr("text-anchor", "middle")
    .text((d) => d);
  svg.selectAll("text.yl").data([yLabel]).join("text").attr("class", "axis-label yl")
    .attr("transform", `translate(12,${(M.top + height - M.bottom) / 2}) rotate(-90)`)
    .attr("text-anchor", "middle").text((d) => d);
}

/** Σ w_k x^k by Horner's rule. */
export function polynomial(w, x) {
  return w.reduceRight((acc, wk) => acc * x + wk, 0);
}

export function renderFit(svgEl, lesson, w, step) {
  const { svg, width, height } = frame(svgEl);
  if (!width || !lesson) return;
  const pts = [...lesson.train_points, ...lesson.validation_points];
  const x = d3.scaleLinear().domain([-1, 1]).range([M.left, width - M.right]);
  const y = d3.scaleLinear().domain(d3.extent(pts, (p) => p[1])).nice(2)
    .range([height - M.bottom, M.top]).clamp(true);
  axes(svg, x, y, width, height, "x", "y");
  const line = d3.line().x((p) => x(p[0])).y((p) => y(p[1]));
  svg.selectAll("path.truth").data([lesson.truth]).join("path").attr("class", "truth").attr("d", line);
  const grid = d3.range(-1, 1.0001, 0.01).map((t) => [t, w ? polynomial(w, t) : NaN]);
  svg.selectAll("path.fitted").data(w ? [grid] : []).join("path").attr("class", "fitted")
    .attr("d", line);
  svg.selectAll("circle.pt-validation").data(lesson.validation_points).join("circle")
    .attr("class", "pt-validation").attr("r", 3.5)
    .attr("cx", (p) => x(p[0])).attr("cy", (p) => y(p[1]));
  svg.selectAll("circle.pt-train").data(lesson.train_points).join("circle")
    .attr("class", "pt-train").attr("r", 4.5)
    .attr("cx", (p) => x(p[0])).attr("cy", (p) => y(p[1]));
  svgEl.dataset.step = step ?? "";
}

/** |w_k| of this run beside the unpenalised run's, log scale; a weight under
 * 1% of the largest is marked ≈0 (where L1 drives small weights: gradient
 * steps then hover within a step of zero). */
export function renderWeights(svgEl, w, base) {
  const { svg, width, height } = frame(svgEl);
  if (!width) return;
  svg.selectAll("*").remove();
  if (!w) return;
  const k = w.map((_, i) => i);
  const all = [...w, ...(base ?? [])].map(Math.abs);
  const top = d3.max(all) || 1;
  const floor = top * 1e-4;
  const x = d3.scaleBand().domain(k).range([M.left, width - M.right]).padding(0.2);
  const keyHeight = 18;
  const y = d3.scaleLog().domain([floor, top]).nice()
    .range([height - M.bottom, M.top + keyHeight]).clamp(true);
  axes(svg, x, y, width, height, "k (the weight of xᵏ)", "|w_k|", "~e");
  const half = x.bandwidth() / 2;
  const bar = (cls, values, dx) => svg.selectAll(`rect.${cls}`).data(values).join("rect")
    .attr("class", cls).attr("x", (_, i) => x(i) + dx).attr("width", half)
    .attr("y", (v) => y(Math.max(Math.abs(v), floor)))
    .attr("height", (v) => y(floor) - y(Math.max(Math.abs(v), floor)));
  bar("bar-base", base ?? [], 0);
  bar("bar-run", w, half).attr("data-weight", (_, i) => i).attr("data-value", (v) => v);
  svg.selectAll("text.bar-zero").data(w.map((v, i) => ({ v, i })).filter((d) => Math.abs(d.v) < d3.max(w, Math.abs) * 1e-2))
    .join("text").attr("class", "bar-zero").attr("x", (d) => x(d.i) + half * 1.5)
    .attr("y", height - M.bottom - 4).attr("text-anchor", "middle").text("≈0");
  const key = base ? [["swatch-base", "no penalty"], ["swatch-run", "this run"]]
    : [["swatch-run", "this run"]];
  svg.selectAll("g.key").data([null]).join("g").attr("class", "key")
    .attr("transform", `translate(${M.left + 8},${M.top - 8})`)
    .call((g) => {
      g.selectAll("rect").data(key).join("rect").attr("class", (d) => d[0])
        .attr("x", (_, i) => i * 100).attr("y", 0).attr("width", 10).attr("height", 10);
      g.selectAll("text").data(key).join("text")
        .attr("class", "axis-label").attr("x", (_, i) => i * 100 + 14).attr("y", 9)
        .text((d) => d[1]);
    });
}

/** rows: [{strength, train, validation}] in order; categorical x. */
export function renderSweep(svgEl, rows) {
  const { svg, width, height } = frame(svgEl);
  if (!width) return;
  svg.selectAll("*").remove();
  if (!rows.length) return;
  const x = d3.scalePoint().domain(rows.map((r) => String(r.strength)))
    .range([M.left + 10, width - M.right - 60]);
  const vals = rows.flatMap((r) => [r.train, r.validation]).filter((v) => v > 0);
  const y = d3.scaleLog().domain(d3.extent(vals)).nice().range([height - M.bottom, M.top]);
  axes(svg, x, y, width, height, "L2 strength λ₂", "final loss", "~e");
  const series = [["train", "var(--accent)"], ["validation", "var(--backward)"]];
  for (const [key, colour] of series) {
    const line = d3.line().x((r) => x(String(r.strength))).y((r) => y(r[key]));
    svg.append("path").attr("d", line(rows)).attr("fill", "none").attr("stroke", colour)
      .attr("stroke-width", 2);
    svg.selectAll(`circle.s-${key}`).data(rows).join("circle").attr("class", `s-${key}`)
      .attr("r", 3.5).attr("fill", colour).attr("cx", (r) => x(String(r.strength)))
      .attr("cy", (r) => y(r[key]))
      .attr("data-strength", (r) => r.strength).attr("data-train", (r) => r.train)
      .attr("data-validation", (r) => r.validation);
    const last = rows[rows.length - 1];
    svg.append("text").attr("class", "axis-label").attr("x", x(String(last.strength)) + 8)
      .attr("y", y(last[key]) + 4).attr("fill", colour).text(key);
  }
}
