"""Mapped CSV: a register's own CSV export, read through a mapping file into import records.

`equipment-db import FILE.csv --mapping MAP.toml` (or `--mapping sipri`, the shipped mapping
for the SIPRI Arms Transfers Database trade register). The mapping says where the header
is, which column (or constant, or value map) gives each claim field, which systems and
parties the rows name, the source they come from and the external id that makes each row
the same claim in the next release. Each row becomes the same records a JSON Lines file
holds, and goes through the one importer: nothing is written by another path.

Nothing is guessed: a cell a value map does not know, a country name that is not exactly
one country, a designation that names no system (and has no mapped category to create
one) is that row's error, with the line and the column. Every key of a mapping file is in
`MAPPING_KEYS`, which docs/IMPORT.md is generated from; an unknown key is refused.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session

from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims.models import ClaimCreate
from equipment_db.errors import Ambiguous, EquipmentDBError, InvalidValue
from equipment_db.exchange.reader import RawRecord, checked
from equipment_db.normalize.names import slugify
from equipment_db.vocab import ActorKind, IdScheme, SystemCategory

SHIPPED = ("sipri",)  # mappings in equipment_db/exchange/mappings/, named without ".toml"

# Every key a mapping file may hold: (key, what it says). Nested keys are dotted.
MAPPING_KEYS: tuple[tuple[str, str], ...] = (
    ("description", "Text for people: which export this mapping reads."),
    ("csv.delimiter", "The cell separator, one character (default `,`). A separator at the end of each line "
                      "(`a;b;c;`) gives an empty last cell, which is ignored."),
    ("csv.header", "The first cell of the header row. Lines before it (a title, the date of the export) are "
                   "the preamble and are skipped. Without it, the first line is the header."),
    ("csv.skip_without", "Columns that a row must fill to be read: a row with any of them blank is counted as "
                         "skipped, not imported and not an error (a register's order with no delivery yet)."),
    ("source", "The source every row cites: the fields of a `source` record (kind, title, publisher, url, "
               "published, accessed, language, note), or `id` alone for a source already in the database. "
               "Matched by id or URL, created otherwise."),
    ("actors", "A list of `actor` records (name, kind, description) the rows need, such as the claimant; "
               "created if missing."),
    ("claim", "The claim each row becomes: one entry per claim field (kind, scope, counted, value, "
              "qualifier, about, stated, party, counterparty, country, counterparty_country, claimant, "
              "system, note, ...). An entry is a constant (`kind = \"transfer\"`) or a table reading a column "
              "(below)."),
    ("claim.FIELD.column", "The column whose cell gives the field. A blank cell gives nothing."),
    ("claim.FIELD.map", "A value map: cell text (compared without surrounding spaces and case) to the field's "
                        "value. A cell the map lacks is the row's error, never passed on; except for a party or "
                        "country, whose map holds local names (`unknown recipient(s)` = `unknown`) and whose "
                        "other names go to the exact country lookup."),
    ("claim.FIELD.approximate_if", "For a date field: `{ column = ..., values = [...] }`; when that column "
                                   "holds one of the values, the date is approximate (EDTF `2010~`)."),
    ("claim.FIELD.marks", "For a party field: name endings that make the party an actor of a kind, longest "
                          "first, such as `{ \"**\" = \"international_organisation\", \"*\" = \"armed_force\" }`: "
                          "`NATO**` is the actor NATO. Other names must be exactly one country, or mapped."),
    ("claim.system.split", "For the system field: a separator between names of one system in a cell "
                           "(`Igla-S/SA-24`): the cell names the system that all of its names that match name."),
    ("claim.system.create", "For the system field: `{ column = ..., map = {...} }` giving a category "
                            "(manpads, sam_system, aircraft, ...) for a designation that names no system; the "
                            "system is created with the designation as its name. Without a category the row "
                            "is an error."),
    ("citation.locator", "The citation's locator, a template of `{Column name}` and `{line}`, such as "
                         "`deal {SIPRI AT Database ID}, {Delivery year}` (default `line {line}`). A locator "
                         "that does not change between releases keeps an unchanged row unchanged. The quote "
                         "is always the row's text as it is in the file."),
    ("external_ids", "A list of `{ scheme = ..., value = { column = ... }, part = { column = ... } }`: the id "
                     "that makes a row the same claim in every release (scheme one of "
                     f"{', '.join(s.value for s in IdScheme)}; `part` optional, such as the delivery year)."),
)
_CLAIM_TABLE_KEYS = {"column", "map", "approximate_if", "marks", "split", "create"}
_CLAIM_FIELDS = set(ClaimCreate.model_fields) - {"citations", "external_ids", "public_id", "value_low",
                                                 "value_high"}  # fmt: skip
_DATE_FIELDS = {"stated", "about"}
_PARTY_FIELDS = {"party", "counterparty"}
_NAMED = _PARTY_FIELDS | {"country", "counterparty_country"}  # a map holds local names, not every name
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Cell:
    """How one claim field is read: a constant, or a column (through a value map)."""

    constant: Any = None
    column: str | None = None
    values: dict[str, Any] | None = None  # folded cell text -> value
    approximate_if: tuple[str, frozenset[str]] | None = None
    marks: tuple[tuple[str, str], ...] = ()
    split: str | None = None
    create: Cell | None = None


@dataclass
class Mapping:
    name: str
    delimiter: str = ","
    header: str | None = None
    skip_without: tuple[str, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)
    actors: list[dict[str, Any]] = field(default_factory=list)
    claim: dict[str, Cell] = field(default_factory=dict)
    locator: str = "line {line}"
    external_ids: list[tuple[str, Cell, Cell | None]] = field(default_factory=list)

    def columns(self) -> set[str]:
        """Every column the mapping reads."""
        cells = [*self.claim.values(), *(c for _, v, p in self.external_ids for c in (v, p) if c)]
        cells += [c.create for c in self.claim.values() if c.create]
        named = {c.column for c in cells if c.column} | set(self.skip_without)
        named |= {c.approximate_if[0] for c in cells if c.approximate_if}
        return named | set(_TEMPLATE.findall(self.locator)) - {"line"}


def load_mapping(given: str | Path) -> Mapping:
    """A mapping from a file, or a shipped one by name (`sipri`); every key checked."""
    text, name = _mapping_text(str(given))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue("mapping", name, f"is not valid TOML ({exc})") from None
    return _parse(document, name)


def shipped_mapping_text(name: str) -> str:
    return resources.files("equipment_db.exchange").joinpath("mappings", f"{name}.toml").read_text(encoding="utf-8")


def _mapping_text(given: str) -> tuple[str, str]:
    if given in SHIPPED:
        return shipped_mapping_text(given), given
    path = Path(given)
    if not path.is_file():
        shipped = ", ".join(SHIPPED)
        raise InvalidValue("mapping", given, f"is not a mapping file, nor a shipped mapping ({shipped})")
    return path.read_text(encoding="utf-8"), path.name


def _parse(document: dict[str, Any], name: str) -> Mapping:
    allowed = {"description", "csv", "source", "actors", "claim", "citation", "external_ids"}
    _only(document, allowed, "")
    mapping = Mapping(name)
    table = document.get("csv", {})
    _only(table, {"delimiter", "header", "skip_without"}, "csv.")
    mapping.delimiter = _text(table.get("delimiter", ","), "csv.delimiter")
    if len(mapping.delimiter) != 1:
        raise InvalidValue("csv.delimiter", mapping.delimiter, "must be one character")
    mapping.header = table.get("header")
    mapping.skip_without = tuple(table.get("skip_without", ()))
    mapping.source = dict(document.get("source") or {})
    if not mapping.source:
        raise InvalidValue("source", None, "is required: the source every row cites (a source record, or id)")
    mapping.actors = [dict(actor) for actor in document.get("actors", [])]
    for index, actor in enumerate(mapping.actors):
        _only(actor, {"name", "kind", "description"}, f"actors[{index}].")
    claim = document.get("claim") or {}
    for key, spec in claim.items():
        if key not in _CLAIM_FIELDS:
            raise InvalidValue(f"claim.{key}", spec, "is not a claim field")
        mapping.claim[key] = _cell(spec, f"claim.{key}", key)
    citation = document.get("citation", {})
    _only(citation, {"locator"}, "citation.")
    mapping.locator = citation.get("locator", mapping.locator)
    for index, xid in enumerate(document.get("external_ids", [])):
        prefix = f"external_ids[{index}]"
        _only(xid, {"scheme", "value", "part"}, f"{prefix}.")
        scheme = str(xid.get("scheme", ""))
        if scheme not in IdScheme.__members__:
            raise InvalidValue(f"{prefix}.scheme", scheme, f"is not one of {', '.join(IdScheme)}")
        part = _cell(xid["part"], f"{prefix}.part", "part") if "part" in xid else None
        mapping.external_ids.append((scheme, _cell(xid.get("value"), f"{prefix}.value", "value"), part))
    return mapping


def _only(table: Any, allowed: set[str], prefix: str) -> None:
    if not isinstance(table, dict):
        raise InvalidValue(prefix.rstrip(".") or "mapping", table, "must be a table")
    for key in table:
        if key not in allowed:
            raise InvalidValue(f"{prefix}{key}", table[key], f"is not a mapping key (known: {', '.join(sorted(allowed))})")


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(key, value, "must be text")
    return value


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cell(spec: Any, key: str, name: str) -> Cell:
    if not isinstance(spec, dict):
        if spec is None:
            raise InvalidValue(key, spec, "is required")
        return Cell(constant=spec)
    _only(spec, _CLAIM_TABLE_KEYS, f"{key}.")
    if "column" not in spec:
        raise InvalidValue(f"{key}.column", None, "is required in a table (or give a constant)")
    values = {_fold(str(k)): v for k, v in spec["map"].items()} if "map" in spec else None
    approximate = None
    if "approximate_if" in spec:
        if name not in _DATE_FIELDS:
            raise InvalidValue(f"{key}.approximate_if", spec["approximate_if"], "goes only with stated or about")
        flag = spec["approximate_if"]
        _only(flag, {"column", "values"}, f"{key}.approximate_if.")
        approximate = (_text(flag["column"], f"{key}.approximate_if.column"),
                       frozenset(_fold(str(v)) for v in flag.get("values", [])))  # fmt: skip
    marks: tuple[tuple[str, str], ...] = ()
    if "marks" in spec:
        if name not in _PARTY_FIELDS:
            raise InvalidValue(f"{key}.marks", spec["marks"], "goes only with party or counterparty")
        for mark, kind in spec["marks"].items():
            if kind not in ActorKind.__members__:
                raise InvalidValue(f"{key}.marks.{mark}", kind, f"is not an actor kind ({', '.join(ActorKind)})")
        marks = tuple(sorted(spec["marks"].items(), key=lambda item: -len(item[0])))
    if ("split" in spec or "create" in spec) and name != "system":
        raise InvalidValue(key, spec, "has split or create, which go only with system")
    create = None
    if "create" in spec:
        create = _cell(spec["create"], f"{key}.create", "category")
        unknown = [v for v in (create.values or {}).values() if v not in SystemCategory.__members__]
        if unknown or create.values is None:
            raise InvalidValue(f"{key}.create.map", unknown or None,
                               f"must map cells to system categories ({', '.join(SystemCategory)})")  # fmt: skip
    return Cell(column=_text(spec["column"], f"{key}.column"), values=values, approximate_if=approximate,
                marks=marks, split=spec.get("split"), create=create)  # fmt: skip


# --- reading ------------------------------------------------------------------------------------


@dataclass
class MappedRead:
    """What a mapped read saw besides its records: rows skipped by `csv.skip_without`."""

    skipped: list[int] = field(default_factory=list)  # line numbers


def read_mapped_csv(data: bytes, mapping: Mapping, session: Session, seen: MappedRead | None = None
                    ) -> Iterator[RawRecord]:  # fmt: skip
    """The import records of a register export: the mapping's actors and source first, then
    for each row the systems and actors it names that are new, and its claim."""
    seen = seen if seen is not None else MappedRead()
    text = data.decode("utf-8-sig", "surrogateescape")
    lines = text.splitlines()
    start = _header_line(lines, mapping)
    if isinstance(start, str):
        yield RawRecord(1, lines[0] if lines else "", None, start)
        return
    header = next(csv.reader([lines[start]], delimiter=mapping.delimiter))
    while header and not header[-1].strip():
        header.pop()  # the trailing separator's empty cell
    missing = sorted(mapping.columns() - set(header))
    if missing:
        yield RawRecord(start + 1, lines[start], None, f"header: the mapping {mapping.name} reads column(s) "
                        f"{', '.join(repr(m) for m in missing)}, which the file does not have")  # fmt: skip
        return
    for record in mapping.actors:
        yield checked(RawRecord(0, "", {"type": "actor", **record}))
    source = {"type": "source", **mapping.source}
    if set(mapping.source) != {"id"}:
        yield checked(RawRecord(0, "", source))
    cite = mapping.source.get("id") or mapping.source.get("url")
    if not cite:
        yield RawRecord(0, "", None, "source: give an id or a url, so that every row can cite it")
        return
    row_reader = _Rows(mapping, session, str(cite), header)
    body = io.StringIO("\n".join(lines[start + 1 :]))
    reader = csv.reader(body, delimiter=mapping.delimiter)
    line_text = lines[start + 1 :]
    while True:
        before = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RawRecord(start + 2 + before, line_text[before] if before < len(line_text) else "", None,
                            f"not readable as CSV ({exc})")  # fmt: skip
            continue
        number = start + 1 + reader.line_num
        raw = "\n".join(line_text[before : reader.line_num])
        if not any(c.strip() for c in cells):
            continue
        yield from row_reader.records(number, raw, cells, seen)


def _header_line(lines: list[str], mapping: Mapping) -> int | str:
    if mapping.header is None:
        return 0 if lines else "the file is empty"
    for index, line in enumerate(lines):
        first = next(csv.reader([line], delimiter=mapping.delimiter), [""])
        if first and first[0].strip().lstrip("\ufeff") == mapping.header:
            return index
    return f"header: no line starts with {mapping.header!r} (csv.header of mapping {mapping.name})"


class _Rows:
    def __init__(self, mapping: Mapping, session: Session, cite: str, header: list[str]) -> None:
        self.mapping, self.session, self.cite, self.header = mapping, session, cite, header
        self.systems: dict[str, str | Exception] = {}  # cell -> slug, or why not
        self.new_systems: dict[str, str] = {}  # slug -> the designation that created it
        self.new_actors: set[str] = set()

    def records(self, number: int, raw: str, cells: list[str], seen: MappedRead) -> Iterator[RawRecord]:
        extra = cells[len(self.header) :]
        row = dict(zip(self.header, cells, strict=False))
        problems: list[str] = []
        for name, value in row.items():
            bad = next((ch for ch in value if "\udc80" <= ch <= "\udcff"), None)
            if bad is not None:
                problems.append(f"{name}: not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x})")
        if any(c.strip() for c in extra):
            problems.append(f"the row has {len(cells)} cells where the header has {len(self.header)}")
        if problems:
            yield RawRecord(number, raw, None, "; ".join(problems))
            return
        if any(not row.get(column, "").strip() for column in self.mapping.skip_without):
            seen.skipped.append(number)
            return
        claim: dict[str, Any] = {"type": "claim"}
        before: list[RawRecord] = []
        for name, cell in self.mapping.claim.items():
            try:
                value = self._value(name, cell, row)
                if value is None:
                    continue
                if name == "system":
                    value, created = self._system(cell, value, row, number, raw)
                    before += created
                elif name in _PARTY_FIELDS:
                    value, created = self._party(cell, value, number, raw)
                    before += created
                claim[name] = value
            except EquipmentDBError as exc:
                problems.append(exc.message)
        xids = []
        for scheme, value_cell, part_cell in self.mapping.external_ids:
            try:
                value = self._value("external_ids.value", value_cell, row)
                part = self._value("external_ids.part", part_cell, row) if part_cell else None
            except EquipmentDBError as exc:
                problems.append(exc.message)
                continue
            if value is None:
                problems.append(f"{value_cell.column}: blank, and it gives the row's external id")
                continue
            xids.append({"scheme": scheme, "value": str(value)} | ({"part": str(part)} if part else {}))
        if problems:
            yield RawRecord(number, raw, None, "; ".join(problems))
            return
        yield from before
        locator = _TEMPLATE.sub(lambda m: str(number) if m[1] == "line" else row.get(m[1], "").strip(),
                                self.mapping.locator)  # fmt: skip
        claim["citations"] = [{"source": self.cite, "quote": raw, "locator": locator}]
        if xids:
            claim["external_ids"] = xids
        yield checked(RawRecord(number, raw, claim))

    def _value(self, name: str, cell: Cell, row: dict[str, str]) -> Any:
        if cell.column is None:
            return cell.constant
        text = row.get(cell.column, "").strip()
        if cell.values is not None:
            key = _fold(text)
            if key not in cell.values:
                if not text or name in _NAMED:
                    return text or None  # a name the map does not hold: the exact lookup reads it
                known = ", ".join(repr(k) for k in cell.values)
                raise InvalidValue(cell.column, text, f"is not in the mapping's value map for {name} ({known})")
            value = cell.values[key]
            return None if value == "" else value
        if not text:
            return None
        if cell.approximate_if is not None:
            flag = _fold(row.get(cell.approximate_if[0], ""))
            if flag in cell.approximate_if[1]:
                return f"{text}~"
        return text

    def _system(self, cell: Cell, name: str, row: dict[str, str], number: int, raw: str
                ) -> tuple[str, list[RawRecord]]:  # fmt: skip
        if name not in self.systems:
            self.systems[name] = self._find_system(cell, name)
        found = self.systems[name]
        if isinstance(found, str):
            return found, []
        if cell.create is None:
            raise InvalidValue(cell.column or "system", name, "names no system: add it (equipment-db system add) "
                               "or give the mapping a category to create it (claim.system.create)")  # fmt: skip
        category = self._value("system category", cell.create, row)
        if category is None:
            raise InvalidValue(cell.create.column or "category", row.get(cell.create.column or "", ""),
                               f"gives no category to create system {name!r}")  # fmt: skip
        slug = slugify(name)
        if not slug:
            raise InvalidValue(cell.column or "system", name, "has no letters or digits to make a slug of")
        if slug in self.new_systems:
            return slug, []
        self.new_systems[slug] = name
        record = {"type": "system", "slug": slug, "name": name, "category": category}
        return slug, [checked(RawRecord(number, raw, record))]

    def _find_system(self, cell: Cell, name: str) -> str | Exception:
        """The slug of the one system the cell's names name, or the exception saying why none
        (no session, for the documentation's worked example: none)."""
        if self.session is None:
            return LookupError(name)
        names = [name] + ([part.strip() for part in name.split(cell.split) if part.strip()] if cell.split else [])
        found: set[str] = set()
        for one in names:
            try:
                system = catalog_queries.find_system(self.session, one)
            except Ambiguous as exc:
                raise InvalidValue(cell.column or "system", name, f"is ambiguous: {exc.message}") from None
            if system is not None:
                found.add(system.slug)
        if len(found) > 1:
            raise InvalidValue(cell.column or "system", name, f"names several systems ({', '.join(sorted(found))})")
        return found.pop() if found else LookupError(name)

    def _party(self, cell: Cell, name: str, number: int, raw: str) -> tuple[str, list[RawRecord]]:
        for mark, kind in cell.marks:
            if name.endswith(mark) and name[: -len(mark)].strip():
                actor = name[: -len(mark)].strip()
                created = []
                if actor not in self.new_actors:
                    self.new_actors.add(actor)
                    created = [checked(RawRecord(number, raw, {"type": "actor", "name": actor, "kind": kind}))]
                return f"actor:{actor}", created
        return name, []


EXAMPLE_ROWS = (
    "Trade Register;",
    "Information generated: 05 December 2026;",
    ";",
    "SIPRI AT Database ID;Supplier;Recipient;Designation;Description;Armament category;Order date;"
    "Order date is estimate;Numbers delivered;Numbers delivered is estimate;Delivery year;"
    "Delivery year is estimate;Status;SIPRI estimate;TIV deal unit;TIV delivery values;Local production;",
    "90001;Germany;Test Movement*;Test System 1;Portable SAM;Missiles;2021;No;40;Yes;2022;No;New;;0.1;4;No;",
    "90001;Germany;Test Movement*;Test System 1;Portable SAM;Missiles;2021;No;60;No;2023;Yes;New;;0.1;6;No;",
    "90002;unknown supplier(s);Kosovo;Test System 1;Portable SAM;Missiles;2022;No;;No;;No;New;;0.1;;No;",
)


def mapping_reference_markdown() -> str:
    """docs/IMPORT.md's section on mapped CSV: every key, the shipped SIPRI mapping, and the
    records its worked example (synthetic rows in the export's format) becomes."""
    import json  # only for the documentation

    lines = ["## Mapped CSV: a register's own export", "",
             "`equipment-db import FILE.csv --mapping MAP.toml` reads a CSV through a mapping file; "
             "`--mapping sipri` uses the shipped mapping for the SIPRI Arms Transfers Database trade "
             "register. Each row becomes the records above and goes through the same import, with "
             "its checks, conflicts and report. The row's text is its citation's quote.", "",
             "| key | meaning |", "|---|---|"]  # fmt: skip
    lines += ["| `" + key + "` | " + text.replace("|", "\\|") + " |" for key, text in MAPPING_KEYS]
    lines += ["", "### The SIPRI trade-register mapping (`--mapping sipri`)", "", "```toml",
              shipped_mapping_text("sipri").rstrip(), "```", "",
              "### Worked example", "",
              "These synthetic rows, in the export's format:", "", "```text", *EXAMPLE_ROWS, "```", "",
              "become these records (in a database where no system is named `Test System 1`, "
              "so the mapping creates it; the third row has no delivery and is skipped):", "", "```json"]  # fmt: skip
    seen = MappedRead()
    data = ("\n".join(EXAMPLE_ROWS) + "\n").encode("utf-8")
    for raw in read_mapped_csv(data, load_mapping("sipri"), None, seen):  # type: ignore[arg-type]
        lines.append(json.dumps(raw.data, ensure_ascii=False))
    lines += ["```", "", f"Skipped rows (lines): {', '.join(map(str, seen.skipped))}.", ""]
    return "\n".join(lines)

