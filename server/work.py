"""What runs in the worker processes (server/pool.py, server/runs.py): only
the engine and orjson, so a fresh worker starts in a few milliseconds from the
preloaded fork server. Each job answers ("ok", bytes), ("error", the error's
dict: a ProgramError's line and column do not survive pickling, its dict does)
or ("crash", the traceback of a bug, for the server's log)."""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import replace
from pathlib import Path

import orjson
from chainrule import FORMAT, LimitError, ProgramError, trace_program
from chainrule.explain.check import CheckTooCostly
from chainrule.optimize.compare import compare_program

# Heavy work yields the CPU to the event loop's process, so ordinary requests
# (and /healthz) stay fast while a worker computes.
NICENESS = 5


def lower_priority() -> None:
    os.nice(NICENESS)


def job(function, *args) -> tuple[str, object]:
    try:
        return "ok", function(*args)
    except ProgramError as err:
        return "error", err.to_dict()
    except Exception:  # a bug: its traceback goes to the server's log
        return "crash", traceback.format_exc()


def packed(values: dict | None) -> bytes | None:
    """Values cross to a worker as JSON: orjson writes and reads 100,000 numbers
    in a few milliseconds, where pickling lists of floats holds the event
    loop's process (and its GIL) several times longer."""
    return None if values is None else orjson.dumps(values)


def unpacked(values: bytes | None) -> dict | None:
    return None if values is None else orjson.loads(values)


def extras(include) -> dict:
    """A request's `include` as trace_program's keywords: asked for, or the
    format's default (trace/1 has both, trace/2 neither)."""
    return {name: True for name in include}


def trace_json(program, values: bytes | None, check, limits, max_bytes: int,
               format: str = FORMAT, include: tuple = ()) -> bytes:  # noqa: A002
    trace = trace_program(program, unpacked(values), check, limits=limits, format=format,
                          max_bytes=max_bytes, **extras(include))
    out = orjson.dumps(trace)
    if len(out) > max_bytes:
        raise _too_big(len(out), max_bytes, _spans(trace))
    return out


def _spans(trace: dict):
    """(value, span) per node, from either format."""
    if trace["format"] == FORMAT:
        return [(n["value"], n.get("span") or {}) for n in trace["nodes"]]
    cols = trace["nodes"]
    return [(v, {"line": line, "col": col})
            for v, line, col in zip(cols["value"], cols["line"], cols["col"], strict=True)]


# The small-check lane's budget: ~0.2 s of element operations. A check over it
# is passed on to the heavy lane (None), so no program's answer depends on the lane.
QUICK_CHECK_EVALS = 200_000


def quick_trace_json(program, values: bytes | None, check, limits, max_bytes: int,
                     format: str = FORMAT, include: tuple = ()):  # noqa: A002
    """trace_json within the small-check lane's budget, or None: too costly here."""
    quick = replace(limits, max_check_evals=min(limits.max_check_evals, QUICK_CHECK_EVALS))
    try:
        return trace_json(program, values, check, quick, max_bytes, format, include)
    except CheckTooCostly:
        if quick.max_check_evals == limits.max_check_evals:
            raise  # over the real limit too: that is the answer
        return None


def _too_big(size: int, max_bytes: int, nodes: list) -> LimitError:
    """Placed at the node whose value is the largest: usually the tensor to shrink."""
    def weight(node):
        v = node[0]
        return len(orjson.dumps(v)) if isinstance(v, list) else 0
    _, span = max(nodes, key=weight)
    return LimitError(f"the trace would be {size:,} bytes, over the limit of {max_bytes:,}: "
                      "use smaller tensors or fewer statements", span.get("line"), span.get("col"))


def compare_json(program, params, config, values: bytes | None, limits, max_steps, deadline,
                 max_bytes: int) -> bytes:
    out = orjson.dumps(compare_program(program, params, config, values=unpacked(values),
                                       limits=limits, max_steps_limit=max_steps,
                                       deadline=deadline))
    if len(out) > max_bytes:
        raise LimitError(f"the comparison would be {len(out):,} bytes, over the limit of "
                         f"{max_bytes:,}: ask for fewer steps, methods or grid points")
    return out


class Progress:
    """The run's side of server/runs.py's Run, inside the run's process: events
    go up a pipe; a stop is asked for by the deadline or by a cancel file (which
    any server worker can write, so a cancel reaches whichever worker runs it)."""

    POLL = 0.02  # seconds between looks at the cancel file

    def __init__(self, pipe, deadline: float, cancel_file: str):
        self.pipe = pipe
        self.deadline = deadline
        self.cancel_file = cancel_file
        self.next_look = 0.0
        self.parent = 0  # the fork server's pid, read in the run's process (run_entry)

    def emit(self, kind: str, payload) -> None:
        self.pipe.send((kind, payload))

    def should_stop(self) -> str | None:
        if os.getppid() != self.parent:  # the fork server ended: the server is gone
            return "cancelled"
        now = time.monotonic()
        if now > self.deadline:
            return "time_limit"
        if now >= self.next_look:
            self.next_look = now + self.POLL
            if Path(self.cancel_file).exists():
                return "cancelled"
        return None


def run_entry(progress: Progress, function, *args) -> None:
    """The body of a run's process: `function(progress, *args)` returns the
    final result; every way it can end is an event on the pipe."""
    progress.parent = os.getppid()
    lower_priority()
    progress.emit("pid", os.getpid())
    try:
        progress.emit("done", function(progress, *args))
    except ProgramError as err:
        progress.emit("error", err.to_dict())
    except Exception:  # a bug: its traceback goes to the server's log
        progress.emit("crash", traceback.format_exc())


def train(progress: Progress, body: dict, values: bytes | None, optimizer, limits) -> dict:
    """A /api/v1/train run (body is the request as a dict, without its values)."""
    from chainrule.nets.digits import DigitsConfig, train_digits
    from chainrule.optimize.train import train_program

    if body.get("model") == "digits":
        progress.emit("ready", None)  # nothing here for the engine to reject
        config = DigitsConfig(epochs=body["epochs"], seed=body["seed"], optimizer=optimizer,
                              train_size=body.get("train_size"),
                              weight_decay=body.get("weight_decay") or 0.0)
        return train_digits(config, on_epoch=lambda e: progress.emit("entry", e),
                            should_stop=progress.should_stop)
    reg = body.get("regularization") or {}
    stop = body.get("early_stopping") or {}
    return train_program(body["program"], body["params"], optimizer, body["max_steps"],
                         body["tol"], l1=reg.get("l1", 0.0), l2=reg.get("l2", 0.0),
                         values=unpacked(values), validation=body.get("validation"),
                         patience=stop.get("patience"), min_delta=stop.get("min_delta", 0.0),
                         limits=limits,
                         on_record=lambda e: progress.emit("entry", e),
                         should_stop=progress.should_stop)


def classify(progress: Progress, config) -> dict:
    """A /api/v1/classify run (config: a ClassifyConfig)."""
    from chainrule.nets.classify import train_classifier

    progress.emit("ready", None)  # the body is already validated: nothing left to reject
    return train_classifier(config, on_epoch=lambda e: progress.emit("entry", e),
                            should_stop=progress.should_stop)


def standalone_page(program: str, values: bytes | None, step, limits,
                    max_bytes: int | None = None) -> str:
    """The step-through of `program` as one self-contained HTML file; a trace
    predicted over `max_bytes` is refused before it is built."""
    from chainrule import trace_program
    from chainrule.explain.standalone import standalone_html

    values = unpacked(values)
    trace = trace_program(program, values, check=True, limits=limits, max_bytes=max_bytes)
    total = len(trace["forward"]) + len(trace["backward"])
    return standalone_html(trace, program=program, values=values,
                           step=None if step is None else min(step, total))
