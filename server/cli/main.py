"""chainrule: see backpropagation happen. Trace a program's gradients in the
terminal, train the digits classifier, or serve the web app."""

from __future__ import annotations

import os
import sys

from chainrule import __version__

from .args import Parser
from .export import add_export_parser, export_command
from .grad import add_grad_parser, grad_command
from .serve import add_serve_parser, serve_command
from .train import add_train_parser, train_command

EPILOG = ("Exit status: 0 done, 1 a failed check or a diverged run, 2 bad input. "
          "`chainrule COMMAND --help` describes each command.")


def build_parser() -> Parser:
    parser = Parser(prog="chainrule", description=__doc__, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     title="commands")
    add_grad_parser(commands)
    add_train_parser(commands)
    add_serve_parser(commands)
    add_export_parser(commands)
    return parser


COMMANDS = {"grad": grad_command, "train": train_command, "serve": serve_command,
            "export": export_command}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("chainrule: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and Python
        # must not complain when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as err:  # no traceback ever reaches the terminal
        print(f"chainrule: unexpected error ({type(err).__name__}: {err}); please report it "
              "with the command that caused it", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
