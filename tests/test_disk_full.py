"""Disk full (issue 6, T6): an import that fills the database fails with one clear line,
writes nothing, and leaves the database readable and usable.

SQLite only: the disk is "full" through `PRAGMA max_page_count`, set just above the
database's page count on every new connection to it. PostgreSQL has no such setting, and
filling a real disk or tablespace under it is not cheap to simulate, so its half of each
test is skipped; `DatabaseFull.caused` also knows PostgreSQL's disk_full (SQLSTATE 53100).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cli.main import app
from equipment_db.database import sqlite_path
from tests.api_client import api
from tests.dbs import DatabaseFactory, db_state, engine_for

runner = CliRunner()
HEADROOM = 8  # pages beyond the current size: enough to start writing, far too few for the file


Full = tuple[str, Path, Callable[[], None]]


@pytest.fixture
def full_sqlite(dbs: DatabaseFactory) -> Iterator[Full]:
    """A seeded SQLite database whose new connections may grow it by HEADROOM pages only,
    until the test ends or calls the third item (`lift`)."""
    if dbs.name != "sqlite":
        pytest.skip("PostgreSQL has no max_page_count: the disk-full tests are SQLite only")
    url = dbs.seeded()
    path = sqlite_path(url)
    assert path is not None
    with sqlite3.connect(path) as connection:
        limit = connection.execute("PRAGMA page_count").fetchone()[0] + HEADROOM

    def cap(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if Path(cursor.execute("PRAGMA database_list").fetchone()[2]) == path:
            cursor.execute(f"PRAGMA max_page_count = {limit}")
        cursor.close()

    def lift() -> None:
        if sa.event.contains(sa.Engine, "connect", cap):
            sa.event.remove(sa.Engine, "connect", cap)

    sa.event.listen(sa.Engine, "connect", cap)
    try:
        yield url, path, lift
    finally:
        lift()


def _claims_file(folder: Path, count: int, first: int = 0) -> Path:
    records: list[dict[str, Any]] = [
        {"type": "source", "id": "S-0000000T", "kind": "news_article", "title": "Test Report 1",
         "url": "https://example.org/disk-full-report"},
    ]  # fmt: skip
    for n in range(first, first + count):
        records.append({"type": "claim", "kind": "inventory", "system": "igla-s", "country": "FR",
                        "value_low": n + 1, "qualifier": "exact", "counted": "missiles",
                        "value_text": f"Test wording {n} " * 10,
                        "citations": [{"source": "S-0000000T", "quote": f"Test quote {n}. " * 20}]})  # fmt: skip
    path = folder / f"claims-{first}-{count}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _import(url: str, path: Path) -> Any:
    return runner.invoke(app, ["--db", url, "--editor", "test-editor", "import", str(path)])


def test_an_import_that_fills_the_database_fails_with_one_line_and_writes_nothing(
    full_sqlite: Full, tmp_path: Path
) -> None:
    url, path, _ = full_sqlite
    engine = engine_for(url)
    before = db_state(engine)
    engine.dispose()
    result = _import(url, _claims_file(tmp_path, 2000))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"error: database: {str(path)!r} is full (database or disk is full); nothing was written\n"
    ), (result.output, result.exception)  # fmt: skip
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    engine = engine_for(url)
    assert db_state(engine) == before
    engine.dispose()


def test_a_read_through_the_api_works_while_the_database_is_full(full_sqlite: Full, tmp_path: Path) -> None:
    url, _, _ = full_sqlite
    assert _import(url, _claims_file(tmp_path, 2000)).exit_code == 1
    with api(url) as client:
        response = client.get("/v1/systems/igla-s")
        assert response.status_code == 200, response.text
        assert response.json()["slug"] == "igla-s"


def test_after_a_full_database_the_file_is_intact_and_an_import_without_the_limit_succeeds(
    full_sqlite: Full, tmp_path: Path
) -> None:
    url, path, lift = full_sqlite
    assert _import(url, _claims_file(tmp_path, 2000)).exit_code == 1
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        claims = connection.execute("SELECT count(*) FROM claim").fetchone()[0]
    lift()  # the next connection has no limit
    result = _import(url, _claims_file(tmp_path, 20, first=5000))
    assert result.exit_code == 0, (result.output, result.exception)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM claim").fetchone()[0] == claims + 20
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
