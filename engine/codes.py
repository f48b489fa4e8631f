"""Instruction codes of a parsed plan (see engine/parser.py)."""

APPLY, NAME_REF, CONST, LEAF, BIND, OUT = range(6)
