"""Errors that help, and pages that do not depend on the Host header: one line
per case. Malformed bodies all answer 422 in the error shape saying what is
wrong; unknown fields and functions are named with the nearest known ones;
an unknown page is a page; HEAD works; settings and --value errors name what
the user typed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from .conftest import make_client
from .live import free_port, running_server

POSTS = ["/api/v1/graphs", "/api/v1/graphs/html", "/api/v1/train", "/api/v1/compare"]

# raw body, words in the message
BODIES = [
    (b'{"program": ', "not valid JSON"),
    (b'{"program": "x = 1.0",}', "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"program": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
    (b'{"program": "x = 1.0\xff"}', "not UTF-8 (byte 0xff"),
    (b"\xfe\xff\x00{", "not UTF-8"),
    (b"", "empty"),
    (b'{"program": "x", "values": {"x": 1' + b"0" * 5000 + b"}}", "number too long"),
    (b"null", "must be a JSON object"),
    (b'["program"]', "must be a JSON object"),
]


@pytest.mark.parametrize(("body", "says"), BODIES, ids=range(len(BODIES)))
def test_a_malformed_body_is_422_with_what_is_wrong(body, says):
    client = make_client()
    for path in POSTS:
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, (path, r.text)
        error = r.json()["error"]
        assert error["type"] == "value_error" and says in error["message"], (path, error)


# path, body, the message
FIELDS = [
    ("/api/v1/graphs", {"programme": "loss = 1.0"},
     "unknown field 'programme'; did you mean 'program'?"),
    ("/api/v1/graphs", {"program": "loss = 1.0", "chek": True},
     "unknown field 'chek'; did you mean 'check'?"),
    ("/api/v1/graphs", {"program": "loss = 1.0", "zzz": 1},
     "unknown field 'zzz' (the fields are: program, values, check, format, include)"),
    ("/api/v1/graphs/html", {"program": "loss = 1.0", "stepp": 2},
     "unknown field 'stepp'; did you mean 'step'?"),
    ("/api/v1/train", {"program": "w = 1.0\nloss = w*w", "params": ["w"],
                       "optimizer": {"name": "sgd", "lrr": 0.1}},
     "unknown field 'lrr' in optimizer; did you mean 'lr'?"),
]


def test_a_body_without_the_json_content_type_says_so():
    r = make_client().post("/api/v1/graphs", content=b'{"program": "loss = 1.0"}',
                           headers={"content-type": "text/plain"})
    assert r.status_code == 422
    assert "Content-Type: application/json" in r.json()["error"]["message"]


@pytest.mark.parametrize(("path", "body", "says"), FIELDS, ids=range(len(FIELDS)))
def test_an_unknown_field_is_named_with_the_nearest_one(path, body, says):
    r = make_client().post(path, json=body)
    assert r.status_code == 422
    assert says in r.json()["error"]["message"], r.json()


# program, the suggestion
FUNCTIONS = [
    ("x = 1.0\nloss = tanhh(x)", "did you mean 'tanh'?"),
    ("x = 1.0\nloss = Sqrt(x)", "did you mean 'sqrt'?"),
    ("x = [1.0]\nloss = sum(softmx(x))", "did you mean 'softmax'"),
    ("x = 1.0\nloss = frobnicate(x)", "is not a known function (the functions are: exp,"),
]


@pytest.mark.parametrize(("program", "says"), FUNCTIONS, ids=range(len(FUNCTIONS)))
def test_an_unknown_function_suggests_and_lists(program, says):
    r = make_client().post("/api/v1/graphs", json={"program": program, "check": True})
    error = r.json()["error"]
    assert (r.status_code, error["type"], error["line"]) == (400, "parse_error", 2)
    assert says in error["message"] and "mse" in error["message"]
    run = subprocess.run([sys.executable, "-m", "chainrule", "grad", "-"], input=program,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and says in run.stderr


def test_an_unknown_page_is_a_page_and_the_api_stays_json():
    client = make_client()
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text and 'href="/train"' in r.text
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


# the variable, its value, words in the one line
SETTINGS = [
    ("CHAINRULE_MAX_NODES", "many", "valid integer"),
    ("CHAINRULE_MAX_DEPTH", "1000", "less than or equal to 150"),
    ("CHAINRULE_REQUEST_SECONDS", "-1", "greater than 0"),
    ("CHAINRULE_CORS_ORIGINS", "https://a.example", "not valid JSON"),
]


@pytest.mark.parametrize(("name", "value", "says"), SETTINGS, ids=[s[0] for s in SETTINGS])
def test_an_invalid_setting_is_one_line_naming_the_variable(name, value, says):
    run = subprocess.run([sys.executable, "-m", "chainrule", "serve", "--port", str(free_port())],
                         env={**os.environ, name: value}, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"chainrule serve: {name}=") and says in run.stderr


# --value, words in the one line
VALUES = [
    ("q=1", "--value q is not a name the program uses"),
    ("loss=2", "--value loss is computed by the program; --value can set only"),
    ("x=[[1], [2, 3]]", "--value 'x=[[1], [2, 3]]': it is not a rectangular list"),
    ("x=[]", "--value 'x=[]': it has an empty list"),
]


@pytest.mark.parametrize(("flag", "says"), VALUES, ids=range(len(VALUES)))
def test_value_errors_speak_of_the_flag(flag, says):
    for cmd in (["grad", "-"], ["export", "-", "-o", "-"]):
        run = subprocess.run([sys.executable, "-m", "chainrule", *cmd, "--value", flag],
                             input="x = 1.0\nloss = x*2", capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 2 and "values[" not in run.stderr, run.stderr
        assert says in run.stderr and run.stderr.count("\n") == 1, run.stderr


PAGES = ["/", "/train", "/compare", "/overfit", "/docs"]


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", PAGES)
def test_asset_urls_never_carry_the_host_header(page):
    client = make_client()
    r = client.get(page, headers={"host": "evil.example:666", "x-forwarded-proto": "https"})
    assert r.status_code == 200
    assert "evil.example" not in r.text
    assets = [a for a in _assets(r.text) if "/static/" in a]
    assert assets and all(a.startswith("/static/") for a in assets), assets
    # behind a proxy that serves the app under a prefix (uvicorn --root-path)
    prefixed = TestClient(client.app, root_path="/chainrule")
    r = prefixed.get(page)
    assets = [a for a in _assets(r.text) if "/static/" in a]
    assert assets and all(a.startswith("/chainrule/static/") for a in assets), assets


def test_head_works_on_a_real_server():
    with running_server() as (url, _proc):
        for page in PAGES:
            r = httpx.head(url + page)
            assert r.status_code == 200 and r.content == b"", page
            assert int(r.headers["content-length"]) > 0
        assert httpx.head(url + "/nope").status_code == 404
