"""`chainrule grad`: a program's gradients in the terminal."""

from __future__ import annotations

import json
import math
import re
import sys

import numpy as np
import orjson
from chainrule import DEFAULT_LIMITS, ProgramError, ShapeError, trace_program
from chainrule.autodiff.codes import LEAF
from chainrule.language.program import plan_of, statements
from chainrule.language.tensors import to_value
from chainrule.language.tokens import line_col, line_starts

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class InputError(Exception):
    """Input the command refuses before tracing: exit 2 with this message."""


def add_grad_parser(commands) -> None:
    grad = commands.add_parser(
        "grad", help="trace a program and print its gradients",
        description="Trace a program: print each leaf's value and gradient (or the whole "
                    "trace as JSON). Warnings go to stderr. Exit status: 0 done, 1 a "
                    "--check mismatch, 2 a bad program or bad input.")
    grad.add_argument("file", help="the program file, or - for standard input (UTF-8)")
    grad.add_argument("--value", action="append", default=[], metavar="NAME=VALUE",
                      help="set a leaf or a free name: a finite number, or a JSON list for a "
                           "tensor (repeatable)")
    grad.add_argument("--json", action="store_true",
                      help="print the whole trace (chainrule.trace/1) as JSON")
    grad.add_argument("--check", action="store_true",
                      help="compare each gradient with central differences; exit 1 if any "
                           "differs")


def grad_command(args) -> int:
    try:
        program = read_program(args.file)
        values = parse_values(args.value)
        check_value_shapes(program, values)
        trace = trace_program(program, values, check=args.check)
    except InputError as err:
        return fail(str(err))
    except ProgramError as err:
        return fail(str(err))
    for warning in warnings(trace):
        print(f"chainrule: warning: {warning}", file=sys.stderr)
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(trace) + b"\n")
        sys.stdout.flush()
    else:
        print(table(trace))
    failed = [name for name, c in trace.get("check", {}).items() if c["ok"] is False]
    for name in failed:
        print(f"chainrule: check failed: the gradient of {name} differs from central "
              "differences", file=sys.stderr)
    return EXIT_CHECK_FAILED if failed else EXIT_OK


def read_program(file: str, max_chars: int = DEFAULT_LIMITS.max_chars) -> str:
    """The program's text, read only as far as the character limit allows:
    `chainrule grad /dev/zero` stops after a few megabytes, not at MemoryError."""
    # UTF-8 spends at most 4 bytes on a character, 3 on a byte-order mark
    max_bytes = 4 * max_chars + 3
    try:
        if file == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(file, "rb") as f:
                data = f.read(max_bytes + 1)
    except OSError as err:
        raise InputError(f"cannot read {file}: {err.strerror or err}") from None
    if len(data) > max_bytes:
        where = "standard input" if file == "-" else file
        raise InputError(f"{where} is longer than {max_chars:,} characters, the limit of "
                         "a program")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not part of the program
    except UnicodeDecodeError as err:
        where = "standard input" if file == "-" else file
        raise InputError(f"cannot read input as UTF-8 ({where}: byte 0x{data[err.start]:02x} "
                         f"at offset {err.start})") from None


def parse_values(items: list[str]) -> dict:
    """--value NAME=VALUE flags as the API's `values`: finite numbers or
    nested lists of them (NaN and infinities are refused, as the API does)."""
    values = {}
    for item in items:
        name, sep, text = (part.strip() for part in item.partition("="))
        if not sep or not name.isidentifier():
            raise InputError(f"--value {item!r}: expected NAME=VALUE, such as w=2.5")
        try:
            value = json.loads(text, parse_constant=_no_constant) if text[:1] == "[" else \
                float(text)
        except ValueError:
            raise InputError(f"--value {item!r}: {text!r} is not a number or a JSON list of "
                             "numbers") from None
        if not all(isinstance(x, float | int) and not isinstance(x, bool) and math.isfinite(x)
                   for x in _flat(value)):
            raise InputError(f"--value {item!r}: values must be finite numbers "
                             "(no NaN or infinity), as in the HTTP API")
        try:  # the engine's own check: rectangular, within the limits
            to_value(name, value, DEFAULT_LIMITS)
        except ProgramError as err:
            raise InputError(f"--value {item!r}: " + err.message.replace(
                f"values['{name}']", "it")) from None
        values[name] = value
    return values


def _no_constant(text: str):
    raise ValueError(text)


def _flat(value):
    if isinstance(value, list):
        for item in value:
            yield from _flat(item)
    else:
        yield value


def check_value_shapes(program: str, values: dict) -> None:
    """A --value must have the shape of the literal it replaces: `--value W=1`
    for a 2×2 leaf is a mistake, not a broadcast."""
    if not values:
        return
    starts = None
    for base, chunk in statements(program):
        try:
            plan = plan_of(chunk, DEFAULT_LIMITS)
        except ProgramError:
            return  # tracing reports it, positioned
        for ins in plan:
            if ins[0] != LEAF or ins[1] not in values:
                continue
            name, literal, start = ins[1], ins[2], base + ins[3]
            given, expected = np.shape(values[name]), np.shape(literal)
            if given != expected:
                starts = starts or line_starts(program)
                raise ShapeError(f"--value {name} has shape {list(given)}, but the leaf {name} "
                                 f"has shape {list(expected)}", *line_col(starts, start))


def warnings(trace: dict) -> list[str]:
    out = []
    for node in trace["nodes"]:
        for message in node["warnings"]:
            span = node["span"]
            out.append(f"line {span['line']}, col {span['col']}: {node['text']}: {message}")
    return out


def table(trace: dict) -> str:
    """Leaf, value, gradient (and the check) as aligned columns."""
    leaves = {n["label"]: n for n in trace["nodes"] if n["kind"] == "leaf"}
    check = trace.get("check", {})
    rows = [("leaf", "value", "gradient", "check" if check else "")]
    for name, grad in trace["gradients"].items():
        c = check.get(name)
        verdict = "" if c is None else (
            "n/a" if c["ok"] is None else f"{'ok' if c['ok'] else 'MISMATCH'} "
                                          f"(rel {fmt(c['rel_error'])})")
        rows.append((name, fmt(leaves[name]["value"]), fmt(grad), verdict))
    out = next(n for n in trace["nodes"] if n["id"] == trace["output"])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    return f"output {out['label'] or out['text']} = {fmt(out['value'])}\n\n" + "\n".join(lines)


def fmt(v) -> str:
    if isinstance(v, list):
        return np.array2string(np.array(v, dtype=object), separator=", ",
                               formatter={"all": fmt}).replace("\n", "")
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def fail(message: str) -> int:
    # The engine names a caller's value values['w'], as the HTTP API's body does;
    # here it came from a flag.
    message = re.sub(r"values\['(\w+)'\]", r"--value \1", message)
    message = message.replace("values can set only", "--value can set only")
    print(f"chainrule: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
