"""Adding an internal note to a claim or a source. Notes are only ever added."""

from __future__ import annotations

from sqlmodel import Session

from equipment_db.errors import MissingValue, TooLong
from equipment_db.history.service import Edit
from equipment_db.notes.models import EditorNote
from equipment_db.notes.queries import entry_of
from equipment_db.validation import TEXT_LIMIT


def add_note(session: Session, key: str, text: str, *, edit: Edit) -> EditorNote:
    body = text.strip()
    if not body:
        raise MissingValue("note", "text")
    if len(body) > TEXT_LIMIT:
        raise TooLong("note", len(body), TEXT_LIMIT)
    editor = edit.require_editor()
    entity_type, entity_id, public_key = entry_of(session, key)
    note = EditorNote(entity_type=entity_type, entity_id=entity_id, entity_key=public_key,
                      editor=editor, text=body)  # fmt: skip
    session.add(note)
    session.flush()
    return note
