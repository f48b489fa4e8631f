// The page's → key for every step (test_framing.py): which edge badge box
// (the local's or the contribution's, current or earlier) meets which node box.
(async (total) => {
  const doc = document;
  const key = (k) => doc.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const svg = doc.querySelector("svg#graph");
  const hits = [];
  const far = [];
  key("Home");
  await frames();
  // Every step one by one, then a jump to the end (every earlier badge placed at once).
  for (let s = 1; s <= total + 1; s++) {
    if (s > total) { key("Home"); await frames(); key("End"); } else key("ArrowRight");
    await frames();
    const nodes = [...svg.querySelectorAll("g.node")].map((g) => [g.dataset.id, g.querySelector("rect.box").getBoundingClientRect()]);
    for (const b of svg.querySelectorAll("g.edge-label > rect, g.edge-contribution > rect")) {
      const r = b.getBoundingClientRect();
      for (const [id, q] of nodes) {
        if (r.left < q.right - 0.5 && r.right > q.left + 0.5 && r.top < q.bottom - 0.5 && r.bottom > q.top + 0.5) {
          hits.push([s, b.parentNode.getAttribute("class"), b.parentNode.dataset.edge, b.parentNode.textContent, id]);
        }
      }
    }
    // No earlier badge lies over a current one.
    const cur = [...svg.querySelectorAll("g.edge-label:not(.is-past) > rect, g.edge-contribution:not(.is-past) > rect")].map((b) => b.getBoundingClientRect());
    for (const b of svg.querySelectorAll("g.edge-label.is-past > rect, g.edge-contribution.is-past > rect")) {
      if (getComputedStyle(b.parentNode).visibility === "hidden") continue;
      const r = b.getBoundingClientRect();
      if (cur.some((q) => r.left < q.right - 0.5 && r.right > q.left + 0.5 && r.top < q.bottom - 0.5 && r.bottom > q.top + 0.5)) {
        hits.push([s, "over a current badge", b.parentNode.dataset.edge, b.parentNode.textContent]);
      }
    }
    // A badge away from its edge (not within 6 px of it) draws a leader line to it.
    for (const g of svg.querySelectorAll("g.edge-label")) {
      if (g.querySelector("line.leader") || getComputedStyle(g).visibility === "hidden") continue;
      const path = svg.querySelector(`path.edge[data-edge="${CSS.escape(g.dataset.edge)}"]`);
      if (!path) continue;
      // The local and its contribution read as one badge: their union.
      const parts = [g, ...svg.querySelectorAll(`g.edge-contribution[data-edge="${CSS.escape(g.dataset.edge)}"]`)].map((e) => e.getBoundingClientRect());
      const r = { left: Math.min(...parts.map((q) => q.left)), right: Math.max(...parts.map((q) => q.right)),
        top: Math.min(...parts.map((q) => q.top)), bottom: Math.max(...parts.map((q) => q.bottom)) };
      const m = path.getScreenCTM();
      const len = path.getTotalLength();
      let near = false;
      for (let i = 0; i <= 40 && !near; i++) {
        const p = path.getPointAtLength((len * i) / 40).matrixTransform(m);
        near = p.x > r.left - 6 && p.x < r.right + 6 && p.y > r.top - 6 && p.y < r.bottom + 6;
      }
      if (!near) far.push([s, g.dataset.edge, g.textContent]);
    }
  }
  return { hits, far };
})
