// The gradients table: each leaf, its value, its gradient, the numeric check,
// the symbolic derivative (KaTeX); under the gradient, a slot the `=` replay fills.
import { d3 } from "../lib.js";
import { num, raw, shapeText } from "../format.js";
import { gradColor, inkOn, dominant } from "../colors.js";
import { isSmallTensor, tensorText } from "../tensor-format.js";

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
    const grad = row.append("td").attr("class", "grad");
    grad.append("span").attr("class", "pill");
    grad.append("span").attr("class", "overwrite"); // filled by views/overwrite.js
    row.append("td").attr("class", "check");
    row.append("td").attr("class", "symbolic");
    return row;
  });
  tr.attr("data-leaf", (r) => r.name).attr("data-grad", (r) => raw(r.grad));
  tr.select("th").text((r) => r.name);
  // Up to 12 entries every number is shown; a bigger tensor gives its shape and largest |∇|.
  tr.select(".val").text((r) => (!r.node ? "" : isSmallTensor(r.node.value) ? tensorText(r.node.value)
    : r.node.shape?.length ? shapeText(r.node.shape) : num(r.node.value)));
  tr.select(".pill").text((r) => (isSmallTensor(r.grad) ? tensorText(r.grad)
    : Array.isArray(r.grad) ? `|∇| ≤ ${num(Math.abs(dominant(r.grad)))}` : num(r.grad)))
    .attr("title", (r) => (Array.isArray(r.grad) ? num(r.grad) : null))
    .style("background", (r) => gradColor(dominant(r.grad)))
    .style("color", (r) => inkOn(dominant(r.grad)));
  tr.select(".check").each(function (r) { badge(d3.select(this), check?.[r.name], checking); });
  tr.select(".symbolic").each(function (r) { symbolic(this, check?.[r.name]); });
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
  td.append("span").attr("class", "sub numeric").text(`numeric ${num(c.numeric)}`);
}

/** sympy's derivative as KaTeX, and its value at this point; or why there is none. */
function symbolic(cell, c) {
  const td = d3.select(cell);
  const key = c ? JSON.stringify([c.derivative, c.symbolic, c.note]) : "";
  if (td.attr("data-key") === key) return; // KaTeX renders only when the check changes
  td.selectAll("*").remove();
  td.attr("data-key", key).attr("data-symbolic", c?.symbolic != null ? raw(c.symbolic) : null)
    .attr("data-derivative", c?.derivative?.text ?? null);
  if (!c) return;
  if (c.derivative) {
    const formula = td.append("span").attr("class", "derivative").attr("title", c.derivative.text).node();
    const katex = globalThis.katex;
    if (katex) katex.render(c.derivative.latex, formula, { throwOnError: false, trust: false });
    else formula.textContent = c.derivative.text;
  }
  if (c.symbolic != null) td.append("span").attr("class", "sub sym-value").text(`= ${num(c.symbolic)}`);
  if (c.note) td.append("span").attr("class", "sub note").text(c.note);
  else if (!c.derivative) td.append("span").attr("class", "sub note").text("—");
}
