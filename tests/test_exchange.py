"""Import and export: round trips, idempotency, all-or-nothing validation with line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from equipment_db.claims import queries as claim_queries
from equipment_db.database import session_scope
from equipment_db.exchange.exporter import export_records, to_text
from equipment_db.exchange.importer import ImportFailed, import_records
from equipment_db.exchange.reader import read_claims_csv, read_jsonl
from equipment_db.history.models import Revision
from equipment_db.history.service import Edit
from equipment_db.vocab import EntityType
from tests.dbs import DatabaseFactory, db_state, engine_for

runner = CliRunner()
EDIT = Edit("test-editor", "test import")


def _export(engine: sa.Engine, fmt: str = "jsonl") -> str:
    with session_scope(engine) as session:
        return to_text(export_records(session), fmt)


def _import(engine: sa.Engine, text: str, fmt: str = "jsonl", **options):  # type: ignore[no-untyped-def]
    raws = list(read_jsonl(text) if fmt == "jsonl" else read_claims_csv(text))
    with session_scope(engine, write=True) as session:
        return import_records(session, raws, edit=EDIT, **options)


GOOD = [
    {"type": "system", "slug": "test-system-1", "name": "Test System 1", "category": "manpads"},
    {"type": "alias", "system": "test-system-1", "name": "TS-1", "kind": "designation"},
    {"type": "actor", "name": "Test Claimant", "kind": "person"},
    {"type": "source", "id": "S-0000000A", "kind": "news_article", "title": "Test Report 1",
     "url": "https://example.org/report-1", "cites": "S-0000000B"},
    {"type": "source", "id": "S-0000000B", "kind": "other", "publisher": "Example Wire"},
    {"type": "claim", "id": "C-0000000A", "kind": "inventory", "system": "TS-1", "country": "France",
     "value_low": 100, "qualifier": "at_least", "counted": "missiles", "claimant": "Test Claimant",
     "stated": "2025-10"},
    {"type": "citation", "claim": "C-0000000A", "source": "S-0000000A", "quote": "Test quote."},
    {"type": "claim", "id": "C-0000000B", "kind": "specification", "system": "test-system-1",
     "attribute": "max_range", "value_high": 6, "unit": "km", "qualifier": "up_to",
     "citations": [{"source": "https://example.org/report-1"}]},
    {"type": "claim", "id": "C-0000000G", "kind": "inventory", "system": "test-system-1", "country": "FR",
     "value_low": 120, "qualifier": "at_least", "counted": "missiles", "stated": "2025-11",
     "citations": [{"source": "S-0000000A"}]},
    {"type": "claim_link", "from_claim": "C-0000000G", "to_claim": "C-0000000A", "kind": "corroborates"},
]  # fmt: skip


def _lines(records: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_export_import_export_gives_an_identical_file(dbs: DatabaseFactory) -> None:
    seeded, empty = engine_for(dbs.seeded()), engine_for(dbs.migrated())
    first = _export(seeded)
    report = _import(empty, first)
    assert report.created["claim"] == 39 and report.issues == []
    assert _export(empty) == first
    assert _export(empty, "csv") == _export(seeded, "csv")


def test_reimporting_the_same_file_adds_nothing(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    before = db_state(engine)
    report = _import(engine, _export(engine))
    assert sum(report.created.values()) == 0 and sum(report.updated.values()) == 0
    assert db_state(engine) == before
    report = _import(engine, _export(engine, "csv"), "csv")
    assert report.unchanged["claim"] == 39
    assert db_state(engine) == before


def test_a_file_without_claim_ids_reimports_to_nothing(engine: sa.Engine) -> None:
    records = [dict(r) for r in GOOD if r["type"] not in ("citation", "claim_link")]
    for record in records:
        if record["type"] == "claim":
            del record["id"]
            record["citations"] = [{"source": "S-0000000A", "quote": "Test quote."}]
    text = _lines(records)
    assert _import(engine, text).created["claim"] == 3
    before = db_state(engine)
    second = _import(engine, text)
    assert (second.created["claim"], second.unchanged["claim"]) == (0, 3)
    assert db_state(engine) == before


def test_references_resolve_within_the_file_in_any_order(engine: sa.Engine) -> None:
    report = _import(engine, _lines(GOOD))
    assert report.issues == []
    assert dict(report.created) == {
        "system": 1,
        "alias": 1,
        "actor": 1,
        "source": 2,
        "claim": 3,
        "citation": 3,
        "claim_link": 1,
    }
    with session_scope(engine) as session:
        claim = claim_queries.get_claim(session, "C-0000000A")
        assert (claim.value_low, claim.country, claim.stated_precision.value) == (100, "FR", "month")
        assert [s.public_id for _, s in claim_queries.citations(session, claim.id)] == ["S-0000000A"]
        spec = claim_queries.get_claim(session, "C-0000000B")
        assert (spec.value_high, spec.unit, spec.original_unit) == (6000, "m", "km")


BAD = [
    ({"type": "claim", "id": "C-0000000C", "kind": "inventory", "system": "test-system-1", "country": "Narnia",
      "value_low": 1, "counted": "missiles", "citations": [{"source": "S-0000000A"}]},
     "country: 'Narnia' is not an ISO 3166 country code or name"),
    ({"type": "claim", "id": "C-0000000D", "kind": "inventory", "system": "no-such-system", "country": "FR",
      "value_low": 1, "counted": "missiles", "citations": [{"source": "S-0000000A"}]},
     "system not found: 'no-such-system'"),
    ({"type": "claim", "id": "C-0000000E", "kind": "inventory", "system": "test-system-1", "country": "FR",
      "value_low": 2.5, "qualifier": "exact", "counted": "missiles", "citations": [{"source": "S-0000000A"}]},
     "value_low: 2.5 must be a whole number of missiles"),
    ({"type": "source", "kind": "news_article", "title": "Test", "published": "2025-13"},
     "published: '2025-13' is not a real date"),
    ({"type": "claim", "id": "C-0000000F", "kind": "inventory", "system": "test-system-1", "country": "FR",
      "value_low": 1, "counted": "missiles"}, "citations: required at least one source for every claim"),
    ({"type": "claim", "id": "C-0000000A", "kind": "inventory", "system": "test-system-1", "country": "FR",
      "value_low": 5, "counted": "missiles", "citations": [{"source": "S-0000000A"}]},
     "claim with id 'C-0000000A' already exists"),
]  # fmt: skip


def test_one_bad_record_means_nothing_is_written_and_every_error_has_its_line(engine: sa.Engine) -> None:
    text = _lines(GOOD + [record for record, _ in BAD]) + "{not json\n"
    before = db_state(engine)
    with pytest.raises(ImportFailed) as caught:
        _import(engine, text)
    assert db_state(engine) == before
    issues = caught.value.issues
    first_bad = len(GOOD) + 1
    expected = [*(message for _, message in BAD), "not valid JSON (Expecting property name"]
    assert [i.line for i in issues] == list(range(first_bad, first_bad + len(BAD) + 1))
    assert all(i.message.startswith(e) for i, e in zip(issues, expected, strict=True)), issues


def test_skip_invalid_writes_exactly_the_good_records(engine: sa.Engine) -> None:
    text = _lines(GOOD + [record for record, _ in BAD])
    report = _import(engine, text, skip_invalid=True)
    assert report.created["claim"] == 3 and len(report.issues) == len(BAD)
    assert [raw.line for raw in report.rejected] == list(range(len(GOOD) + 1, len(GOOD) + len(BAD) + 1))
    with session_scope(engine) as session:
        assert claim_queries.find_claim(session, "C-0000000C") is None


def test_bulk_import_writes_the_same_revision_snapshot_as_the_services(dbs: DatabaseFactory) -> None:
    seeded, empty = engine_for(dbs.seeded()), engine_for(dbs.migrated())
    _import(empty, _export(seeded))
    volatile = {
        "id",
        "created_at",
        "updated_at",
        "system_id",
        "claimant_id",
        "target_type_id",
        "related_system_id",
    }

    def snapshot(engine: sa.Engine, public_id: str) -> dict:
        with session_scope(engine) as session:
            claim = claim_queries.get_claim(session, public_id)
            revision = session.exec(select(Revision).where(Revision.entity_type == EntityType.claim,
                                                           Revision.entity_id == claim.id)).one()  # fmt: skip
        return {k: v for k, v in revision.snapshot.items() if k not in volatile}

    for public_id in ("C-YSESYR2E", "C-6RH566YT", "C-GEPDCDFB", "C-MC5MGQVX"):
        assert snapshot(empty, public_id) == snapshot(seeded, public_id)


def test_csv_export_neutralises_formula_cells_and_imports_them_back(engine: sa.Engine) -> None:
    records = [dict(r) for r in GOOD]
    records[5]["value_text"] = '=HYPERLINK("https://example.org")'
    _import(engine, _lines(records))
    text = _export(engine, "csv")
    assert "'=HYPERLINK" in text
    with session_scope(engine) as session:
        assert claim_queries.get_claim(session, "C-0000000A").value_text.startswith("=HYPERLINK")
    assert _import(engine, text, "csv").unchanged["claim"] == 3


def test_cli_import_strict_reports_lines_and_writes_nothing(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    path = tmp_path / "records.jsonl"
    path.write_text(_lines([*GOOD, BAD[0][0]]), encoding="utf-8")
    before = db_state(engine_for(url))
    result = runner.invoke(app, ["--db", url, "import", str(path)])
    assert result.exit_code == 1, result.output
    assert f"records.jsonl: line {len(GOOD) + 1}: country: 'Narnia'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: 1 invalid record(s), nothing written")
    assert db_state(engine_for(url)) == before


def test_cli_import_dry_run_and_skip_invalid_with_rejects(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    path, rejects = tmp_path / "records.jsonl", tmp_path / "rejects.jsonl"
    path.write_text(_lines([*GOOD, BAD[0][0]]), encoding="utf-8")
    before = db_state(engine_for(url))
    dry = runner.invoke(app, ["--db", url, "import", str(path), "--dry-run", "--skip-invalid", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["written"] is False
    assert db_state(engine_for(url)) == before
    result = runner.invoke(
        app, ["--db", url, "import", str(path), "--skip-invalid", "--rejects", str(rejects)]
    )
    assert result.exit_code == 0, result.output
    assert "(skipped)" in result.stderr and "claims/s" in result.stderr
    assert [json.loads(line)["id"] for line in rejects.read_text().splitlines()] == ["C-0000000C"]


def test_cli_export_then_import_into_an_empty_database(dbs: DatabaseFactory, tmp_path: Path) -> None:
    exported = tmp_path / "all.jsonl"
    result = runner.invoke(app, ["--db", dbs.seeded(), "export", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Exported {len(exported.read_text().splitlines())} records."
    empty = dbs.migrated()
    assert runner.invoke(app, ["--db", empty, "import", str(exported)]).exit_code == 0
    again = runner.invoke(app, ["--db", empty, "export"])
    assert again.stdout == exported.read_text()
