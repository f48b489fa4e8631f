"""`chainrule train digits`: train the digits classifier in the terminal."""

from __future__ import annotations

import math
import sys

import orjson
from chainrule.nets.digits import DigitsConfig, train_digits
from chainrule.optimize.optim import OptimizerConfig

from .args import positive_number, whole_number, with_default

DEFAULTS = DigitsConfig()
CLASSES = 10
# Cross-entropy of a uniform guess over the classes: a run that ends at or
# above it has learned nothing, however finite its loss.
GUESSING = math.log(CLASSES)


def add_train_parser(commands) -> None:
    train = commands.add_parser(
        "train", help="train a built-in model (the digits classifier)",
        description="Train the 64-32-10 digits classifier (ReLU, softmax cross-entropy, Adam) "
                    "with chainrule's own engine; a progress bar on a terminal, the result at "
                    "the end. Exit status 1 if the run diverged.")
    train.add_argument("model", choices=["digits"],
                       help="the model: digits, 1,797 8×8 handwritten digits")
    train.add_argument("--epochs", type=whole_number(1, 10_000), default=DEFAULTS.epochs,
                       help=with_default("passes over the training set"))
    train.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=DEFAULTS.seed,
                       help=with_default("seed of the split, the initial weights and the "
                                         "batches"))
    train.add_argument("--lr", type=positive_number, default=DEFAULTS.optimizer.lr,
                       help=with_default("Adam's learning rate"))
    train.add_argument("--json", action="store_true",
                       help="print one line of JSON (accuracies, seconds, history) and no "
                            "progress bar")


def train_command(args) -> int:
    config = DigitsConfig(epochs=args.epochs, seed=args.seed,
                          optimizer=OptimizerConfig("adam", lr=args.lr))
    # A bar only where a person watches: a pipe, or --json, gets the result alone.
    show = sys.stderr.isatty() and not args.json
    result = train_digits(config, on_epoch=(lambda e: _bar(e, config.epochs)) if show else None)
    if show:
        print(file=sys.stderr)
    last = result["history"][-1]
    diverged = result["stopped"] == "diverged" or not _below(last["loss"], GUESSING)
    if args.json:
        keep = ("train_accuracy", "test_accuracy", "seconds", "stopped", "history")
        summary = {k: result[k] for k in keep} | {"epochs": config.epochs, "seed": config.seed,
                                                  "diverged": diverged}
        sys.stdout.buffer.write(orjson.dumps(summary) + b"\n")
        sys.stdout.flush()
    else:
        print(f"train accuracy {result['train_accuracy']:.2%}  "
              f"test accuracy {result['test_accuracy']:.2%}  "
              f"{result['seconds']:.2f} s ({len(result['history'])} epochs, seed {config.seed})")
    if diverged:
        print(f"chainrule: the run diverged: loss {_loss(last['loss'])} at epoch "
              f"{last['epoch']}, no better than guessing ({GUESSING:.2f}); try a smaller --lr "
              f"(now {args.lr:g})", file=sys.stderr)
        return 1
    return 0


def _below(loss, bound: float) -> bool:
    return isinstance(loss, float) and loss < bound


def _loss(loss) -> str:
    return f"{loss:.4g}" if isinstance(loss, float) else str(loss)


def _bar(entry: dict, epochs: int, width: int = 30) -> None:
    done = round(width * entry["epoch"] / epochs)
    # \r returns to the line's start, ESC[K clears what a longer line left.
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] epoch {entry['epoch']}/{epochs}  "
                     f"loss {_loss(entry['loss'])}  "
                     f"test accuracy {entry['test_accuracy']:.1%}\033[K")
    sys.stderr.flush()
