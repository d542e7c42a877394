"""Reading the history: every version of an entity, or one of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from equipment_db.errors import NotFound
from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType


def revisions(session: Session, entity_type: EntityType, entity_id: int) -> Sequence[Revision]:
    statement = (
        select(Revision)
        .where(Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.version)
    )
    return session.exec(statement).all()


def revision(
    session: Session, entity_type: EntityType, entity_id: int, version: int, *, key: str
) -> Revision:
    statement = select(Revision).where(
        Revision.entity_type == entity_type,
        Revision.entity_id == entity_id,
        Revision.version == version,
    )
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(f"{entity_type.value} version", f"{key} v{version}", field="version")
    return found


def count_revisions(session: Session) -> int:
    from sqlalchemy import func

    return session.exec(select(func.count()).select_from(Revision)).one()
