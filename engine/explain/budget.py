"""A time budget that stops pure-Python work where it stands: sympy's calls
cannot be given a timeout, and one derivative (a chain of eight `tanh`) can run
for tens of seconds inside a single call.

A timer thread raises OutOfTime in the working thread (CPython's
PyThreadState_SetAsyncExc): the exception arrives at the next bytecode, in
any thread, and unwinds sympy like any other error. It derives from
BaseException, so sympy's own `except Exception` cannot swallow it. Work in C
(a huge integer product) is interrupted when it returns to Python.
"""

from __future__ import annotations

import ctypes
import threading
from contextlib import contextmanager

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc  # (thread id, exception or NULL)


class OutOfTime(BaseException):  # noqa: N818 (it is not an error: a budget ran out)
    """The budget ran out; raised inside the work it stops."""


@contextmanager
def time_budget(seconds: float):
    """Run the body for at most `seconds`; past that, OutOfTime is raised in it.
    Catch OutOfTime around the `with` (it can arrive while the block exits)."""
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"inside": True, "fired": False}

    def fire():
        with lock:
            if state["inside"]:
                state["fired"] = True
                _set_async_exc(ctypes.c_ulong(tid), ctypes.py_object(OutOfTime))

    timer = threading.Timer(max(0.0, seconds), fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["inside"] = False
            if state["fired"]:
                # None is NULL: a pending, undelivered OutOfTime must not land outside
                _set_async_exc(ctypes.c_ulong(tid), None)
