"""Reading the history: every version of an entity, or one of them, and its version fields."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import Session, select

from equipment_db.base import Versioned, stored_utc
from equipment_db.errors import NotFound
from equipment_db.history.models import Revision
from equipment_db.reads import driver_rows
from equipment_db.vocab import EntityType, RevisionAction


def version_fields(entity: Versioned) -> dict[str, Any]:
    """The version fields every entry's detail adds to its record (`show`, the API)."""
    return {
        "version": entity.version,
        "created_at": entity.created_at.isoformat() if entity.created_at else None,
        "updated_at": entity.updated_at.isoformat() if entity.updated_at else None,
        "retracted_at": entity.retracted_at.isoformat() if entity.retracted_at else None,
        "retraction_reason": entity.retraction_reason,
    }


class RevisionRow(NamedTuple):
    """A revision as the ORM reads it (`Revision`'s fields), read as one row on the driver."""

    id: int
    entity_type: EntityType
    entity_id: int
    entity_key: str
    version: int
    action: RevisionAction
    created_at: datetime
    editor: str
    reason: str | None
    snapshot: dict[str, Any]


_REVISIONS = f"SELECT {', '.join(RevisionRow._fields)} FROM revision WHERE entity_type = ? AND entity_id = ?"


def _revision_rows(session: Session, sql: str, params: tuple[Any, ...]) -> list[RevisionRow]:
    """Revisions as plain rows (as ORM objects they cost most of a claim page's reads). What
    the session holds unwritten is flushed first, as the ORM's own query would."""
    session.flush()
    return [RevisionRow(id_, EntityType(kind), entity, key, version, RevisionAction(action), stored_utc(at),
                        editor, reason, json.loads(snapshot) if isinstance(snapshot, str) else snapshot)
            for id_, kind, entity, key, version, action, at, editor, reason, snapshot
            in driver_rows(session, sql, params)]  # type: ignore[arg-type]  # fmt: skip


def revisions(session: Session, entity_type: EntityType, entity_id: int) -> list[RevisionRow]:
    """Every version of an entity, oldest first (every entry page reads them all: its history)."""
    return _revision_rows(session, _REVISIONS + " ORDER BY version", (entity_type.value, entity_id))


def revision(
    session: Session, entity_type: EntityType, entity_id: int, version: int, *, key: str
) -> RevisionRow:
    """One version of an entity; not found (for `key`) if it has no such version."""
    found = _revision_rows(session, _REVISIONS + " AND version = ?", (entity_type.value, entity_id, version))
    if not found:
        raise NotFound(f"{entity_type.value} version", f"{key} v{version}", field="version")
    return found[0]


def count_revisions(session: Session) -> int:
    from sqlalchemy import func

    return session.exec(select(func.count()).select_from(Revision)).one()


# Bookkeeping that changes with every version, and row ids the snapshot also gives by name:
# not "what changed".
QUIET = frozenset({"version", "updated_at", "created_at", "id", "system_id", "related_system_id", "target_type_id",
                   "claimant_id", "claimant_ids", "party_actor_id", "counterparty_actor_id", "parent_id",
                   "cites_source_id"})  # fmt: skip


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field whose value differs between two snapshots, in the
    order of `after`'s keys."""
    names = [k for k in after if k not in QUIET and before.get(k) != after.get(k)]
    names += [k for k in before if k not in after and k not in QUIET]
    return [(name, before.get(name), after.get(name)) for name in names]


def changes_by_name(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """`changed_fields` by field name, as a history shows them: a stored snapshot's keys come
    back in an order that is not fixed (seen: a grade's three fields in two orders on SQLite
    under the parallel test runner), and a history must read the same each time it is shown."""
    return sorted(changed_fields(before, after))

