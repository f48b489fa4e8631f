// The step model: replays a chainrule.trace/1 document one step at a time.
// Pure data, no DOM. The page never computes a gradient: every number shown
// comes from the trace (value, grad, contribution, grad_after).
//
// Steps: 0 = nothing evaluated; 1..F = forward (node forward[k-1] gets its
// value); F+1..F+B = backward (step j completes backward[j].node's gradient
// and pushes a contribution into each of its inputs).

export const OP_SYMBOL = {
  add: "+", sub: "−", mul: "×", div: "÷", pow: "^", neg: "−", matmul: "@",
  sigmoid: "σ", cross_entropy: "xent", log_softmax: "logsm", softmax: "smax",
};

export function buildModel(trace) {
  const nodes = trace.nodes;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const F = trace.forward.length;
  const B = trace.backward.length;
  const forwardAt = new Map(trace.forward.map((id, i) => [id, i + 1]));
  // Gradient events per node, in step order: [step, gradAfter, contribution, stepIndex, edge].
  const gradEvents = new Map(nodes.map((n) => [n.id, []]));
  const consumers = new Map(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const i of n.inputs) consumers.get(i)?.push(n.id);
  // Contributions in arrival order per node; each edge knows its place there,
  // so a running sum holds exactly the contributions counted so far (a*a
  // pushes twice into a in one step: the first row counts one, the second two).
  const arrivals = new Map(nodes.map((n) => [n.id, []]));
  const edgeAt = []; // [step j][edge i] -> {edgeId, index, slot}
  trace.backward.forEach((st, j) => {
    const k = F + 1 + j;
    const own = gradEvents.get(st.node);
    if (own && own.length === 0) own.push({ step: k, grad: st.grad, seed: true });
    const ids = edgeIds(byId.get(st.node), st.edges);
    edgeAt.push(st.edges.map((e, i) => {
      const ev = { step: k, j, i, grad: e.grad_after, contribution: e.contribution, from: st.node, edge: e, edgeId: ids[i] };
      gradEvents.get(e.to)?.push(ev);
      const arr = arrivals.get(e.to);
      arr.push(ev);
      return { edgeId: ids[i], index: arr.length - 1, slot: Number(ids[i].split("#")[1]) };
    }));
  });
  const edges = [];
  for (const n of nodes) n.inputs.forEach((src, slot) => edges.push({ id: `${src}>${n.id}#${slot}`, source: src, target: n.id, slot }));
  return {
    trace, nodes, byId, edges, consumers, F, B, total: F + B, forwardAt, gradEvents,
    arrivals, edgeAt, outputId: trace.output, eqEvents: null, noGrad: takesNoGradient(trace, consumers, arrivals),
  };
}

/** Nodes that take no gradient: constants (and ops over constants only: grad
 * null), and a leaf whose consumers the backward pass reaches without ever
 * pushing into it: it feeds only an input with no derivative (cross_entropy's
 * class index). A leaf no path to the output uses keeps its gradient of 0. */
function takesNoGradient(trace, consumers, arrivals) {
  const stepped = new Set(trace.backward.map((st) => st.node));
  return new Set(trace.nodes.filter((n) => n.id !== trace.output && (n.grad === null || n.grad === undefined
    || (arrivals.get(n.id).length === 0 && consumers.get(n.id).some((c) => stepped.has(c))))).map((n) => n.id));
}

/** Active node id at step k, and the phase name. */
export function activeAt(m, k) {
  if (k <= 0) return { id: null, phase: "start" };
  if (k <= m.F) return { id: m.trace.forward[k - 1], phase: "forward" };
  const st = m.trace.backward[Math.min(k, m.total) - m.F - 1];
  return { id: st.node, phase: "backward", step: st };
}

/** What a node shows at step k: value (or undefined) and grad (or undefined).
 * `eq`: the backward pass replayed with = instead of += (views/overwrite.js). */
export function shownAt(m, node, k, eq = false) {
  const fk = m.forwardAt.get(node.id) ?? 0;
  const value = k >= fk ? node.value : undefined;
  let grad;
  let got = 0; // contributions received so far: a partial sum is marked as one
  const events = eq ? eqEvents(m).get(node.id) : m.gradEvents.get(node.id);
  const of = m.arrivals.get(node.id).length;
  if (!eq && k >= m.total && m.total > 0 && k > m.F) {
    grad = node.grad ?? undefined;
    got = of;
  } else {
    for (const ev of events) {
      if (ev.step > k) break;
      grad = ev.grad;
      if (!ev.seed) got++;
    }
  }
  // none: this node takes no gradient at any step ("no ∇", not "∇ ?").
  if (m.noGrad.has(node.id)) return { value, grad: undefined, got, of, none: true };
  return { value, grad: grad === null ? undefined : grad, got, of, none: false };
}

/** Graph edge ids of a backward step's trace edges. An input used twice by
 * one op (x*x) has two slots: they are matched in order. */
export function edgeIds(node, traceEdges) {
  const used = new Set();
  return traceEdges.map((e) => {
    const slot = node.inputs.findIndex((src, s) => src === e.to && !used.has(s));
    used.add(slot);
    return `${e.to}>${node.id}#${slot}`;
  });
}

/** Nodes whose shown value or gradient can differ between two steps; null for "any". */
export function touchedBetween(m, a, b) {
  if (a === null || Math.abs(a - b) !== 1 || Math.max(a, b) >= m.total) return null;
  const k = Math.max(a, b);
  if (k <= m.F) return [m.trace.forward[k - 1]];
  const st = m.trace.backward[k - m.F - 1];
  return [st.node, ...st.edges.map((e) => e.to)];
}

/** Edges (by id) that the step at k pushes through, with their trace edge. */
export function activeEdges(m, k) {
  const a = activeAt(m, k);
  const out = new Map();
  if (!a.id) return out;
  const node = m.byId.get(a.id);
  if (a.phase === "forward") {
    node.inputs.forEach((src, slot) => out.set(`${src}>${node.id}#${slot}`, { dir: "forward" }));
    return out;
  }
  const ids = edgeIds(node, a.step.edges);
  a.step.edges.forEach((e, i) => out.set(ids[i], { dir: "backward", edge: e }));
  return out;
}

/** The contributions counted into edge (j, i)'s input up to and including that edge. */
export function termsAt(m, j, i) {
  const at = m.edgeAt[j][i];
  return m.arrivals.get(m.trace.backward[j].edges[i].to).slice(0, at.index + 1);
}

/** Total number of contributions a node ever receives. */
export function fanIn(m, id) {
  return m.arrivals.get(id).length;
}

/** Under `=` each edge writes its contribution (the trace's, or the one
 * overwrite.edges gives when its upstream was already wrong): the last write wins. */
export function eqContribution(m, j, i) {
  if (!m.eqChanged) {
    m.eqChanged = new Map((m.trace.overwrite?.edges ?? []).map(([s, e, c]) => [`${s}:${e}`, c]));
  }
  const key = `${j}:${i}`;
  return m.eqChanged.has(key) ? m.eqChanged.get(key) : m.trace.backward[j].edges[i].contribution;
}

function eqEvents(m) {
  if (m.eqEvents) return m.eqEvents;
  m.eqEvents = new Map();
  for (const [id, evs] of m.gradEvents) {
    m.eqEvents.set(id, evs.map((ev) => (ev.seed ? ev : { ...ev, grad: eqContribution(m, ev.j, ev.i) })));
  }
  return m.eqEvents;
}

export function nodeName(node, m) {
  if (node.id === m.outputId) return "L";
  if (node.label) return node.label;
  const t = node.text || OP_SYMBOL[node.op] || node.op;
  return /^[A-Za-z_][A-Za-z_0-9]*$|^\(.*\)$/.test(t) ? t : `(${t})`;
}
