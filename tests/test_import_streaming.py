"""The streaming bulk importer: windows of claims, bulk sources, deferred search documents."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import select

from equipment_db import publicid
from equipment_db.database import session_scope
from equipment_db.exchange import importer
from equipment_db.exchange.exporter import export_records, to_text
from equipment_db.exchange.importer import ImportFailed, import_records
from equipment_db.exchange.reader import RawRecord, read_jsonl
from equipment_db.history.models import Revision
from equipment_db.history.service import Edit
from equipment_db.search import queries as search_queries
from equipment_db.sources import queries as source_queries
from equipment_db.vocab import EntityType
from tests.dbs import DatabaseFactory, db_state, engine_for

EDIT = Edit("test-editor", "test import")


def _catalogue(sources: int = 3) -> list[dict]:
    records: list[dict] = [
        {"type": "system", "slug": "test-system-1", "name": "Test System 1", "category": "manpads"},
        {"type": "actor", "name": "Test Claimant", "kind": "person"},
    ]
    for n in range(sources):
        records.append({"type": "source", "id": f"S-{n:08d}", "kind": "news_article",
                        "title": f"Test Report {n}", "url": f"https://example.org/report-{n}"})  # fmt: skip
    return records


def _claim(n: int, **extra: object) -> dict:
    return {"type": "claim", "id": f"C-{n:08d}", "kind": "inventory", "system": "test-system-1",
            "country": "FR", "value_low": n + 1, "qualifier": "exact", "counted": "missiles",
            "claimant": "Test Claimant", "stated": "2025-10", "value_text": f"zorblat quantity {n}"} | extra  # fmt: skip


def _raws(records: list[dict]) -> list[RawRecord]:
    return list(read_jsonl("".join(json.dumps(r) + "\n" for r in records)))


def _run(engine: sa.Engine, raws: object, **options: object):  # type: ignore[no-untyped-def]
    with session_scope(engine, write=True) as session:
        return import_records(session, raws, edit=EDIT, **options)  # type: ignore[arg-type]


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importer, "BATCH", 10)
    return 10


def test_claims_are_written_window_by_window_while_the_file_is_read(engine: sa.Engine, small_batches: int) -> None:
    records = _catalogue() + [_claim(n, citations=[{"source": f"S-{n % 3:08d}"}]) for n in range(35)]
    written_midway: list[int] = []

    with session_scope(engine, write=True) as session:
        def counting() -> Iterator[RawRecord]:
            for index, raw in enumerate(_raws(records)):
                if index == len(records) - 5:
                    written_midway.append(session.execute(sa.text("SELECT count(*) FROM claim")).scalar_one())
                yield raw

        report = import_records(session, counting(), edit=EDIT)
    assert report.created["claim"] == 35 and report.issues == []
    assert 0 < written_midway[0] < 35  # the file was not read whole before writing began
    assert _count(engine, "claim") == 35 and _count(engine, "citation") == 35


def test_citation_records_join_their_claim_across_window_boundaries(engine: sa.Engine, small_batches: int) -> None:
    records = _catalogue()
    for n in range(25):
        records.append(_claim(n))
        records += [{"type": "citation", "claim": f"C-{n:08d}", "source": f"S-{k:08d}"} for k in range(1 + n % 3)]
    report = _run(engine, _raws(records))
    assert report.created["claim"] == 25 and report.issues == []
    with engine.connect() as connection:
        versions = connection.execute(sa.text("SELECT max(version) FROM claim")).scalar_one()
    assert versions == 1  # every citation was part of its claim's first version
    assert _count(engine, "citation") == sum(1 + n % 3 for n in range(25))


def test_a_claim_id_repeated_in_a_later_window_is_rejected(engine: sa.Engine, small_batches: int) -> None:
    cited = {"citations": [{"source": "S-00000000"}]}
    records = _catalogue() + [_claim(n, **cited) for n in range(15)] + [_claim(3, **cited)]
    with pytest.raises(ImportFailed) as failed:
        _run(engine, _raws(records))
    assert [(i.line, "already" in i.message and "C-00000003" in i.message) for i in failed.value.issues] == [
        (len(records), True)
    ]


def test_generated_ids_are_unique_and_a_taken_draw_is_drawn_again(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(engine, _raws([*_catalogue(), _claim(0, citations=[{"source": "S-00000000"}])]))
    draws = iter(["C-00000000", "C-0000000Z", "C-0000000Z", "C-0000000Y", "C-0000000X"])
    monkeypatch.setattr(publicid, "new_public_id", lambda entity: next(draws))
    fresh = [{k: v for k, v in _claim(n, citations=[{"source": "S-00000001"}]).items() if k != "id"}
             for n in (1, 2)]  # fmt: skip
    report = _run(engine, _raws(fresh))
    assert report.created["claim"] == 2
    with engine.connect() as connection:
        ids = connection.execute(sa.text("SELECT public_id FROM claim ORDER BY public_id")).scalars().all()
    assert ids == ["C-00000000", "C-0000000Y", "C-0000000Z"]  # the taken and the twice-drawn id redrawn


def test_bulk_claims_and_sources_are_searchable_and_the_flag_is_gone(engine: sa.Engine, small_batches: int) -> None:
    records = _catalogue(12) + [_claim(n, citations=[{"source": f"S-{n % 12:08d}", "quote": f"quibbleton {n}"}])
                                for n in range(25)]  # fmt: skip
    _run(engine, _raws(records))
    assert _count(engine, "search_defer") == 0
    with session_scope(engine) as session:
        claims = search_queries.search(session, "quibbleton", types=["claim"], limit=100)
        sources = search_queries.search(session, "Report", types=["source"], limit=100)
    assert len(claims) == 25 and len(sources) == 12
    # A later edit through the triggers builds the same document the bulk path built.
    with engine.begin() as connection:
        before = _documents(connection)
        connection.execute(sa.text("UPDATE claim SET note = note"))
        connection.execute(sa.text("UPDATE source SET note = note"))
        assert _documents(connection) == before


def _documents(connection: sa.Connection) -> list[tuple]:
    if connection.dialect.name == "sqlite":
        query = "SELECT rowid, doc_type, doc_key, title, body FROM search_index ORDER BY rowid"
    else:
        query = "SELECT doc_type, doc_id, doc_key, title, body, document::text FROM search_document ORDER BY 1, 2"
    return [tuple(row) for row in connection.execute(sa.text(query))]


def test_a_failed_import_leaves_no_flag_and_no_rows(engine: sa.Engine, small_batches: int) -> None:
    before = db_state(engine)
    records = _catalogue() + [_claim(n, citations=[{"source": "S-00000000"}]) for n in range(25)]
    records.append(_claim(99, citations=[{"source": "S-99999999"}]))
    with pytest.raises(ImportFailed):
        _run(engine, _raws(records))
    assert db_state(engine) == before and _count(engine, "search_defer") == 0


def test_bulk_sources_write_the_same_revision_snapshot_as_the_services(dbs: DatabaseFactory) -> None:
    seeded, empty = engine_for(dbs.seeded()), engine_for(dbs.migrated())
    with session_scope(seeded) as session:
        text = to_text(export_records(session), "jsonl")
    _run(empty, _raws([json.loads(line) for line in text.splitlines()]))
    volatile = {"id", "created_at", "updated_at", "cites_source_id"}

    def snapshots(engine: sa.Engine) -> dict[str, dict]:
        with session_scope(engine) as session:
            revisions = session.exec(select(Revision).where(Revision.entity_type == EntityType.source)).all()
            return {r.entity_key: {k: v for k, v in r.snapshot.items() if k not in volatile} for r in revisions}

    assert snapshots(empty) == snapshots(seeded)
    with session_scope(empty) as session:
        cnn = [s for s in source_queries.every_source_row(session) if s["publisher"] == "CNN"]
    assert cnn and cnn[0]["kind"] == "other"


def test_sources_in_one_file_may_cite_each_other_and_urls_stay_unique(engine: sa.Engine) -> None:
    records = [
        {"type": "source", "id": "S-0000000A", "kind": "news_article", "title": "Test A",
         "url": "https://example.org/a", "cites": "https://example.org/b"},
        {"type": "source", "id": "S-0000000B", "kind": "news_article", "title": "Test B",
         "url": "https://example.org/b"},
        {"type": "source", "id": "S-0000000C", "kind": "news_article", "title": "Test C",
         "url": "https://EXAMPLE.org/b#top"},
        {"type": "source", "kind": "news_article", "title": "Test B, retitled", "url": "https://example.org/b"},
    ]  # fmt: skip
    report = _run(engine, _raws(records), skip_invalid=True, update=True)
    assert (report.created["source"], report.updated["source"]) == (2, 1)  # no id, a known URL: an update
    assert [(i.line, "https://example.org/b" in i.message) for i in report.issues] == [(3, True)]
    with session_scope(engine) as session:
        cited = source_queries.get_source(session, "S-0000000A")
        second = source_queries.get_source(session, "S-0000000B")
        assert (second.id, second.title, second.version) == (cited.cites_source_id, "Test B, retitled", 2)


def test_a_line_that_is_not_utf8_is_reported_and_the_rest_imports(engine: sa.Engine) -> None:
    lines = [json.dumps(r).encode() + b"\n" for r in _catalogue()]
    lines.insert(1, b'{"type": "actor", "name": "Test \xff Actor", "kind": "person"}\n')
    report = _run(engine, read_jsonl(iter(lines)), skip_invalid=True)
    assert [(i.line, "not valid UTF-8 (byte 0xff" in i.message) for i in report.issues] == [(2, True)]
    assert report.created["source"] == 3


def test_sources_stream_in_windows_and_may_cite_one_further_down(engine: sa.Engine, small_batches: int) -> None:
    records = _catalogue(25)
    records[2]["cites"] = "S-00000024"  # the first source cites the last one, two windows later
    records.append({"type": "source", "id": "S-00000099", "kind": "news_article", "title": "Test Orphan",
                    "cites": "S-99999999"})  # fmt: skip
    report = _run(engine, _raws(records), skip_invalid=True)
    assert report.created["source"] == 25
    assert [(i.line, "S-99999999" in i.message) for i in report.issues] == [(len(records), True)]
    with session_scope(engine) as session:
        first, last = source_queries.get_source(session, "S-00000000"), source_queries.get_source(session, "S-00000024")
        assert first.cites_source_id == last.id


def test_the_source_cache_is_emptied_and_refilled_without_losing_a_source(
    engine: sa.Engine, small_batches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from equipment_db.exchange import resolver

    monkeypatch.setattr(resolver, "CACHE_SOURCES", 25)
    records = _catalogue(30)  # each window of 10 claims cites some sources the last one did, some new
    records += [_claim(n, citations=[{"source": f"S-{n % 30:08d}"}, {"source": f"S-{(n * 7 + 3) % 30:08d}"}])
                for n in range(60) if n % 30 != (n * 7 + 3) % 30]  # fmt: skip
    report = _run(engine, _raws(records))
    assert report.issues == [] and report.created["claim"] == len(records) - 32
