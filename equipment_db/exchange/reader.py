"""Read import files into numbered raw records: JSON Lines (any record type) or CSV (claims)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from equipment_db.errors import EquipmentDBError
from equipment_db.exchange import records

CSV_CITATION_FIELDS = ("source", "quote", "locator", "role")
CSV_LISTS = ("external_ids", "claimants")  # JSON lists in a cell: ["A US official", "A senator"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RawRecord:
    line: int
    text: str  # the line(s) as read, for a rejects file
    data: dict[str, Any] | None
    error: str | None = None
    extra_lines: list[int] = field(default_factory=list)


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_jsonl(text: str | Iterable[str | bytes]) -> Iterator[RawRecord]:
    """Records from a whole text or, streaming, from its lines (a file opened in binary
    mode: a line that is not UTF-8 becomes an invalid record, not the end of the import;
    its text keeps the bytes as surrogate escapes, for a rejects file)."""
    lines = text.splitlines() if isinstance(text, str) else text
    for number, given in enumerate(lines, start=1):
        if isinstance(given, bytes):
            try:
                line = given.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield RawRecord(number, given.decode("utf-8", "surrogateescape").rstrip("\r\n"), None,
                                f"not valid UTF-8 (byte 0x{given[exc.start]:02x} at column {exc.start + 1})")  # fmt: skip
                continue
        else:
            line = given
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(number, line, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except RecursionError:
            yield RawRecord(number, line, None, "not readable: arrays or objects nested deeper than any record")
            continue
        surrogate = _lone_surrogate(line, data)
        if surrogate is not None:
            yield RawRecord(number, line, None, surrogate)
            continue
        if not isinstance(data, dict):
            yield RawRecord(number, line, None, "a record must be a JSON object")
            continue
        if data.get("type") not in records.RECORD_TYPES:
            yield RawRecord(
                number,
                line,
                None,
                f"type: {data.get('type')!r} is not one of {', '.join(records.RECORD_TYPES)}",
            )
            continue
        yield checked(RawRecord(number, line, data))


def _lone_surrogate(line: str, data: Any) -> str | None:
    """Why a record is refused if its JSON escapes a lone surrogate ("\\ud800"): half of a
    UTF-16 pair is no character, and no database can store it. A pair ("\\ud83d\\ude00")
    reads as its one character and is fine."""
    if "\\u" not in line or not re.search(r"\\u[dD][89a-fA-F]", line):
        return None  # the only way a decoded line holds one is as an escape
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"holds a lone surrogate (\\u{ord(exc.object[exc.start]):04x}), half of a UTF-16 pair and no "
                f"character: write the character itself, or both halves of its pair")  # fmt: skip
    return None


def checked(raw: RawRecord) -> RawRecord:
    """`raw`, or an invalid record if its fields break the record shape (`check_record`)."""
    try:
        records.check_record(raw.data)  # type: ignore[arg-type]
    except EquipmentDBError as exc:
        return RawRecord(raw.line, raw.text, None, exc.message)
    return raw


def unneutralise(value: str) -> str:
    """Undo the apostrophe that export puts before a formula-like cell, or before a value that
    itself began with an apostrophe (so that "'=x" survives: exported as "''=x")."""
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


def read_claims_csv(text: str) -> Iterator[RawRecord]:
    """One claim per row with one citation; later rows repeating a claim `id` add their
    citation to that claim and repeat its other cells as they are. Bytes that were not
    UTF-8 may come as surrogate escapes (decoded with "surrogateescape"): their row is
    invalid, like a row that does not parse or holds a formula cell."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "source"} - set(reader.fieldnames or [])
    if missing:
        yield RawRecord(1, text.splitlines()[0] if text else "", None,
                        f"header: missing column(s) {', '.join(sorted(missing))}")  # fmt: skip
        return
    records: list[RawRecord] = []
    by_id: dict[str, RawRecord] = {}
    for record in _csv_rows(reader, text):
        key = str((record.data or {}).get("id") or "").strip().upper()
        if record.data is not None and key in by_id:
            first = by_id[key]
            conflict = _conflict(first, record)
            if conflict is not None:
                records.append(RawRecord(record.line, record.text, None, conflict))
                continue
            first.data["citations"] += record.data["citations"]  # type: ignore[index]
            first.extra_lines.append(record.line)
            first.text += "\n" + record.text
            continue
        if record.data is not None and key:
            by_id[key] = record
        records.append(record)
    yield from records


def _csv_rows(reader: csv.DictReader, text: str) -> Iterator[RawRecord]:  # type: ignore[type-arg]
    """A record per row; a row the csv module cannot read (a cell over its field size
    limit) is reported on the line after the last row read, and reading goes on."""
    lines: list[str] | None = None
    while True:
        after = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines = lines if lines is not None else text.splitlines()
            yield RawRecord(after + 1, lines[after] if after < len(lines) else "", None,
                            f"not readable as CSV ({exc})")  # fmt: skip
            continue
        yield _csv_record(reader.line_num, reader.fieldnames or [], row)


def _conflict(first: RawRecord, again: RawRecord) -> str | None:
    """Why a row repeating a claim id may not join its first row: a claim cell differs."""
    ours, theirs = first.data or {}, again.data or {}
    for name in sorted((set(ours) | set(theirs)) - {"type", "id", "citations"}):
        if ours.get(name) != theirs.get(name):
            return (f"{name}: {theirs.get(name)!r} differs from {ours.get(name)!r} on line {first.line}, the "
                    f"first row of claim {ours.get('id')}: a row repeating a claim id only adds a citation")  # fmt: skip
    return None


def _csv_record(number: int, fieldnames: list[str], row: dict[str, Any]) -> RawRecord:
    raw = _row_text(fieldnames, row)
    if None in row:
        return RawRecord(number, raw, None, "row has more cells than the header")
    given = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
    problems = [problem for name, value in given.items() if (problem := _cell_problem(name, value)) is not None]
    if problems:
        return RawRecord(number, raw, None, "; ".join(problems))
    cells = {k: unneutralise(v) for k, v in given.items()}
    claim: dict[str, Any] = {k: v for k, v in cells.items() if k not in CSV_CITATION_FIELDS}
    for name in CSV_LISTS:
        if name in claim:
            try:
                claim[name] = json.loads(claim[name])
            except json.JSONDecodeError:
                return RawRecord(number, raw, None, f"{name}: {claim[name]!r} is not a JSON list")
    citation = {k: cells[k] for k in CSV_CITATION_FIELDS if k in cells}
    return checked(RawRecord(number, raw, {"type": "claim", **claim, "citations": [citation]}))


def _cell_problem(name: str, value: str) -> str | None:
    """A cell holding bytes that were not UTF-8, or a formula a spreadsheet would run (a
    number such as -5 is not one; export writes formula-like text as '=..., undone here)."""
    escaped = next((i for i, char in enumerate(value) if "\udc80" <= char <= "\udcff"), None)
    if escaped is not None:
        byte = ord(value[escaped]) - 0xDC00
        return f"{name}: not valid UTF-8 (byte 0x{byte:02x} at character {escaped + 1} of the cell)"
    if value.startswith(FORMULA_START) and not _is_number(value):
        return (f"{name}: {value!r} starts with {value[0]!r}, a formula in a spreadsheet: "
                f"write it as {chr(39) + value!r} to import the text")  # fmt: skip
    return None


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value == value.strip()


def _row_text(fieldnames: list[str], row: dict[str, Any]) -> str:
    """The row as CSV, without its line end (given to the writer all the same: a cell
    holding CR or LF is quoted only if the line end has one)."""
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\r\n").writerow(
        {k: v for k, v in row.items() if k is not None}
    )
    return buffer.getvalue().removesuffix("\r\n")


def rejects_text(rejected: list[RawRecord], csv_text: str | None = None) -> str:
    """The rejected records as a file to fix and import again: for a CSV import (`csv_text`
    its text), the header row first."""
    header = ""
    if csv_text is not None:
        fieldnames = next(csv.reader(io.StringIO(csv_text)), [])
        header = _row_text(fieldnames, dict(zip(fieldnames, fieldnames, strict=True))) + "\n"
    return header + "".join(raw.text + "\n" for raw in rejected)
