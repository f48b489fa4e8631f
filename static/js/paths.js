// Every path from the output to a leaf (colah's sum over paths): the leaf's
// gradient is the sum, over paths, of the product of the local derivatives
// along each path. Pure data from the trace's backward edges, no DOM.

export const MAX_LISTED = 24; // paths grow exponentially: beyond this, group by the leaf's last edge

/** {count, paths, groups} for the node `leafId`. Each path is a list of edges
 * from the output down to the leaf ({j, i, edgeId, from, to, local}), with
 * `product` the product of its local derivatives (null on tensor edges). */
export function pathsTo(m, leafId, max = MAX_LISTED) {
  const up = new Map(); // node -> the edges that push into it
  const count = new Map([[m.outputId, 1]]);
  m.trace.backward.forEach((st, j) => {
    const n = count.get(st.node) ?? 0;
    st.edges.forEach((e, i) => {
      const edge = { j, i, edgeId: m.edgeAt[j][i].edgeId, from: st.node, to: e.to, local: e.local, e };
      if (!up.has(e.to)) up.set(e.to, []);
      up.get(e.to).push(edge);
      count.set(e.to, (count.get(e.to) ?? 0) + n);
    });
  });
  const total = count.get(leafId) ?? 0;
  const last = (up.get(leafId) ?? []).map((edge) => ({ edge, count: count.get(edge.from) ?? 0 }));
  if (total > max) return { count: total, paths: null, groups: last };
  // Walk up from the leaf to the output; every path found is read output first.
  const paths = [];
  const stack = [[leafId, []]];
  while (stack.length) {
    const [id, below] = stack.pop();
    if (id === m.outputId) {
      const edges = [...below].reverse();
      paths.push({ edges, product: product(edges) });
      continue;
    }
    for (const edge of up.get(id) ?? []) stack.push([edge.from, [...below, edge]]);
  }
  paths.sort((a, b) => a.edges.map((e) => e.edgeId).join().localeCompare(b.edges.map((e) => e.edgeId).join()));
  return { count: total, paths, groups: last };
}

function product(edges) {
  let p = 1; // ∂L/∂L
  for (const e of edges) {
    if (typeof e.local !== "number") return null;
    p *= e.local;
  }
  return p;
}
