// The cost line: what the backward pass costs against the forward one.
import { num } from "../format.js";

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

export function renderCost(el, trace) {
  el.replaceChildren();
  const cost = trace?.cost;
  el.hidden = !cost;
  if (!cost) {
    el.removeAttribute("data-ratio");
    return;
  }
  el.setAttribute("data-ratio", cost.ratio === null ? "null" : JSON.stringify(cost.ratio));
  const head = document.createElement("strong");
  head.className = "cost-ratio";
  head.textContent = cost.ratio === null
    ? "No arithmetic in the forward pass: backprop costs nothing."
    : `backward = ${cost.ratio.toFixed(2)} × forward`;
  const body = document.createElement("span");
  body.className = "cost-detail";
  const acc = cost.backward.accumulations ?? 0;
  body.textContent = `${plural(cost.backward.flops, "FLOP")} backward, ${plural(cost.forward.flops, "FLOP")} forward` +
    ` (${plural(acc, "accumulation")} with +=); kept for the backward pass:` +
    ` ${plural(cost.saved.values, "value")}, ${plural(cost.saved.bytes, "byte")}.`;
  el.append(head, body);
  el.title = cost.ratio === null ? "" : `ratio ${num(cost.ratio)}: backward FLOPs / forward FLOPs`;
}
