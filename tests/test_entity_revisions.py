"""Create, update and retract append revisions for every versioned entity, which stays readable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from equipment_db.actors import queries as actor_queries
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorUpdate
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import SystemUpdate, TargetTypeUpdate
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLink, ClaimLinkCreate
from equipment_db.database import session_scope
from equipment_db.errors import Retracted
from equipment_db.history import queries as history_queries
from equipment_db.history.service import Edit
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceUpdate
from equipment_db.vocab import EntityType, RevisionAction
from tests.factories import EDIT, add_claim, populate

UPDATE = Edit("test-editor", "corrected")
RETRACT = Edit("test-editor", "entered in error")

# entity type, key, loader, updater, retracter, field changed by the update
CASES: list[tuple[EntityType, str, Callable[..., Any], Callable[..., Any], Callable[..., Any], str]] = [
    (
        EntityType.system,
        "test-system-2",
        catalog_queries.get_system,
        lambda s, k: catalog_service.update_system(s, k, SystemUpdate(name="Test System Two"), edit=UPDATE),
        lambda s, k: catalog_service.retract_system(s, k, edit=RETRACT),
        "name",
    ),
    (
        EntityType.target_type,
        "test-target",
        catalog_queries.get_target_type,
        lambda s, k: catalog_service.update_target_type(
            s, k, TargetTypeUpdate(name="Test target 2"), edit=UPDATE
        ),
        lambda s, k: catalog_service.retract_target_type(s, k, edit=RETRACT),
        "name",
    ),
    (
        EntityType.actor,
        "Test Claimant",
        actor_queries.get_actor,
        lambda s, k: actor_service.update_actor(s, k, ActorUpdate(role="Test role"), edit=UPDATE),
        lambda s, k: actor_service.retract_actor(s, k, edit=RETRACT),
        "role",
    ),
    (
        EntityType.source,
        "https://example.org/report-1",
        source_queries.get_source,
        lambda s, k: source_service.update_source(s, k, SourceUpdate(title="Test Report One"), edit=UPDATE),
        lambda s, k: source_service.retract_source(s, k, edit=RETRACT),
        "title",
    ),
]


@pytest.mark.parametrize(
    ("entity_type", "key", "load", "update", "retract", "field"), CASES, ids=[case[0].value for case in CASES]
)
def test_create_update_retract_each_append_a_revision(
    engine: sa.Engine,
    entity_type: EntityType,
    key: str,
    load: Callable[[Session, str], Any],
    update: Callable[[Session, str], Any],
    retract: Callable[[Session, str], Any],
    field: str,
) -> None:
    populate(engine)
    with session_scope(engine, write=True) as session:
        update(session, key)
        retract(session, key)
    with session_scope(engine) as session:
        entity = load(session, key)  # a retracted entry still resolves
        assert entity.is_retracted and entity.retraction_reason == "entered in error"
        revisions = history_queries.revisions(session, entity_type, entity.id)
    assert [(r.version, r.action) for r in revisions] == [
        (1, RevisionAction.create),
        (2, RevisionAction.update),
        (3, RevisionAction.retract),
    ]
    assert revisions[0].snapshot[field] != revisions[1].snapshot[field] == getattr(entity, field)
    assert [r.reason for r in revisions[1:]] == ["corrected", "entered in error"]
    with pytest.raises(Retracted), session_scope(engine, write=True) as session:
        update(session, key)


def test_a_link_is_retracted_not_deleted(engine: sa.Engine) -> None:
    keys = populate(engine)
    first, second = add_claim(engine, keys["source"]), add_claim(engine, keys["source"], stated="2025-10-23")
    with session_scope(engine, write=True) as session:
        link = claim_service.create_link(
            session, ClaimLinkCreate(from_claim=first, to_claim=second, kind="contradicts"), edit=EDIT
        )
        claim_service.retract_link(session, link.id, edit=RETRACT)
    with session_scope(engine) as session:
        stored = session.get(ClaimLink, link.id)
        assert stored is not None and stored.is_retracted
        actions = [r.action for r in history_queries.revisions(session, EntityType.claim_link, link.id)]
    assert actions == [RevisionAction.create, RevisionAction.retract]
