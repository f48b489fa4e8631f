"""The check cannot be starved: the page checks every Build, so while two
clients keep the heavy lane busy with the heaviest checks, a third client's
small check still answers 200 with its check. And the symbolic part stops
where it stands when its budget runs out (inside one leaf's work), with a
note, while the numeric check answers.

Outcomes, not timings: the server's deadline is short (the old failure was
a limit_error from waiting behind the heavy lane), the heavy work is made
longer than that deadline by raising the check budget."""

from __future__ import annotations

import threading

import httpx
import pytest
from chainrule import Limits, trace_program
from chainrule.language.examples import example

from .hostile import SCALAR_CHECK, SUM_CHAIN, TANH_CHAIN, TANH_CHECK
from .live import running_server

SEED = example("regression").program
# One leaf, used at every level: its one derivative takes sympy seconds (~9 s
# here), cached or not; the tests give it 0.2 s.
ONE_LEAF_TANH = "x = 0.5\nh = x\n" + "h = tanh(x*h + x)\n" * 10 + "loss = h"


@pytest.mark.parametrize(("program", "leaves"), [(ONE_LEAF_TANH, ["x"]),
                                                 (TANH_CHAIN, ["x", "w", "b"])])
def test_the_symbolic_budget_stops_inside_a_leaf_and_the_numeric_check_answers(program,
                                                                                leaves):
    # One leaf alone: a budget checked only between leaves would never stop it.
    trace = trace_program(program, check=True, limits=Limits(symbolic_seconds=0.2))
    assert list(trace["check"]) == leaves
    for entry in trace["check"].values():
        assert entry["ok"] is True and isinstance(entry["numeric"], float)
    stopped = [e for e in trace["check"].values()
               if "symbolic check ran out of time" in (e.get("note") or "")]
    assert stopped, trace["check"]
    for entry in stopped:  # nothing half-written
        assert "derivative" not in entry and "symbolic" not in entry


def test_a_generous_budget_still_gives_the_derivative():
    trace = trace_program(SEED, check=True, limits=Limits(symbolic_seconds=60))
    assert all("derivative" in e for e in trace["check"].values())


def test_a_small_check_answers_while_two_clients_keep_the_heavy_lane_busy():
    with running_server(CHAINRULE_REQUEST_SECONDS="6",
                        CHAINRULE_MAX_CHECK_EVALS=str(10**9)) as (url, _proc):
        with httpx.Client(base_url=url, timeout=60) as c:  # warm the small-check lane
            r = c.post("/api/v1/graphs", json={"program": SEED, "check": True})
            assert r.status_code == 200
        stop = threading.Event()
        sent = [0]

        def attacker(k: int):
            bodies = [{"program": _longer(SUM_CHAIN), "check": True}, TANH_CHECK, SCALAR_CHECK]
            with httpx.Client(base_url=url, timeout=60) as c:
                while not stop.is_set():
                    c.post("/api/v1/graphs", json=bodies[k % len(bodies)])
                    sent[0] += 1
                    k += 1

        attackers = [threading.Thread(target=attacker, args=(k,), daemon=True) for k in (0, 3)]
        for t in attackers:
            t.start()
        try:
            with httpx.Client(base_url=url, timeout=60) as c:
                for _ in range(4):
                    r = c.post("/api/v1/graphs", json={"program": SEED, "check": True})
                    assert r.status_code == 200, r.text
                    assert set(r.json()["check"]) == set(r.json()["gradients"])
        finally:
            stop.set()
            for t in attackers:
                t.join(timeout=30)
        assert sent[0] >= 1


def _longer(program: str) -> str:
    """The same chain three times over (2,100 leaves): past the deadline."""
    return program.replace("loss = s", "") + "".join(
        f"b{i} = 0.5\ns = s*0.999 + b{i}\n" for i in range(1400)) + "loss = s"


def test_the_symbolic_budget_holds_in_any_thread():
    """The Python API called from a worker thread (a notebook's executor, a web
    framework's thread pool): the budget stops sympy there too."""
    import threading

    out = {}

    def work():
        out["trace"] = trace_program(ONE_LEAF_TANH, check=True,
                                     limits=Limits(symbolic_seconds=0.2))

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=120)
    entry = out["trace"]["check"]["x"]
    assert entry["ok"] is True and "ran out of time" in entry["note"]
