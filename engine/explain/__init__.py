"""Explanations of a backward pass: the trace, gradient checks, cost, the `=` replay.

A new trace field is built in trace.py (or beside it here), described in
server/schemas/graphs.py and docs/trace.md."""
