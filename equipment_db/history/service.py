"""Append a revision in the same transaction as every write.

The one home of the revision rules, for single writes and for bulk import alike: who may
write (an editor is named), when a reason is needed, how a version advances, what one
revision row holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from equipment_db.base import Versioned, utcnow
from equipment_db.errors import MissingValue, Retracted
from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType, RevisionAction

E = TypeVar("E", bound=Versioned)


@dataclass(frozen=True)
class Edit:
    """Who makes a change and why; recorded on the revision it creates."""

    editor: str
    reason: str | None = None

    def require_reason(self) -> str:
        if not self.reason or not self.reason.strip():
            raise MissingValue("reason", "for an edit or a retraction: say why")
        return self.reason.strip()

    def require_editor(self) -> str:
        if not self.editor or not self.editor.strip():
            raise MissingValue("editor", "on every change")
        return self.editor.strip()


def touch(entity: Versioned, *, now: datetime | None = None) -> datetime:
    """Advance an existing entity to its next version."""
    when = now or utcnow()
    entity.version += 1
    entity.updated_at = when
    return when


def editable(entity: E, kind: str, key: object) -> E:
    """`entity`, unless it is retracted: a retracted entry stays readable, not editable."""
    if entity.is_retracted:
        raise Retracted(kind, key)
    return entity


def apply_changes(entity: Versioned, changes: dict[str, Any]) -> dict[str, Any]:
    """Set the fields of `changes` that differ from `entity` and, if any did, advance its
    version. Returns what changed (empty: nothing to record)."""
    changed = {name: value for name, value in changes.items() if getattr(entity, name) != value}
    for name, value in changed.items():
        setattr(entity, name, value)
    if changed:
        touch(entity)
    return changed


def revision_row(*, entity_type: EntityType, entity_id: int, key: str, version: int, action: RevisionAction,
                 created_at: datetime, edit: Edit, snapshot: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The column values of one revision: the same for a single write and a bulk import."""
    return {
        "entity_type": entity_type, "entity_id": entity_id, "entity_key": key, "version": version,
        "action": action, "created_at": created_at, "editor": edit.require_editor(),
        "reason": edit.reason.strip() if edit.reason and edit.reason.strip() else None, "snapshot": snapshot,
    }  # fmt: skip


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
    edit.require_editor()
    session.flush()
    revision = Revision(**revision_row(
        entity_type=entity_type, entity_id=entity.id, key=key, version=entity.version,  # type: ignore[attr-defined]
        action=action, created_at=entity.updated_at, edit=edit, snapshot=snapshot,
    ))  # fmt: skip
    session.add(revision)
    session.flush()
    return revision


def retract(entity: Versioned, edit: Edit) -> None:
    reason = edit.require_reason()
    when = touch(entity)
    entity.retracted_at = when
    entity.retraction_reason = reason
