"""The plans of the API's hot requests are checked in (tests/query_plans/), so a lost index fails.

SQLite: the EXPLAIN QUERY PLAN text of every statement. PostgreSQL: the indexes each request
uses with sequential scans switched off. Regenerate after an intended change with
EQUIPMENT_DB_UPDATE_PLANS=1 .venv/bin/pytest tests/test_query_plans.py
"""

from __future__ import annotations

import os
import sqlite3

import pytest
import sqlalchemy as sa

from tests import plans
from tests.dbs import DatabaseFactory

# (request, table) -> why reading the whole table is fine there. Tables outside
# plans.BIG_TABLES (system, target_type, actor, ...) stay small and are never reported.
# Empty today: no hot request reads a big table whole on either engine.
FULL_SCANS_ALLOWED: dict[tuple[str, str], str] = {}


def _engine_version(engine: sa.Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        return f"PostgreSQL {connection.exec_driver_sql('SHOW server_version').scalar()}"


def test_hot_query_plans_match_the_checked_in_expectations(dbs: DatabaseFactory, seeded: sa.Engine) -> None:
    actual = plans.plans_for(seeded)
    if os.environ.get(plans.UPDATE_ENV) == "1":
        if plans.save(dbs.name, actual):
            pytest.xfail(f"rewrote {plans.expectation_file(dbs.name)}: review the diff and commit it")
        return
    diffs = plans.differences(plans.load(dbs.name), actual)
    assert not diffs, (
        f"query plans changed on {_engine_version(seeded)} "
        f"({plans.expectation_file(dbs.name).relative_to(plans.EXPECTATIONS.parent.parent)}):\n\n"
        + "\n\n".join(diffs.values())
        + f"\n\n{plans.UPDATE_HINT}"
    )


def test_hot_queries_never_read_a_big_table_whole(seeded: sa.Engine) -> None:
    scans = plans.full_scans(plans.plans_for(seeded))
    unexpected = sorted(scan for scan in scans if scan[:2] not in FULL_SCANS_ALLOWED)
    assert not unexpected, "full scans of big tables (a missing index?):\n" + "\n".join(map(str, unexpected))
    stale = sorted(set(FULL_SCANS_ALLOWED) - {scan[:2] for scan in scans})
    assert not stale, f"FULL_SCANS_ALLOWED names scans that no longer happen: {stale}"


CLAIMS_BY_SYSTEM_COUNTRY = "Q3 claims by system, country and period"


def test_dropping_the_claim_system_indexes_is_reported_as_a_plan_change(
    dbs: DatabaseFactory, seeded: sa.Engine
) -> None:
    with seeded.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_claim_system_country_id")
        connection.exec_driver_sql("DROP INDEX ix_claim_system_id")

    actual = plans.plans_for(seeded)
    diffs = plans.differences(plans.load(dbs.name), actual)

    assert CLAIMS_BY_SYSTEM_COUNTRY in diffs, diffs
    lost = [line for line in diffs[CLAIMS_BY_SYSTEM_COUNTRY].splitlines() if line.startswith("-")]
    assert any("ix_claim_system_" in line for line in lost), diffs[CLAIMS_BY_SYSTEM_COUNTRY]
    # Requests that never read claims are not reported.
    assert "Q1a system by alias (redirect)" not in diffs
    assert "Q4 search one word" not in diffs
    assert "Q5b claims by system with citations" in diffs  # the list by system alone is reported too
