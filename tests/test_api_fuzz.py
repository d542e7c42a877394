"""Issue 6 T1: every operation of the OpenAPI schema fuzzed with generated requests, in-process.

Schemathesis generates requests that the schema allows (any string where a string goes, any
integer in range, ...) and sends them to the app through ASGI, no server. Each answer must
not be a server error, and its status, media type, headers and body must be the ones the
schema documents. On a seeded database, on SQLite and on PostgreSQL; `size()` cases per
operation (100 in CI, 1000 nightly), counted and asserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from equipment_db.api.app import create_app
from equipment_db.config import get_settings
from tests.dbs import ENGINES, DatabaseFactory, db_state, engine_for
from tests.reliability import nightly, report, size

# Slow (the fast lane, `-m "not slow"`, leaves it out): schemathesis fuzzing of every operation (T1), about a minute.
pytestmark = pytest.mark.slow

CASES = size(ci=100, full=1000)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]  # fmt: skip
# CI: no shrinking (a failure is reported as generated, with a curl command to replay it).
PHASES = [Phase.explicit, Phase.generate] + ([Phase.shrink] if nightly() else [])


def _operation_labels() -> list[str]:
    """`GET /v1/systems`, ... read from the schema itself, so a new route is fuzzed unasked."""
    app = create_app(get_settings(url="sqlite://"), sa.create_engine("sqlite://"))
    return [f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item]


OPERATIONS = _operation_labels()


@dataclass
class Fuzzed:
    schema: OpenApiSchema
    engine: sa.Engine
    sent: Counter[str]  # requests per operation label


@pytest.fixture(scope="module", params=ENGINES)
def fuzzed(request: pytest.FixtureRequest, _factories: dict[str, DatabaseFactory | str]) -> Iterator[Fuzzed]:
    """One seeded database and one app per engine for the whole module (startup is the slow part)."""
    factory = _factories[request.param]
    if isinstance(factory, str):
        pytest.skip(factory)
    url = factory.seeded()
    engine = engine_for(url)
    app = create_app(get_settings(url=url, public_url="https://db.example.org"), engine)
    before = db_state(engine)
    found = Fuzzed(schemathesis.openapi.from_asgi("/openapi.json", app), engine, Counter())
    yield found
    assert db_state(engine) == before, "fuzzing a read-only API changed the database"
    report("T1 API fuzzing", request.param, operations=len(found.sent), requests=sum(found.sent.values()),
           fewest_per_operation=min(found.sent.values(), default=0), server_errors=0, schema_violations=0)
    engine.dispose()


def fuzz(schema: OpenApiSchema, label: str, cases: int) -> Counter[int]:
    """Send `cases` generated requests to the operation `label` and check each answer against
    the schema; the first failure raises. Returns how many answers had each status."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the schema"
    statuses: Counter[int] = Counter()

    def check(case: schemathesis.Case) -> None:
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    @settings(max_examples=cases, deadline=None, database=None, phases=PHASES,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy())
    def generated(case: schemathesis.Case) -> None:
        check(case)

    generated()
    # An operation without parameters has one possible request, which Hypothesis sends once:
    # it is sent again until it has been sent as often as any other.
    if not list(operation.iter_parameters()):
        for _ in range(cases - statuses.total()):
            check(operation.Case())
    return statuses


@pytest.mark.parametrize("label", OPERATIONS)
def test_generated_requests_get_no_server_error_and_answers_that_match_the_schema(fuzzed: Fuzzed, label: str) -> None:
    statuses = fuzz(fuzzed.schema, label, CASES)
    fuzzed.sent[label] += statuses.total()
    assert statuses.total() >= CASES, (label, statuses)
    assert not [status for status in statuses if status >= 500], (label, statuses)


# --- the harness finds what it is meant to find ---------------------------------------------------


def _broken_app() -> FastAPI:
    app = FastAPI()

    @app.get("/undocumented-status")
    def undocumented_status(n: int = 0) -> dict[str, int]:
        from fastapi import HTTPException

        raise HTTPException(status_code=418)

    @app.get("/wrong-body", response_model=None, responses={200: {"content": {"application/json": {
        "schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}}}}})  # fmt: skip
    def wrong_body(n: int = 0) -> dict[str, str]:
        return {"n": "not an integer"}

    @app.get("/crash")
    def crash(n: int = 0) -> dict[str, int]:
        return {"n": 1 // (n - n)}

    return app


@pytest.mark.parametrize(("path", "error"), [("/undocumented-status", FailureGroup),
                                             ("/wrong-body", FailureGroup), ("/crash", ZeroDivisionError)])
def test_the_fuzzer_fails_on_an_answer_the_schema_does_not_allow(path: str, error: type[Exception]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", _broken_app())
    with pytest.raises(error):
        fuzz(schema, f"GET {path}", 5)
