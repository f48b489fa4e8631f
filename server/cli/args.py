"""The command's argument parser: one-line errors that name the flag, and
argument types whose messages a user can act on."""

from __future__ import annotations

import argparse
import math
import sys


class Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line naming the flag (no usage
    block, no internal names) and exit status 2."""

    def error(self, message: str):
        message = message.removeprefix("argument ")
        sys.stderr.write(f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def whole_number(low: int, high: int):
    """An argparse type: an integer in [low, high]."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            n = None
        if n is None or not low <= n <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, not {text!r}")
        return n
    parse.__name__ = "whole number"
    return parse


def positive_number(text: str) -> float:
    """An argparse type: a finite number above 0."""
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and x > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, not {text!r}")
    return x


def with_default(text: str) -> str:
    return text + " (default: %(default)s)"
