"""What is read as plain rows on the driver's cursor is what the ORM reads, on both engines:
a system (`catalog.queries.system_row`, the API's system lookup) and its summary, and an
entry's revisions (`history.queries.revisions` and `revision`, every entry page's history
and every version's page, JSON and citation)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from equipment_db.analysis import queries as analysis_queries
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import ExternalIdCreate, System, SystemCreate
from equipment_db.database import session_scope
from equipment_db.errors import NotFound
from equipment_db.history import queries as history_queries
from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType, IdScheme, RevisionAction, SystemCategory
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


def test_every_revision_reads_as_the_orm_reads_it(seeded: sa.Engine) -> None:
    _variant_and_retracted(seeded)
    with Session(seeded) as session:
        stored = session.exec(select(Revision).order_by(Revision.entity_type, Revision.entity_id,
                                                        Revision.version)).all()  # fmt: skip
        entities = sorted({(r.entity_type, r.entity_id) for r in stored})
        found = [row for kind, entity in entities for row in history_queries.revisions(session, kind, entity)]
        one_by_one = [history_queries.revision(session, r.entity_type, r.entity_id, r.version, key=r.entity_key)
                      for r in stored]  # fmt: skip
        with pytest.raises(NotFound) as missing:
            history_queries.revision(session, stored[0].entity_type, stored[0].entity_id, 99, key="test-key")
    assert missing.value.field == "version" and "test-key v99" in missing.value.message
    assert one_by_one == found
    assert len(found) == len(stored) > 50
    for row, revision in zip(found, stored, strict=True):
        assert row._asdict() == revision.model_dump(), (revision.entity_type, revision.entity_key, revision.version)
        assert row.created_at.tzinfo is not None
    # What the comparison covered: every kind of entry, a retraction, nested snapshots.
    assert {r.entity_type for r in stored} >= {EntityType.system, EntityType.claim, EntityType.source}
    assert any(r.action is RevisionAction.retract for r in found)
    assert any(r.snapshot.get("citations") for r in found)


def test_an_unwritten_revision_is_flushed_before_the_history_is_read(seeded: sa.Engine) -> None:
    with Session(seeded) as session:
        system = catalog_service.create_system(session, SystemCreate(
            slug="test-system-9", name="Test System 9", category=SystemCategory.manpads), edit=EDIT)  # fmt: skip
        session.add(Revision(entity_type=EntityType.system, entity_id=system.id, entity_key=system.slug, version=2,
                             action=RevisionAction.update, editor="test-editor", snapshot={}))  # fmt: skip
        assert session.new  # not written yet
        assert [r.version for r in history_queries.revisions(session, EntityType.system, system.id)] == [1, 2]  # type: ignore[arg-type]
        session.rollback()
