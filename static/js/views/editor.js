// The editor's backdrop marks where the active node comes from in the
// program: its span, under the transparent textarea's text.
import { offsetOf } from "./error.js";

const MAX_LINES = 150; // past this, re-laying out the backdrop each step costs more than it shows

export function markActive(backdrop, program, node) {
  const span = node?.span;
  const key = span ? `${span.line}:${span.col}:${span.end_line}:${span.end_col}` : "";
  if (backdrop.dataset.active === key && backdrop.dataset.program === String(program.length)) return;
  backdrop.dataset.active = key;
  backdrop.dataset.program = String(program.length);
  backdrop.textContent = "";
  if (!span || !span.line || span.line > MAX_LINES) return;
  const a = offsetOf(program, span.line, span.col);
  const b = Math.max(a + 1, offsetOf(program, span.end_line ?? span.line, span.end_col));
  backdrop.append(document.createTextNode(program.slice(0, a)));
  const mark = document.createElement("mark");
  mark.className = "active-span";
  mark.textContent = program.slice(a, b);
  backdrop.append(mark, document.createTextNode(program.slice(b) + "\n"));
}
