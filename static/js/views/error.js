// The positioned error: message with line and column, a caret under the
// source line, and a mark at that place in the editor's backdrop.
import { d3 } from "../lib.js";

export function renderError(el, backdrop, program, error) {
  const root = d3.select(el);
  root.selectAll("*").remove();
  el.hidden = !error;
  markBackdrop(backdrop, program, error);
  if (!error) return;
  const where = error.line ? `Line ${error.line}${error.col ? `, column ${error.col}` : ""}: ` : "";
  root.append("strong").attr("class", "error-type").text(`${(error.type || "error").replace(/_/g, " ")}. `);
  root.append("span").attr("class", "error-message").text(where + (error.message || "the program was rejected"));
  if (!error.line) return;
  const src = program.split("\n")[error.line - 1];
  if (src === undefined) return;
  const pre = root.append("pre").attr("class", "error-source");
  pre.append("span").text(src + "\n");
  pre.append("span").attr("class", "caret").text(" ".repeat(Math.max(0, (error.col || 1) - 1)) + "^");
}

/** Offset in the program text of a 1-based line and column. */
export function offsetOf(program, line, col) {
  const lines = program.split("\n");
  let off = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) off += lines[i].length + 1;
  return Math.min(program.length, off + Math.max(0, (col || 1) - 1));
}

/** End of the token at an offset (at least one character). */
export function tokenEnd(program, off) {
  const m = /^[A-Za-z_0-9.]+/.exec(program.slice(off));
  return Math.min(program.length, off + (m ? m[0].length : 1));
}

function markBackdrop(backdrop, program, error) {
  backdrop.textContent = "";
  backdrop.dataset.active = ""; // the active-node mark (views/editor.js) is gone
  if (!error || !error.line) return;
  const a = offsetOf(program, error.line, error.col);
  const b = tokenEnd(program, a);
  backdrop.append(document.createTextNode(program.slice(0, a)));
  const mark = document.createElement("mark");
  mark.textContent = program.slice(a, b) || " ";
  backdrop.append(mark, document.createTextNode(program.slice(b) + "\n"));
}
