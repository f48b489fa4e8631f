// Exports: the trace as JSON, the graph as a standalone SVG or a PNG.
// The SVG carries its own stylesheet (graph.css) so it looks the same anywhere.

const MAX_PNG_SIDE = 16000;

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

export function exportJson(trace) {
  download("chainrule-trace.json", new Blob([JSON.stringify(trace, null, 2)], { type: "application/json" }));
}

/** A standalone copy of the graph at its full size, as SVG text. */
export async function svgText(svgEl, bounds) {
  const css = await fetch(new URL("../css/graph.css", import.meta.url)).then((r) => r.text());
  const clone = svgEl.cloneNode(true);
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(Math.ceil(bounds.width)));
  clone.setAttribute("height", String(Math.ceil(bounds.height)));
  clone.setAttribute("viewBox", `0 0 ${Math.ceil(bounds.width)} ${Math.ceil(bounds.height)}`);
  clone.classList.remove("lod-low");
  clone.querySelector(".viewport").setAttribute("transform", "");
  const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
  style.textContent = css;
  clone.insertBefore(style, clone.firstChild);
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("class", "export-bg");
  clone.insertBefore(bg, style.nextSibling);
  return new XMLSerializer().serializeToString(clone);
}

export async function exportSvg(svgEl, bounds) {
  const text = await svgText(svgEl, bounds);
  download("chainrule-graph.svg", new Blob([text], { type: "image/svg+xml" }));
}

export async function exportPng(svgEl, bounds) {
  const text = await svgText(svgEl, bounds);
  const scale = Math.max(0.1, Math.min(2, MAX_PNG_SIDE / Math.max(bounds.width, bounds.height)));
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(bounds.width * scale);
    canvas.height = Math.ceil(bounds.height * scale);
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, bounds.width, bounds.height);
    const blob = await new Promise((res) => canvas.toBlob(res, "image/png"));
    download("chainrule-graph.png", blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Put text on the clipboard; where that is not allowed, hand it back. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
