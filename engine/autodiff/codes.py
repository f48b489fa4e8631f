"""Codes shared by the parser, the program runner and the graph."""

APPLY, NAME_REF, CONST, LEAF, BIND, OUT = range(6)  # instructions of a parsed plan

LEAF_KIND, CONST_KIND, OP_KIND = "leaf", "const", "op"  # kinds of graph nodes
