"""Append a revision in the same transaction as every write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from equipment_db.base import Versioned, utcnow
from equipment_db.errors import MissingValue
from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType, RevisionAction


@dataclass(frozen=True)
class Edit:
    """Who makes a change and why; recorded on the revision it creates."""

    editor: str
    reason: str | None = None

    def require_reason(self) -> str:
        if not self.reason or not self.reason.strip():
            raise MissingValue("reason", "for an edit or a retraction: say why")
        return self.reason.strip()


def touch(entity: Versioned, *, now: datetime | None = None) -> datetime:
    """Advance an existing entity to its next version."""
    when = now or utcnow()
    entity.version += 1
    entity.updated_at = when
    return when


def record(
    session: Session,
    *,
    entity_type: EntityType,
    entity: Versioned,
    key: str,
    action: RevisionAction,
    edit: Edit,
    snapshot: dict[str, Any],
) -> Revision:
    if not edit.editor or not edit.editor.strip():
        raise MissingValue("editor", "on every change")
    session.flush()
    revision = Revision(
        entity_type=entity_type,
        entity_id=entity.id,  # type: ignore[attr-defined]
        entity_key=key,
        version=entity.version,
        action=action,
        created_at=entity.updated_at,
        editor=edit.editor.strip(),
        reason=edit.reason.strip() if edit.reason else None,
        snapshot=snapshot,
    )
    session.add(revision)
    session.flush()
    return revision


def retract(entity: Versioned, edit: Edit) -> None:
    reason = edit.require_reason()
    when = touch(entity)
    entity.retracted_at = when
    entity.retraction_reason = reason
