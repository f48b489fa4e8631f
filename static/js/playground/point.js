// The chosen point's loss beside the learning: its program (with the weights
// of this epoch) traced by the server, drawn by the step-through's own graph
// view and ledger. While training it shows the finished backward pass of the
// newest epoch; paused, the slider steps through the forward and backward
// passes of that epoch. Below, the point's loss and one weight's gradient per epoch.
import { buildModel } from "../model.js";
import { createGraphView } from "../views/graph.js";
import { renderLedger } from "../views/ledger.js";
import { num, render } from "../train/chart.js";

const $ = (sel) => document.querySelector(sel);

/** The step-through's graph styles (written for #graph) applied to #point-graph:
 * one stylesheet, not a copy that drifts. */
async function adoptGraphStyles() {
  const css = await (await fetch($("#point-graph").dataset.css)).text();
  const sheet = new CSSStyleSheet();  // constructed, not inline: allowed by the page's CSP
  sheet.replaceSync(css.replaceAll("#graph", "#point-graph"));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

export function createPointView({ pause }) {
  adoptGraphStyles();
  const graph = createGraphView($("#point-graph"));
  const view = { model: null, step: 0, program: null, follow: true };
  const slider = $("#point-step");

  function show() {
    slider.value = String(view.step);
    $("#point-step-label").textContent = view.model ? `${view.step} of ${view.model.total}` : "0";
    graph.update(view.model, view.step);
    // At the end of the pass the view opens as the step-through does (the loss end,
    // readable); stepping, it follows the step.
    if (view.follow) {
      graph.zoom.fit(false);
      // A graph too wide to fit: bring the loss in view (near the right edge, or
      // in the middle on a phone).
      const out = $("#point-graph").querySelector(`g.node[data-id="${view.model.outputId}"]`);
      const at = out?.getAttribute("transform")?.match(/translate\(([-\d.e]+),([-\d.e]+)\)/);
      const wide = $("#point-graph").getBoundingClientRect().width >= 560;  // room for what leads to it
      if (at) graph.zoom.follow({ x: Number(at[1]), y: Number(at[2]), w: 0, h: 0 }, false, wide ? -1 : 0);
    }
    renderLedger($("#point-ledger"), view.model, view.step, { onJump: (k) => { view.step = k; view.follow = false; show(); } });
  }

  slider.addEventListener("input", () => {
    pause();
    view.step = Number(slider.value);
    view.follow = view.step === view.model?.total;
    show();
  });

  /** point: the answer's {index, program, trace} or null; history: entries with point_loss. */
  function draw(point, history, epoch) {
    const svg = $("#point-graph");
    slider.disabled = !point;
    if (!point) {
      if (view.model) graph.clear();
      view.model = null;
      svg.removeAttribute("data-epoch");
      $("#point-info").textContent = "Click a training point on the plane to follow its loss.";
      renderLedger($("#point-ledger"), null, 0);
    } else if (point.program !== view.program) {
      view.program = point.program;
      view.model = buildModel(point.trace);
      slider.max = String(view.model.total);
      if (view.follow || view.step > view.model.total) view.step = view.model.total;
      svg.setAttribute("data-epoch", String(epoch));
      svg.dataset.index = String(point.index);
      $("#point-info").textContent = `Training point ${point.index} at epoch ${epoch}: its loss with this epoch's weights. ` +
        "Pause and move the slider to step through the forward and backward pass.";
      $("#open-point").href = `/?${new URLSearchParams({ program: point.program })}`;
      show();
    }
    render($("#point-chart"), [
      { name: "loss", points: history.map((e) => [e.epoch, num(e.point_loss ?? NaN)]) },
      { name: "∂loss/∂w", points: history.map((e) => [e.epoch, num(e.point_grad ?? NaN)]), color: "#0f766e" },
    ], { xLabel: "epoch", yLabel: "value" });
  }

  return { draw };
}
