"""The `chainrule` command: grad, serve, train."""

from .main import main

__all__ = ["main"]
