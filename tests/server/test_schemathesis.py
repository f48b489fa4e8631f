"""Property-based API tests from /openapi.json: no 500s, and every response
matches the schema it documents (the trace included)."""

from __future__ import annotations

import schemathesis
from chainrule.server.app import create_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_matches_its_schema(case):
    # A schema-valid body can still hold a bad program (a 400 with its place):
    # which names a program uses is beyond what a JSON schema can say.
    # Heavy bodies (an evolution strategy of 999 over 100 steps) run in a worker
    # process at a lower priority: on a busy machine that can take over 10 s.
    case.call_and_validate(excluded_checks=[positive_data_acceptance], timeout=60)
