"""Built-in programs, each with the one thing it teaches."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    title: str
    description: str
    program: str


def _chain(first: str, step: str, n: int, last: str) -> str:
    return "\n".join([first, *([step] * n), last])


EXAMPLES: list[Example] = [
    Example("regression", "Linear regression, squared error",
            "Each edge passes back upstream × local derivative: "
            "∂(w·x)/∂w = x and ∂(w·x)/∂x = w; for + it is 1, for − y it is −1.",
            "w = 2.0\nx = 3.0\nb = 1.0\ny = 10.0\nloss = (w*x + b - y)**2"),
    Example("neuron", "A tanh neuron",
            "tanh squashes: its local derivative 1 - tanh² scales every gradient behind it.",
            "x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
            "n = x1*w1 + x2*w2 + b\no = tanh(n)"),
    Example("fanout", "Fan-out: a value used twice",
            "a feeds two nodes, so its gradient is the sum (+=) of two contributions.",
            "a = 3.0\nb = -2.0\nloss = a*b + a"),
    Example("sigmoid_chain", "Vanishing gradient: a sigmoid chain",
            "σ' is at most 1/4, so each layer shrinks the gradient: eight layers leave ~5e-6.",
            _chain("x = 1.0\nh = sigmoid(x)", "h = sigmoid(h)", 7, "loss = h")),
    Example("exploding", "Exploding gradient: multiplying by w > 1",
            "Twenty multiplications by 1.5 grow the gradient of x to 1.5²⁰ ≈ 3325.",
            _chain("x = 1.0\nw = 1.5\nh = x*w", "h = h*w", 19, "loss = h")),
    Example("softmax_ce", "Softmax cross-entropy",
            "The gradient of the logits is softmax minus the one-hot target.",
            "logits = [2.0, 1.0, 0.1]\nloss = cross_entropy(logits, 0)"),
    Example("mlp", "A 2-layer MLP on a tiny batch",
            "Matrix products pass gradients back as upstream @ Wᵀ and Xᵀ @ upstream.",
            "X = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-1.2, 0.8, 0.1], [0.0, 1.0, 1.0]]\n"
            "W1 = [[0.2, -0.4, 0.7, 0.1], [0.5, 0.3, -0.2, 0.8], [-0.6, 0.1, 0.4, -0.3]]\n"
            "b1 = [0.05, 0.0, -0.1, 0.2]\n"
            "W2 = [[0.3, -0.5], [-0.2, 0.6], [0.7, 0.1], [-0.4, 0.2]]\n"
            "b2 = [0.0, 0.1]\n"
            "y = [0, 1, 1, 0]\n"
            "h = relu(X @ W1 + b1)\nlogits = h @ W2 + b2\nloss = cross_entropy(logits, y)"),
    Example("classifier", "The image classifier in miniature, step by step",
            "The digits network of /train, small enough that every number shows: a batch "
            "of 2 samples of 3 pixels, a ReLU layer of 4, 3 classes, softmax cross-entropy "
            "averaged over the batch. At the logits the gradient is (softmax − onehot(y))/2; "
            "at each @ it is upstream · Wᵀ and Xᵀ · upstream, any entry worked out; each "
            "bias was broadcast over the batch, so its gradient sums over the 2 rows. "
            "Train it with Adam on /train to see one update written out.",
            "X = [[0.8, -0.4, 1.2], [0.1, 0.9, -0.5]]   # 2 samples, 3 pixels each\n"
            "y = [2, 0]                                  # their classes\n"
            "W1 = [[0.5, -0.3, 0.8, 0.1], [-0.6, 0.4, 0.2, 0.7], [0.3, 0.9, -0.5, -0.2]]\n"
            "b1 = [0.1, -0.1, 0.0, 0.05]\n"
            "W2 = [[0.4, -0.7, 0.2], [0.6, 0.1, -0.5], [-0.3, 0.8, 0.5], [0.2, -0.4, 0.9]]\n"
            "b2 = [0.0, 0.1, -0.1]\n"
            "h = relu(X @ W1 + b1)\n"
            "logits = h @ W2 + b2\n"
            "loss = cross_entropy(logits, y)"),
    Example("div_log_exp", "Division, log and exp",
            "d(a/b)/db = -a/b², d log(x)/dx = 1/x, d exp(x)/dx = exp(x).",
            "x = 2.0\ny = 0.5\nloss = log(x/y) + exp(-x*y)"),
    Example("kinks", "ReLU and max: kinks",
            "relu passes the gradient where its input is positive and blocks it elsewhere; "
            "max sends it to the winner.",
            "x = 1.5\ny = -0.5\nloss = relu(x) + relu(y) + max(x, y)*min(x, 1.0)"),
    Example("l2", "L2-regularised loss",
            "The penalty adds 2·λ·w to every weight's gradient: weight decay.",
            "w = [0.5, -1.0, 2.0]\nx = [1.0, 2.0, -1.0]\ny = 1.0\nlam = 0.1\n"
            "err = sum(w*x) - y\nloss = err**2 + lam*sum(w**2)"),
    Example("nonfinite", "When numbers break",
            "log(0) is -∞: the node says why, and the gradient behind it is infinite too.",
            "x = 0.0\ny = 2.0\nloss = y*log(x)"),
]


def examples_as_dicts() -> list[dict]:
    return [asdict(e) for e in EXAMPLES]


def example(example_id: str) -> Example | None:
    return next((e for e in EXAMPLES if e.id == example_id), None)
