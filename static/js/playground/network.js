// Inside the network: a column per layer, each hidden neuron drawn as a small
// heat map of its own output over the plane (regression: its output along x),
// each weight a line coloured by sign and as thick as it is large. Hovering or
// focusing a weight tells its value and its gradient (the full-batch data loss's).

const d3 = window.d3;
const BOX = 44;
const POS = "#2563eb";
const NEG = "#ea580c";

export function renderNetwork(svgEl, answer, features, { onWatch, onInfo, watch }) {
  const svg = d3.select(svgEl);
  if (!answer) return;
  const { width } = svgEl.getBoundingClientRect();
  if (!width) return;
  const sizes = [features.length, ...answer.neurons.map((l) => l.length), answer.weights.at(-1).length];
  const cols = sizes.length;
  const tallest = Math.max(...sizes);
  const box = Math.min(BOX, Math.max(22, (width - 40) / (cols * 2)));
  const gapY = box + 8;
  const height = tallest * gapY + 30;
  svg.attr("viewBox", `0 0 ${width} ${height}`).style("height", `${height}px`);
  const colX = (k) => 48 + box / 2 + (k * (width - 100 - box)) / Math.max(1, cols - 1);
  const rowY = (k, i) => 20 + box / 2 + (i + (tallest - sizes[k]) / 2) * gapY;
  const edges = [];
  let biggest = 1e-9;
  for (let k = 0; k < cols - 1; k++) {
    const W = answer.weights[2 * k];
    const G = answer.grads[2 * k];
    W.forEach((row, i) => row.forEach((w, j) => {
      edges.push({ k, i, j, w, g: G[i][j], id: `W${k + 1}[${i}][${j}]` });
      biggest = Math.max(biggest, Math.abs(w));
    }));
  }
  svg.selectAll("g.weights").data([null]).join("g").attr("class", "weights")
    .selectAll("line").data(edges, (d) => d.id).join((enter) => enter.append("line")
      .attr("tabindex", 0).attr("role", "button").attr("class", "weight")
      .on("mouseenter focus", (ev, d) => onInfo(d))
      .on("click", (ev, d) => onWatch(d))
      .on("keydown", (ev, d) => { if (ev.key === "Enter") onWatch(d); }))
    .attr("x1", (d) => colX(d.k) + box / 2).attr("y1", (d) => rowY(d.k, d.i))
    .attr("x2", (d) => colX(d.k + 1) - box / 2).attr("y2", (d) => rowY(d.k + 1, d.j))
    .attr("stroke", (d) => (d.w >= 0 ? POS : NEG))
    .attr("stroke-width", (d) => 0.6 + 5 * Math.abs(d.w) / biggest)
    .attr("stroke-opacity", (d) => 0.35 + 0.6 * Math.abs(d.w) / biggest)
    .attr("data-weight", (d) => d.id).attr("data-value", (d) => d.w).attr("data-grad", (d) => d.g)
    .classed("watched", (d) => watch && d.k === watch[0] && d.i === watch[1] && d.j === watch[2])
    .attr("aria-label", (d) => `${d.id} = ${fmt(d.w)}, gradient ${fmt(d.g)}`);
  const nodes = [];
  features.forEach((f, i) => nodes.push({ k: 0, i, name: f, map: featureMap(f, answer) }));
  answer.neurons.forEach((layer, k) => layer.forEach((map, i) => nodes.push({ k: k + 1, i, name: `h${k + 1}[${i}]`, map })));
  for (let i = 0; i < sizes.at(-1); i++) nodes.push({ k: cols - 1, i, name: sizes.at(-1) === 2 ? `logit ${i}` : "ŷ", map: null });
  const g = svg.selectAll("g.neuron").data(nodes, (d) => `${d.k}:${d.i}`).join((enter) => {
    const e = enter.append("g").attr("class", "neuron");
    e.append("rect").attr("rx", 4);
    e.append("image").attr("preserveAspectRatio", "none");
    e.append("path").attr("class", "spark");
    e.append("text");
    e.append("title");
    return e;
  }).attr("transform", (d) => `translate(${colX(d.k) - box / 2},${rowY(d.k, d.i) - box / 2})`)
    .attr("data-neuron", (d) => d.name);
  g.select("rect").attr("width", box).attr("height", box);
  // Inputs and outputs are named beside their box; hidden neurons in a tooltip (no room).
  g.select("text").attr("x", (d) => (d.k === 0 ? -3 : box + 3)).attr("y", box / 2 + 3)
    .attr("text-anchor", (d) => (d.k === 0 ? "end" : "start"))
    .text((d) => (d.k === 0 || d.k === cols - 1 ? d.name : ""));
  g.select("title").text((d) => d.name);
  const classify = Boolean(answer.boundary);
  g.select("image").attr("width", box).attr("height", box)
    .attr("href", (d) => (d.map && classify ? heatUrl(d.map) : null));
  g.select("path.spark").attr("d", (d) => (d.map && !classify ? spark(d.map, box) : null));
  svg.selectAll("text.col-title").data(["inputs", ...answer.neurons.map((l, k) => `hidden ${k + 1}`), "output"])
    .join("text").attr("class", "col-title").attr("x", (d, k) => colX(k)).attr("y", height - 4)
    .attr("text-anchor", "middle").text((d) => d);
}

const FEATURE = {
  x1: (a) => a, x2: (a, b) => b, "x1²": (a) => a * a, "x2²": (a, b) => b * b,
  "x1·x2": (a, b) => a * b, "sin x1": (a) => Math.sin(a), "sin x2": (a, b) => Math.sin(b),
};

/** An input feature over the same small grid (or along x) as the neurons' maps. */
function featureMap(f, answer) {
  if (answer.neuron_grid) {
    const g = answer.neuron_grid;
    return g.map((b) => g.map((a) => FEATURE[f](a, b)));
  }
  return answer.grid.map((a) => FEATURE[f](a, 0));
}

const canvas = document.createElement("canvas");

/** A neuron's output on the small grid as an image: orange below 0, white at 0, blue above. */
function heatUrl(map) {
  const n = map.length;
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  const m = Math.max(1e-9, ...map.flat().map(Math.abs));
  const colour = d3.scaleLinear([-1, 0, 1], [NEG, "#f8fafc", POS]).clamp(true);
  map.forEach((row, r) => row.forEach((v, c) => {
    const rgb = d3.rgb(colour(v / m));
    img.data.set([rgb.r, rgb.g, rgb.b, 255], ((n - 1 - r) * n + c) * 4);
  }));
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

function spark(values, box) {
  const [lo, hi] = d3.extent(values);
  const y = d3.scaleLinear([lo, hi === lo ? lo + 1 : hi], [box - 3, 3]);
  const x = d3.scaleLinear([0, values.length - 1], [2, box - 2]);
  return d3.line().x((v, i) => x(i)).y((v) => y(v))(values);
}

export const fmt = (v) => (typeof v === "number" ? String(+v.toPrecision(4)) : String(v));
