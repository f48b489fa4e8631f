// The HTML export: the server builds the standalone step-through (one file,
// everything inlined, see chainrule.explain.standalone) and the page saves it.
import { download } from "./export.js";

function apiBase() {
  try {
    return JSON.parse(document.getElementById("initial-state").textContent).api || "/api/v1";
  } catch {
    return "/api/v1";
  }
}

/** Save the step-through of `program` (with `values`) opening at `step`. */
export async function exportHtml(program, values, step) {
  const body = { program, step };
  if (values && Object.keys(values).length) body.values = values;
  const res = await fetch(`${apiBase()}/graphs/html`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const err = await res.json().catch(() => null);
    throw new Error(err?.error?.message ?? `the server answered ${res.status}`);
  }
  download("chainrule-step-through.html", new Blob([await res.text()], { type: "text/html" }));
}
