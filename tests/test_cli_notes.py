"""`equipment-db note add/list`: editors' internal notes, signed, append-only, unpublished."""

from __future__ import annotations

import sqlalchemy as sa

from tests.cli_helpers import (  # noqa: F401  (_dispose_engines is an autouse fixture)
    EDITOR,
    _dispose_engines,
    assert_each_refused,
    ok,
    read_json,
    state,
)
from tests.dbs import DatabaseFactory, engine_for

CLAIM = "C-YSESYR2E"


def _versions(url: str) -> list[tuple]:
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT entity_key, version FROM revision ORDER BY id")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_note_add_keeps_a_signed_note_without_making_a_version(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = _versions(url)
    result = ok(url, "note", "add", CLAIM.lower(), "  Ask the desk about the 5,000 figure  ")
    assert result.stderr == f"Note added to {CLAIM}.\n"
    ok(url, "note", "add", CLAIM, "Second lead")
    notes = read_json(url, "note", "list", CLAIM)
    assert [(n["entry"], n["editor"], n["text"]) for n in notes] == [
        (CLAIM, EDITOR, "Ask the desk about the 5,000 figure"), (CLAIM, EDITOR, "Second lead")]  # fmt: skip
    assert _versions(url) == before  # the entry itself did not change


def test_a_source_is_found_by_id_or_url_and_lists_only_its_own_notes(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    source = read_json(url, "source", "list")[0]
    ok(url, "note", "add", source["url"] or source["id"], "Publisher confirmed the date by phone")
    ok(url, "note", "add", CLAIM, "claim note")
    notes = read_json(url, "note", "list", source["id"])
    assert [(n["entry"], n["text"]) for n in notes] == [(source["id"], "Publisher confirmed the date by phone")]


def test_bad_notes_are_refused_naming_the_field_and_write_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    assert_each_refused(url, [
        ("empty", ["note", "add", CLAIM, "   "], "note: required text"),
        ("too long", ["note", "add", CLAIM, "x" * 10_001],
         "note: 10,001 characters, more than the 10,000 it may hold"),
        ("unknown claim", ["note", "add", "C-00000000", "x"], "claim not found: 'C-00000000'"),
        ("unknown source", ["note", "add", "https://example.org/none", "x"],
         "claim or source not found: 'https://example.org/none'"),
    ])  # fmt: skip
