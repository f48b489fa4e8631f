// The accumulation lesson: what `=` instead of `+=` would do. Marks the nodes
// whose gradient comes out wrong and, under each leaf's true gradient, its `=` one.
import { d3 } from "../lib.js";
import { num, raw } from "../format.js";

/** Whether the replay teaches anything here: some value is used twice. */
export function canReplay(trace) {
  return Boolean(trace?.overwrite && trace.overwrite.gradients !== null);
}

export function renderOverwrite({ toggle, note, table, svg }, trace, on) {
  const enabled = canReplay(trace);
  const show = enabled && on;
  toggle.disabled = !enabled;
  d3.select(table).classed("show-overwrite", show);
  const wrong = show ? trace.overwrite.wrong : [];
  const byNode = new Map(wrong.map((w) => [w.node, w]));
  d3.select(svg).selectAll("g.node").each(function (n) {
    const w = byNode.get(n?.id ?? this.getAttribute("data-id"));
    d3.select(this).classed("is-wrong", Boolean(w)).attr("data-overwritten", w ? raw(w.overwritten) : null);
  });
  const leafWrong = new Map(wrong.filter((w) => w.label !== null).map((w) => [w.label, w]));
  d3.select(table).selectAll("tbody tr").each(function () {
    const td = d3.select(this).select(".overwrite");
    td.selectAll("*").remove();
    if (!show) {
      td.attr("data-overwrite", null).attr("data-error", null).attr("title", null);
      return;
    }
    const name = this.getAttribute("data-leaf");
    const g = trace.overwrite.gradients[name];
    const w = leafWrong.get(name);
    td.attr("data-overwrite", raw(g)).attr("data-error", w ? raw(w.error) : "0")
      .attr("title", `with = instead of +=: ${num(g)}${w ? `, off by ${num(w.error)}` : ", the same"}`);
    td.append("span").attr("class", `ow-value${w ? " is-off" : ""}`).text(`= → ${num(g)}`);
    td.append("span").attr("class", "ow-error").text(w ? `off by ${num(w.error)}` : "same");
  });
  note.textContent = noteText(trace, enabled, show);
}

function noteText(trace, enabled, show) {
  if (!trace) return "";
  if (!enabled) return "No value is used twice here, so = and += give the same gradients. Try the fan-out example.";
  const ow = trace.overwrite;
  const uses = ow.fanout.map((f) => `${f.label ?? f.node} (${f.uses} uses)`).join(", ");
  if (!show) return `Used more than once: ${uses}. Backprop must add (+=) their contributions.`;
  const n = ow.wrong.length;
  return `With =, ${uses} keep${ow.fanout.length === 1 ? "s" : ""} only the last contribution: ` +
    `${n} node${n === 1 ? "" : "s"} (marked in red) get${n === 1 ? "s" : ""} a wrong gradient.`;
}
