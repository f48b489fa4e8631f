// Why each of the nine settings of the deep-gradient chart looks as it does.
// Backprop multiplies the gradient, layer after layer, by Wᵀ (about √(fan_in)·std
// in size) and by the activation's derivative.

export const HEALTHY = [1e-2, 1e1];  // sizes one learning rate can use in every layer

export const DEEP_WHY = {
  "sigmoid naive": "Sigmoid, N(0, 1): σ′ ≤ 0.25 shrinks the gradient at every layer, but N(0, 1) weights on 32 inputs multiply it by about √32 ≈ 5.7; the two nearly cancel, and it still fades about 400× from the output layer back to layer 1.",
  "sigmoid xavier": "Sigmoid, Xavier: the weights now keep the gradient's size, so nothing offsets σ′ ≤ 0.25 — it shrinks by 4× or more per layer and vanishes (about 10⁹× smaller at layer 1). Xavier is right for tanh, not for sigmoid.",
  "sigmoid he": "Sigmoid, He: weights √2 larger than Xavier's, far from making up for σ′ ≤ 0.25 per layer: the gradient still vanishes, about 10⁸× over 15 layers.",
  "tanh naive": "tanh, N(0, 1): tanh′ ≤ 1, but the weights multiply the gradient by about √32 per layer, so it grows toward the input — about 5,000× at layer 1: exploding.",
  "tanh xavier": "tanh, Xavier: Var(W) = 2/(fan_in + fan_out) = 1/32 makes Wᵀ keep the gradient's size, and tanh′ ≈ 1 near 0: every layer gets a gradient of the same size. Healthy.",
  "tanh he": "tanh, He: weights √2 × Xavier's; larger pre-activations give tanh′ < 1, which roughly cancels the √2: nearly flat, growing only 2× toward the input. Healthy.",
  "relu naive": "ReLU, N(0, 1): ReLU′ is 0 or 1, so only the weights scale the signal, by about √(32/2) = 4 per layer: the forward pass explodes, the logits are huge and every gradient is about 10⁹.",
  "relu xavier": "ReLU, Xavier: ReLU zeroes half its inputs, so each layer halves the signal's variance (Xavier assumes tanh's slope 1); the activations fade and every layer's gradient is small (about 10⁻³), though not yet decaying much.",
  "relu he": "ReLU, He: Var(W) = 2/fan_in, whose factor 2 restores the half that ReLU zeroes: each layer passes the gradient on at the size it came in. Healthy.",
};
