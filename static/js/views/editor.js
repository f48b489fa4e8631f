// The editor's backdrop marks where the active node comes from in the
// program: its span, under the transparent textarea's text.
import { offsetOf } from "./error.js";

export function markActive(backdrop, program, node) {
  backdrop.textContent = "";
  const span = node?.span;
  if (!span || !span.line) return;
  const a = offsetOf(program, span.line, span.col);
  const b = Math.max(a + 1, offsetOf(program, span.end_line ?? span.line, span.end_col));
  backdrop.append(document.createTextNode(program.slice(0, a)));
  const mark = document.createElement("mark");
  mark.className = "active-span";
  mark.textContent = program.slice(a, b);
  backdrop.append(mark, document.createTextNode(program.slice(b) + "\n"));
}
