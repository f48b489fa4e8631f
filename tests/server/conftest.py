from __future__ import annotations

import pytest
from chainrule.server.app import create_app
from chainrule.server.settings import Settings
from fastapi.testclient import TestClient

from .live import running_server


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def make_client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**settings)))


@pytest.fixture(scope="module")
def live_server():
    with running_server(CHAINRULE_MAX_NODES="200000", CHAINRULE_MAX_PROGRAM_CHARS="2000000",
                        CHAINRULE_MAX_BODY_BYTES="3000000",
                        CHAINRULE_MAX_RESPONSE_BYTES="200000000") as (url, proc):
        yield url, proc
