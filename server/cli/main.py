"""`chainrule grad` (a program's gradients in the terminal), `chainrule train` and
`chainrule serve`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import orjson
from chainrule import ProgramError, trace_program

from .train import add_train_parser, train_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chainrule", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    grad = commands.add_parser("grad", help="trace a program and print its gradients")
    grad.add_argument("file", help="program file, or - for standard input")
    grad.add_argument("--value", action="append", default=[], metavar="NAME=NUMBER",
                      help="set a leaf or a free name (repeatable)")
    grad.add_argument("--json", action="store_true", help="print the whole trace as JSON")
    grad.add_argument("--check", action="store_true", help="compare with central differences")

    add_train_parser(commands)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    args = parser.parse_args(argv)
    if args.command == "grad":
        return grad_command(args)
    if args.command == "train":
        return train_command(args)
    return serve_command(args)


def grad_command(args) -> int:
    try:
        program = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return fail(f"cannot read {args.file}: {err}")
    values = {}
    for item in args.value:
        name, sep, number = item.partition("=")
        try:
            values[name.strip()] = float(number)
        except ValueError:
            return fail(f"--value {item!r}: expected NAME=NUMBER")
        if not sep:
            return fail(f"--value {item!r}: expected NAME=NUMBER")
    try:
        trace = trace_program(program, values, check=args.check)
    except ProgramError as err:
        return fail(str(err))
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(trace) + b"\n")
    else:
        print(table(trace))
    return 0


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
    print(f"chainrule: {message}", file=sys.stderr)
    return 2


def serve_command(args) -> int:
    import uvicorn

    print(f"chainrule: open http://{args.host}:{args.port}/ in a browser", flush=True)
    uvicorn.run("chainrule.server.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="info",
                # on SIGTERM, streams still open (training runs) get 3 s, then end
                timeout_graceful_shutdown=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
