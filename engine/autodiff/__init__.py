"""Autodiff core: the graph, the op table and the backward pass.

A new op is one entry in ops.py (forward, local derivative or VJP per input,
the formula the ledger shows) plus one test line."""
