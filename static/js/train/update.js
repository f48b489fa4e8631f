// The update of every trained parameter at one iteration, written out with the
// numbers the server's optimizer used (history[k].update): the rule, then the
// rule with its numbers, then the result. Text only (.textContent).

/** A number as a student would write it: 6 significant digits, a real minus. */
export function fmt(v) {
  if (typeof v !== "number") return String(v);
  const s = Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4)
    ? v.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e") : String(+v.toPrecision(6));
  return s.replaceAll("-", "−");
}

const wrap = (v) => (typeof v === "number" && v < 0 ? `(${fmt(v)})` : fmt(v));

/** Lines [{text, result?}] for one parameter's worked update `u`. */
export function workedLines(name, u) {
  const p = u.element ? `${name}[${u.element.join(", ")}]` : name;
  if (u.rule === "sgd") {
    return [{ text: `${p} ← ${p} − lr·g = ${fmt(u.p)} − ${fmt(u.lr)} × ${wrap(u.g)} = ${fmt(u.new)}`, result: true }];
  }
  if (u.rule === "momentum") {
    return [
      { text: `v ← μ·v + g = ${fmt(u.mu)} × ${wrap(u.v_prev)} + ${wrap(u.g)} = ${fmt(u.v)}` },
      { text: `${p} ← ${p} − lr·v = ${fmt(u.p)} − ${fmt(u.lr)} × ${wrap(u.v)} = ${fmt(u.new)}`, result: true },
    ];
  }
  const b1 = fmt(u.beta1);
  const b2 = fmt(u.beta2);
  return [
    { text: `m ← β₁·m + (1 − β₁)·g = ${b1} × ${wrap(u.m_prev)} + ${fmt(1 - u.beta1)} × ${wrap(u.g)} = ${fmt(u.m)}` },
    { text: `v ← β₂·v + (1 − β₂)·g² = ${b2} × ${wrap(u.v_prev)} + ${fmt(+(1 - u.beta2).toPrecision(6))} × ${wrap(u.g)}² = ${fmt(u.v)}` },
    { text: `m̂ = m / (1 − β₁^t) = ${wrap(u.m)} / (1 − ${b1}^${u.t}) = ${fmt(u.m_hat)}` },
    { text: `v̂ = v / (1 − β₂^t) = ${wrap(u.v)} / (1 − ${b2}^${u.t}) = ${fmt(u.v_hat)}` },
    { text: `${p} ← ${p} − lr·m̂ / (√v̂ + ε) = ${fmt(u.p)} − ${fmt(u.lr)} × ${wrap(u.m_hat)} / (√${fmt(u.v_hat)} + ${fmt(u.eps)}) = ${fmt(u.new)}`, result: true },
  ];
}

/** What each symbol of `rule`'s update from iteration k means, with the values the run used. */
export function symbolLines(rule, u, k) {
  const g = `g = ∂L/∂p: the gradient of the loss L with respect to the parameter p being updated, at iteration ${k} (the backward pass computes it)`;
  const lr = `lr = ${fmt(u.lr)}, the learning rate (step size)`;
  if (rule === "sgd") return [g, lr];
  if (rule === "momentum") {
    return [g, lr, `μ = ${fmt(u.mu)}, the momentum: how much of the last velocity is kept`,
      "v = the velocity, a running sum of past gradients (0 before the first update)"];
  }
  return [g, lr,
    `β₁ = ${fmt(u.beta1)}, β₂ = ${fmt(u.beta2)}: how much of the old running means is kept`,
    "m = running mean of the gradients; v = running mean of the squared gradients (both 0 at the start)",
    "m̂ = m / (1 − β₁^t), v̂ = v / (1 − β₂^t): m and v bias-corrected, since starting at 0 makes them too small in the first steps",
    `ε = ${fmt(u.eps)}, a tiny number so the division never divides by 0`,
    `t = ${u.t}, the number of Adam steps taken so far, this one included`];
}

/** Draw the update that leaves iteration `step` (at the last iteration: the one
 * that led to it). `link(k)` is the step-through view's address for iteration k. */
export function renderUpdate(el, history, step, link = null) {
  const next = history[step + 1]?.update ? step + 1 : history[step]?.update ? step : null;
  el.replaceChildren();
  if (next === null) {
    el.hidden = history.length === 0 || !history[0] || history[0].epoch !== undefined;
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = "Train to see each update written out.";
    el.append(p);
    return;
  }
  el.hidden = false;
  const k = next - 1;
  const updates = Object.values(history[next].update);
  const rule = updates[0].rule;
  const head = document.createElement("p");
  head.className = "worked-head";
  head.dataset.from = String(k);
  head.dataset.to = String(next);
  // Adam counts its steps from 1: the update from iteration k is its step t = k + 1.
  head.textContent = `Update ${k} → ${next}` + (rule === "adam" ? ` (Adam step t = ${updates[0].t})` : "") +
    `: the parameters at iteration ${next} from those at iteration ${k}, using g, the gradient at iteration ${k}. `;
  if (link) {
    const a = document.createElement("a");
    a.className = "navlink-dark";
    a.id = "open-gradient";
    a.href = link(k);
    a.textContent = `See where g comes from: open iteration ${k} in the step-through view (its backward pass)`;
    head.append(a);
  }
  el.append(head);
  const symbols = document.createElement("ul");
  symbols.className = "symbols";
  symbols.dataset.symbols = rule;
  for (const text of symbolLines(rule, updates[0], k)) {
    const li = document.createElement("li");
    li.textContent = text;
    symbols.append(li);
  }
  el.append(symbols);
  for (const [name, u] of Object.entries(history[next].update)) {
    const block = document.createElement("div");
    block.className = "worked-param";
    for (const line of workedLines(name, u)) {
      const row = document.createElement("p");
      row.className = line.result ? "worked-line result" : "worked-line";
      row.textContent = line.text;
      if (line.result) {
        row.dataset.update = "";
        row.dataset.param = name;
        row.dataset.new = String(u.new);
      }
      block.append(row);
    }
    el.append(block);
  }
  if (Object.values(history[next].update).some((u) => u.element)) {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = "A tensor shows its first element; every element follows the same rule.";
    el.append(note);
  }
}
