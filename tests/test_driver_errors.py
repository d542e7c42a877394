"""Driver errors that no library rule caught first are translated once per adapter, through
`errors.driver_error`, into one line that names the column or constraint: never a
traceback, on either engine (a 400-character subject was a 305-line traceback on PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from equipment_db.errors import DatabaseError, driver_error
from tests.dbs import DatabaseFactory, engine_for


def _violate(url: str, statement: str) -> sa.exc.DBAPIError:
    engine = engine_for(url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as raised, engine.begin() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()
    return raised.value


@pytest.mark.parametrize(("statement", "sqlite_field", "postgresql_field", "reading"), [
    ("UPDATE source SET public_id = (SELECT public_id FROM source ORDER BY id LIMIT 1)",
     "source.public_id", "uq_source_public_id", "is already taken"),
    ("UPDATE claim SET kind = NULL", "claim.kind", "kind", "is required"),
    ("UPDATE claim SET value_low = 2, value_high = 1 WHERE id = (SELECT min(id) FROM claim)",
     "ck_claim_value_order", "ck_claim_value_order", "breaks a check constraint"),
])  # fmt: skip
def test_a_constraint_violation_reads_as_one_line_naming_the_column_or_constraint(
    dbs: DatabaseFactory, statement: str, sqlite_field: str, postgresql_field: str, reading: str
) -> None:
    error = driver_error(_violate(dbs.seeded(), statement))
    field = sqlite_field if dbs.name == "sqlite" else postgresql_field
    assert isinstance(error, DatabaseError)
    assert error.field == field
    assert error.message.startswith(f"{field}: {reading} (")
    assert "\n" not in error.message


def test_a_value_longer_than_its_column_is_named_on_postgresql(dbs: DatabaseFactory) -> None:
    if dbs.name != "postgresql":
        pytest.skip("SQLite does not enforce VARCHAR lengths: the library's ClaimBase limits do")
    error = driver_error(_violate(dbs.seeded(), "UPDATE claim SET subject = repeat('x', 400)"))
    assert error.message == (
        "value: is longer than its column holds (value too long for type character varying(300))"
    )


def test_the_api_answers_a_driver_error_with_one_problem_body(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from equipment_db.api.app import create_app
    from equipment_db.api.routes import meta
    from equipment_db.config import get_settings

    url = dbs.seeded()
    raised = _violate(url, "UPDATE claim SET kind = NULL")

    def failing(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(meta, "table_counts", failing)
    app = create_app(get_settings(url=url))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/meta")
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.status_code, body["code"]) == (503, "database_error")
    assert "\n" not in body["detail"] and "Traceback" not in body["detail"]
