// The cost table, and the trust panel: backprop beside central differences and the
// symbolic derivative (KaTeX), "backward = k × forward", and the = instead of += replay.
import { d3 } from "../lib.js";
import { num } from "../format.js";
import { BY_ID } from "./methods.js";

export function drawCosts(tbody, result) {
  const rows = Object.entries(result.runs).map(([id, run]) => ({ id, run }));
  d3.select(tbody).selectAll("tr").data(rows, (d) => d.id).join("tr")
    .attr("data-method", (d) => d.id)
    .selectAll("td").data(({ id, run }) => [
      { swatch: BY_ID[id].color, text: BY_ID[id].name },
      { text: String(run.history.length - 1) },
      { text: num(run.history[run.history.length - 1].loss) },
      { text: String(run.cost.gradient_evals) },
      { text: String(run.cost.function_evals) },
      { text: String(run.cost.hessian_evals) },
      { text: (run.cost.seconds * 1000).toFixed(1) },
      { text: stoppedText(run) },
      { text: endText(run.end), kind: run.end?.kind },
    ]).join("td").each(function (d) {
      const td = d3.select(this).text("");
      if (d.kind) td.attr("class", `end-kind ${d.kind}`).attr("data-kind", d.kind);
      if (d.swatch) td.append("span").attr("class", "swatch").style("background", d.swatch);
      td.append("span").text(d.text);
    });
}

/** "converged" says only that the gradient vanished: at a saddle, say so. */
function stoppedText(run) {
  const text = run.stopped.replace("_", " ");
  if (run.stopped === "converged" && run.end && run.end.kind !== "minimum" && run.end.kind !== "unknown") {
    return `${text} — to a ${run.end.kind}, not a minimum`;
  }
  return text;
}

function endText(end) {
  if (!end) return "";
  const eig = end.eigenvalues.map(num).join(", ");
  if (end.kind === "unknown") {
    return end.eigenvalues.length && !end.stationary ? `not stationary (eigenvalues of the Hessian: ${eig})` : "unknown";
  }
  return `${end.kind} (eigenvalues of the Hessian: ${eig})`;
}

function renderLatex(el, latex) {
  const katex = globalThis.katex;
  if (!katex || !latex) {
    el.textContent = latex || "";
    return;
  }
  // render() builds DOM nodes (no HTML string); trust stays off, so no \href or \url.
  katex.render(latex, el, { throwOnError: false, displayMode: false, trust: false, strict: "ignore" });
}

export function drawTrust(els, trace, failed) {
  if (!trace) {
    els.ratio.textContent = `The trace of this program could not be built: ${failed?.message || "unknown error"}`;
    d3.select(els.symbolic).selectAll("tr").remove();
    return;
  }
  const ratio = trace.cost.ratio;
  els.ratio.textContent = ratio === null
    ? "This program does no arithmetic, so backprop costs nothing either."
    : `backward = ${ratio.toFixed(2)} × forward: ${trace.cost.backward.flops} FLOPs against ` +
      `${trace.cost.forward.flops}, with ${trace.cost.saved.values} values ` +
      `(${trace.cost.saved.bytes} bytes) kept from the forward pass for the backward one.`;
  const rows = Object.entries(trace.check || {}).filter(([leaf]) => !Array.isArray(trace.gradients[leaf]));
  d3.select(els.symbolic).selectAll("tr").data(rows, (d) => d[0]).join("tr")
    .attr("data-leaf", (d) => d[0])
    .selectAll("td").data(([leaf, c]) => [
      { text: leaf }, { text: num(trace.gradients[leaf]) }, { text: num(c.numeric) },
      { text: c.symbolic === undefined || c.symbolic === null ? "—" : num(c.symbolic) },
      { latex: c.derivative?.latex, fallback: c.note || "sympy is not installed" },
    ]).join("td").each(function (d) {
      if (d.latex === undefined) {
        this.textContent = d.text;
        return;
      }
      this.classList.add("derivative");
      if (d.latex) renderLatex(this, d.latex);
      else this.textContent = d.fallback;
    });
}

export function drawOverwrite(el, trace, on) {
  el.hidden = !on || !trace;
  if (el.hidden) return;
  const ow = trace.overwrite;
  const root = d3.select(el);
  root.selectAll("*").remove();
  if (!ow.fanout.length) {
    root.append("p").text("No value here is used twice, so = and += give the same gradients. " +
      "Try a program such as a*b + a.");
    return;
  }
  const names = ow.fanout.map((f) => `${f.label || f.node} (${f.uses} uses)`).join(", ");
  root.append("p").text(`Used more than once: ${names}. With = each keeps only its last contribution, ` +
    "and every node behind it inherits the error.");
  const table = root.append("table").attr("id", "overwrite-table");
  table.append("thead").append("tr").selectAll("th")
    .data(["Node", "Why", "Gradient with =", "Off by"]).join("th").attr("scope", "col").text((d) => d);
  table.append("tbody").selectAll("tr").data(ow.wrong).join("tr")
    .attr("data-node", (d) => d.node).attr("class", (d) => `cause-${d.cause}`)
    .selectAll("td").data((d) => [d.label || d.node, d.cause === "fan-out" ? `fan-out, ${d.uses} uses` : "inherited",
      num(d.overwritten), num(d.error)]).join("td").text((d) => d);
}
