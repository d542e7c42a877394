"""A system read as one row on the driver's cursor (`catalog.queries.system_row`, the API's
system lookup) is the system the ORM reads, and its summary is the same, on both engines."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from equipment_db.analysis import queries as analysis_queries
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import ExternalIdCreate, System, SystemCreate
from equipment_db.database import session_scope
from equipment_db.vocab import IdScheme, SystemCategory
from tests.factories import EDIT


def _variant_and_retracted(engine: sa.Engine) -> None:
    with session_scope(engine, write=True) as session:
        catalog_service.create_system(session, SystemCreate(
            slug="test-system-1", name="Test System 1", category=SystemCategory.manpads, origin_country="Kosovo",
            manufacturer="Example Works", description="A synthetic system.", wikidata_qid="Q1"), edit=EDIT)  # fmt: skip
        catalog_service.create_system(session, SystemCreate(
            slug="test-system-1-m", name="Test System 1M", category=SystemCategory.manpads,
            parent="test-system-1"), edit=EDIT)  # fmt: skip
        catalog_service.add_external_id(session, "test-system-1-m",
                                        ExternalIdCreate(scheme=IdScheme.wikidata, value="Q2"), edit=EDIT)  # fmt: skip
        catalog_service.create_system(session, SystemCreate(
            slug="test-system-2", name="Test System 2", category=SystemCategory.manpads), edit=EDIT)  # fmt: skip
        catalog_service.retract_system(session, "test-system-2", edit=EDIT)


def test_every_system_reads_as_the_orm_reads_it(seeded: sa.Engine) -> None:
    _variant_and_retracted(seeded)
    with Session(seeded) as session:
        systems = session.exec(select(System).order_by(System.id)).all()
        assert len(systems) > 3
        for system in systems:
            found = catalog_queries.system_row(session, system.id)  # type: ignore[arg-type]
            assert found is not None
            assert found._asdict() == {name: getattr(system, name) for name in found._fields}, system.slug
            assert found.created_at is not None and found.created_at.tzinfo is not None
            assert catalog_queries.system_view(session, found) == catalog_queries.system_view(session, system)
            assert (analysis_queries.system_summary(session, found)
                    == analysis_queries.system_summary(session, system)), system.slug  # fmt: skip
        views = {s.slug: catalog_queries.system_view(session, catalog_queries.system_row(session, s.id))  # type: ignore[arg-type]
                 for s in systems}  # fmt: skip
        assert catalog_queries.system_row(session, max(s.id for s in systems) + 1) is None  # type: ignore[type-var,operator]
    # What the comparison covered: a variant, an external id, a retraction, a country code.
    assert views["test-system-1-m"]["parent"] == "test-system-1"
    assert views["test-system-1-m"]["external_ids"] == [{"scheme": "wikidata", "value": "Q2"}]
    assert views["test-system-2"]["retracted_at"] is not None
    assert views["test-system-1"]["origin_country"] == "XK"
