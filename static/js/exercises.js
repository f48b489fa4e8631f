// Practice exercises, easiest first. Served with the page (no API call) so a
// standalone export can carry them too. Values are chosen so that no two slips
// give the same number.
export const EXERCISES = [
  { id: "multiply", title: "1. One multiply", program: "a = 3.0\nb = -2.0\nL = a*b" },
  { id: "seed", title: "2. Linear regression, squared error", program: "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2" },
  { id: "fanout", title: "3. Fan-out: a value used twice", program: "a = 3.0\nb = -2.0\nc = a*b\nloss = c*a" },
  { id: "sigmoid", title: "4. A sigmoid neuron", program: "w = 0.5\nx = 2.0\nb = 0.5\nL = sigmoid(w*x + b)" },
  { id: "softmax_ce", title: "5. Softmax cross-entropy", program: "logits = [2.0, 1.0, 0.1]\nloss = cross_entropy(logits, 0)" },
  // The image classifier in miniature: answers are tensors of at most 12 numbers.
  { id: "classifier", title: "6. The classifier in miniature (tensors)", program: "X = [[0.8, -0.4, 1.2], [0.1, 0.9, -0.5]]\ny = [2, 0]\nW1 = [[0.5, -0.3, 0.8, 0.1], [-0.6, 0.4, 0.2, 0.7], [0.3, 0.9, -0.5, -0.2]]\nb1 = [0.1, -0.1, 0.0, 0.05]\nW2 = [[0.4, -0.7, 0.2], [0.6, 0.1, -0.5], [-0.3, 0.8, 0.5], [0.2, -0.4, 0.9]]\nb2 = [0.0, 0.1, -0.1]\nh = relu(X @ W1 + b1)\nlogits = h @ W2 + b2\nloss = cross_entropy(logits, y)" },
];
