"""`claim_count` and `quantity_tally` (migration 0005): kept exact by triggers on every write path."""

from __future__ import annotations

import sqlalchemy as sa

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

EDIT = Edit("test-editor", "test edit")
COUNTED = """
SELECT system_id, kind, coalesce(country, ''), coalesce(attribute, ''), count(*) FROM claim
WHERE system_id IS NOT NULL AND retracted_at IS NULL AND rank <> 'deprecated' GROUP BY 1, 2, 3, 4
"""


TALLIED = """
SELECT system_id, country, {year}, kind, coalesce(counted, ''), count(*),
       min(coalesce(value_low, value_high)), max(coalesce(value_high, value_low)) FROM claim
WHERE system_id IS NOT NULL AND retracted_at IS NULL AND rank <> 'deprecated' AND country IS NOT NULL
  AND kind IN ('inventory', 'deployment', 'transfer', 'production', 'use', 'loss')
  AND (value_low IS NOT NULL OR value_high IS NOT NULL OR qualifier = 'unspecified')
  AND coalesce(about_start, stated_on) IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
"""


def _tally(engine: sa.Engine) -> tuple[set[tuple], set[tuple]]:
    """(what the table holds, a recount from the claims)."""
    year = ("CAST(substr(coalesce(about_start, stated_on), 1, 4) AS INTEGER)" if engine.dialect.name == "sqlite"
            else "CAST(extract(year FROM coalesce(about_start, stated_on)) AS integer)")  # fmt: skip
    with engine.connect() as connection:
        kept = connection.execute(sa.text(
            "SELECT system_id, country, year, kind, counted, n, low, high FROM quantity_tally WHERE n > 0"))
        recount = connection.execute(sa.text(TALLIED.format(year=year)))
        return {tuple(row) for row in kept}, {tuple(row) for row in recount}


def _kept(engine: sa.Engine) -> set[tuple]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT system_id, kind, country, attribute, n FROM claim_count WHERE n <> 0"))
        return {tuple(row) for row in rows}


def _recounted(engine: sa.Engine) -> set[tuple]:
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(sa.text(COUNTED))}


def test_the_seed_data_is_counted(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    assert _kept(engine) == _recounted(engine) and len(_kept(engine)) > 5
    kept, recount = _tally(engine)
    assert kept == recount and ("VE" in {row[1] for row in kept})


def test_counts_follow_edits_deprecation_and_retraction(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    keys = populate(engine)
    claims = [add_claim(engine, keys["source"], country=country, value=value)
              for country, value in (("FR", 10), ("FR", 500), ("DE", 7))]  # fmt: skip
    assert _kept(engine) == _recounted(engine)
    kept, recount = _tally(engine)
    assert kept == recount and {(r[1], r[5], r[6], r[7]) for r in kept} == {("FR", 2, 10, 500), ("DE", 1, 7, 7)}
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, claims[0], ClaimUpdate(country="PL"), edit=EDIT)
        claim_service.update_claim(session, claims[1], ClaimUpdate(rank="deprecated"), edit=EDIT)
        claim_service.retract_claim(session, claims[2], edit=EDIT)
    assert _kept(engine) == _recounted(engine)
    assert {(row[2], row[4]) for row in _kept(engine)} == {("PL", 1)}
    kept, recount = _tally(engine)  # the retraction and the deprecation took their figures with them
    assert kept == recount and {(r[1], r[5], r[6], r[7]) for r in kept} == {("PL", 1, 10, 10)}
    with engine.begin() as connection:  # a hand-written change is counted too
        connection.execute(sa.text("UPDATE claim SET rank = 'normal'"))
    assert {(row[2], row[4]) for row in _kept(engine)} == {("PL", 1), ("FR", 1)}
    assert _kept(engine) == _recounted(engine)
    kept, recount = _tally(engine)
    assert kept == recount and {(r[1], r[5], r[6], r[7]) for r in kept} == {("PL", 1, 10, 10), ("FR", 1, 500, 500)}


def test_a_bulk_import_is_tallied(dbs: DatabaseFactory) -> None:
    from equipment_db.exchange.exporter import export_records, to_text
    from equipment_db.exchange.importer import import_records
    from equipment_db.exchange.reader import read_jsonl

    seeded, empty = engine_for(dbs.seeded()), engine_for(dbs.migrated())
    with session_scope(seeded) as session:
        text = to_text(export_records(session), "jsonl")
    with session_scope(empty, write=True) as session:
        import_records(session, read_jsonl(text), edit=EDIT)
    assert _tally(empty)[0] == _tally(empty)[1]  # (system ids differ between the two databases)
    assert {row[1:] for row in _tally(empty)[0]} == {row[1:] for row in _tally(seeded)[0]}
    assert {row[1:] for row in _kept(empty)} == {row[1:] for row in _kept(seeded)}
