"""`chainrule serve`: the web app on uvicorn, once the address is known to be free."""

from __future__ import annotations

import errno
import os
import socket
import sys

from .args import whole_number, with_default


def add_serve_parser(commands) -> None:
    serve = commands.add_parser("serve", help="run the web app (the pages, the API and /docs)",
                                description="Run the web app: the visualizer at /, the HTTP "
                                            "API under /api/v1 and its documentation at /docs.")
    serve.add_argument("--host", default="127.0.0.1",
                       help=with_default("address to listen on; 0.0.0.0 listens on every "
                                         "interface"))
    serve.add_argument("--port", type=whole_number(1, 65535), default=8000,
                       help=with_default("TCP port to listen on"))
    serve.add_argument("--workers", type=whole_number(1, 64), default=1,
                       help=with_default("worker processes"))


def serve_command(args) -> int:
    problem = settings_problem() or address_problem(args.host, args.port)
    if problem:
        print(f"chainrule serve: {problem}", file=sys.stderr)
        return 2
    import uvicorn

    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"chainrule: serving on http://{host}:{args.port}/ (API docs at /docs); "
          "Ctrl+C stops it", flush=True)
    from ..protocol import TimedH11Protocol

    # Worker processes (--workers, and the fork server of the job pools) start as
    # fresh interpreters: keep the working directory off their sys.path, so a
    # folder named chainrule/ there cannot stand in for the installed package.
    os.environ["PYTHONSAFEPATH"] = "1"

    uvicorn.run("chainrule.server.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="info",
                # a request's head must arrive within CHAINRULE_CLIENT_SECONDS; an idle
                # kept-alive connection is closed after 5 s
                http=TimedH11Protocol, timeout_keep_alive=5,
                # on SIGTERM, work still going gets SHUTDOWN_GRACE (server/shutdown.py) to
                # finish, then answers in the error shape; uvicorn waits 3 s for that
                timeout_graceful_shutdown=3)
    return 0


def address_problem(host: str, port: int) -> str | None:
    """Why uvicorn could not listen on host:port, found before it starts (and
    before anything says the server is up), or None."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        return f"--host {host}: not an address this machine can listen on"
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port in TIME_WAIT is free, a listening one is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is already in use (another chainrule?); "
                        "choose another with --port")
            if err.errno == errno.EACCES:
                return f"--port {port}: permission denied (ports below 1024 need root)"
            return f"--host {host}: cannot listen there ({err.strerror})"
    return None


def settings_problem() -> str | None:
    """The first CHAINRULE_* variable that is not a valid setting, in one line
    (the worker processes would each print a traceback and exit)."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from ..settings import Settings

    try:
        Settings()
    except SettingsError as err:  # a list or dict setting that is not JSON
        field = str(err).split('"')[1] if '"' in str(err) else "*"
        name = f"CHAINRULE_{field.upper()}"
        return (f"{name}={os.environ.get(name)!r}: not valid JSON (a list is written "
                '["https://a.example", "https://b.example"])')
    except ValidationError as err:
        first = err.errors()[0]
        name = "CHAINRULE_" + str(first["loc"][0]).upper() if first.get("loc") else "CHAINRULE_*"
        given = os.environ.get(name)
        shown = f"={given!r}" if given is not None else ""
        return f"{name}{shown}: {first['msg']}"
    return None
