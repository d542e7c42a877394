"""Adding an internal note to a claim or a source. Notes are only ever added."""

from __future__ import annotations

from sqlmodel import Session

from equipment_db.errors import InvalidValue, MissingValue
from equipment_db.history.service import Edit
from equipment_db.notes.models import MAX_NOTE_LENGTH, EditorNote
from equipment_db.notes.queries import entry_of


def add_note(session: Session, key: str, text: str, *, edit: Edit) -> EditorNote:
    body = text.strip()
    if not body:
        raise MissingValue("note", "text")
    if len(body) > MAX_NOTE_LENGTH:
        raise InvalidValue("note", f"{len(body):,} characters", f"is too long: at most {MAX_NOTE_LENGTH:,} characters")
    if not edit.editor or not edit.editor.strip():
        raise MissingValue("editor", "on every change")
    entity_type, entity_id, public_key = entry_of(session, key)
    note = EditorNote(entity_type=entity_type, entity_id=entity_id, entity_key=public_key,
                      editor=edit.editor.strip(), text=body)  # fmt: skip
    session.add(note)
    session.flush()
    return note
