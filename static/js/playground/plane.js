// The plane: the network's prediction behind the student's points, and the
// editing gestures. Classify: P(class 1) as a heat map over (x1, x2), points
// coloured by class. Regress: the prediction curve over x, points at (x, y).
// Every point is a <circle data-point> with data-label, data-split and
// data-user (points the student added); the view keeps no state of its own
// beyond the scales of the last draw.

const d3 = window.d3;
export const CLASS = ["#ea580c", "#2563eb"];
const MARGIN = { top: 8, right: 8, bottom: 32, left: 40 };

/** Half the side of the square shown: as the server's plane(). */
export function halfSide(points) {
  const m = Math.max(0, ...points.flatMap((p) => p.x.map(Math.abs)));
  return Math.max(1.5, Math.round(m * 1.05 * 100) / 100);
}

export function createPlane(svgEl, { onAdd, onMove, onRemove, onChoose }) {
  const svg = d3.select(svgEl);
  const heat = svg.append("image").attr("class", "heat").attr("preserveAspectRatio", "none");
  const curve = svg.append("path").attr("class", "prediction");
  const gx = svg.append("g").attr("class", "axis x");
  const gy = svg.append("g").attr("class", "axis y");
  const dots = svg.append("g").attr("class", "points");
  let scales = null;
  let drag = null; // {point, moved}
  const canvas = document.createElement("canvas");

  function toData(ev) {
    const [px, py] = d3.pointer(ev, svgEl);
    return [scales.x.invert(px), scales.y.invert(py)];
  }

  svg.on("pointerdown", (ev) => {
    if (ev.button !== 0 || !scales) return;
    const target = ev.target.closest("[data-point]");
    if (target) {
      drag = { point: d3.select(target).datum(), moved: false, el: target };
      svgEl.setPointerCapture(ev.pointerId);
      return;
    }
    const [a, b] = toData(ev);
    if (!inside(a, b)) return;
    onAdd(a, b, ev.shiftKey);
  });
  svg.on("pointermove", (ev) => {
    if (!drag) return;
    const [a, b] = toData(ev);
    if (!inside(a, b)) return;
    drag.moved = true;
    const p = drag.point;
    p.x = scales.task === "classify" ? [a, b].map(r3) : [r3(a)];
    if (scales.task === "regress") p.y = r3(b);
    d3.select(drag.el).attr("cx", scales.x(p.x[0])).attr("cy", scales.y(scales.task === "classify" ? p.x[1] : p.y));
  });
  svg.on("pointerup pointercancel", () => {
    if (!drag) return;
    const { point, moved } = drag;
    drag = null;
    if (moved) onMove(point);
    else onChoose(point);
  });
  svg.on("contextmenu", (ev) => {
    const target = ev.target.closest("[data-point]");
    if (!target) return;
    ev.preventDefault();
    onRemove(d3.select(target).datum());
  });
  svg.on("keydown", (ev) => {
    const target = ev.target.closest?.("[data-point]");
    if (!target) return;
    if (ev.key === "Delete" || ev.key === "Backspace") {
      ev.preventDefault();
      onRemove(d3.select(target).datum());
    } else if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      onChoose(d3.select(target).datum());
    }
  });

  function inside(a, b) {
    const [lo, hi] = scales.x.domain();
    const [ylo, yhi] = scales.y.domain();
    return a >= lo && a <= hi && b >= Math.min(ylo, yhi) && b <= Math.max(ylo, yhi);
  }

  /** points: the page's points; answer: the last /step answer (or null). */
  function draw(task, points, answer, chosen) {
    const { width } = svgEl.getBoundingClientRect();
    if (!width) return;
    const side = Math.max(120, width - MARGIN.left - MARGIN.right);
    const height = side + MARGIN.top + MARGIN.bottom;
    svg.attr("viewBox", `0 0 ${width} ${height}`).style("height", `${height}px`);
    let x;
    let y;
    if (task === "classify") {
      const half = answer?.grid ? -answer.grid[0] : halfSide(points);
      const step = answer?.grid ? answer.grid[1] - answer.grid[0] : 0;
      x = d3.scaleLinear([-half - step / 2, half + step / 2], [MARGIN.left, MARGIN.left + side]);
      y = d3.scaleLinear([-half - step / 2, half + step / 2], [MARGIN.top + side, MARGIN.top]);
      drawHeat(answer?.boundary, x, y);
      curve.attr("d", null);
    } else {
      const xs = answer?.grid ?? points.map((p) => p.x[0]);
      const ys = [...points.map((p) => p.y), ...(answer?.curve ?? [])];
      const [x0, x1] = xs.length ? d3.extent(xs) : [-1, 1];
      const [y0, y1] = ys.length ? d3.extent(ys) : [-1, 1];
      const pad = Math.max(0.2, (y1 - y0) * 0.1);
      x = d3.scaleLinear([Math.min(x0, -1), Math.max(x1, 1)], [MARGIN.left, MARGIN.left + side]);
      y = d3.scaleLinear([Math.min(y0 - pad, -1), Math.max(y1 + pad, 1)], [MARGIN.top + side, MARGIN.top]);
      heat.attr("href", null).attr("width", 0);
      const line = d3.line().x((d) => x(d[0])).y((d) => y(d[1]));
      curve.attr("d", answer?.curve ? line(answer.grid.map((v, i) => [v, answer.curve[i]])) : null);
    }
    scales = { x, y, task };
    gx.attr("transform", `translate(0,${MARGIN.top + side})`).call(d3.axisBottom(x).ticks(Math.max(3, side / 70)));
    gy.attr("transform", `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(Math.max(3, side / 70)));
    const cy = (p) => y(task === "classify" ? p.x[1] : p.y);
    const colour = (p) => (task === "classify" ? CLASS[p.y] : "#c2410c");
    dots.selectAll("circle").data(points).join("circle")
      .attr("data-point", (p, i) => i).attr("data-label", (p) => p.y)
      .attr("data-split", (p) => (p.test ? "test" : "train"))
      .attr("data-user", (p) => (p.user ? "" : null))
      .attr("data-chosen", (p) => (p === chosen ? "" : null))
      .attr("tabindex", 0).attr("role", "button")
      .attr("aria-label", (p) => `${p.test ? "test" : "training"} point (${p.x.join(", ")}), ${task === "classify" ? `class ${p.y}` : `y ${p.y}`}`)
      .attr("class", (p) => `${p.test ? "test" : "train"}${p === chosen ? " chosen" : ""}`)
      .attr("cx", (p) => x(p.x[0])).attr("cy", cy).attr("r", (p) => (p === chosen ? 7 : 5))
      .attr("fill", (p) => (p.test ? "none" : colour(p)))
      .attr("stroke", (p) => (p === chosen ? "#111827" : p.test ? colour(p) : "#fff"))
      .attr("stroke-width", (p) => (p === chosen ? 2.5 : p.test ? 1.8 : 1));
    svg.attr("data-points", points.length).attr("data-epoch", answer?.epoch ?? "");
  }

  function drawHeat(boundary, x, y) {
    if (!boundary) {
      heat.attr("href", null).attr("width", 0);
      return;
    }
    const n = boundary.length;
    canvas.width = n;
    canvas.height = n;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(n, n);
    const colour = d3.scaleLinear([0, 0.5, 1], ["#fdba74", "#f8fafc", "#93c5fd"]).clamp(true);
    boundary.forEach((row, r) => row.forEach((p, c) => {
      const rgb = d3.rgb(colour(p));
      const k = ((n - 1 - r) * n + c) * 4; // rows go up the y axis
      img.data.set([rgb.r, rgb.g, rgb.b, 255], k);
    }));
    ctx.putImageData(img, 0, 0);
    const [lo, hi] = x.domain();
    heat.attr("href", canvas.toDataURL()).attr("x", x(lo)).attr("y", y(hi))
      .attr("width", x(hi) - x(lo)).attr("height", y(lo) - y(hi));
  }

  return { draw };
}

const r3 = (v) => Math.round(v * 1000) / 1000;
