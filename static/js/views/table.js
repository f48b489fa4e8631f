// The gradients table: each leaf, its value, its gradient, the numeric check.
import { d3 } from "../lib.js";
import { num, raw, shapeText } from "../format.js";
import { gradColor, inkOn, dominant } from "../colors.js";

const MAX_ROWS = 400;

export function renderTable(table, trace, check, checking) {
  const tbody = d3.select(table).select("tbody");
  if (!trace) {
    tbody.selectAll("tr").remove();
    return;
  }
  const leaves = new Map(trace.nodes.filter((n) => n.kind === "leaf").map((n) => [n.label, n]));
  const names = Object.keys(trace.gradients);
  const rows = names.slice(0, MAX_ROWS).map((name) => ({ name, grad: trace.gradients[name], node: leaves.get(name) }));
  const tr = tbody.selectAll("tr").data(rows, (r) => r.name).join((enter) => {
    const row = enter.append("tr");
    row.append("th").attr("scope", "row");
    row.append("td").attr("class", "val");
    row.append("td").attr("class", "grad").append("span").attr("class", "pill");
    row.append("td").attr("class", "check");
    return row;
  });
  tr.attr("data-leaf", (r) => r.name).attr("data-grad", (r) => raw(r.grad));
  tr.select("th").text((r) => r.name);
  tr.select(".val").text((r) => (r.node ? (r.node.shape?.length ? shapeText(r.node.shape) : num(r.node.value)) : ""));
  tr.select(".pill").text((r) => (Array.isArray(r.grad) ? `|∇| ≤ ${num(Math.abs(dominant(r.grad)))}` : num(r.grad)))
    .attr("title", (r) => (Array.isArray(r.grad) ? num(r.grad) : null))
    .style("background", (r) => gradColor(dominant(r.grad)))
    .style("color", (r) => inkOn(dominant(r.grad)));
  tr.select(".check").each(function (r) { badge(d3.select(this), check?.[r.name], checking); });
  d3.select(table).select("caption").remove();
  if (names.length > MAX_ROWS) {
    d3.select(table).insert("caption", "thead").text(`First ${MAX_ROWS} of ${names.length} leaves.`);
  }
}

function badge(td, c, checking) {
  td.selectAll("*").remove();
  if (!c) {
    td.append("span").attr("class", "badge-check pending").text(checking ? "checking…" : "—");
    return;
  }
  if (c.ok === null || c.ok === undefined) {
    td.append("span").attr("class", "badge-check pending").attr("title", c.note ?? "not checked").text("n/a");
    return;
  }
  const err = typeof c.rel_error === "number" ? c.rel_error.toExponential(1) : String(c.rel_error);
  td.append("span").attr("class", `badge-check ${c.ok ? "ok" : "bad"}`)
    .attr("title", `numeric (central differences): ${c.numeric}`)
    .attr("aria-label", `${c.ok ? "passes" : "fails"}: relative error ${err}`)
    .text(`${c.ok ? "✓" : "✗"} ${err}`);
}
