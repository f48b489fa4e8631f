"""Security headers on every response; CORS only when a setting lists origins."""

from __future__ import annotations

import pytest

from .conftest import make_client


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/healthz"), ("get", "/api/v1/examples"), ("post", "/api/v1/graphs"),
    ("get", "/openapi.json"), ("get", "/missing"), ("get", "/static/vendor/d3/LICENSE"),
])
def test_security_headers_on_every_response(client, method, path):
    r = getattr(client, method)(path, **({"json": {"program": "loss = 1"}}
                                        if method == "post" else {}))
    csp = r.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


def test_no_cors_by_default(client):
    r = client.get("/healthz", headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_listed():
    c = make_client(cors_origins=["https://course.example"])
    r = c.get("/healthz", headers={"origin": "https://course.example"})
    assert r.headers["access-control-allow-origin"] == "https://course.example"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHAINRULE_MAX_NODES", "3")
    r = make_client().post("/api/v1/graphs", json={"program": "x = 1.0\nloss = x + x + x + x"})
    assert r.status_code == 400 and "more than 3 nodes" in r.json()["error"]["message"]


def test_docs_page_is_served_from_this_app(client):
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
