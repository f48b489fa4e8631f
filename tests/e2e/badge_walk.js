// The page's → key for every step (test_framing.py): which edge badge box
// (the local's or the contribution's, current or earlier) meets which node box.
(async (total) => {
  const doc = document;
  const key = (k) => doc.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const svg = doc.querySelector("svg#graph");
  const hits = [];
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
  }
  return hits;
})
