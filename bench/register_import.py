"""Import register-shaped rows, against raw `executemany` of the same rows (R4; obviously synthetic data).

    .venv/bin/python bench/register_import.py [--rows 20000] [--db sqlite|postgresql] [--repeat 3]

Writes a JSON Lines file shaped like an arms-transfer register: 40 systems ("Test System
N"), one dataset source (https://example.org/...), and --rows transfer claims (supplier and
recipient countries, a system, the number delivered, a year, one citation to the source,
the external id `sipri_deal` with the delivery year as its `part`). Each round imports it
into a fresh migrated database through the real import path (`read_jsonl` and
`import_records` in one transaction, as `equipment-db import` does), then measures the
baseline: every row the import wrote (the tables it grew, the search documents among them)
is copied out, a second fresh database is migrated and stripped of its triggers, and the
rows go in again with the DBAPI connection's plain `executemany`, one per table, in one
transaction. R4 = baseline seconds / import seconds (1.0 would be the driver's speed).

Prints, best of --repeat for each side: both times, claims/s and R4; then the time the import
spent in its own statements (from SQLAlchemy's cursor events: the driver, the triggers they
fire, the search documents and stored totals written in SQL) and its commit, and the R4 an
import would reach if everything else (reading, validating, building rows, all Python) took
no time at all: the ceiling that the import's SQL sets. SQLite uses temporary
files; PostgreSQL creates and drops scratch databases beside --pg-url's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Json
from scratch import scratch_database
from sqlalchemy import event
from sqlmodel import SQLModel

from equipment_db import migrate
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, session_scope
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.service import Edit
from equipment_db.search.schema import AGGREGATE_TABLES, DEFER_TABLE, PG_TABLE, SQLITE_INDEX

COUNTRIES = ["FR", "DE", "PL", "BR", "IN", "JP", "KE", "NO", "PE", "GB", "US", "TR", "VN", "CD", "RU", "CN"]
SOURCE_URL = "https://example.org/test-register"
SYSTEMS = 40
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def register_jsonl(rows: int, seed: int = 11) -> str:
    """A register's deliveries as import records: one claim per deal and delivery year."""
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = [
        {"type": "system", "slug": f"test-system-{n}", "name": f"Test System {n}", "category": "manpads"}
        for n in range(1, SYSTEMS + 1)
    ]
    lines.append({"type": "source", "kind": "dataset", "title": "Test Register", "url": SOURCE_URL,
                  "published": "2026-12-05"})  # fmt: skip
    written, deal = 0, 100_000
    while written < rows:
        deal += 1
        recipient = rng.choice(COUNTRIES)
        supplier = rng.choice([c for c in COUNTRIES if c != recipient])
        system = rng.randint(1, SYSTEMS)
        ordered = rng.randint(1990, 2020)
        for year in range(ordered + 1, ordered + 1 + rng.randint(1, 5)):
            if written == rows:
                break
            number = rng.randint(1, 500)
            lines.append({
                "type": "claim", "kind": "transfer", "system": f"test-system-{system}", "country": recipient,
                "counterparty_country": supplier, "value": number, "counted": "missiles", "scope": "delivered",
                "about": str(year),
                "citations": [{"source": SOURCE_URL, "locator": f"deal {deal}, {year}",
                               "quote": f"Test deal {deal}: {number} delivered in {year}."}],
                "external_ids": [{"scheme": "sipri_deal", "value": str(deal), "part": str(year)}],
            })  # fmt: skip
            written += 1
    return "".join(json.dumps(line) + "\n" for line in lines)


def table_order(engine: sa.Engine) -> list[str]:
    """The tables to count and copy: the models' in dependency order, then the search documents
    and the aggregates triggers keep."""
    search = SQLITE_INDEX if engine.dialect.name == "sqlite" else PG_TABLE
    return [t.name for t in SQLModel.metadata.sorted_tables] + [search, *AGGREGATE_TABLES]


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in table_order(engine)}  # fmt: skip


def import_once(url: str, text: str) -> tuple[float, float, int, dict[str, int]]:
    """Seconds to import `text` into the fresh database at `url`, seconds of it in the import's
    statements and commit, claims created, tables grown."""
    engine = create_db_engine(get_settings(url=url))
    migrate.upgrade(engine)
    before = counts(engine)
    started_at: dict[int, float] = {}  # by cursor (`reads.cursor_rows` announces a start only: not counted)
    in_sql = [0.0, 0.0]  # seconds in statements; the moment the commit began

    def started(conn: Any, cursor: Any, *_: Any) -> None:
        started_at[id(cursor)] = time.perf_counter()

    def ended(conn: Any, cursor: Any, *_: Any) -> None:
        if (start := started_at.pop(id(cursor), None)) is not None:
            in_sql[0] += time.perf_counter() - start

    def committing(conn: Any) -> None:
        in_sql[1] = time.perf_counter()

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", ended)
    event.listen(engine, "commit", committing)
    started_import = time.perf_counter()
    with session_scope(engine, write=True) as session:
        report = import_records(session, read_jsonl(text), edit=Edit("bench", "register import"))
    finished = time.perf_counter()
    seconds = finished - started_import
    for name, listener in (("before_cursor_execute", started), ("after_cursor_execute", ended), ("commit", committing)):
        event.remove(engine, name, listener)
    after = counts(engine)
    engine.dispose()
    if report.issues or report.created["claim"] != text.count('"type": "claim"'):
        raise SystemExit(f"the import is wrong: {len(report.issues)} issues, {report.created['claim']} claims")
    sql_seconds = in_sql[0] + (finished - in_sql[1] if in_sql[1] else 0.0)
    return seconds, sql_seconds, report.created["claim"], {name: after[name] - before[name] for name in after}


def copy_out(url: str, tables: list[str]) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row of `tables`, as the driver gives them (an FTS5 table with its rowid)."""
    engine = create_db_engine(get_settings(url=url))
    out = {}
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for name in tables:
            rowid = "rowid, " if name == SQLITE_INDEX else ""
            cursor.execute(f'SELECT {rowid}* FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            out[name] = (columns, [tuple(_json(v) for v in row) for row in cursor.fetchall()])
    finally:
        connection.close()
        engine.dispose()
    return out


def _json(value: Any) -> Any:
    """psycopg reads json as dicts and lists; it writes them back only wrapped."""
    return Json(value) if isinstance(value, dict | list) else value


def baseline_once(url: str, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> float:
    """Seconds to write `rows` with plain executemany into a fresh migrated database without triggers."""
    engine = create_db_engine(get_settings(url=url))
    migrate.upgrade(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        if sqlite:
            triggers = connection.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            for name in list(triggers):
                connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
        else:
            triggers = connection.execute(sa.text(
                "SELECT DISTINCT trigger_name, event_object_table FROM information_schema.triggers"
            )).all()  # fmt: skip
            for name, table in triggers:
                connection.execute(sa.text(f'DROP TRIGGER "{name}" ON "{table}"'))
        for name in reversed(list(rows)):  # rows a migration wrote (none today) would collide
            connection.execute(sa.text(f'DELETE FROM "{name}"'))
        connection.execute(sa.text(f"DELETE FROM {DEFER_TABLE}"))
    marker = "?" if sqlite else "%s"
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        if sqlite:
            cursor.execute("BEGIN")
        for name, (columns, values) in rows.items():
            names = ", ".join(f'"{c}"' for c in columns)
            cursor.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({", ".join([marker] * len(columns))})', values)
        connection.commit()
        seconds = time.perf_counter() - started
    finally:
        connection.close()
        engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_URL, help=f"a PostgreSQL URL beside which to create scratch "
                                                         f"databases (default {PG_URL})")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = register_jsonl(args.rows)
    best_import = best_baseline = best_sql = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        pg_url = args.pg_url if args.db == "postgresql" else None
        for n in range(args.repeat):
            url, drop = scratch_database(pg_url, Path(tmp), f"r4_{os.getpid()}_import_{n}")
            try:
                seconds, sql_seconds, claims, grown = import_once(url, text)
                rows = copy_out(url, [name for name in grown if grown[name] > 0])
            finally:
                drop()
            best_import, best_sql = min(best_import, seconds), min(best_sql, sql_seconds)
            url, drop = scratch_database(pg_url, Path(tmp), f"r4_{os.getpid()}_baseline_{n}")
            try:
                best_baseline = min(best_baseline, baseline_once(url, rows))
            finally:
                drop()
    written = ", ".join(f"{name} {len(values):,}" for name, (_, values) in rows.items())
    print(f"engine={args.db} claims={claims} import_seconds={best_import:.2f} "
          f"claims_per_second={claims / best_import:,.0f} baseline_seconds={best_baseline:.2f} "
          f"baseline_claims_per_second={claims / best_baseline:,.0f} R4={best_baseline / best_import:.2f}")  # fmt: skip
    print(f"rows written: {written}")
    print(f"import_sql_seconds={best_sql:.2f} ({best_sql / best_import:.0%} of the import) "
          f"R4_ceiling={best_baseline / best_sql:.2f} (the import's statements and commit alone)")


if __name__ == "__main__":
    main()
