// Legend: what each mark on the graph means, and the gradient colour
// (sign by hue, log10 magnitude by depth).
import { d3 } from "../lib.js";
import { gradColor, LOG_MIN, LOG_MAX, ZERO, NONFINITE } from "../colors.js";

// Samples are neutral (g, local): numbers here would read as the example's.
const MARKS = [
  ["mark-chip", "∇ g", "∂L/∂node so far (? not yet)"],
  ["mark-partial", "∇ g (1 of 2)", "sum waiting for more (+=)"],
  ["mark-none", "no ∇", "constant or class index"],
  ["mark-edge", "× local", "edge: local derivative; beside it upstream × local = contribution (dim: earlier step)"],
  ["mark-active", "", "current node"],
  ["mark-border", "", "border = ∇ colour"],
  ["mark-path", "", "path to the chosen leaf"],
  ["mark-wrong", "✗", "wrong with = (the = replay)"],
  ["mark-times", "⊙", "entry-by-entry product, not a dot product; a broadcast input (copied along the batch axis) sums its ∇ over that axis"],
  ["mark-heat", "", "tensor values: purple − · green + (scaled per tensor); ∇ heatmaps use the ∇ colours"],
];

export function renderLegend(el) {
  const root = d3.select(el);
  root.selectAll("*").remove();
  // What L stands for: said once, here (defineOutput), with the output's own name.
  root.append("span").attr("class", "legend-define").attr("data-define", "L").attr("hidden", "");
  const marks = root.append("div").attr("class", "legend-marks");
  for (const [cls, sample, text] of MARKS) {
    const item = marks.append("span").attr("class", `legend-mark legend-${cls}`).attr("data-mark", cls);
    item.append("span").attr("class", `mark-sample ${cls}`).text(sample);
    item.append("span").text(text);
  }
  // The sign, in one line (lecture mode keeps only this of the colour scale).
  const sign = root.append("span").attr("class", "legend-sign").attr("data-key", "sign");
  sign.append("span").text("∇ colour = sign:");
  for (const [g, word] of [[-10, "negative"], [10, "positive"]]) {
    sign.append("span").attr("class", "legend-swatch").style("background", gradColor(g));
    sign.append("span").text(word);
  }
  // The samples above are drawn blue; a real chip is blue or orange by its gradient's sign.
  root.append("span").attr("class", "legend-title").text("∇ chip colour = its sign");
  const bar = root.append("div").attr("class", "legend-bar");
  const decades = d3.range(LOG_MAX, LOG_MIN - 1, -2);
  const stops = [...decades.map((e) => -(10 ** e)), 0, ...[...decades].reverse().map((e) => 10 ** e)];
  for (const g of stops) {
    bar.append("span").attr("class", "legend-swatch").style("background", gradColor(g))
      .attr("title", g === 0 ? "0" : `${g < 0 ? "−" : ""}1e${Math.round(Math.log10(Math.abs(g)))}`);
  }
  const ticks = root.append("div").attr("class", "legend-ticks");
  ticks.append("span").text(`−1e${LOG_MAX}`);
  ticks.append("span").text("← negative · 0 · positive →");
  ticks.append("span").text(`+1e${LOG_MAX}`);
  const keys = root.append("div").attr("class", "legend-keys");
  keys.append("span").attr("class", "legend-swatch").style("background", ZERO);
  keys.append("span").text("zero");
  keys.append("span").attr("class", "legend-swatch").style("background", NONFINITE);
  keys.append("span").text("NaN / ∞");
  // The depth is log10 |∇|: one shade per power of ten, so −6 and −18 look alike.
  keys.append("span").attr("class", "legend-note").text("depth: one shade per power of ten (log), so ×3 barely shows");
  // A tensor program on a laptop folds the key to one line (framing.css), so the
  // graph keeps its height beside a long ledger entry: this opens the rest.
  const more = root.append("button").attr("type", "button").attr("class", "legend-toggle")
    .attr("aria-expanded", "false").text("all keys ▸")
    .on("click", () => {
      const open = !el.classList.contains("is-open");
      el.classList.toggle("is-open", open);
      more.attr("aria-expanded", String(open)).text(open ? "fewer keys ◂" : "all keys ▸");
    });
}

/** "L = loss, the output": the one place the page says what L is. A program
 * whose output is `o` reads "L = o, the output". */
export function defineOutput(el, model) {
  const def = el.querySelector("[data-define=L]");
  if (!def) return;
  const out = model?.byId.get(model.outputId);
  def.hidden = !out;
  def.textContent = out ? `L = ${outputName(out)}, the output` : "";
}

export function outputName(out) {
  if (out.label) return out.label;
  const t = (out.text || out.op).replace(/\*\*2\b/g, "²").replace(/\*/g, "·").replace(/-/g, "−");
  return t.length > 24 ? `${t.slice(0, 23)}…` : t;
}
