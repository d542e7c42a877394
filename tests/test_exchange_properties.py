"""Properties of export, import and keyset paging over random, valid, synthetic claims (T8).

Each example writes its own data set through the services (as editors do) into a fresh
database cloned from a migrated template, then checks that:

- export -> import into a fresh database -> export gives the same bytes (JSON Lines), and
  the claims CSV, imported on top of the file's other records, exports to the same bytes;
- importing a file a second time writes nothing and changes no row;
- following the `next` cursors of the claim, system and source lists with any page size
  gives exactly the full ordered list: no duplicates, no gaps, every page full but the last.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import AliasCreate, SystemCreate, TargetTypeCreate
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimCreate, ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.exchange.exporter import export_records, to_text
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_claims_csv, read_jsonl
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.validation import parse_model
from equipment_db.vocab import (
    ActorKind,
    CitationRole,
    Counted,
    DatePrecision,
    Qualifier,
    Rank,
    SourceKind,
    SystemCategory,
    VerificationStatus,
)
from tests.api_client import api
from tests.dbs import DatabaseFactory, db_state, engine_for
from tests.reliability import report as report_figures
from tests.reliability import size

EDIT = Edit("test-editor", "property test")
COUNTRIES = ("FR", "DE", "GB", "US", "VE", "RU")
SYSTEMS = ("test-system-1", "test-system-2", "test-system-3")
CLAIMANTS = ("Test Claimant", "Test Ministry")
LINKED_TYPES = ("claim", "citation", "claim_link")  # what the claims CSV carries (links: not at all)

EXAMPLES: Counter[tuple[str, str]] = Counter()  # (engine, property) -> examples run


@pytest.fixture(scope="module", autouse=True)
def _report_examples() -> Iterator[None]:
    yield
    for engine in sorted({engine for engine, _ in EXAMPLES}):
        report_figures("T8 properties", engine, examples={name: n for (e, name), n in EXAMPLES.items() if e == engine})


PROPERTY = settings(
    max_examples=size(ci=25, full=300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- data ------------------------------------------------------------------------------------

# Cells a spreadsheet would run (and the apostrophe that neutralises them), CSV's own
# delimiters, and text beyond ASCII.
TRICKY = st.sampled_from(["=1+1", "+1", "-2 km", "@SUM(A1)", '"quoted"', "a, b", "line\nbreak", "'=1+1", "''",
                          "cr\r\nlf", "«Ünïcödé» ✓", "中文 报道", "sep\u2028line", "next\x85line", "'", ""])  # fmt: skip
PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=12)  # fmt: skip


WORDS = st.builds(lambda a, b, c: a + b + c, TRICKY, PLAIN, TRICKY)
OPTIONAL_WORDS = st.none() | WORDS


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
    precision = draw(st.sampled_from(DatePrecision))
    return {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}",
            "day": day.isoformat()}[precision.value]  # fmt: skip


@st.composite
def periods(draw: st.DrawFn) -> str:
    first = draw(partial_dates())
    if draw(st.booleans()):
        return first
    later = draw(partial_dates().filter(lambda d: len(d) == len(first) and d > first))
    return f"{first}/{later}"


COUNT = st.integers(min_value=0, max_value=2_000_000).map(float)


@st.composite
def quantities(draw: st.DrawFn) -> dict[str, Any]:
    """A count and its qualifier, or an explicit `unspecified`."""
    qualifier = draw(st.sampled_from(Qualifier))
    if qualifier is Qualifier.unspecified:
        return {"qualifier": "unspecified"}
    if qualifier in (Qualifier.range, Qualifier.magnitude):
        low, high = sorted(draw(st.lists(COUNT, min_size=2, max_size=2, unique=True)))
        return {"qualifier": qualifier.value, "value_low": low, "value_high": high}
    return {"qualifier": qualifier.value, "value": draw(COUNT)}


LENGTHS = st.sampled_from(["km", "m", "mi", "ft", "nmi"])
MEASURE = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False).map(float)


@st.composite
def claim_fields(draw: st.DrawFn) -> dict[str, Any]:
    """The fields of one valid claim of a random kind (citations are added by `datasets`)."""
    kind = draw(st.sampled_from(["inventory", "deployment", "transfer", "specification", "capability",
                                 "comparison", "production"]))  # fmt: skip
    system, other = draw(st.lists(st.sampled_from(SYSTEMS), min_size=2, max_size=2, unique=True))
    fields: dict[str, Any] = {"kind": kind, "system": system}
    if kind in ("inventory", "deployment", "production", "transfer"):
        fields |= draw(quantities()) | {"counted": draw(st.sampled_from(Counted)).value}
        fields["country"] = draw(st.sampled_from(COUNTRIES))
    if kind == "deployment":
        fields["location"] = draw(WORDS.filter(lambda w: w.strip()))
    if kind == "transfer":
        fields["counterparty_country"] = draw(st.sampled_from(COUNTRIES).filter(lambda c: c != fields["country"]))
        fields["scope"] = draw(st.sampled_from(["ordered", "delivered"]))
    if kind == "specification":
        attribute = draw(st.sampled_from(["max_range", "max_altitude", "weight", "guidance"]))
        fields["attribute"] = attribute
        if attribute == "guidance":
            fields["value_text"] = draw(WORDS.filter(lambda w: w.strip()))
        else:
            unit = draw(st.sampled_from(["kg", "lb"]) if attribute == "weight" else LENGTHS)
            qualifier = draw(st.sampled_from(["exact", "approximately", "up_to", "at_least"]))
            fields |= {"value": draw(MEASURE), "unit": unit, "qualifier": qualifier}
    if kind == "capability":
        fields["target_type"] = "test-target"
    if kind == "comparison":
        fields["related_system"] = other
    if "value_text" not in fields:
        fields["value_text"] = draw(OPTIONAL_WORDS)
    fields |= {
        "claimant": draw(st.none() | st.sampled_from(CLAIMANTS)),
        "stated": draw(st.none() | partial_dates()),
        "about": draw(st.none() | periods()),
        "verification_status": draw(st.sampled_from(VerificationStatus)).value,
        "verification_note": draw(OPTIONAL_WORDS),
        "rank": draw(st.sampled_from(Rank)).value,
        "note": draw(OPTIONAL_WORDS),
    }
    if draw(st.booleans()):
        fields |= {"reliability": draw(st.sampled_from("ABCDEF")), "credibility": draw(st.sampled_from("123456")),
                   "assessment_rationale": draw(OPTIONAL_WORDS)}  # fmt: skip
    return {k: v for k, v in fields.items() if v is not None}


@st.composite
def datasets(draw: st.DrawFn, *, max_claims: int = 6) -> dict[str, Any]:
    """1-3 sources (a later one may cite an earlier one) and claims citing 1-3 of them."""
    sources = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        sources.append({
            "kind": draw(st.sampled_from(SourceKind)).value, "title": f"Test Report {number}: " + draw(WORDS),
            "publisher": draw(st.none() | st.sampled_from(["Example Press", "Exämple Wire, Inc."])),
            "url": f"https://example.org/report-{number}", "published": draw(st.none() | partial_dates()),
            "language": draw(st.none() | st.sampled_from(["en", "fr", "es"])),
            "cites": f"https://example.org/report-{number - 1}" if number > 1 and draw(st.booleans()) else None,
        })  # fmt: skip
    claims = []
    for fields in draw(st.lists(claim_fields(), min_size=1, max_size=max_claims)):
        cited = draw(st.lists(st.sampled_from(range(len(sources))), min_size=1, max_size=3, unique=True))
        fields["citations"] = [
            {"source": sources[i]["url"], "quote": draw(OPTIONAL_WORDS), "locator": draw(OPTIONAL_WORDS),
             "role": draw(st.sampled_from(CitationRole)).value}
            for i in cited
        ]  # fmt: skip
        claims.append(fields)
    retracted = draw(st.lists(st.sampled_from(range(len(claims))), unique=True, max_size=2))
    return {"sources": sources, "claims": claims, "retracted": retracted}


def write_catalog(engine: sa.Engine) -> None:
    """Three systems, a target type and two claimants: what every data set refers to."""
    with session_scope(engine, write=True) as session:
        for number, slug in enumerate(SYSTEMS, start=1):
            catalog_service.create_system(session, SystemCreate(
                slug=slug, name=f"Test System {number}", category=SystemCategory.manpads, origin_country="FR",
                aliases=[AliasCreate(name=f"TS-{number}", kind="designation")],
            ), edit=EDIT)  # fmt: skip
        catalog_service.create_target_type(session, TargetTypeCreate(slug="test-target", name="Test target"),
                                           edit=EDIT)  # fmt: skip
        for name in CLAIMANTS:
            actor_service.create_actor(session, ActorCreate(name=name, kind=ActorKind.person), edit=EDIT)


def write_dataset(engine: sa.Engine, data: dict[str, Any]) -> list[str]:
    """Write `data` through the services (one editor action each); returns the claim ids."""
    write_catalog(engine)
    with session_scope(engine, write=True) as session:
        for source in data["sources"]:
            source_service.create_source(session, parse_model(SourceCreate, source), edit=EDIT)
    ids = []
    for fields in data["claims"]:
        with session_scope(engine, write=True) as session:
            ids.append(claim_service.create_claim(session, parse_model(ClaimCreate, fields), edit=EDIT).public_id)
    for index in data["retracted"]:
        with session_scope(engine, write=True) as session:
            claim_service.retract_claim(session, ids[index], edit=Edit("test-editor", "withdrawn"))
    return ids


def export(engine: sa.Engine, fmt: str = "jsonl") -> str:
    with session_scope(engine) as session:
        return to_text(export_records(session), fmt)


def import_text(engine: sa.Engine, text: str, fmt: str = "jsonl"):  # type: ignore[no-untyped-def]
    raws = list(read_jsonl(text) if fmt == "jsonl" else read_claims_csv(text))
    with session_scope(engine, write=True) as session:
        return import_records(session, raws, edit=Edit("test-importer", "property test import"))


_SCRATCH: dict[tuple[int, int], str] = {}


def fresh(dbs: DatabaseFactory, slot: int = 0) -> sa.Engine:
    """An empty migrated database for one example. SQLite: a copy of the migrated template
    (2 ms). PostgreSQL: a clone costs 0.2 s and its DROP at the end 0.5 s, so each slot's
    database is cloned once and emptied for the next example: every row deleted, with the
    triggers off as on a replica (the revision triggers refuse a DELETE). Only the id
    sequences run on, which no exported byte and no list order depends on."""
    if dbs.name == "sqlite":
        return engine_for(dbs.migrated())
    key = (id(dbs), slot)
    if key not in _SCRATCH:
        _SCRATCH[key] = dbs.migrated()
        return engine_for(_SCRATCH[key])
    engine = engine_for(_SCRATCH[key])
    with engine.begin() as connection:
        tables = connection.execute(sa.text(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'"
        )).scalars().all()  # fmt: skip
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in tables:  # DELETE: a TRUNCATE of ~20 tiny tables costs seconds
            connection.execute(sa.text(f"DELETE FROM {table}"))
    return engine


# --- T8 (a) and (b): round trips, idempotency ---------------------------------------------------------------------

UNICODE_LINE_SEPARATORS = {
    "sources": [{"kind": "news_article", "title": "Test Report 1", "url": "https://example.org/report-1"}],
    "claims": [{"kind": "inventory", "system": "test-system-1", "country": "FR", "value": 5.0,
                "counted": "missiles", "value_text": "five\u2028thousand", "note": "a\x85b\u2029c",
                "citations": [{"source": "https://example.org/report-1", "quote": "=1+1, \"x\"\nline"}]}],
    "retracted": [],
}  # fmt: skip


CARRIAGE_RETURNS = {
    "sources": [{"kind": "news_article", "title": "Test Report 1", "url": "https://example.org/report-1"}],
    "claims": [{"kind": "inventory", "system": "test-system-1", "country": "FR", "value": 5.0,
                "counted": "missiles", "value_text": "five\rthousand",
                "citations": [{"source": "https://example.org/report-1", "quote": "first\rsecond"}]}],
    "retracted": [],
}  # fmt: skip


@pytest.mark.slow
@PROPERTY
@given(data=datasets())
@example(data=UNICODE_LINE_SEPARATORS)
@example(data=CARRIAGE_RETURNS)
def test_export_import_export_is_byte_identical_and_a_second_import_writes_nothing(
    dbs: DatabaseFactory, data: dict
) -> None:
    EXAMPLES[dbs.name, "export, import, export is identical; a second import adds nothing"] += 1
    original = fresh(dbs, 0)
    write_dataset(original, data)
    jsonl, csv = export(original), export(original, "csv")
    assert len(jsonl.splitlines()) == jsonl.count("\n"), "a record spans more than one line"

    copy = fresh(dbs, 1)
    report = import_text(copy, jsonl)
    assert report.issues == []
    assert report.created["claim"] == len(data["claims"]) - len(data["retracted"])
    assert export(copy) == jsonl
    assert export(copy, "csv") == csv

    for engine in (original, copy):  # (b) the same file again, JSON Lines then CSV: nothing written
        before = db_state(engine)
        for text, fmt in ((jsonl, "jsonl"), (csv, "csv")):
            again = import_text(engine, text, fmt)
            assert (sum(again.created.values()), sum(again.updated.values()), again.issues) == (0, 0, [])
            assert again.unchanged["claim"] == report.created["claim"]
            assert db_state(engine) == before

    from_csv = fresh(dbs, 2)  # the claims CSV on top of the file's other records
    others = "".join(line + "\n" for line in jsonl.splitlines() if json.loads(line)["type"] not in LINKED_TYPES)
    import_text(from_csv, others)
    assert import_text(from_csv, csv, "csv").issues == []
    assert export(from_csv, "csv") == csv
    assert export(from_csv) == jsonl
    for engine in (original, copy, from_csv):
        engine.dispose()


# --- T8 (c): keyset paging -------------------------------------------------------------------


def follow(client: TestClient, path: str, params: dict[str, Any], limit: int) -> list[list[dict]]:
    """Every page of a list, following `next` until it is null."""
    pages = []
    response = client.get(path, params=params | {"limit": limit})
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["limit"] == limit
        pages.append(body["items"])
        if body["next"] is None:
            return pages
        assert len(pages) < 1000, "the cursors do not end"
        response = client.get(body["next"])


def assert_pages_are_the_full_list(client: TestClient, path: str, params: dict, limit: int, key: str) -> list:
    pages = follow(client, path, params, limit)
    (everything,) = follow(client, path, params, 500)
    assert [item[key] for page in pages for item in page] == [item[key] for item in everything]
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages[-1]) <= limit and (pages[-1] or len(pages) == 1)
    return everything


CLAIM_FILTERS = st.fixed_dictionaries({}, optional={
    "system": st.sampled_from([*SYSTEMS, "TS-2"]), "country": st.sampled_from(COUNTRIES),
    "kind": st.sampled_from(["inventory", "specification", "transfer", "deployment"]),
    "status": st.sampled_from(VerificationStatus).map(str), "rank": st.sampled_from(Rank).map(str),
    "stated_from": st.sampled_from(["2000", "2015-06"]), "include_deprecated": st.booleans(),
    "include_retracted": st.booleans(), "source": st.sampled_from(["https://example.org/report-1"]),
    "include": st.just("citations"),
})  # fmt: skip


@pytest.mark.slow
@PROPERTY
@given(data=datasets(max_claims=10), limit=st.integers(1, 5), filters=CLAIM_FILTERS)
def test_claim_pages_concatenate_to_the_full_ordered_list(dbs: DatabaseFactory, data: dict, limit: int,
                                                          filters: dict) -> None:  # fmt: skip
    EXAMPLES[dbs.name, "claim pages concatenate to the full list"] += 1
    engine = fresh(dbs)
    url = engine.url.render_as_string(hide_password=False)
    ids = write_dataset(engine, data)
    with engine.connect() as connection:  # the oracle without filters: live, not deprecated, in id order
        expected = connection.execute(sa.text(
            "SELECT public_id FROM claim WHERE retracted_at IS NULL AND rank <> 'deprecated' ORDER BY id"
        )).scalars().all()  # fmt: skip
    engine.dispose()
    with api(url) as client:
        unfiltered = assert_pages_are_the_full_list(client, "/v1/claims", {}, limit, "id")
        assert [item["id"] for item in unfiltered] == expected
        filtered = assert_pages_are_the_full_list(client, "/v1/claims", filters, limit, "id")
    shown = [item["id"] for item in filtered]
    assert len(set(shown)) == len(shown)
    assert shown == sorted(shown, key=ids.index), "claims are listed in the order they were written"


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    systems = [{"category": draw(st.sampled_from(["manpads", "sam_system", "radar"])),
                "origin_country": draw(st.none() | st.sampled_from(COUNTRIES))}
               for _ in range(draw(st.integers(0, 10)))]  # fmt: skip
    sources = [{"kind": draw(st.sampled_from(["news_article", "book", "dataset"])),
                "language": draw(st.none() | st.sampled_from(["en", "fr"])),
                "publisher": draw(st.sampled_from(["Example Press", "Example Wire"]))}
               for _ in range(draw(st.integers(1, 10)))]  # fmt: skip
    return {
        "systems": systems,
        "sources": sources,
        "retracted_systems": draw(st.sets(st.integers(0, max(0, len(systems) - 1)), max_size=3)),
        "retracted_sources": draw(st.sets(st.integers(0, len(sources) - 1), max_size=3)),
    }


def write_catalog_rows(engine: sa.Engine, data: dict[str, Any]) -> None:
    with session_scope(engine, write=True) as session:
        for number, fields in enumerate(data["systems"], start=1):
            system = SystemCreate(slug=f"test-system-{number}", name=f"Test System {number}", **fields)
            catalog_service.create_system(session, system, edit=EDIT)
        for number, fields in enumerate(data["sources"], start=1):
            source_service.create_source(session, SourceCreate(title=f"Test Report {number}",
                                                               url=f"https://example.org/report-{number}", **fields),
                                         edit=EDIT)  # fmt: skip
    with session_scope(engine, write=True) as session:
        for index in data["retracted_systems"]:
            if index < len(data["systems"]):
                catalog_service.retract_system(session, f"test-system-{index + 1}", edit=Edit("t", "withdrawn"))
        for index in data["retracted_sources"]:
            source_service.retract_source(session, f"https://example.org/report-{index + 1}",
                                          edit=Edit("t", "withdrawn"))  # fmt: skip


SYSTEM_FILTERS = st.fixed_dictionaries({}, optional={
    "category": st.sampled_from(["manpads", "radar"]), "origin": st.sampled_from(COUNTRIES),
    "text": st.sampled_from(["test", "system 1", "TEST-SYSTEM-1"]), "include_retracted": st.booleans(),
})  # fmt: skip
SOURCE_FILTERS = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["news_article", "book"]), "language": st.sampled_from(["en", "fr"]),
    "publisher": st.sampled_from(["wire", "Example"]), "text": st.sampled_from(["report", "Report 1"]),
    "include_retracted": st.booleans(),
})  # fmt: skip


@pytest.mark.slow
@PROPERTY
@given(data=catalogs(), limit=st.integers(1, 5), system_filters=SYSTEM_FILTERS, source_filters=SOURCE_FILTERS)
def test_system_and_source_pages_concatenate_to_the_full_ordered_list(
    dbs: DatabaseFactory, data: dict, limit: int, system_filters: dict, source_filters: dict
) -> None:
    EXAMPLES[dbs.name, "system and source pages concatenate to the full lists"] += 1
    engine = fresh(dbs)
    url = engine.url.render_as_string(hide_password=False)
    write_catalog_rows(engine, data)
    engine.dispose()
    live_systems = [f"test-system-{n}" for n in range(1, len(data["systems"]) + 1)
                    if n - 1 not in data["retracted_systems"]]  # fmt: skip
    with api(url) as client:
        systems = assert_pages_are_the_full_list(client, "/v1/systems", {}, limit, "slug")
        assert [s["slug"] for s in systems] == live_systems
        shown = assert_pages_are_the_full_list(client, "/v1/systems", system_filters, limit, "slug")
        numbers = [int(s["slug"].rsplit("-", 1)[1]) for s in shown]
        assert numbers == sorted(set(numbers))
        sources = assert_pages_are_the_full_list(client, "/v1/sources", {}, limit, "id")
        assert len(sources) == len(data["sources"]) - len(data["retracted_sources"])
        shown = assert_pages_are_the_full_list(client, "/v1/sources", source_filters, limit, "id")
        assert len({s["id"] for s in shown}) == len(shown)


# --- known limits ----------------------------------------------------------------------------


def test_a_jsonl_record_whose_text_holds_unicode_line_separators_stays_on_one_line(engine: sa.Engine) -> None:
    write_dataset(engine, UNICODE_LINE_SEPARATORS)
    text = export(engine)
    assert "\\u2028" in text and "\\u0085" in text and "\u2028" not in text
    assert len(text.splitlines()) == text.count("\n")
    records = [json.loads(line) for line in text.splitlines()]
    (claim,) = [r for r in records if r["type"] == "claim"]
    assert (claim["value_text"], claim["note"]) == ("five\u2028thousand", "a\x85b\u2029c")


def test_a_csv_cell_holding_a_lone_carriage_return_imports_back(engine: sa.Engine) -> None:
    write_dataset(engine, CARRIAGE_RETURNS)
    csv = export(engine, "csv")
    assert '"first\rsecond"' in csv
    report = import_text(engine, csv, "csv")
    assert (report.issues, report.unchanged["claim"]) == ([], 1)


def test_csv_keeps_a_leading_apostrophe_before_a_formula_character(engine: sa.Engine) -> None:
    write_catalog(engine)
    with session_scope(engine, write=True) as session:
        source_service.create_source(session, SourceCreate(kind="news_article", title="Test Report 1",
                                                           url="https://example.org/report-1"), edit=EDIT)  # fmt: skip
        claim = claim_service.create_claim(session, parse_model(ClaimCreate, {
            "kind": "inventory", "system": "test-system-1", "country": "FR", "value": 5, "counted": "missiles",
            "citations": [{"source": "https://example.org/report-1"}]}), edit=EDIT)  # fmt: skip
        claim_service.update_claim(session, claim.public_id, ClaimUpdate(value_text="'=1+1"), edit=EDIT)
    csv = export(engine, "csv")
    report = import_text(engine, csv, "csv")
    assert (report.updated["claim"], report.unchanged["claim"]) == (0, 1)
