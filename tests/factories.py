"""Obviously synthetic test data (example.org, "Test System 1"), written through the services."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import AliasCreate, SystemCreate, TargetTypeCreate
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimCreate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.validation import parse_model
from equipment_db.vocab import ActorKind, AliasKind, SourceKind, SystemCategory

EDIT = Edit("test-editor", "test setup")
SOURCE_URL = "https://example.org/report-1"


def populate(engine: sa.Engine) -> dict[str, str]:
    """Two systems, a target type, an actor and a source; returns their keys."""
    with session_scope(engine, write=True) as session:
        catalog_service.create_system(
            session,
            SystemCreate(
                slug="test-system-1",
                name="Test System 1",
                category=SystemCategory.manpads,
                origin_country="FR",
                aliases=[AliasCreate(name="TS-1 Tester", kind=AliasKind.nato_reporting_name)],
            ),
            edit=EDIT,
        )
        catalog_service.create_system(
            session,
            SystemCreate(
                slug="test-system-2",
                name="Test System 2",
                category=SystemCategory.sam_system,
            ),
            edit=EDIT,
        )
        catalog_service.create_target_type(
            session, TargetTypeCreate(slug="test-target", name="Test target"), edit=EDIT
        )
        actor_service.create_actor(
            session, ActorCreate(name="Test Claimant", kind=ActorKind.person, country="FR"), edit=EDIT
        )
        source = source_service.create_source(
            session,
            SourceCreate(
                kind=SourceKind.news_article,
                title="Test Report 1",
                publisher="Example Press",
                url=SOURCE_URL,
                published="2025-10-23",
                language="en",
            ),
            edit=EDIT,
        )
    return {"system": "test-system-1", "other_system": "test-system-2", "source": source.public_id}


def claim_input(source: str, **fields: Any) -> ClaimCreate:
    """A valid inventory claim unless `fields` say otherwise."""
    data: dict[str, Any] = {
        "kind": "inventory",
        "system": "test-system-1",
        "country": "FR",
        "value": 100,
        "qualifier": "at_least",
        "value_text": "at least 100",
        "counted": "missiles",
        "claimant": "Test Claimant",
        "stated": "2025-10-22",
        "citations": [{"source": source, "quote": "Test quote one.", "locator": "para 2"}],
    }
    data.update(fields)
    return parse_model(ClaimCreate, {k: v for k, v in data.items() if v is not None})


def add_claim(engine: sa.Engine, source: str, **fields: Any) -> str:
    with session_scope(engine, write=True) as session:
        return claim_service.create_claim(session, claim_input(source, **fields), edit=EDIT).public_id
