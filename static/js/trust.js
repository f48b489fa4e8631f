// Wires what says whether to trust the gradient: the cost line and the
// `=` replay toggle. Called after main.js subscribes, so the graph and the
// table are drawn before these marks go on them.
import { state, set, subscribe } from "./state.js";
import { renderCost } from "./views/cost.js";
import { renderOverwrite, canReplay } from "./views/overwrite.js";

export function wireTrust() {
  const $ = (sel) => document.querySelector(sel);
  const els = { toggle: $("#overwrite-toggle"), note: $("#overwrite-note"), table: $("#gradients"), svg: $("#graph") };
  const render = () => renderOverwrite(els, state.trace, els.toggle.checked);
  els.toggle.addEventListener("change", () => set({ eq: els.toggle.checked }));
  subscribe((s, patch) => {
    if ("trace" in patch) {
      renderCost($("#cost"), s.trace);
      if (!canReplay(s.trace)) els.toggle.checked = false;
      if (s.eq !== els.toggle.checked) queueMicrotask(() => set({ eq: els.toggle.checked }));
    }
    if ("trace" in patch || "model" in patch || "eq" in patch) render();
  });
  renderCost($("#cost"), state.trace);
  render();
}
