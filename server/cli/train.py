"""`chainrule train digits`: train the digits classifier in the terminal."""

from __future__ import annotations

import sys

import orjson
from chainrule.nets.digits import DigitsConfig, train_digits
from chainrule.optimize.optim import OptimizerConfig

DEFAULTS = DigitsConfig()


def add_train_parser(commands) -> None:
    train = commands.add_parser("train", help="train a built-in model")
    train.add_argument("model", choices=["digits"], help="the 64-32-10 digits classifier")
    train.add_argument("--epochs", type=_positive, default=DEFAULTS.epochs)
    train.add_argument("--seed", type=int, default=DEFAULTS.seed)
    train.add_argument("--lr", type=float, default=DEFAULTS.optimizer.lr,
                       help="Adam's learning rate")
    train.add_argument("--json", action="store_true",
                       help="end with one line of JSON: accuracies, seconds, history")


def _positive(text: str) -> int:
    n = int(text)
    if not 1 <= n <= 10_000:
        raise ValueError(text)
    return n


def train_command(args) -> int:
    if not (args.lr > 0 and args.lr < float("inf")):
        print("chainrule: --lr must be a positive number", file=sys.stderr)
        return 2
    config = DigitsConfig(epochs=args.epochs, seed=args.seed,
                          optimizer=OptimizerConfig("adam", lr=args.lr))
    # A bar only where a person watches; a pipe gets the result alone.
    show = sys.stderr.isatty()
    result = train_digits(config, on_epoch=(lambda e: _bar(e, config.epochs)) if show else None)
    if show:
        print(file=sys.stderr)
    if args.json:
        keep = ("train_accuracy", "test_accuracy", "seconds", "stopped", "history")
        summary = {k: result[k] for k in keep} | {"epochs": config.epochs, "seed": config.seed}
        sys.stdout.buffer.write(orjson.dumps(summary) + b"\n")
    else:
        print(f"train accuracy {result['train_accuracy']:.2%}  "
              f"test accuracy {result['test_accuracy']:.2%}  "
              f"{result['seconds']:.2f} s ({config.epochs} epochs, seed {config.seed})")
    return 0


def _bar(entry: dict, epochs: int, width: int = 30) -> None:
    done = round(width * entry["epoch"] / epochs)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {entry['epoch']}/{epochs}  "
                     f"loss {entry['loss']:.4f}  test {entry['test_accuracy']:.1%}")
    sys.stderr.flush()
