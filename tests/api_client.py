"""Test clients for the API on a fresh database (SQLite and PostgreSQL, via `dbs`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from fastapi.testclient import TestClient

from equipment_db.api.app import create_app
from equipment_db.config import get_settings
from tests.dbs import engine_for


@contextmanager
def api(url: str, **settings: object) -> Iterator[TestClient]:
    """A TestClient over the app on `url`; server errors raise in the test."""
    engine = engine_for(url)
    app = create_app(get_settings(url=url, public_url="https://db.example.org", **settings), engine)
    try:
        with TestClient(app) as client:
            yield client
    finally:
        engine.dispose()


def statements(url: str, path: str, headers: dict[str, str] | None = None) -> int:
    """How many SQL statements one GET of `path` runs (for no-N+1 tests)."""
    engine = engine_for(url)
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    sa.event.listen(engine, "before_cursor_execute", counter)
    with TestClient(create_app(get_settings(url=url), engine)) as client:
        assert client.get(path, headers=headers).status_code == 200, path
    engine.dispose()
    return count
