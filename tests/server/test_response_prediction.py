"""An answer over CHAINRULE_MAX_RESPONSE_BYTES is refused from its predicted
size, before the trace is built; the prediction never exceeds the real size,
so no answer that fits is refused by it."""

from __future__ import annotations

import random

import orjson
import pytest
from chainrule import LimitError, trace_program
from chainrule.autodiff.backward import backward
from chainrule.explain.size import predict_trace_bytes
from chainrule.language.compile import compile_program
from chainrule.language.examples import EXAMPLES

from .conftest import make_client
from .hostile import SUM_CHAIN

random.seed(7)
NOISE = [random.uniform(-1e3, 1e3) for _ in range(5000)]
# (program, values), one per line
CASES = [(e.program, None) for e in EXAMPLES] + [
    (SUM_CHAIN, None),
    ("loss = sum(exp(x)*sin(x) + x*x)", {"x": NOISE}),
    ("loss = mean(relu(x - 1)**2)", {"x": [0.5] * 5000}),
    ("loss = sum(A @ B)", {"A": [NOISE[:40]] * 40, "B": [[1e-300] * 40] * 40}),
    ("w = [[1, 2], [3, 4]]\nx = [0.1, -0.2]\nloss = sum(softmax(w @ x))", None),
]


@pytest.mark.parametrize(("program", "values"), CASES, ids=range(len(CASES)))
def test_the_prediction_never_exceeds_the_real_size(program, values):
    for check in (False, True):
        try:
            real = len(orjson.dumps(trace_program(program, values, check)))
        except LimitError:  # a check over the engine's budget: nothing to compare
            continue
        prog, out = compile_program(program, values)
        grads, steps = backward(prog.graph, out)
        predicted, _ = predict_trace_bytes(prog.graph, grads, steps, check)
        assert 0.3 * real <= predicted <= real, (predicted, real)


# (program, values, limit, line): over the limit by the prediction, placed at the big tensor
OVER = [
    ("x = 2.0\nloss = sum(exp(v)*sin(v)*v + x)", {"v": NOISE}, 200_000, 2),
    ("v = [" + ", ".join(["0.25"] * 3000) + "]\nloss = sum(v*v*v)", None, 50_000, 1),
]


@pytest.mark.parametrize(("program", "values", "limit", "line"), OVER, ids=range(len(OVER)))
def test_refused_from_the_prediction_on_every_way_in(program, values, limit, line):
    with pytest.raises(LimitError, match="about"):
        trace_program(program, values, max_bytes=limit)
    client = make_client(max_response_bytes=limit)
    for check in (False, True):
        r = client.post("/api/v1/graphs", json={"program": program, "values": values,
                                                "check": check})
        assert r.status_code == 400
        error = r.json()["error"]
        assert error["type"] == "limit_error" and "would be about" in error["message"]
        assert f"{limit:,}" in error["message"]
        assert error["line"] == line
    r = client.post("/api/v1/graphs/html", json={"program": program, "values": values})
    assert r.status_code == 400 and "would be about" in r.json()["error"]["message"]
