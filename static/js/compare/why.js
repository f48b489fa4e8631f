// Why Newton reaches a quadratic's minimum in one step, and what it did here.
import { num } from "../format.js";

const WHY =
  "Why Newton can finish in one step: on a quadratic L(θ) = ½θᵀAθ + bᵀθ + c the gradient is " +
  "Aθ + b and the Hessian is A everywhere, so Newton's step θ − H⁻¹∇L = θ − A⁻¹(Aθ + b) = −A⁻¹b " +
  "lands exactly where the gradient is zero — whatever the start and however stretched the bowl. " +
  "Gradient descent sees only the slope, so its step must suit the steepest direction and crawls " +
  "along the flattest. Newton solves ∇L = 0, so on a saddle it heads for the saddle point, not a minimum.";

export function explainNewton(el, result) {
  const newton = result.runs.newton;
  let here = "";
  if (newton) {
    const steps = newton.history.length - 1;
    const last = newton.history[steps];
    here = ` Here Newton took ${steps} step${steps === 1 ? "" : "s"} (${newton.stopped.replace("_", " ")}), ` +
      `ending at loss ${num(last.loss)} after ${newton.cost.hessian_evals} exact Hessians.`;
  }
  el.textContent = WHY + here;
}
