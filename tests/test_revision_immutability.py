"""Revisions cannot be changed or removed, whoever tries (migration 0006)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.dbs import DatabaseFactory, db_state, engine_for

STATEMENTS = [
    "UPDATE revision SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM revision)",
    "UPDATE revision SET snapshot = '{}'",
    "DELETE FROM revision WHERE id = (SELECT max(id) FROM revision)",
    "DELETE FROM revision",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_database_refuses_to_change_or_remove_a_revision(dbs: DatabaseFactory, statement: str) -> None:
    engine = engine_for(dbs.seeded())
    before = db_state(engine)
    with pytest.raises(sa.exc.DatabaseError) as refused, engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert "revisions are immutable" in str(refused.value)
    assert db_state(engine) == before
    engine.dispose()


def test_new_revisions_are_still_written(dbs: DatabaseFactory) -> None:
    from equipment_db.claims import service as claim_service
    from equipment_db.claims.models import ClaimUpdate
    from equipment_db.database import session_scope
    from equipment_db.history.service import Edit

    engine = engine_for(dbs.seeded())
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM revision")).scalar_one()
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, "C-YSESYR2E", ClaimUpdate(note="Test note."), edit=Edit("t", "test"))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM revision")).scalar_one() == count + 1
    engine.dispose()


def test_truncate_is_refused_on_postgresql(dbs: DatabaseFactory) -> None:
    if dbs.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has none)")
    engine = engine_for(dbs.seeded())
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE revision CASCADE"))
    engine.dispose()
