// The five methods: their names on the page, colours (distinct in greyscale too), and
// whether they take a step size.
export const METHODS = [
  { id: "gd", name: "Gradient descent", color: "#2563eb", lr: true },
  { id: "momentum", name: "Momentum", color: "#ea580c", lr: true },
  { id: "adam", name: "Adam", color: "#16a34a", lr: true },
  { id: "newton", name: "Newton (exact Hessian)", color: "#dc2626", lr: true },
  { id: "es", name: "(1+λ) evolution strategy", color: "#7c3aed", lr: false },
];

export const BY_ID = Object.fromEntries(METHODS.map((m) => [m.id, m]));
export const DEFAULT_LR = { gd: 0.01, momentum: 0.01, adam: 0.1, newton: 1 };
