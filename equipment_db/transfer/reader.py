"""Read import files into numbered raw records: JSON Lines (any record type) or CSV (claims)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from equipment_db.transfer import records

CSV_CITATION_FIELDS = ("source", "quote", "locator", "role")
_CSV_LISTS = ("external_ids",)


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
    mode: a line that is not UTF-8 becomes an invalid record, not the end of the import)."""
    lines = text.splitlines() if isinstance(text, str) else text
    for number, given in enumerate(lines, start=1):
        if isinstance(given, bytes):
            try:
                line = given.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield RawRecord(number, given.decode("utf-8", "replace").rstrip("\r\n"), None,
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
        yield RawRecord(number, line, data)


def unneutralise(value: str) -> str:
    """Undo the apostrophe that export puts before a formula-like cell."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def read_claims_csv(text: str) -> Iterator[RawRecord]:
    """One claim per row with one citation; later rows repeating a claim `id` add their
    citation to that claim (the claim's other cells are taken from its first row)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "source"} - set(reader.fieldnames or [])
    if missing:
        yield RawRecord(1, text.splitlines()[0] if text else "", None,
                        f"header: missing column(s) {', '.join(sorted(missing))}")  # fmt: skip
        return
    records: list[RawRecord] = []
    by_id: dict[str, RawRecord] = {}
    for row in reader:
        record = _csv_record(reader.line_num, reader.fieldnames or [], row)
        key = str((record.data or {}).get("id") or "").strip().upper()
        if record.data is not None and key in by_id:
            first = by_id[key]
            first.data["citations"] += record.data["citations"]  # type: ignore[index]
            first.extra_lines.append(record.line)
            first.text += "\n" + record.text
            continue
        if record.data is not None and key:
            by_id[key] = record
        records.append(record)
    yield from records


def _csv_record(number: int, fieldnames: list[str], row: dict[str, Any]) -> RawRecord:
    raw = _row_text(fieldnames, row)
    if None in row:
        return RawRecord(number, raw, None, "row has more cells than the header")
    cells = {k: unneutralise(v) for k, v in row.items() if k is not None and v not in (None, "")}
    claim: dict[str, Any] = {k: v for k, v in cells.items() if k not in CSV_CITATION_FIELDS}
    for name in _CSV_LISTS:
        if name in claim:
            try:
                claim[name] = json.loads(claim[name])
            except json.JSONDecodeError:
                return RawRecord(number, raw, None, f"{name}: {claim[name]!r} is not a JSON list")
    citation = {k: cells[k] for k in CSV_CITATION_FIELDS if k in cells}
    return RawRecord(number, raw, {"type": "claim", **claim, "citations": [citation]})


def _row_text(fieldnames: list[str], row: dict[str, Any]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="").writerow(
        {k: v for k, v in row.items() if k is not None}
    )
    return buffer.getvalue()
