"""Memory is bounded: an answer over CHAINRULE_MAX_RESPONSE_BYTES is a limit_error
placed at the largest tensor, before anything is sent; the backward pass's
temporaries count against the element limits."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import make_client

BIG = "x = 1.0\nbig = [" + ", ".join(["0.5"] * 2000) + "]\nloss = sum(big * x)"


def test_a_trace_over_the_response_limit_is_a_positioned_limit_error():
    r = make_client(max_response_bytes=50_000).post("/api/v1/graphs", json={"program": BIG})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "limit_error"
    assert "over the limit of 50,000" in error["message"]
    assert (error["line"], error["col"]) == (2, 1)  # the 2,000-element leaf


def test_the_same_trace_under_the_limit_is_whole():
    client = make_client(max_response_bytes=200_000)
    r = client.post("/api/v1/graphs", json={"program": BIG})
    assert r.status_code == 200
    assert len(r.content) <= 200_000
    assert r.json()["gradients"]["x"] == pytest.approx(1000.0)


def test_the_inline_path_obeys_the_limit_too():
    r = make_client(max_response_bytes=1_000).post(
        "/api/v1/graphs", json={"program": "w = 2.0\nx = 3.0\nloss = (w*x - 1)**2"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "limit_error"


def test_a_comparison_over_the_limit_is_a_limit_error():
    body = {"program": "w = 1.0\nb = 1.0\nloss = w*w + b*b", "params": ["w", "b"],
            "grid": 120, "max_steps": 1000}
    r = make_client(max_response_bytes=10_000).post("/api/v1/compare", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "limit_error"


@pytest.mark.parametrize(("a", "b", "limit", "ok"), [
    ((1, 316, 316), (316, 316, 1), 100_000, False),  # 316^3 = 3e7 in the backward pass
    ((1, 3, 4), (5, 4, 2), 59, False),                # grad of a is (5, 3, 4): 60
    ((1, 3, 4), (5, 4, 2), 60, True),
    ((3, 4), (4, 2), 12, True),                       # no batch: temporaries are a and b
])
def test_backward_temporaries_of_a_broadcast_matmul_count(a, b, limit, ok):
    values = {"A": np.ones(a).tolist(), "B": np.ones(b).tolist()}
    client = make_client(max_tensor_elements=limit)
    r = client.post("/api/v1/graphs", json={"program": "loss = sum(A @ B)", "values": values})
    if ok:
        assert r.status_code == 200
        grad = np.array(r.json()["gradients"]["A"])
        full = np.ones((np.ones(a) @ np.ones(b)).shape) @ np.swapaxes(np.ones(b), -1, -2)
        expected = full.sum(axis=0, keepdims=True) if len(a) == 3 else full  # the batch
        np.testing.assert_allclose(grad, expected)
    else:
        assert r.status_code == 400
        error = r.json()["error"]
        assert error["type"] == "limit_error"
        assert "backward pass" in error["message"]
        assert (error["line"], error["col"]) == (1, 14)  # the @
