// Export buttons and the little status toast.
import { exportJson, exportSvg, exportPng, copyText, download } from "./export.js";
import { asCurl, asPython, requestBody } from "./api.js";
import { exportHtml } from "./export-html.js";
import { asValueCode } from "./export-value.js";

let toastTimer = null;

export function toast(message) {
  const el = document.querySelector("#toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 2600);
}

export function wireExports({ graph, getState, valuesOf }) {
  const need = (what) => {
    if (getState().trace) return true;
    toast(`Build a graph first, then export ${what}.`);
    return false;
  };
  const body = () => {
    let values = {};
    try { values = valuesOf(); } catch { /* the form reports bad values on submit */ }
    return requestBody(getState().program, values, true);
  };
  const handlers = {
    json: () => need("the trace") && (exportJson(getState().trace), toast("Trace saved as JSON.")),
    // A big graph is a canvas (views/canvas-graph.js): no SVG to save; its PNG is the view as shown.
    svg: async () => need("SVG") && (graph.isCanvas?.() ? toast("A graph this big is drawn on a canvas: save it as PNG (the view as shown) or the trace as JSON.")
      : (await exportSvg(document.querySelector("#graph"), graph.bounds()), toast("Graph saved as SVG."))),
    png: async () => need("PNG") && (graph.isCanvas?.() ? download("chainrule-graph.png", await graph.png())
      : await exportPng(document.querySelector("#graph"), graph.bounds()), toast("Graph saved as PNG.")),
    html: async () => need("HTML") && (await exportHtml(getState().program, body().values, getState().step), toast("Step-through saved as one HTML file.")),
    curl: async () => copy("curl command", asCurl(body())),
    python: async () => copy("Python script", asPython(body())),
    value: async () => need("Value code") && copy("chainrule.Value code", asValueCode(getState().trace)),
  };
  for (const [name, fn] of Object.entries(handlers)) {
    document.querySelector(`button[data-export=${name}]`).addEventListener("click", () => {
      Promise.resolve(fn()).catch((e) => toast(`Export failed: ${e.message}`));
    });
  }
}

async function copy(what, text) {
  document.body.dataset.lastCopy = text;
  if (await copyText(text)) toast(`Copied the ${what} to the clipboard.`);
  else toast(`The clipboard is not available here; the ${what} is in the browser console.`) || console.info(text);
}
