"""One write path: `claim add`, the seed loader and bulk import pass through the same claim
rules and revision builder, so a rule changed in one place is enforced, with the same
message, on every path (the importer once had copies of the citation checks, the revision
rows and the id drawing, and a rule added to the services did not reach it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from equipment_db.claims import rules
from equipment_db.database import session_scope
from equipment_db.errors import InvalidValue
from equipment_db.exchange.importer import ImportFailed, import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.models import Revision
from equipment_db.history.service import Edit
from equipment_db.seed.loader import SeedError, load
from equipment_db.vocab import EntityType
from tests.cli_helpers import _dispose_engines, cli, explain, state  # noqa: F401  (autouse fixture)
from tests.dbs import DatabaseFactory, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source


def _claim_record(subject: str) -> dict[str, object]:
    return {"type": "claim", "kind": "inventory", "subject": subject, "country": "VE", "value_low": 100,
            "counted": "missiles", "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip


def _cli_add(url: str, subject: str) -> tuple[int, str]:
    result = cli(url, "claim", "add", "--kind", "inventory", "--subject", subject, "--country", "VE",
                 "--value", "100", "--counted", "missiles", "--source", ANADOLU)  # fmt: skip
    return result.exit_code, result.stderr


def _seed(url: str, folder: Path, subject: str) -> str:
    (folder / "claims.toml").write_text(
        "[[claim]]\n" f"kind = \"inventory\"\nsubject = \"{subject}\"\ncountry = \"VE\"\nvalue = 100\n"
        f"counted = \"missiles\"\ncitations = [{{ source = \"{ANADOLU}\", quote = \"Test quote.\" }}]\n",
        encoding="utf-8",
    )  # fmt: skip
    engine = engine_for(url)
    try:
        with pytest.raises(SeedError) as refused, session_scope(engine, write=True) as session:
            load(session, folder)
    finally:
        engine.dispose()
    return refused.value.message


def _import(url: str, folder: Path, subject: str) -> str:
    path = folder / "claims.jsonl"
    path.write_text(json.dumps(_claim_record(subject)) + "\n", encoding="utf-8")
    engine = engine_for(url)
    try:
        with pytest.raises(ImportFailed) as refused, session_scope(engine, write=True) as session, path.open() as handle:
            import_records(session, read_jsonl(handle), edit=Edit("test-editor", "test import"))
    finally:
        engine.dispose()
    return refused.value.issues[0].message


def _three_paths(url: str, tmp_path: Path, subject: str) -> tuple[str, str, str]:
    before = state(url)
    exit_code, stderr = _cli_add(url, subject)
    assert exit_code == 1, stderr
    from_seed = _seed(url, tmp_path, subject)
    from_import = _import(url, tmp_path, subject)
    assert state(url) == before  # nothing written by any of the three
    return stderr.removeprefix("error: ").rstrip("\n"), from_seed.split(": ", 2)[-1], from_import


def test_a_rule_added_to_the_claim_rules_is_enforced_by_the_cli_the_seed_loader_and_the_importer(
    dbs: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = rules.check

    def with_a_new_rule(values, **kwargs):  # type: ignore[no-untyped-def]
        if "Test forbidden" in (values.get("subject") or ""):
            raise InvalidValue("subject", values["subject"], "is refused by a rule added in one place")
        return original(values, **kwargs)

    monkeypatch.setattr(rules, "check", with_a_new_rule)
    message = "subject: 'Test forbidden subject' is refused by a rule added in one place"
    assert _three_paths(dbs.seeded(), tmp_path, "Test forbidden subject") == (message, message, message)


def test_a_subject_longer_than_its_column_is_refused_alike_on_every_path_and_engine(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    """It was stored whole in SQLite's VARCHAR(300) and was a 305-line traceback on PostgreSQL."""
    message = "subject: 400 characters, more than the 300 it may hold"
    assert _three_paths(dbs.seeded(), tmp_path, "x" * 400) == (message, message, message)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--location", "y" * 501, "location: 501 characters, more than the 500 it may hold"),
    ("--note", "z" * 10_001, "note: 10,001 characters, more than the 10,000 it may hold"),
    ("--locator", "p" * 201, "locator: 201 characters, more than the 200 it may hold"),
    ("--note", "a\x00b", "note: 'a\\x00b' holds a NUL character (\\x00), which no text may hold"),
])  # fmt: skip
def test_claim_add_refuses_text_over_its_limit_naming_the_field(
    dbs: DatabaseFactory, option: str, value: str, message: str
) -> None:
    url = dbs.seeded()
    before = state(url)
    result = cli(url, "claim", "add", "--kind", "inventory", "--subject", "Test militia 1", "--country", "VE",
                 "--value", "100", "--counted", "missiles", "--source", ANADOLU, option, value)  # fmt: skip
    assert (result.exit_code, result.stderr) == (1, f"error: {message}\n"), explain(result)
    assert state(url) == before


def test_import_and_claim_add_write_the_same_revision_shape(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    added = cli(url, "claim", "add", "--kind", "inventory", "--subject", "Test militia 2", "--country", "VE",
                "--value", "100", "--counted", "missiles", "--source", ANADOLU, "--quote", "Test quote.")  # fmt: skip
    assert added.exit_code == 0, explain(added)
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(_claim_record("Test militia 3")) + "\n", encoding="utf-8")
    engine = engine_for(url)
    try:
        with session_scope(engine, write=True) as session, path.open() as handle:
            import_records(session, read_jsonl(handle), edit=Edit("  test-editor  ", "  test import  "))

        with session_scope(engine) as session:
            rows = session.exec(select(Revision).where(Revision.entity_type == EntityType.claim)
                                .order_by(sa.desc(Revision.id)).limit(2)).all()  # fmt: skip
    finally:
        engine.dispose()
    imported, by_cli = rows
    assert (imported.editor, imported.reason, imported.version) == ("test-editor", "test import", 1)
    assert sorted(imported.snapshot) == sorted(by_cli.snapshot)
    assert imported.snapshot["citations"][0]["quote"] == by_cli.snapshot["citations"][0]["quote"] == "Test quote."


def test_an_import_without_an_editor_is_refused_like_any_other_write(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(_claim_record("Test militia 4")) + "\n", encoding="utf-8")
    before = state(url)
    engine = engine_for(url)
    try:
        with pytest.raises(Exception) as refused, session_scope(engine, write=True) as session, path.open() as handle:
            import_records(session, read_jsonl(handle), edit=Edit("   ", "test import"))
    finally:
        engine.dispose()
    assert str(refused.value) == "editor: required on every change"
    assert state(url) == before
