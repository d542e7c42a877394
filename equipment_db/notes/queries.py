"""Reading an entry's internal notes (editors only: the API never imports this module)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from equipment_db.claims import queries as claim_queries
from equipment_db.errors import NotFound
from equipment_db.notes.models import EditorNote, EditorNotePublic
from equipment_db.publicid import looks_like_public_id
from equipment_db.sources import queries as source_queries
from equipment_db.vocab import EntityType


def entry_of(session: Session, key: str) -> tuple[EntityType, int, str]:
    """(entity type, id, public id) of a claim id, or of a source id or URL."""
    text = key.strip()
    if looks_like_public_id(text, "claim"):
        claim = claim_queries.find_claim(session, text)
        if claim is None:
            raise NotFound("claim", text, field="entry")
        return EntityType.claim, claim.id, claim.public_id  # type: ignore[return-value]
    source = source_queries.find_source(session, text)
    if source is None:
        raise NotFound("claim or source", text, field="entry")
    return EntityType.source, source.id, source.public_id  # type: ignore[return-value]


def notes(session: Session, key: str) -> Sequence[EditorNotePublic]:
    """The notes on a claim (C-...) or source (S-... or its URL), oldest first."""
    entity_type, entity_id, public_key = entry_of(session, key)
    rows = session.exec(
        select(EditorNote)
        .where(EditorNote.entity_type == entity_type, EditorNote.entity_id == entity_id)
        .order_by(EditorNote.id)
    ).all()
    return [
        EditorNotePublic(entry=public_key, created_at=row.created_at, editor=row.editor, text=row.text)
        for row in rows
    ]
