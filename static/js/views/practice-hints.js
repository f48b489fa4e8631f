// What practice mode says about an answer: the slip in words, with the
// numbers of this edge (all from the trace). Text only: the view sets it with
// textContent.
import { num, term, flatten } from "../format.js";
import { gradName, opExpr, localSymbol, inputName } from "../notation.js";

export function hint(model, st, q) {
  const node = q.node;
  const up = term(q.upstream);
  const inName = inputName(model, q.to);
  switch (st.slip) {
    case "sign": return `Check the sign: the size is right, the sign is not. The contribution is upstream ${up} × the local derivative: look at the sign of each.`;
    case "fanout": return `That is the running sum of ∂L/∂${inName}: it adds the ${q.earlier} earlier contribution${q.earlier > 1 ? "s" : ""} too. Type this edge's contribution only; the page adds it (+=).`;
    case "upstream": return `That is the local derivative alone. Multiply it by the upstream gradient ∂L/∂${gradName(node, model)} = ${up}.`;
    case "output": return outputHint(model, st.alt, q);
    case "count": {
      const n = flatten(q.contribution).length;
      return n > 1 ? `This gradient has ${n} values, one per element of ${inName}: type all ${n}, comma-separated.` : "Type one number: this gradient is a scalar.";
    }
    case "local-first": return "First the local derivative, then the contribution (upstream × local).";
    case "unreadable": return "Type a number (−0.25, 2/3, 1e-3), or a tensor's values separated by commas.";
    default: return q.local === null
      ? `Not that. This op is not elementwise: the contribution is ${q.localFormula}, with upstream ${up}.`
      : `Not that. The contribution is upstream × local: the upstream is ${up}; work out ${localSymbol(node, model, q.slot).text} at ${inName} = ${num(q.input.value)}.`;
  }
}

function outputHint(model, alt, q) {
  const node = q.node;
  const inName = inputName(model, q.to);
  if (alt?.why === "own") {
    const other = node.inputs[1 - q.slot];
    return `You used ${inName}'s own value. In a product, the derivative with respect to one factor is the other factor: ${inputName(model, other)} = ${num(model.byId.get(other).value)}.`;
  }
  if (alt?.why === "input-for-output") {
    return `${opExpr(node, model)}′ is written with this node's output ${num(node.value)}, not its input ${inName} = ${num(q.input.value)}.`;
  }
  return `You evaluated the derivative at the output ${num(node.value)}; evaluate it at the input ${inName} = ${num(q.input.value)}.`;
}

export function localHint(model, slip, q) {
  if (slip === "sign") return "Check the sign of the local derivative.";
  if (slip === "multiplied") return "That is the contribution (already multiplied by the upstream). The local derivative comes before that.";
  if (slip === "unreadable") return "Type a number (−0.25, 2/3, 1e-3).";
  return `Not that: work out ${localSymbol(q.node, model, q.slot).text} at ${inputName(model, q.to)} = ${num(q.input.value)}.`;
}

export function shownText(q) {
  return q.local === null
    ? `Shown (not scored): the op's rule turns the upstream into ${num(q.contribution)}.`
    : `Shown (not scored): upstream ${term(q.upstream)} × local ${term(q.local)} = ${num(q.contribution)}.`;
}
