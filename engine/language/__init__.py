"""The language: program text -> tokens -> plan -> evaluated graph, with positioned errors.

A new function name comes from the op table (autodiff/ops.py); new syntax
goes in parser.py."""
