// Why each method ends where it does, specific to the landscape on show, with a
// 1-D parabola picture where Newton finishes in one step; then what happened here.
import { d3 } from "../lib.js";
import { num } from "../format.js";
import { BY_ID } from "./methods.js";

const NEWTON = BY_ID.newton.color;

const QUADRATIC =
  "On a quadratic L(θ) = ½θᵀAθ + bᵀθ + c the gradient is Aθ + b and the Hessian is A everywhere, " +
  "so Newton's step θ − H⁻¹∇L = θ − A⁻¹(Aθ + b) = −A⁻¹b lands exactly where ∇L = 0, from any start. " +
  "In one dimension (below): the slope L′ and the curvature L″ at θ₀ describe the whole parabola, so " +
  "θ₀ − L′/L″ is its vertex. Gradient descent uses only the slope and takes a fixed fraction of it.";

const WHY = {
  regression: `A quadratic bowl: the mean squared error is quadratic in w and b. ${QUADRATIC}`,
  ill_conditioned: `${QUADRATIC} Here the curvatures are 4 and 200: gradient descent's step must stay ` +
    "under 2/200 = 0.01 or it blows up along the steep direction, and then along the flat one it removes " +
    "only 1 − 0.009 × 4 ≈ 3.6% of the error per step. H⁻¹ rescales both directions to the same size.",
  rosenbrock: "Rosenbrock's valley is not a quadratic: its Hessian [[2 − 400y + 1200x², −400x], [−400x, 200]] " +
    "changes from point to point. Each Newton step jumps to the minimum of the local quadratic model; in the " +
    "curved valley the model is only roughly right, so Newton needs several steps. Near (1, 1) the model " +
    "becomes accurate and the error squares each step (quadratic convergence). Gradient descent must keep " +
    "its step under 2/1000 for the valley walls and then crawls along the floor.",
  saddle: "L = x² − y² + y⁴/4 has ∇L = 0 at three points: minima at (0, ±√2) and a saddle at (0, 0). " +
    "Newton solves ∇L = 0 without asking which kind of point it finds. Near the start y is small, where the " +
    "curvature along y, −2 + 3y², is negative: the local model is itself a saddle, and its stationary point is " +
    "the saddle, so Newton steps there — uphill in y — and stops with a zero gradient. The Hessian's " +
    "eigenvalues there (2 and −2, one of each sign) say it is a saddle, not a minimum. Gradient descent " +
    "follows −∇L, downhill, and rolls off to a minimum.",
};

const GENERIC = "Newton's method solves ∇L = 0 with the local quadratic model: one step on a quadratic, " +
  "several elsewhere, and it is as happy with a saddle or a maximum as with a minimum. The Ends at column " +
  "reads the Hessian's eigenvalues where each method stopped.";

export function explainNewton(el, result, landscapeId) {
  const text = WHY[landscapeId] ?? GENERIC;
  el.replaceChildren();
  const p = document.createElement("p");
  p.textContent = text;
  el.append(p);
  if (landscapeId === "regression" || landscapeId === "ill_conditioned") el.append(parabola());
  const newton = result.runs.newton;
  if (newton) {
    const steps = newton.history.length - 1;
    const last = newton.history[steps];
    const end = newton.end?.kind && newton.end.kind !== "unknown" ? ` at a ${newton.end.kind}` : "";
    const here = document.createElement("p");
    here.className = "cmp-why-here";
    here.textContent = `Here Newton took ${steps} step${steps === 1 ? "" : "s"} ` +
      `(${newton.stopped.replace("_", " ")}${end}), ending at loss ${num(last.loss)} after ` +
      `${newton.cost.hessian_evals} exact Hessians: one at each point it visited, the start included, so ` +
      "one more than its steps; the last, at the end point, checks whether ∇L = 0 there. Each Hessian evaluation computes the gradient too, so Newton counts no " +
      "separate ∇ evals.";
    el.append(here);
  }
}

/** L(θ) = (θ − 2)² from θ₀ = −1: Newton's one step to the vertex, and gradient
 * descent's step lr·L′ with lr = 0.15 (a fraction of the way). */
function parabola() {
  const W = 320;
  const H = 150;
  const x = d3.scaleLinear([-2, 5], [24, W - 10]);
  const y = d3.scaleLinear([0, 10], [H - 22, 8]);
  const L = (t) => (t - 2) ** 2;
  const t0 = -1;
  const gd = t0 - 0.15 * 2 * (t0 - 2);
  const svg = d3.create("svg").attr("class", "cmp-why-parabola").attr("viewBox", `0 0 ${W} ${H}`)
    .attr("role", "img").attr("aria-label", "Newton's step on a parabola lands on its vertex");
  const defs = svg.append("defs").append("marker").attr("id", "why-arrow").attr("viewBox", "0 0 8 8")
    .attr("refX", 7).attr("refY", 4).attr("markerWidth", 7).attr("markerHeight", 7).attr("orient", "auto");
  defs.append("path").attr("d", "M0,0L8,4L0,8z").attr("fill", NEWTON);
  svg.append("line").attr("x1", x(-2)).attr("x2", x(5)).attr("y1", y(0)).attr("y2", y(0)).attr("stroke", "#94a3b8");
  svg.append("path").attr("class", "curve")
    .attr("d", d3.line().x((t) => x(t)).y((t) => y(L(t)))(d3.range(-1.2, 5.01, 0.05)));
  const dot = (t, label, color, dy) => {
    svg.append("circle").attr("cx", x(t)).attr("cy", y(L(t))).attr("r", 4).attr("fill", color);
    svg.append("text").attr("x", x(t)).attr("y", y(L(t)) + dy).attr("text-anchor", "middle").text(label);
  };
  svg.append("path").attr("fill", "none").attr("stroke", NEWTON).attr("stroke-width", 1.6)
    .attr("marker-end", "url(#why-arrow)")
    .attr("d", `M${x(t0)},${y(L(t0))} Q${x(0.5)},${y(-1)} ${x(2) - 4},${y(0) - 2}`);
  dot(t0, "θ₀", "#0f172a", -8);
  dot(gd, "GD: θ₀ − lr·L′", "#2563eb", -9);
  dot(2, "Newton: θ₀ − L′/L″", NEWTON, 16);
  return svg.node();
}
