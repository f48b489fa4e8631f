"""`chainrule export`: a program's step-through as one self-contained HTML file."""

from __future__ import annotations

import sys
from pathlib import Path

from chainrule import ProgramError, trace_program
from chainrule.explain.standalone import standalone_html

from .args import whole_number
from .grad import EXIT_OK, InputError, check_value_shapes, fail, parse_values, read_program

MAX_STEP = 10**9


def add_export_parser(commands) -> None:
    export = commands.add_parser(
        "export", help="write a program's step-through as one HTML file",
        description="Trace a program and write its interactive step-through (graph, "
                    "controls, ledger, gradients, paths) as one HTML file that works "
                    "offline, from disk or in an iframe. Exit status: 0 written, 2 a bad "
                    "program, bad input or an unwritable output.")
    export.add_argument("file", help="the program file, or - for standard input (UTF-8)")
    export.add_argument("-o", "--output", required=True, metavar="OUT.html",
                        help="where to write the HTML file (- for standard output)")
    export.add_argument("--value", action="append", default=[], metavar="NAME=VALUE",
                        help="set a leaf or a free name: a finite number, or a JSON list for a "
                             "tensor (repeatable)")
    export.add_argument("--step", type=whole_number(0, MAX_STEP), metavar="K",
                        help="the step shown on opening (default: after the forward pass)")


def export_command(args) -> int:
    try:
        program = read_program(args.file)
        values = parse_values(args.value)
        check_value_shapes(program, values)
        trace = trace_program(program, values, check=True)
    except (InputError, ProgramError) as err:
        return fail(str(err))
    total = len(trace["forward"]) + len(trace["backward"])
    if args.step is not None and args.step > total:
        return fail(f"--step {args.step}: this program has steps 0 to {total}")
    source = None if args.file == "-" else Path(args.file).name
    page = standalone_html(trace, program=program, values=values, step=args.step,
                           source=source)
    if args.output == "-":
        sys.stdout.write(page)
        sys.stdout.flush()
        return EXIT_OK
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as err:
        return fail(f"cannot write {args.output}: {err.strerror or err}")
    print(f"chainrule: wrote {args.output} ({len(page.encode()) / 1024:.0f} KB, {total} steps)",
          file=sys.stderr)
    return EXIT_OK
