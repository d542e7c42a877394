"""Migrations 0008 (qualifier words) and 0009 (the source's numbers) with data: existing values
stay exactly as they were, rows written before 0009 are shown as before (converted back), and a
step down that could not hold a row's meaning is refused rather than converting it silently."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from equipment_db import migrate, schema_version
from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import claim_input

VALUES = "SELECT public_id, value_low, value_high, unit, original_unit, qualifier, value_text FROM claim ORDER BY id"


def _values(engine: sa.Engine) -> list[Any]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(VALUES))]


def _add(engine: sa.Engine, **fields: Any) -> str:
    with session_scope(engine, write=True) as session:
        data = claim_input("S-SNXDBGDV", system="igla-s", stated="2024-05", claimant=None,
                           citations=[{"source": "S-SNXDBGDV", "quote": "Test quote."}], **fields)  # fmt: skip
        return claim_service.create_claim(session, data, edit=Edit("test-editor", "migration test")).public_id


def _shown(engine: sa.Engine, public_id: str) -> tuple[str, str | None]:
    with session_scope(engine) as session:
        detail = claim_queries.claim_detail(session, public_id)
    return detail["value_as_worded"], detail["value_converted"]


def test_the_source_numbers_survive_a_step_down_and_up_and_values_never_change(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    speed = _add(engine, kind="specification", attribute="speed", value="2,100 km/h", country=None,
                 counted=None, qualifier=None, value_text=None)
    before = _values(engine)
    assert _shown(engine, speed) == ("2,100 km/h", "583 m/s")
    migrate.downgrade(engine, "0008")
    assert "original_low" not in {c["name"] for c in sa.inspect(engine).get_columns("claim")}
    assert _values(engine) == before
    migrate.upgrade(engine)
    assert _values(engine) == before
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT original_low, original_high FROM claim WHERE public_id = :id"),
                                  {"id": speed}).one()  # fmt: skip
        assert tuple(kept) == ("2100", "2100")
        assert "claim_given_numbers" not in sa.inspect(connection).get_table_names()
    engine.dispose()


def test_a_row_written_before_0009_keeps_its_value_and_is_shown_converted_back(dbs: DatabaseFactory) -> None:
    """No source number is invented for an old row: it has none, and shows what it showed."""
    engine = engine_for(dbs.seeded())
    speed = _add(engine, kind="specification", attribute="speed", value="2,100 km/h", country=None,
                 counted=None, qualifier=None, value_text=None)
    migrate.downgrade(engine, "0008")
    with engine.begin() as connection:  # as a 0008 database held it: no side table to restore from
        connection.execute(sa.text("DELETE FROM claim_given_numbers"))
    before = _values(engine)
    migrate.upgrade(engine)
    assert _values(engine) == before
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT original_low, original_high, value_low FROM claim "
                                          "WHERE public_id = :id"), {"id": speed}).one()  # fmt: skip
    assert tuple(kept) == (None, None, 583.333333333)
    assert _shown(engine, speed) == ("2,100 km/h", "583 m/s")
    engine.dispose()


def test_a_step_below_0008_is_refused_while_a_claim_uses_a_new_qualifier(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    _add(engine, kind="inventory", country="VE", value="nearly 2,000", qualifier=None, value_text=None)
    migrate.downgrade(engine, "0008")
    before = _values(engine)
    with pytest.raises(RuntimeError, match="use just_over, nearly or magnitude"):
        migrate.downgrade(engine, "0007")
    assert schema_version.current(engine) == "0008" and _values(engine) == before
    migrate.upgrade(engine)
    assert schema_version.is_up_to_date(engine)
    engine.dispose()
