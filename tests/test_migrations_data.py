"""Migrations with data (T10): every revision steps down and up again on the seeded database.

The model tables exist from the first revision on, so every step above it must keep their
rows exactly; the derived objects (search documents, claim_count, quantity_tally and the
triggers that keep them) must come back rebuilt from the rows. Only the last step, down to
base, removes the tables and so the data: that is what a downgrade to base means.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from equipment_db import migrate, schema_version
from equipment_db.claims import service as claim_service
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.models import metadata
from equipment_db.search import queries as search_queries
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import claim_input
from tests.reliability import report

SCRIPT = ScriptDirectory.from_config(migrate.alembic_config())
REVISIONS = [r.revision for r in reversed(list(SCRIPT.walk_revisions()))]  # base first
QUANTITY_KINDS = {"inventory", "deployment", "transfer", "production", "use", "loss"}
SEARCHES = ("Igla", "Maduro", "Anadolu", "missiles", "Stinger")


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def db_state(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every model table the schema at this revision has (a table that a later
    revision adds is not there below it, and takes its rows with it)."""
    present = _tables(engine)
    inspector = sa.inspect(engine)
    state = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name in present:
                columns = {c["name"] for c in inspector.get_columns(table.name)}
                shown = [c for c in table.columns if c.name in columns]
                rows = connection.execute(sa.select(*shown)).mappings()
                state[table.name] = sorted((dict(row) for row in rows), key=lambda row: repr(sorted(row.items())))
    return state


def same_rows(state: dict[str, list], before: dict[str, list]) -> bool:
    """The tables in `state` hold what they held `before` (none of `before` lost rows unless
    absent), in the columns the schema has at this revision (a column a later revision adds
    is not there below it, and takes its values with it)."""
    def kept(rows: list[dict], columns: set[str]) -> list[dict]:
        return sorted(({k: v for k, v in row.items() if k in columns} for row in rows),
                      key=lambda row: repr(sorted(row.items())))  # fmt: skip

    for name, rows in state.items():
        if name not in before:
            return False
        if not rows:
            if before[name]:
                return False
        elif kept(before[name], set(rows[0])) != rows:
            return False
    return True


def as_below(state: dict[str, list], revision: str) -> dict[str, list]:
    """`state` as a revision below 0018 holds it: an external id's part in its value."""
    if int(revision) >= 18 or not state.get("external_id"):
        return state
    folded = [row | {"value": f"{row['value']}#part={row['part']}"} if row.get("part") else row
              for row in state["external_id"]]  # fmt: skip
    return state | {"external_id": folded}


def _claims(engine: sa.Engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT system_id, kind, country, attribute, rank, retracted_at, counted, value_low, value_high, "
            "qualifier, about_start, stated_on FROM claim"
        )).all()  # fmt: skip


def _active(c: Any) -> bool:
    return c.system_id is not None and c.retracted_at is None and c.rank != "deprecated"


def _year(value: Any) -> int | None:
    return None if value is None else int(str(value)[:4])


def recount_claim_counts(engine: sa.Engine) -> dict[tuple, int]:
    return dict(Counter((c.system_id, c.kind, c.country or "", c.attribute or "")
                        for c in _claims(engine) if _active(c)))  # fmt: skip


def recount_quantity_tallies(engine: sa.Engine) -> dict[tuple, tuple]:
    groups: dict[tuple, list[tuple]] = {}
    for c in _claims(engine):
        year = _year(c.about_start or c.stated_on)
        has_number = c.value_low is not None or c.value_high is not None
        if not (_active(c) and c.country and c.kind in QUANTITY_KINDS and year is not None
                and (has_number or c.qualifier == "unspecified")):  # fmt: skip
            continue
        low = c.value_low if c.value_low is not None else c.value_high
        high = c.value_high if c.value_high is not None else c.value_low
        groups.setdefault((c.system_id, c.country, year, c.kind, c.counted or ""), []).append((low, high))
    return {
        key: (len(pairs), min((lo for lo, _ in pairs if lo is not None), default=None),
              max((hi for _, hi in pairs if hi is not None), default=None))
        for key, pairs in groups.items()
    }  # fmt: skip


def assert_derived_objects_match_the_rows(engine: sa.Engine, searched: dict[str, list] | None) -> None:
    tables = _tables(engine)
    with engine.connect() as connection:
        if "claim_count" in tables:
            stored = {tuple(r[:4]): r[4] for r in connection.execute(sa.text(
                "SELECT system_id, kind, country, attribute, n FROM claim_count WHERE n <> 0"))}  # fmt: skip
            assert stored == recount_claim_counts(engine)
        if "quantity_tally" in tables:
            rows = connection.execute(sa.text("SELECT system_id, country, year, kind, counted, n, low, high "
                                              "FROM quantity_tally WHERE n <> 0"))  # fmt: skip
            tallies = {tuple(r[:5]): (r[5], r[6], r[7]) for r in rows}
            assert tallies == recount_quantity_tallies(engine)
    if searched is not None and ({"search_index", "search_document"} & tables):
        assert search_results(engine) == searched


def search_results(engine: sa.Engine) -> dict[str, list]:
    with session_scope(engine) as session:
        return {word: [(h.type, h.key) for h in search_queries.search(session, word, limit=50)]
                for word in SEARCHES}  # fmt: skip


def test_every_revision_steps_down_and_up_again_keeping_the_seed_data(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    assert schema_version.current(engine) == REVISIONS[-1] and len(REVISIONS) >= 6
    before = db_state(engine)
    searched = search_results(engine)
    assert all(searched.values()), searched  # every word finds seeded text
    assert_derived_objects_match_the_rows(engine, searched)
    stepped = []
    for revision, below in zip(reversed(REVISIONS[1:]), reversed(REVISIONS[:-1]), strict=True):
        # what this revision finds (revision 0017 made claims findable by their system's names)
        found_here = search_results(engine) if {"search_index", "search_document"} & _tables(engine) else None
        migrate.downgrade(engine, below)  # head-1, then up to head, then down again, ...
        assert schema_version.current(engine) == below
        assert same_rows(db_state(engine), as_below(before, below)), f"rows changed going down to {below}"
        migrate.upgrade(engine, revision)
        assert same_rows(db_state(engine), as_below(before, revision)), f"rows changed going up again to {revision}"
        assert_derived_objects_match_the_rows(engine, found_here)
        migrate.downgrade(engine, below)
        stepped.append(revision)
    assert schema_version.current(engine) == REVISIONS[0] and same_rows(db_state(engine), as_below(before, REVISIONS[0]))
    assert {"claim", "citation", "claim_link", "revision", "source", "system"} <= set(db_state(engine))
    assert stepped == REVISIONS[:0:-1]

    migrate.upgrade(engine)  # all the way up in one go from the first revision
    assert db_state(engine) == before
    assert_derived_objects_match_the_rows(engine, searched)
    engine.dispose()
    report("T10 migrations with data", dbs.name, revisions_stepped_down_and_up=len(stepped),
           rows_kept=sum(len(rows) for rows in before.values()), rows_lost=0)  # fmt: skip


def test_the_triggers_work_again_after_a_round_trip_to_the_first_revision(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    migrate.downgrade(engine, REVISIONS[0])
    migrate.upgrade(engine)
    with session_scope(engine, write=True) as session:
        claim_service.create_claim(
            session,
            claim_input("S-SNXDBGDV", system="igla-s", country="VE", value=7, stated="2024-05",
                        citations=[{"source": "S-SNXDBGDV", "quote": "Zyxwvut quote after migrations."}],
                        claimant=None),
            edit=Edit("test-editor", "after a round trip"),
        )  # fmt: skip
    assert_derived_objects_match_the_rows(engine, None)
    with session_scope(engine) as session:
        assert [h.type for h in search_queries.search(session, "Zyxwvut")] == ["claim"]
    with pytest.raises(sa.exc.DatabaseError, match="revisions are immutable"), engine.begin() as connection:
        connection.execute(sa.text("UPDATE revision SET reason = 'rewritten'"))
    engine.dispose()


def test_a_downgrade_to_base_removes_the_tables_and_their_data(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    migrate.downgrade(engine, "base")
    assert schema_version.current(engine) is None and _tables(engine) == set()
    migrate.upgrade(engine)
    assert all(rows == [] for rows in db_state(engine).values())
    engine.dispose()
