"""Read import files into numbered raw records: JSON Lines (any record type) or CSV (claims)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
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


def read_jsonl(text: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
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
    """One claim per row with one citation; rows repeating a claim `id` add citations to it."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "source"} - set(reader.fieldnames or [])
    if missing:
        yield RawRecord(
            1,
            text.splitlines()[0] if text else "",
            None,
            f"header: missing column(s) {', '.join(sorted(missing))}",
        )
        return
    for row in reader:
        number = reader.line_num
        raw = _row_text(reader.fieldnames or [], row)
        cells = {k: unneutralise(v) for k, v in row.items() if k is not None and v not in (None, "")}
        if None in row:
            yield RawRecord(number, raw, None, "row has more cells than the header")
            continue
        claim = {k: v for k, v in cells.items() if k not in CSV_CITATION_FIELDS}
        for name in _CSV_LISTS:
            if name in claim:
                try:
                    claim[name] = json.loads(claim[name])
                except json.JSONDecodeError:
                    yield RawRecord(number, raw, None, f"{name}: {claim[name]!r} is not a JSON list")
                    break
        else:
            citation = {k: cells[k] for k in CSV_CITATION_FIELDS if k in cells}
            yield RawRecord(number, raw, {"type": "claim", **claim, "citations": [citation]})


def _row_text(fieldnames: list[str], row: dict[str, Any]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="").writerow(
        {k: v for k, v in row.items() if k is not None}
    )
    return buffer.getvalue()
