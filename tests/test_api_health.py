"""/health says whether the database is a hot standby and how far it lags (a primary and SQLite
are not standbys: null lag), and the API's requests run read-only on PostgreSQL, as they must on
a standby. The standby itself is in tests/test_deploy_standby.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from equipment_db.api.deps import install_query_limit, query_time_limit
from equipment_db.stats import replication
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for


@pytest.fixture
def pg(_factories: dict[str, DatabaseFactory | str]) -> DatabaseFactory:
    factory = _factories["postgresql"]
    if isinstance(factory, str):
        pytest.skip(factory)
    return factory


def test_health_says_a_primary_or_sqlite_is_no_standby_and_is_never_cached(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": dbs.name, "standby": False, "replication_lag_s": None}
    assert response.headers["cache-control"] == "no-store"


def test_replication_reads_a_primary_as_no_standby(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    try:
        with engine.connect() as connection:
            assert replication(connection) == (False, None)
    finally:
        engine.dispose()


def test_an_api_request_runs_in_a_read_only_transaction_on_postgresql(pg: DatabaseFactory) -> None:
    """Inside a request's limit (as the API's session is) the transaction is READ ONLY and a
    write fails; outside it (the CLI on the same engine) the same pool's connections write."""
    engine = engine_for(pg.migrated())
    install_query_limit(engine)
    write = sa.text("CREATE TABLE test_write (x int)")
    try:
        with query_time_limit(5000), engine.connect() as connection:
            assert connection.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "on"
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                connection.execute(write)
        with engine.begin() as connection:
            assert connection.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "off"
            connection.execute(write)
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT to_regclass('test_write')")).scalar_one() == "test_write"
    finally:
        engine.dispose()
