"""SIGTERM with work going: requests waiting for a worker, requests being
worked on, a streamed run going and a run waiting for a slot all end in the
error shape (503) or an `error` line, never uvicorn's plain-text 500 or a cut
stream. And a client that sends half a request is cut off after
CHAINRULE_CLIENT_SECONDS: half a head closes the connection, half a body
answers 408 in the error shape."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from urllib.parse import urlparse

import httpx

from .hostile import CHECK_BUDGET, MATMUL_CHECK, TRAIN_LONG
from .live import running_server

TRAIN = TRAIN_LONG  # 10,000 steps over 99,856 elements: far longer than the test


def _post(url: str, path: str, body: dict, out: list) -> None:
    try:
        with httpx.stream("POST", url + path, json=body, timeout=60) as r:
            text = r.read().decode()
        out.append((r.status_code, r.headers.get("content-type", ""), text))
    except httpx.HTTPError as err:  # a cut connection: what must not happen
        out.append((None, "", repr(err)))


def test_sigterm_ends_every_request_in_the_error_shape():
    env = dict(CHECK_BUDGET, CHAINRULE_CONCURRENT_JOBS="1", CHAINRULE_REQUEST_SECONDS="60",
               CHAINRULE_MAX_TRAIN_STEPS="10000")
    with running_server(**env) as (url, proc):
        answers: dict[str, list] = {k: [] for k in ("check", "queued", "stream", "waiting")}
        jobs = [("check", "/api/v1/graphs", MATMUL_CHECK),
                ("queued", "/api/v1/graphs", MATMUL_CHECK),
                ("stream", "/api/v1/train", TRAIN), ("waiting", "/api/v1/train", TRAIN)]
        threads = []
        for name, path, body in jobs:
            t = threading.Thread(target=_post, args=(url, path, body, answers[name]))
            t.start()
            threads.append(t)
            time.sleep(1.0)  # in this order: the second of each waits for the first
        proc.send_signal(signal.SIGTERM)
        for t in threads:
            t.join(timeout=60)
        assert proc.wait(timeout=30) is not None
    for name in ("check", "queued"):
        status, kind, text = answers[name][0]
        assert status == 503 and kind == "application/json", (name, status, text)
        assert json.loads(text)["error"]["message"].startswith("the server is shutting down")
    status, kind, text = answers["stream"][0]
    assert status == 200, text
    last = json.loads(text.splitlines()[-1])
    assert last["type"] == "error" and "shutting down" in last["error"]["message"]
    status, kind, text = answers["waiting"][0]
    if status == 200:  # it had started streaming: its last line says why it ended
        assert json.loads(text.splitlines()[-1])["type"] == "error"
    else:
        assert status == 503 and "shutting down" in json.loads(text)["error"]["message"]


def _connect(url: str) -> socket.socket:
    u = urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    return s


def _read_all(s: socket.socket) -> bytes:
    chunks = []
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_half_a_request_is_cut_off_after_the_client_timeout():
    with running_server(CHAINRULE_CLIENT_SECONDS="1") as (url, _proc):
        # half a head: the connection is closed, nothing answered
        with _connect(url) as s:
            s.sendall(b"POST /api/v1/graphs HTTP/1.1\r\nHost: x\r\nContent-")
            assert _read_all(s) == b""
        # a whole head and half a body: 408 in the error shape
        with _connect(url) as s:
            s.sendall(b"POST /api/v1/graphs HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                      b'{"program":')
            answer = _read_all(s)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408"), answer
            assert json.loads(body)["error"]["type"] == "limit_error"
        # a whole request on the same kind of connection is answered
        assert httpx.post(url + "/api/v1/graphs", json={"program": "loss = 2.0"}).status_code == 200
