// The five methods: their names on the page, colours (distinct in greyscale too),
// whether they take a step size, and a line width and dash pattern so that a path
// drawn over another never hides it (wide solid lines go under, thin dashed on top;
// Newton's few long jumps are drawn last, in a wine red far from momentum's orange).
export const METHODS = [
  { id: "gd", name: "Gradient descent", short: "GD", color: "#2563eb", lr: true, width: 4.5, dash: null },
  { id: "momentum", name: "Momentum", short: "momentum", color: "#ea580c", lr: true, width: 2.8, dash: "7 4" },
  { id: "adam", name: "Adam", short: "Adam", color: "#16a34a", lr: true, width: 2.4, dash: "2 3" },
  { id: "newton", name: "Newton (exact Hessian)", short: "Newton", color: "#9d174d", lr: true, width: 3, dash: "12 3 2 3", last: true },
  { id: "es", name: "(1+λ) evolution strategy", short: "ES", color: "#7c3aed", lr: false, width: 1.6, dash: "1 3" },
];

export const BY_ID = Object.fromEntries(METHODS.map((m) => [m.id, m]));
export const DEFAULT_LR = { gd: 0.01, momentum: 0.01, adam: 0.1, newton: 1 };
