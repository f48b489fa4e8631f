// One ledger entry: a step in full (the current one) or in one line per edge
// (a past one). A backward edge always shows three things apart: the local
// derivative (formula and number), the contribution (upstream × local, both
// labelled) and the gradient so far (the sum of the contributions counted).
import { activeAt, termsAt, fanIn, eqContribution } from "../model.js";
import { num, term, clip, raw, flatten } from "../format.js";
import { gradName, opExpr, localSymbol, inputName, shapeOf } from "../notation.js";
import { outputName } from "./legend.js";
import { workedAt } from "../tensor-worked.js";
import { isSmallTensor, tensorText, indicesOf } from "../tensor-format.js";

const OWN_OUTPUT = new Set(["tanh", "sigmoid", "exp"]);
// Ops whose output entry i depends on input entry i alone (after broadcasting).
const ELEMENTWISE = new Set(["add", "sub", "mul", "div", "pow", "max", "min", "neg", "exp", "log",
  "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs"]);
// A tensor of up to 12 entries is written out in full, nested as numpy prints it.
const numbers = (v) => (isSmallTensor(v) ? tensorText(v) : num(v));
const span = (parent, cls, text) => parent.append("span").attr("class", cls).text(text);

/** Fill `li` (a d3 selection) with step k of the model. */
export function renderEntry(li, m, k, { full, eq, onFocusEdge }) {
  const a = activeAt(m, k);
  const node = m.byId.get(a.id);
  li.attr("data-step", k).attr("data-current-entry", full ? "" : null).classed("is-past", !full).classed("is-current", full)
    .classed("is-forward", a.phase === "forward").classed("is-backward", a.phase === "backward");
  const head = li.append("p").attr("class", "entry-head");
  span(head, "step-no", `${k}`);
  if (a.phase === "forward") return forwardEntry(li, head, m, node, full);
  backwardEntry(li, head, m, node, a.step, k - m.F - 1, { full, eq, onFocusEdge });
}

function statement(node, m) {
  if (node.kind !== "op") return node.label ?? num(node.value);
  return node.label ? `${node.label} = ${opExpr(node, m)}` : opExpr(node, m);
}

function forwardEntry(li, head, m, node, full) {
  span(head, "badge forward", "forward");
  if (node.kind === "leaf") span(head, "what", ` ${node.label} = ${numbers(node.value)}: a leaf (input or parameter)${node.shape?.length ? `, shape ${shapeOf(node.shape)}` : ""}`);
  else if (node.kind === "const") span(head, "what", ` ${node.label ?? num(node.value)} is a constant: it takes no gradient`);
  else {
    span(head, "what", ` ${statement(node, m)} = `);
    span(head, "result", numbers(node.value));
    if (node.shape?.length) span(head, "muted", `  shape ${shapeOf(node.shape)}`);
    if (full) {
      const ins = node.inputs.map((i) => m.byId.get(i)).filter((i) => i.kind !== "const");
      if (ins.length) li.append("p").attr("class", "muted").text(`with ${ins.map((i) => `${inputName(m, i.id)} = ${numbers(i.value)}`).join(", ")}`);
    }
  }
  if (full) for (const w of node.warnings || []) li.append("p").attr("class", "warning").text(`⚠ ${w}`);
}

function backwardEntry(li, head, m, node, st, j, opts) {
  const name = gradName(node, m);
  li.classed("is-tensor", Array.isArray(st.grad) || st.edges.some((e) => Array.isArray(e.contribution)));
  const isOut = node.id === m.outputId;
  span(head, "badge backward", "backward");
  span(head, "what", ` at ${statement(node, m)}`);
  const up = li.append("p").attr("class", "upstream");
  if (isOut) {
    span(up, "sym", "∂L/∂L = ");
    span(up, "result", num(st.grad));
    if (opts.full) span(up, "why", `  Start here: L is ${outputName(node)}, the output, and it changes one for one with itself. Every gradient below is this 1 passed back through the chain rule.`);
  } else {
    // A tensor upstream is named g once here (as the rule and the worked entry
    // name it), so each edge's contribution reads g ⊙ local without repeating it.
    span(up, "sym", opts.full && Array.isArray(st.grad) ? `upstream g = ∂L/∂${name} = ` : `upstream ∂L/∂${name} = `);
    values(up, "result", st.grad);
    const n = fanIn(m, node.id);
    if (opts.full) span(up, "why", n > 1 ? `  complete: the sum of its ${n} contributions` : "  complete: it has one consumer");
  }
  if (!st.edges.length && opts.full) li.append("p").attr("class", "muted").text("No input of this node takes a gradient.");
  const rows = st.edges.map((e, i) => edgeRow(li, m, node, st, j, i, opts));
  if (opts.full) explainTabs(li, head, m, st, rows, opts.onFocusEdge);
  if (opts.full) for (const w of node.warnings || []) li.append("p").attr("class", "warning").text(`⚠ ${w}`);
}

/** A tensor step with two or more edges explains one edge at a time (what
 * its op does backward, the shapes, an entry worked out), so the whole entry
 * stays beside the graph; every edge keeps its local, contribution and
 * gradient rows. Tabs in the entry's head choose the edge (the first by
 * default; the choice is kept while the step is redrawn). */
function explainTabs(li, head, m, st, rows, onFocusEdge) {
  const items = rows.map((row, i) => ({ row, i, panel: row.select(".edge-explain") })).filter((t) => !t.panel.empty());
  // A phone, and a projector at 20 px text, have no room beside the graph for
  // any explanation: each opens on a tap of its tab (and closes on another),
  // none open at first.
  const phone = matchMedia("(max-width: 600px)").matches || document.body.classList.contains("lecture");
  if (items.length < (phone ? 1 : 2)) return;
  const el = li.node();
  const key = el.dataset.step;
  const kept = el._explained?.n ?? 0;
  const bar = head.append("span").attr("class", "explain-tabs").attr("role", "tablist")
    .attr("aria-label", "Explain one edge: its rule, shapes and a worked entry");
  span(bar, "explain-tabs-label muted", "explain");
  const tabs = items.map(({ row, i, panel }, n) => {
    const edge = row.attr("data-edge");
    const id = `explain-${key}-${i}`;
    panel.attr("id", `${id}-panel`).attr("role", "tabpanel").attr("aria-labelledby", id);
    return bar.append("button").attr("type", "button").attr("role", "tab").attr("id", id)
      .attr("class", "explain-tab").attr("data-edge", edge).attr("data-to", row.attr("data-to"))
      .attr("aria-controls", `${id}-panel`).text(`∂L/∂${clip(gradName(m.byId.get(st.edges[i].to), m), 14)}`)
      .on("click", (ev) => { ev.stopPropagation(); pick(phone && el._explained?.n === n ? -1 : n, false); })
      .on("focus", () => onFocusEdge?.(edge)).on("blur", () => onFocusEdge?.(null))
      .on("keydown", (ev) => {
        const to = { ArrowRight: n + 1, ArrowLeft: n - 1, Home: 0, End: items.length - 1 }[ev.key];
        if (to === undefined) return;
        ev.preventDefault(); // a move between tabs, not a step (the page's ← → step elsewhere)
        ev.stopPropagation();
        pick((to + items.length) % items.length, true);
      });
  });
  function pick(n, focus) {
    el._explained = { key, n };
    items.forEach((t, q) => {
      t.row.classed("is-explained", q === n);
      t.panel.attr("hidden", q === n ? null : "");
      tabs[q].attr("aria-selected", String(q === n)).attr("tabindex", q === n || (n < 0 && q === 0) ? 0 : -1);
    });
    if (focus && n >= 0) tabs[n].node().focus();
    // The ledger makes room for the taller explanation (views/ledger.js).
    el.dispatchEvent(new CustomEvent("chainrule:explained", { bubbles: true }));
  }
  // By default the edge whose input was broadcast (its gradient is a sum, the
  // step's surprise), else the first.
  const summed = items.findIndex((t) => !t.panel.select("[data-sum-axis]").empty());
  pick(el._explained?.key === key ? Math.min(kept, items.length - 1) : phone ? -1 : Math.max(0, summed), false);
  // The graph's tensor cells and edges choose an edge here too (listeners below).
  el._explain = (pred) => {
    const n = items.findIndex((t) => pred(t.row));
    if (n >= 0) pick(n, false);
    return n >= 0;
  };
}

function edgeRow(li, m, node, st, j, i, { full, eq, onFocusEdge }) {
  const e = st.edges[i];
  const at = m.edgeAt[j][i];
  const input = m.byId.get(e.to);
  const inName = gradName(input, m);
  const tensor = Array.isArray(e.contribution) || Array.isArray(st.grad);
  const row = li.append("div").attr("class", "ledger-row").attr("data-edge", at.edgeId).attr("data-to", e.to)
    .attr("data-local", "").attr("data-value", raw(e.local));
  row.on("mouseenter", () => onFocusEdge?.(at.edgeId)).on("mouseleave", () => onFocusEdge?.(null));
  const sym = localSymbol(node, m, at.slot);
  // 1. the local derivative, worked
  const loc = row.append("p").attr("class", "line local");
  span(loc, "tag tag-local", "local");
  if (e.local === null) {
    span(loc, "sym", `${sym.text}${sym.which}: not elementwise; the contribution is ${e.local_formula}`);
  } else {
    span(loc, "sym", `${sym.text}${sym.which} = `);
    const formula = e.local_formula.replace(/\*\*2\b/g, "²").replace(/\*/g, "·").replace(/-/g, "−");
    const plain = Number.isFinite(Number(formula.replace("−", "-"))); // "1", "-1": nothing to work out
    const parts = plain ? [] : [formula];
    const bare = e.local_worked && Number(e.local_worked.replace("−", "-")); // "3.0": the number itself, nothing to show
    if (e.local_worked && bare !== e.local && e.local_worked !== num(e.local) && e.local_worked !== formula) parts.push(e.local_worked);
    parts.push(null);
    parts.forEach((p, n) => {
      if (n) span(loc, "op", " = ");
      if (p === null) span(loc, "result", num(e.local));
      else span(loc, n === 0 ? "formula" : "worked", p);
    });
    const rule = e.explain?.rule;
    if (rule === "sum" || rule === "mean") span(loc, "muted", `  (one number, the same for all ${input.shape.reduce((a, b) => a * b, 1)} entries of ${inputName(m, input.id)})`);
    else if (tensor && !Array.isArray(e.local)) span(loc, "muted", "  (one number, the same for every entry)");
    else if (tensor && ELEMENTWISE.has(node.op)) span(loc, "muted", `  (elementwise, shape ${shapeOf(shapeOfValue(e.local))})`);
    // mse and cross_entropy end in one number: their local is that number's
    // partial derivative by each entry of the input, not an elementwise rule.
    else if (tensor) span(loc, "muted", `  (∂ of the one number ${clip(gradName(node, m), 16)} by each entry of ${clip(inputName(m, input.id), 16)}, shape ${shapeOf(shapeOfValue(e.local))})`);
    // tanh′, σ′ and exp′ read the node's own output: say where the number comes from.
    else if (OWN_OUTPUT.has(node.op)) span(loc, "muted uses", `  uses this node's output ${num(node.value)}`);
  }
  // 2. the contribution along this edge: upstream × local
  const con = row.append("p").attr("class", "line contribution");
  span(con, "tag tag-contribution", "contribution");
  span(con, "sym", `to ${clip(inName, 24)}: `);
  const g = full && Array.isArray(st.grad) ? "g" : null;
  const around = e.local_formula?.split("upstream") ?? [];
  if (e.local === null && g && around.length === 2) {
    // matmul: the contribution is the formula itself, with g in it (g @ W2ᵀ, hᵀ @ g)
    if (around[0]) span(con, "op", around[0]);
    factor(con, st.grad, "upstream", g);
    span(con, "op", `${around[1]} = `);
  } else if (e.local === null) {
    factor(con, st.grad, "upstream", g);
    span(con, "op", ` → ${e.local_formula} = `);
  } else {
    factor(con, st.grad, "upstream", g);
    span(con, "op", Array.isArray(st.grad) || Array.isArray(e.local) ? " ⊙ " : " × ");
    factor(con, e.local, "local");
    // A broadcast input gets the product summed back to its own shape, a reduction's
    // upstream is copied to every entry: say so where the = would mislead.
    const rule = e.explain?.rule;
    span(con, "op", e.explain?.sum_over ? " → summed → " : rule === "sum" || rule === "mean" ? ` → copied to ${shapeOf(input.shape)} → ` : " = ");
  }
  values(con, "result", e.contribution);
  // What the op does backward, for this edge (one edge's at a time: explainTabs).
  if (tensor && full) {
    const how = row.append("div").attr("class", "edge-explain");
    if (e.explain) tensorLines(how, m, node, st, e, at.slot);
    else tensorShapes(how, m, node, input, at.slot, e);
  }
  // 3. the gradient so far: the contributions counted up to this edge
  const terms = termsAt(m, j, i);
  const total = fanIn(m, e.to);
  const sum = row.append("p").attr("class", "line gradient sum").attr("data-node", e.to);
  if (full) sum.attr("data-running-sum", "").attr("data-terms", JSON.stringify(terms.map((t) => t.contribution))).attr("data-value", raw(e.grad_after));
  span(sum, "tag tag-gradient", "gradient");
  span(sum, "sym", `∂L/∂${clip(inName, 24)} = `);
  if (terms.length > 1) {
    terms.forEach((ev, n) => {
      if (n) span(sum, "op", " + ");
      sum.append("button").attr("type", "button").attr("class", `term${n === terms.length - 1 ? " is-new" : ""}`)
        .attr("data-edge", ev.edgeId).attr("data-contribution", JSON.stringify(ev.contribution))
        .attr("title", `contribution from step ${ev.step}: ${clip(gradName(m.byId.get(ev.from), m), 30)}`)
        .text(term(ev.contribution))
        .on("click", (evt) => { evt.stopPropagation(); onFocusEdge?.(ev.edgeId); })
        .on("focus mouseenter", () => onFocusEdge?.(ev.edgeId))
        .on("blur mouseleave", () => onFocusEdge?.(null));
    });
    span(sum, "op", " = ");
  }
  // A tensor's one contribution so far is its gradient so far: said, not written out twice.
  if (full && terms.length === 1 && Array.isArray(e.grad_after) && flatten(e.grad_after).length > 3) {
    span(sum, "result same-as", "the contribution above").attr("title", tensorText(e.grad_after));
  } else values(sum, "result", e.grad_after);
  const note = total === 1 ? "its only contribution: complete"
    : terms.length < total ? `${terms.length} of ${total} contributions so far (+=)` : `${total} of ${total} contributions: complete`;
  span(sum, total > 1 ? "count is-sum" : "count", `  ${note}`);
  if (eq && terms.length > 1) {
    const w = row.append("p").attr("class", "line overwrite-line");
    span(w, "tag tag-wrong", "with =");
    span(w, "sym", `∂L/∂${clip(inName, 24)} = ${num(eqContribution(m, j, i))}: this edge overwrites the ${terms.length - 1} earlier contribution${terms.length > 2 ? "s" : ""} instead of adding`);
  } else if (eq && !eqSame(m, j, i)) {
    const w = row.append("p").attr("class", "line overwrite-line");
    span(w, "tag tag-wrong", "with =");
    span(w, "sym", `the upstream was already wrong, so this edge pushes ${num(eqContribution(m, j, i))}`);
  }
  return row;
}

function eqSame(m, j, i) {
  return eqContribution(m, j, i) === m.trace.backward[j].edges[i].contribution;
}

function factor(parent, v, label, name = null) {
  const f = parent.append("span").attr("class", `factor factor-${label}`);
  if (Array.isArray(v) && name) f.append("span").attr("class", "fv").attr("data-values", raw(v)).attr("title", `${name}: the ${label} written out above`).text(name);
  else if (Array.isArray(v)) values(f, "fv", v);
  else f.append("span").attr("class", "fv").text(term(v));
  // g is named the upstream in its own line: here the label is for screen readers.
  f.append("span").attr("class", name && Array.isArray(v) ? "fl visually-hidden" : "fl").text(label);
}

// A click on an entry of a tensor node (node.js) works that entry out in the
// current step's row for that node, when it has one.
if (typeof document !== "undefined") {
  document.addEventListener("chainrule:entry", (ev) => {
    const { id, index } = ev.detail;
    const sel = document.querySelector(`#ledger .is-current .ledger-row[data-to="${CSS.escape(id)}"] .worked-entry select`);
    if (!sel || ![...sel.options].some((o) => o.value === index)) return;
    ev.preventDefault();
    document.querySelector("#ledger .is-current")?._explain?.((row) => row.attr("data-to") === id);
    sel.value = index;
    sel.dispatchEvent(new Event("change"));
    sel.focus();
  });
  // A click on an edge's badge in the graph explains that edge in the current entry.
  document.addEventListener("click", (ev) => {
    const at = ev.target.closest?.("svg#graph [data-edge]");
    const edge = at?.getAttribute("data-edge");
    if (edge) document.querySelector("#ledger .is-current")?._explain?.((row) => row.attr("data-edge") === edge);
  });
}

/** Source text inside the engine's sentences, written as the page writes formulas:
 * (pred - y)**2 → (pred − y)², w*x → w·x. */
export const pretty = (t) => t.replace(/\*\*2\b/g, "²").replace(/\*\*/g, "^").replace(/\*/g, "·").replace(/-/g, "−");

/** What a tensor edge does backward (the trace's `explain`): the rule in words,
 * the shapes, the sum that undoes a broadcast (only where there was one), and
 * one entry worked out; choosing another entry works that one out. */
function tensorLines(row, m, node, st, e, slot) {
  const ex = e.explain;
  const input = m.byId.get(e.to);
  const why = row.append("p").attr("class", "line explain").attr("data-rule", ex.rule);
  span(why, "tag tag-rule", ex.rule === "mean" || ex.rule === "sum" ? "copy" : ex.rule === "broadcast" ? "broadcast" : "rule");
  span(why, "sym", pretty(ex.text));
  const p = row.append("p").attr("class", "line shapes");
  span(p, "tag tag-shape", "shapes");
  span(p, "sym", pretty(ex.shapes));
  if (ex.sum_over) {
    // In the shapes' line: the product's shape, then the sum back to the input's.
    // The broadcast rule's own text already says why it sums: then only what.
    const axes = ex.sum_over.axes;
    const why = ex.rule === "broadcast" ? "" : ` ${inputName(m, input.id)} was broadcast in the forward pass, so its gradient adds up the entries it was copied to.`;
    span(p, "op", "; ");
    span(p, "sym broadcast", `sum over the broadcast ax${axes.length === 1 ? "is" : "es"} ${axes.join(", ")}: ${ex.sum_over.text}.${why}`)
      .attr("data-sum-axis", axes.join(","));
  }
  if (!ex.worked) return;
  const w = row.append("p").attr("class", "line worked-entry").attr("data-entry", ex.worked.entry.join(","))
    .attr("data-value", raw(ex.worked.value));
  span(w, "tag tag-worked", "worked");
  const text = span(w, "sym worked-text", pretty(ex.worked.text));
  const entries = input.shape?.length ? indicesOf(input.shape) : [];
  if (entries.length < 2 || entries.length > 4096) return;
  const pick = w.append("label").attr("class", "entry-pick");
  span(pick, "muted", " entry ");
  const sel = pick.append("select").attr("aria-label", `work out another entry of ∂L/∂${gradName(input, m)}`)
    .on("click", (ev) => ev.stopPropagation()).on("keydown", (ev) => ev.stopPropagation());
  sel.selectAll("option").data(entries).join("option").attr("value", (d) => d.join(","))
    .property("selected", (d) => d.join(",") === ex.worked.entry.join(",")).text((d) => `[${d.join(", ")}]`);
  sel.on("change", () => {
    const index = sel.property("value").split(",").map(Number);
    const r = workedAt(m, node, st, e, slot, index);
    if (!r) return;
    w.attr("data-entry", index.join(",")).attr("data-value", raw(r.value));
    text.text(pretty(r.text));
  });
}

/** A number, or a tensor summarised as "[1.2, −0.8, … 6 values]" that opens
 * to every value, so a sum over them can be checked by hand. */
function values(parent, cls, v) {
  // Up to 12 entries every number is written out, nested as numpy prints it.
  if (isSmallTensor(v) && flatten(v).length > 3) return span(parent, `${cls} all-values-inline`, tensorText(v)).attr("data-values", raw(v));
  const short = num(v);
  if (!Array.isArray(v) || !short.includes("…")) return span(parent, cls, short);
  const d = parent.append("details").attr("class", `${cls} all-values`).attr("data-values", raw(v))
    .on("click", (ev) => ev.stopPropagation()) // opening it in a past entry is not a jump there
    .on("keydown", (ev) => ev.stopPropagation());
  d.append("summary").attr("title", "show every value").text(short);
  const rows = Array.isArray(v[0]) ? v : [v];
  d.append("span").attr("class", "values-list").text(rows.map((r) => `[${flatten(r).map(num).join(", ")}]`).join("\n"));
  return d;
}

function shapeOfValue(v) {
  const s = [];
  for (let x = v; Array.isArray(x); x = x[0]) s.push(x.length);
  return s;
}

/** Shapes at a tensor edge: the product, and the sum that undoes a broadcast. */
function tensorShapes(row, m, node, input, slot, e) {
  const p = row.append("p").attr("class", "line shapes");
  span(p, "tag tag-shape", "shapes");
  const up = shapeOf(node.shape);
  if (node.op === "matmul") {
    const other = m.byId.get(node.inputs[1 - slot]);
    const text = slot === 0 ? `upstream @ ${inputName(m, other.id)}ᵀ: ${up} @ ${shapeOf(other.shape)}ᵀ → ${shapeOf(input.shape)}`
      : `${inputName(m, other.id)}ᵀ @ upstream: ${shapeOf(other.shape)}ᵀ @ ${up} → ${shapeOf(input.shape)}`;
    span(p, "sym", text);
    return;
  }
  const product = e.local === null ? up : shapeOf(broadcastShape(node.shape, shapeOfValue(e.local)));
  span(p, "sym", `upstream ${up} ⊙ local ${shapeOf(shapeOfValue(e.local))} → ${product}`);
  if (product !== shapeOf(input.shape)) {
    const s = row.append("p").attr("class", "line shapes broadcast").attr("data-sum-axis", "");
    span(s, "tag tag-shape", "sum");
    span(s, "sym", `sum over the batch axis: ${product} → ${shapeOf(input.shape)}. ${inputName(m, input.id)} was broadcast in the forward pass, so its gradient adds up the rows it was copied to.`);
  }
}

function broadcastShape(a, b) {
  const n = Math.max(a.length, b.length);
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(Math.max(x, y));
  }
  return out;
}
