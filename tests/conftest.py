"""Every database test runs twice: on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.dbs import ENGINES, DatabaseFactory, engine_for, postgres_required, postgres_unreachable_reason


def pytest_report_header(config: pytest.Config) -> str:
    reason = postgres_unreachable_reason()
    if reason is None:
        return "databases: SQLite and PostgreSQL"
    if postgres_required():
        return f"databases: PostgreSQL REQUIRED but unavailable: {reason}"
    return f"databases: SQLite only; PostgreSQL tests will be SKIPPED: {reason}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Required and unreachable: stop before any test, with the reason (under pytest-xdist too,
    where the same exit from a worker's fixture is an INTERNALERROR that hides it)."""
    if postgres_required() and (reason := postgres_unreachable_reason()) is not None:
        pytest.exit(f"EQUIPMENT_DB_REQUIRE_POSTGRES=1 but {reason}", returncode=3)


@pytest.fixture(scope="session")
def _factories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, DatabaseFactory | str]]:
    factories: dict[str, DatabaseFactory | str] = {
        "sqlite": DatabaseFactory("sqlite", tmp_path_factory.mktemp("sqlite"))
    }
    reason = postgres_unreachable_reason()
    if reason is None:
        factories["postgresql"] = DatabaseFactory("postgresql", tmp_path_factory.mktemp("pg"))
    elif postgres_required():
        pytest.exit(f"EQUIPMENT_DB_REQUIRE_POSTGRES=1 but {reason}", returncode=3)
    else:
        factories["postgresql"] = reason
    yield factories
    for factory in factories.values():
        if isinstance(factory, DatabaseFactory):
            factory.close()


@pytest.fixture(params=ENGINES)
def dbs(request: pytest.FixtureRequest, _factories: dict[str, DatabaseFactory | str]) -> DatabaseFactory:
    factory = _factories[request.param]
    if isinstance(factory, str):
        pytest.skip(factory)
    return factory


@pytest.fixture
def engine(dbs: DatabaseFactory) -> Iterator[sa.Engine]:
    """A fresh, migrated, empty database."""
    engine = engine_for(dbs.migrated())
    yield engine
    engine.dispose()


@pytest.fixture
def seeded(dbs: DatabaseFactory) -> Iterator[sa.Engine]:
    """A fresh database holding the seed data."""
    engine = engine_for(dbs.seeded())
    yield engine
    engine.dispose()
