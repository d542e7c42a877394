"""Malformed records mixed into good ones (issue 6, T4): strict imports write nothing and
name every bad line; --skip-invalid writes exactly the good records and rejects exactly
the bad lines. The files are synthetic and generated from a seed, in JSON Lines and CSV.

Sizes: CI mixes 200 bad records into 2,000 good ones (about 5 s per import on SQLite, 10 s
on PostgreSQL); the full size, 1,000 bad records into 100,000 good ones, takes minutes per
import and runs with EQUIPMENT_DB_NIGHTLY=1.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from cli.main import app
from equipment_db.database import session_scope
from equipment_db.exchange import records
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_claims_csv, read_jsonl
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, db_state, engine_for
from tests.reliability import report as report_figures
from tests.reliability import size

GOOD = size(ci=2_000, full=100_000)
BAD = size(ci=200, full=1_000)
SOURCES = 20
SEED = 20251023
EDIT = Edit("test-editor", "test import")
runner = CliRunner()

CATALOGUE = [
    {"type": "system", "slug": "test-system-1", "name": "Test System 1", "category": "manpads"},
    {"type": "actor", "name": "Test Claimant", "kind": "person"},
    *({"type": "source", "id": f"S-{n:08d}", "kind": "news_article", "title": f"Test Report {n}",
       "url": f"https://example.org/report-{n}"} for n in range(SOURCES)),
]  # fmt: skip


@dataclass
class MixedFile:
    path: Path
    bad: dict[int, tuple[str, str]] = field(default_factory=dict)  # line -> (category, message part)
    bad_lines: list[bytes] = field(default_factory=list)  # JSON Lines: the bad lines as written
    bad_rows: list[dict[str, str]] = field(default_factory=list)  # CSV: the bad rows as written
    claims: int = 0
    citations: int = 0
    sources: int = 0

    def tried(self) -> Counter[str]:
        return Counter(category for category, _ in self.bad.values())


def _good_claim(n: int) -> dict[str, Any]:
    return {"type": "claim", "id": f"C-{n:08d}", "kind": "inventory", "system": "test-system-1",
            "country": "FR", "value_low": n + 1, "qualifier": "exact", "counted": "missiles",
            "claimant": "Test Claimant", "stated": "2025-10",
            "citations": [{"source": f"S-{n % SOURCES:08d}", "quote": f"Test quote {n}.", "locator": "para 1"}]}  # fmt: skip


def _without(record: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != name}


def _cited(record: dict[str, Any], **citation: Any) -> dict[str, Any]:
    return record | {"citations": [record["citations"][0] | citation]}


# Each maker: (random, a bad claim without id, an earlier good claim) -> (line, message part).
JsonlMaker = Callable[[random.Random, dict[str, Any], dict[str, Any]], tuple[bytes, str]]


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode()


def _j_missing(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    name, message = rng.choice([("kind", "kind: required but not given"),
                                ("country", "party: required for an inventory"),
                                ("citations", "citations: required at least one source")])  # fmt: skip
    return _line(_without(claim, name)), message


BAD_DATES = {"2025-02-30": "is not a real date", "2025-13": "is not a real date",
             "last Tuesday": "says when only relative to another day"}  # fmt: skip


def _j_bad_date(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    stated = rng.choice(sorted(BAD_DATES))
    return _line(claim | {"stated": stated}), f"stated: {stated!r} {BAD_DATES[stated]}"


def _j_unknown_system(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    slug = f"test-system-missing-{rng.randrange(10**6)}"
    return _line(claim | {"system": slug}), f"system not found: {slug!r}"


def _j_negative(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    value = -rng.randrange(1, 10**6)
    message = f"value_low: {float(value)} must be a finite number, zero or more"
    return _line(claim | {"value_low": value}), message


def _j_fractional(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    value = rng.randrange(10**6) + 0.5
    return _line(claim | {"value_low": value}), f"value_low: {value} must be a whole number of missiles"


def _oversize(rng: random.Random, claim: dict) -> tuple[dict, str]:
    name, limit = rng.choice([("quote", records.TEXT_LIMIT), ("locator", 200), ("note", records.TEXT_LIMIT),
                              ("value_text", 1000), ("subject", 300), ("location", 500)])  # fmt: skip
    length = limit + rng.randrange(1, 500)
    text = "x" * length
    if name in ("quote", "locator"):
        return _cited(claim, **{name: text}), f"{name}: {length:,} characters, more than the {limit:,}"
    return claim | {name: text}, f"{name}: {length:,} characters, more than the {limit:,}"


def _j_oversize(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    record, message = _oversize(rng, claim)
    return _line(record), message


def _j_duplicate(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    again = earlier | {"value_low": earlier["value_low"] + 7}
    return _line(again), f"claim with id {earlier['id']!r} already exists"


_KEPT = ["version", "created_at", "updated_at", "retracted_at", "retraction_reason", "public_id", "system_id",
         "citations.created_at", "citations.claim_id"]  # fmt: skip


def _j_privileged(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    name = rng.choice(_KEPT)
    value: Any = {"version": 2, "system_id": 1, "citations.claim_id": 1}.get(name, "2020-01-01T00:00:00Z")
    if name.startswith("citations."):
        name = name.removeprefix("citations.")
        message = f"citations[0].{name}: {value!r} is kept by the database"
        return _line(_cited(claim, **{name: value})), message
    return _line(claim | {name: value}), f"{name}: {value!r} is kept by the database: an import cannot set it"


def _j_unknown_field(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    name = rng.choice(["frobnicate", "valu_low", "Kind"])
    return _line(claim | {name: 1}), f"{name}: 1 is not a field of a claim record"


def _j_encoding(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    byte = rng.choice([b"\xff", b"\xfe", b"\x80", b"\xc3("])
    line = _line(claim | {"value_text": "Test MARK text"}).replace(b"MARK", byte)
    return line, f"not valid UTF-8 (byte 0x{byte[0]:02x} at column {line.index(byte) + 1})"


def _j_nul(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    if rng.random() < 0.5:  # escaped: valid JSON holding NUL
        line = _line(claim | {"value_text": "Test \x00 text"})
        return line, "value_text: 'Test \\x00 text' holds a NUL character"
    line = _line(claim | {"value_text": "Test MARK text"}).replace(b"MARK", b"\x00")  # raw: not JSON
    return line, "Invalid control character"


def _j_wrong_type(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    name, value, message = rng.choice([
        ("country", ["FR"], "country: ['FR'] is an array where a string belongs"),
        ("system", 5, "system: 5 is a number where a string belongs"),
        ("citations", "S-00000001", "citations: 'S-00000001' is a string where an array belongs"),
        ("value_low", [1], "value_low: [1] is an array where a number belongs"),
        ("claimant", {"name": "Test Claimant"}, "claimant: {'name': 'Test Claimant'} is an object where a string"),
    ])  # fmt: skip
    return _line(claim | {name: value}), message


def _j_unknown_type(rng: random.Random, claim: dict, earlier: dict) -> tuple[bytes, str]:
    kind = rng.choice(["widget", "claims", None])
    return _line(claim | {"type": kind}), f"type: {kind!r} is not one of target_type, system"


JSONL_CATEGORIES: dict[str, JsonlMaker] = {
    "missing required field": _j_missing, "bad date": _j_bad_date, "unknown system": _j_unknown_system,
    "negative quantity": _j_negative, "fractional quantity": _j_fractional, "oversize text": _j_oversize,
    "duplicate key": _j_duplicate, "privileged field": _j_privileged, "unknown field": _j_unknown_field,
    "broken encoding": _j_encoding, "NUL": _j_nul, "wrong JSON type": _j_wrong_type,
    "unknown record type": _j_unknown_type,
}  # fmt: skip


def _placements(rng: random.Random, good: int, bad: int, categories: list[str]) -> dict[int, list[str]]:
    """Which bad records follow which good one (never before the first: a duplicate needs
    an earlier claim); categories in turn, so each gets bad // len(categories) or one more."""
    after: dict[int, list[str]] = {}
    for index in range(bad):
        after.setdefault(rng.randrange(good), []).append(categories[index % len(categories)])
    return after


def write_jsonl(path: Path, good: int, bad: int) -> MixedFile:
    rng = random.Random(SEED)
    mixed = MixedFile(path, claims=good, citations=good, sources=SOURCES)
    lines = [_line(record) for record in CATALOGUE]
    placements = _placements(rng, good, bad, list(JSONL_CATEGORIES))
    for n in range(good):
        lines.append(_line(_good_claim(n)))
        for category in placements.get(n, []):
            claim = _without(_good_claim(10**7 + len(lines)), "id")
            line, message = JSONL_CATEGORIES[category](rng, claim, _good_claim(rng.randrange(n + 1)))
            lines.append(line)
            mixed.bad[len(lines)] = (category, message)
            mixed.bad_lines.append(line)
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return mixed


CSV_COLUMNS = [*records.CLAIM_FIELDS, "source", "quote", "locator", "role",
               "version", "created_at", "frobnicate"]  # fmt: skip
CsvMaker = Callable[[random.Random, dict[str, str], dict[str, str]], tuple[dict[str, str], str]]


def _row(claim: dict[str, Any]) -> dict[str, str]:
    citation = claim.get("citations", [{}])[0]
    row = {k: v for k, v in claim.items() if k not in ("type", "citations")} | citation
    return {k: "" if row.get(k) is None else str(row[k]) for k in CSV_COLUMNS}


def _c_missing(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    name, message = rng.choice([("kind", "kind: required but not given"),
                                ("country", "party: required for an inventory")])  # fmt: skip
    return row | {name: ""}, message


def _c_bad_date(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    stated = rng.choice(sorted(BAD_DATES))
    return row | {"stated": stated}, f"stated: {stated!r} {BAD_DATES[stated]}"


def _c_unknown_system(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    slug = f"test-system-missing-{rng.randrange(10**6)}"
    return row | {"system": slug}, f"system not found: {slug!r}"


def _c_negative(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    value = -rng.randrange(1, 10**6)  # "-5" is a number, not a formula
    return row | {"value_low": str(value)}, f"value_low: {float(value)} must be a finite number, zero or more"


def _c_fractional(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    value = rng.randrange(10**6) + 0.5
    return row | {"value_low": str(value)}, f"value_low: {value} must be a whole number of missiles"


def _c_oversize(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    record, message = _oversize(rng, {"citations": [{}]})
    return row | {k: v for k, v in _row(record).items() if v}, message


def _c_duplicate(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    value = str(int(earlier["value_low"]) + 7)
    return earlier | {"value_low": value, "source": "S-00000003" if earlier["source"] != "S-00000003" else
                      "S-00000004"}, f"value_low: {value!r} differs from {earlier['value_low']!r} on line"  # fmt: skip


def _c_privileged(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    name = rng.choice(["version", "created_at"])
    return row | {name: "2"}, f"{name}: '2' is kept by the database: an import cannot set it"


def _c_unknown_field(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    return row | {"frobnicate": "1"}, "frobnicate: '1' is not a field of a claim record"


def _c_formula(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    name = rng.choice(["value_text", "quote", "locator", "note"])
    value = rng.choice(['=HYPERLINK("https://example.org")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-cmd",
                        "\tTest", "\rTest"])  # fmt: skip
    return row | {name: value}, f"{name}: {value!r} starts with {value[0]!r}, a formula in a spreadsheet"


def _c_encoding(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    byte = rng.choice([0xFF, 0xFE, 0x80])
    quote = f"Test {chr(0xDC00 + byte)} quote"  # the byte as read with "surrogateescape"
    return row | {"quote": quote}, f"quote: not valid UTF-8 (byte 0x{byte:02x} at"


def _c_nul(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    return row | {"value_text": "Test \x00 text"}, "value_text: 'Test \\x00 text' holds a NUL character"


def _c_wrong_type(rng: random.Random, row: dict, earlier: dict) -> tuple[dict, str]:
    if rng.random() < 0.5:
        message = "external_ids: {'scheme': 'wikidata'} is an object where an array belongs"
        return row | {"external_ids": '{"scheme": "wikidata"}'}, message
    return row | {"external_ids": "Q123"}, "external_ids: 'Q123' is not a JSON list"


CSV_CATEGORIES: dict[str, CsvMaker] = {
    "missing required field": _c_missing, "bad date": _c_bad_date, "unknown system": _c_unknown_system,
    "negative quantity": _c_negative, "fractional quantity": _c_fractional, "oversize text": _c_oversize,
    "duplicate key": _c_duplicate, "privileged field": _c_privileged, "unknown field": _c_unknown_field,
    "formula cell": _c_formula, "broken encoding": _c_encoding, "NUL": _c_nul, "wrong JSON type": _c_wrong_type,
}  # fmt: skip


def write_csv(path: Path, good: int, bad: int) -> MixedFile:
    """Every 50th good claim has a second row (same id and cells, another source): legitimate."""
    rng = random.Random(SEED + 1)
    mixed = MixedFile(path, claims=good)
    rows: list[dict[str, str]] = []
    placements = _placements(rng, good, bad, list(CSV_CATEGORIES))
    for n in range(good):
        rows.append(_row(_good_claim(n)))
        if n % 50 == 0:
            rows.append(rows[-1] | {"source": f"S-{(n + 1) % SOURCES:08d}"})
        for category in placements.get(n, []):
            row = _row(_without(_good_claim(10**7 + len(rows)), "id"))
            bad_row, message = CSV_CATEGORIES[category](rng, row, _row(_good_claim(rng.randrange(n + 1))))
            rows.append(bad_row)
            mixed.bad[len(rows) + 1] = (category, message)  # line 1 is the header
            mixed.bad_rows.append(bad_row)
    mixed.citations = len(rows) - len(mixed.bad)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))
    return mixed


@pytest.fixture(scope="module")
def mixed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MixedFile]:
    folder = tmp_path_factory.mktemp("malformed")
    return {"jsonl": write_jsonl(folder / "mixed.jsonl", GOOD, BAD),
            "csv": write_csv(folder / "mixed.csv", GOOD, BAD)}  # fmt: skip


def _cli(url: str, *args: str) -> Result:
    return runner.invoke(app, ["--db", url, "--editor", "test-editor", "import", *args])


def _counts(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as connection:
        counts = {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("claim", "citation", "source")}  # fmt: skip
    engine.dispose()
    return counts


def _database(dbs: DatabaseFactory, fmt: str, tmp_path: Path) -> str:
    """A migrated database; for CSV (claims only) holding the catalogue the claims name."""
    url = dbs.migrated()
    if fmt == "csv":
        catalogue = tmp_path / "catalogue.jsonl"
        catalogue.write_text("".join(json.dumps(r) + "\n" for r in CATALOGUE), encoding="utf-8")
        assert _cli(url, str(catalogue)).exit_code == 0
    return url


def _reported(stderr: str, name: str) -> dict[int, str]:
    found = re.findall(
        rf"^{re.escape(name)}: line (\d+): (.*?)(?: \(skipped\))?$", stderr, flags=re.MULTILINE
    )
    return {int(line): message for line, message in found}


def _assert_messages(mixed: MixedFile, reported: dict[int, str]) -> None:
    assert set(reported) == set(mixed.bad), (sorted(set(reported) ^ set(mixed.bad))[:10], reported)
    wrong = [(line, mixed.bad[line], reported[line]) for line in sorted(mixed.bad)
             if mixed.bad[line][1] not in reported[line]]  # fmt: skip
    assert wrong == [], wrong[:10]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_strict_import_with_malformed_records_writes_nothing_and_names_every_bad_line(
    dbs: DatabaseFactory, mixed_files: dict[str, MixedFile], fmt: str, tmp_path: Path
) -> None:
    mixed = mixed_files[fmt]
    url = _database(dbs, fmt, tmp_path)
    engine = engine_for(url)
    before = db_state(engine)
    result = _cli(url, str(mixed.path))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.splitlines()[-1].startswith(
        f"error: {len(mixed.bad)} invalid record(s), nothing written"
    )
    _assert_messages(mixed, _reported(result.stderr, mixed.path.name))
    assert db_state(engine) == before
    engine.dispose()
    assert min(mixed.tried().values()) >= BAD // len(JSONL_CATEGORIES)
    report_figures("T4 malformed import, strict", dbs.name, format=fmt, good=GOOD, bad=len(mixed.bad),
                   categories=mixed.tried(), rows_written=0)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_skip_invalid_writes_exactly_the_good_records_and_rejects_exactly_the_bad_lines(
    dbs: DatabaseFactory, mixed_files: dict[str, MixedFile], fmt: str, tmp_path: Path
) -> None:
    mixed = mixed_files[fmt]
    url = _database(dbs, fmt, tmp_path)
    before = _counts(url)
    rejects = tmp_path / f"rejects.{fmt}"
    result = _cli(url, str(mixed.path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    _assert_messages(mixed, _reported(result.stderr, mixed.path.name))
    written = {t: n - before[t] for t, n in _counts(url).items()}
    assert written == {"claim": mixed.claims, "citation": mixed.citations, "source": mixed.sources}
    if fmt == "jsonl":
        assert rejects.read_bytes().split(b"\n")[:-1] == mixed.bad_lines
    else:
        text = rejects.read_bytes().decode("utf-8", "surrogateescape")
        assert list(csv.DictReader(io.StringIO(text))) == mixed.bad_rows
    report_figures("T4 malformed import, skip invalid", dbs.name, format=fmt, good=GOOD, bad=len(mixed.bad),
                   written=written, rejected=len(mixed.bad))  # fmt: skip


def _import(engine: sa.Engine, text: str, fmt: str = "jsonl", **options: Any):  # type: ignore[no-untyped-def]
    raws = read_jsonl(text) if fmt == "jsonl" else read_claims_csv(text)
    with session_scope(engine, write=True) as session:
        return import_records(session, raws, edit=EDIT, skip_invalid=True, **options)


def _jsonl(*extra: dict[str, Any]) -> str:
    return "".join(json.dumps(r) + "\n" for r in [*CATALOGUE, *extra])


def test_fields_the_database_keeps_are_refused_by_name_and_rank_stays_importable(engine: sa.Engine) -> None:
    """`rank` (like verification_status) is part of a claim record, so an import sets it."""
    kept = {"version": 5, "created_at": "2020-01-01T00:00:00+00:00", "updated_at": "2020-01-01T00:00:00+00:00",
            "retracted_at": "2020-01-01T00:00:00+00:00", "retraction_reason": "Test", "public_id": "C-0000000Z"}  # fmt: skip
    claims = [_good_claim(n) | {name: value} for n, (name, value) in enumerate(kept.items())]
    systems = [
        {"type": "system", "slug": "test-system-2", "name": "Test System 2", "category": "manpads", "id": 7}
    ]
    report = _import(engine, _jsonl(*claims, *systems, _good_claim(99) | {"rank": "preferred"}))
    first = len(CATALOGUE) + 1
    assert [str(i) for i in report.issues] == [
        *(f"line {first + n}: {name}: {value!r} is kept by the database: an import cannot set it"
          for n, (name, value) in enumerate(kept.items())),
        f"line {first + len(kept)}: id: 7 is kept by the database: an import cannot set it",
    ]  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT public_id, rank, version FROM claim")).all()
    assert [tuple(row) for row in rows] == [("C-00000099", "preferred", 1)]


def test_a_value_of_the_wrong_json_type_is_a_bad_record_not_a_crash(engine: sa.Engine) -> None:
    wrong = [
        {"type": "system", "slug": 5, "name": "Test System 5", "category": "manpads"},
        {"type": "system", "slug": "test-system-6", "name": "Test System 6", "category": "manpads", "aliases": 5},
        {"type": "target_type", "slug": ["test-target"], "name": "Test target"},
        {"type": "actor", "name": 5, "kind": "person"},
        {"type": "alias", "system": 5, "name": "TS-5", "kind": "designation"},
        {"type": "source", "kind": "news_article", "title": "Test", "url": ["https://example.org/x"]},
        {"type": "citation", "claim": {"id": "C-00000001"}, "source": "S-00000001"},
        _good_claim(1) | {"citations": 5},
    ]  # fmt: skip
    report = _import(engine, _jsonl(*wrong))
    assert [str(i).split(": ", 1)[1] for i in report.issues] == [
        "slug: 5 is a number where a string belongs",
        "aliases: 5 is a number where an array belongs",
        "slug: ['test-target'] is an array where a string belongs",
        "name: 5 is a number where a string belongs",
        "system: 5 is a number where a string belongs",
        "url: ['https://example.org/x'] is an array where a string belongs",
        "claim: {'id': 'C-00000001'} is an object where a string belongs",
        "citations: 5 is a number where an array belongs",
    ]
    assert report.created["source"] == SOURCES


def test_text_longer_than_its_column_is_refused_before_it_reaches_the_database(engine: sa.Engine) -> None:
    """PostgreSQL refused these rows with a traceback (varchar too long, NUL); SQLite stored them."""
    long = [_good_claim(1) | {"value_text": "x" * 1001}, _good_claim(2) | {"subject": "x" * 301},
            _good_claim(3) | {"unit": "x" * 41}, _cited(_good_claim(4), locator="x" * 201),
            _good_claim(5) | {"note": "x" * 10_001}, _good_claim(6) | {"location": "Test \x00 place"},
            _good_claim(7) | {"value_text": "x" * 1000, "note": "x" * 10_000}]  # fmt: skip
    report = _import(engine, _jsonl(*long))
    assert [str(i).split(": ", 1)[1] for i in report.issues] == [
        "value_text: 1,001 characters, more than the 1,000 it may hold",
        "subject: 301 characters, more than the 300 it may hold",
        "unit: 41 characters, more than the 40 it may hold",
        "citations[0].locator: 201 characters, more than the 200 it may hold",
        "note: 10,001 characters, more than the 10,000 it may hold",
        "location: 'Test \\x00 place' holds a NUL character (\\x00), which no text may hold",
    ]
    assert report.created["claim"] == 1  # at the limits exactly


def test_a_csv_cell_beyond_the_csv_field_limit_is_one_bad_row_and_the_rest_imports(engine: sa.Engine) -> None:
    _import(engine, _jsonl())
    rows = [_row(_good_claim(n)) for n in range(3)]
    rows[1]["quote"] = "x" * 200_000
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    report = _import(engine, buffer.getvalue(), "csv")
    assert [str(i) for i in report.issues] == [
        "line 3: not readable as CSV (field larger than field limit (131072))"
    ]
    assert report.created["claim"] == 2
