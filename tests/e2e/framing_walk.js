// The page's → key for every step, reading after each (test_framing.py):
// the view's mode, the graph's visible area, every node box (and which are
// hidden), every shown badge, the smallest
// rendered node text, and the current entry with its panel.
(async ({ total, minText }) => {
  const doc = document;
  const key = (k) => doc.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  const svg = doc.querySelector("svg#graph");
  const rect = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  // What the entry's scrolling ancestors leave visible: the viewport cut by
  // every ancestor that clips its overflow.
  const clipOf = (el) => {
    let c = [0, 0, innerWidth, innerHeight];
    for (let p = el.parentElement; p && p !== doc.body; p = p.parentElement) {
      const st = getComputedStyle(p);
      if (st.display === "contents") continue;
      const b = p.getBoundingClientRect();
      if (st.overflowY !== "visible") c = [c[0], Math.max(c[1], b.top + p.clientTop), c[2], Math.min(c[3], b.top + p.clientTop + p.clientHeight)];
      if (st.overflowX !== "visible") c = [Math.max(c[0], b.left + p.clientLeft), c[1], Math.min(c[2], b.left + p.clientLeft + p.clientWidth), c[3]];
    }
    return c;
  };
  const read = () => {
    const r = svg.getBoundingClientRect();
    // What the user sees of the graph: the viewport's part, under the sticky controls (a phone).
    const bar = doc.querySelector(".graph-panel > .toolbar");
    const cover = bar && getComputedStyle(bar).position === "sticky" ? bar.getBoundingClientRect().bottom : 0;
    const vis = [Math.max(r.left, 0), Math.max(r.top, 0, cover), Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)];
    const boxes = {};
    const hidden = [];
    for (const g of svg.querySelectorAll("g.node")) {
      boxes[g.dataset.id] = rect(g.querySelector("rect.box"));
      if (getComputedStyle(g).visibility === "hidden") hidden.push(g.dataset.id);
    }
    const stubs = {};
    for (const g of svg.querySelectorAll("g.cut-stub")) stubs[g.dataset.id] = rect(g.querySelector("rect"));
    // Each shown badge: its local-derivative box and its contribution box.
    const badges = [];
    for (const g of svg.querySelectorAll("g.edge-label, g.edge-contribution")) {
      if (getComputedStyle(g).visibility !== "hidden") badges.push({ edge: g.dataset.edge, current: !g.classList.contains("is-past"), box: rect(g.querySelector("rect")) });
    }
    const k = svg.querySelector(".viewport").getScreenCTM().a;
    let text = Infinity;
    for (const t of svg.querySelectorAll("g.node text")) {
      if (t.textContent) text = Math.min(text, parseFloat(getComputedStyle(t).fontSize) * k);
    }
    const bb = svg.querySelector(".viewport").getBBox();
    const e = doc.querySelector("[data-current-entry]");
    return {
      counter: doc.querySelector("#step-counter").textContent, fit: svg.dataset.fit, vis, boxes, hidden, stubs, badges, text,
      // could the whole graph be shown with its text at minText? (in graph units: 14 px is the smallest)
      wholeReadable: ((bb.width + 32) * minText) / 14 + 8 <= r.width && ((bb.height + 32) * minText) / 14 + 8 <= r.height,
      active: svg.querySelector("g.node.is-active")?.dataset.id ?? null,
      entry: e ? { box: rect(e), panel: rect(e.closest(".ledger-panel")), view: [innerWidth, innerHeight], clip: clipOf(e) } : null,
      entries: doc.querySelectorAll("[data-current-entry]").length,
    };
  };
  key("Home");
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const out = [read()];
  // Two frames after each key: a change of the entry's height resizes the
  // graph, and the page frames it again before painting.
  const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let s = 1; s <= total; s++) { key("ArrowRight"); await frames(); out.push(read()); }
  return out;
})
