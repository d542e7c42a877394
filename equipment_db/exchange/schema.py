"""The import format, described from the record models: a JSON Schema and docs/IMPORT.md.

`import_json_schema()` (printed by `equipment-db import --schema`) is one JSON Schema, draft
2020-12, whose `oneOf` holds a schema per record type told apart by `type`: each is its input
model's `model_json_schema()` with the record's extra fields and text limits (`records`) and
without the fields the database keeps; no object takes other properties, as the importer
refuses unknown fields. `import_reference_markdown()` is docs/IMPORT.md, written from that
schema, the field descriptions on the models, the matching rules (`upsert`'s docstrings) and
the meanings of the vocabularies (docs/VOCABULARY.md, docs/WORDING.md, `vocab`'s comments):

    python -m equipment_db.exchange.schema            # rewrite docs/IMPORT.md
    python -m equipment_db.exchange.schema --check    # exit 1 if docs/IMPORT.md is stale

EXTRA_SECTIONS is the hook for more of the page: functions returning Markdown, each a section
starting with a `## ` heading, appended in order after "Claims as CSV". To add the CSV mapping
reference, list `equipment_db.exchange.mapping.mapping_reference_markdown` in it (imported
here; mapping must then not import this module at import time).
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter
from sqlmodel import SQLModel

from equipment_db import vocab
from equipment_db.claims.records import CLAIM_FIELDS
from equipment_db.claims.rules import FIRST_YEAR, LAST_YEAR
from equipment_db.config import REPO_ROOT
from equipment_db.exchange import records, upsert
from equipment_db.exchange.importer import BATCH
from equipment_db.exchange.mapping import mapping_reference_markdown
from equipment_db.exchange.reader import CSV_CITATION_FIELDS, CSV_LISTS, FORMULA_START

REFERENCE = REPO_ROOT / "docs" / "IMPORT.md"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXTRA_SECTIONS: list[Callable[[], str]] = [mapping_reference_markdown]


def import_json_schema() -> dict[str, Any]:
    """The import format as JSON Schema: a record is an object of exactly one record type."""
    defs: dict[str, Any] = {}
    for record_type in records.RECORD_TYPES:
        defs[record_type] = _object(records.shape(record_type)[0], record_type, defs, top=True)
    return {
        "$schema": DIALECT,
        "title": "equipment-db import record",
        "description": "One line of a JSON Lines import file (docs/IMPORT.md).",
        "oneOf": [{"$ref": f"#/$defs/{record_type}"} for record_type in records.RECORD_TYPES],
        "$defs": dict(sorted(defs.items())),
    }


def _object(model: type[BaseModel], record_type: str, defs: dict[str, Any], *, top: bool) -> dict[str, Any]:
    """The schema of a record (`top`) or of an object nested in one (a claim's citations)."""
    _, table, extras = records.shape(record_type)
    table, extras = (table, extras) if top else (records.nested_table(model), {})
    given = model.model_json_schema(ref_template="#/$defs/{model}")
    nested = {m.__name__: m for m in records.nested_models()}
    for name, schema in given.pop("$defs", {}).items():
        if name not in defs:
            defs[name] = _object(nested[name], record_type, defs, top=False) if name in nested else schema
    kept = set(records.kept_fields(record_type, model))
    properties: dict[str, Any] = {"type": {"const": record_type, "description": "The record type."}} if top else {}
    for name, extra in extras.items():
        properties[name] = TypeAdapter(extra.annotation).json_schema() | {"description": extra.description}
    for name, schema in given["properties"].items():
        if name not in kept:
            properties[name] = {key: value for key, value in schema.items() if key != "title"}
    for name, schema in properties.items():
        _limit(schema, records.text_limit(table, name))
    required = [*(["type"] if top else []), *(name for name, extra in extras.items() if extra.required),
                *(name for name in given.get("required", []) if name not in kept)]  # fmt: skip
    return {"title": record_type if top else model.__name__, "description": given.get("description", ""),
            "type": "object", "properties": properties, "required": required,
            "additionalProperties": False}  # fmt: skip


def _limit(schema: dict[str, Any], limit: int) -> None:
    if schema.get("type") == "string":
        schema["maxLength"] = min(schema.get("maxLength", limit), limit)
    for branch in [*schema.get("anyOf", []), *([schema["items"]] if "items" in schema else [])]:
        _limit(branch, limit)


# --- docs/IMPORT.md ----------------------------------------------------------------------------

HEADER = f"""# Import format

Generated from the record models by `python -m equipment_db.exchange.schema`; a test fails
when this page is stale. `equipment-db import --schema` prints the same format as a JSON
Schema (draft 2020-12); `equipment-db export` writes it.

## How an import runs

- `equipment-db import FILE` validates every record first, then writes them in one
  transaction, all or nothing: one invalid record means nothing is written, and every error
  is listed with its line number. `--dry-run` validates and reports, writing nothing.
  `--skip-invalid` writes the valid records and skips the others; with `--rejects BAD`, the
  skipped ones go to `BAD`, to be fixed and imported again.
- Importing the same file again changes nothing: an entry that a record finds (each record
  type says how, "On import") is left unchanged when it is identical, and updated, as a new
  version, when it differs. Every version records the editor and `--reason` (default:
  `import FILE`).
- **JSON Lines** (the default; `--format jsonl`): one record per line, a JSON object whose
  `type` is its record type; blank lines are skipped. Claims are validated and written in
  batches of {BATCH:,} as the file is read, so list what records refer to (systems, actors,
  sources) before the claims that name them, as export does. A `citation` record joins its
  claim when it follows it closely; otherwise it is added afterwards, as a new version.
- **CSV** (`--format csv`, or a file name ending in `.csv`): claims only; see "Claims as CSV".
- Records name each other by natural key: a system by slug or alias, a target type by slug,
  an actor by name, a source by id or URL, a claim by id.

## Every record

- A record holds only the fields listed for its type. Any other field is refused, and so is
  a field the database keeps (listed under each type): "is kept by the database".
- `null` is allowed where the type says so, and means the field is not given.
- Text holds at most {records.TEXT_LIMIT:,} characters, or fewer where the limits say so, and
  no NUL character. "stored ≤ N" is the limit of the value as stored, after normalising (a
  country name is stored as its code, a URL normalised, a slug lower-cased).
- A number may also be given as text (`"5000"`), as a CSV cell gives it; the JSON Schema asks
  for a JSON number.
"""


def import_reference_markdown() -> str:
    """docs/IMPORT.md: how an import runs, every record type and field, CSV, the vocabularies."""
    defs = import_json_schema()["$defs"]
    parts = [HEADER]
    for record_type in records.RECORD_TYPES:
        parts.append(_record_section(record_type, defs))
    parts.append(_csv_section())
    parts += [section().strip("\n") + "\n" for section in EXTRA_SECTIONS]
    parts.append(_values_section(defs))
    return "\n".join(parts)


def _record_section(record_type: str, defs: dict[str, Any]) -> str:
    table = records.shape(record_type)[1]
    schema = defs[record_type]
    matched = " ".join(inspect.cleandoc(upsert.UPSERTS[record_type].__doc__ or "").split())
    parts = [f"## `{record_type}`\n", *([_paragraphs(schema["description"]) + "\n"] if schema["description"] else []),
             f"**On import.** {matched}\n"]  # fmt: skip
    nested: list[tuple[str, str]] = []  # (definition, path)
    parts.append(_table(schema, defs, record_type, table, nested))
    parts.append(_kept(records.kept_fields(record_type)))
    models = {m.__name__: m for m in records.nested_models()}
    for name, path in nested:
        item = defs[name]
        parts.append(f"### `{path}`\n" + (f"\n{_paragraphs(item['description'])}\n" if item["description"] else ""))
        parts.append(_table(item, defs, path, records.nested_table(models[name]), []))
        parts.append(_kept(records.kept_fields(record_type, models[name])))
    return "\n".join(parts)


def _table(schema: dict[str, Any], defs: dict[str, Any], path: str, table: type[SQLModel],
           nested: list[tuple[str, str]]) -> str:  # fmt: skip
    """The fields of an object; the objects nested in it are added to `nested`."""
    rows = ["| field | JSON type | required | default | limits | description |", "|---|---|---|---|---|---|"]
    for name, prop in schema["properties"].items():
        ref = prop.get("items", {}).get("$ref", "").rsplit("/", 1)[-1]
        if ref and "properties" in defs[ref]:
            nested.append((ref, f"{path}.{name}[]"))
        required = "yes" if name in schema["required"] else "no"
        default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
        rows.append(f"| `{name}` | {_type(prop, defs, f'{path}.{name}')} | {required} | {default} | "
                    f"{_limits(prop, table, name)} | {_cell(prop.get('description', ''))} |")  # fmt: skip
    return "\n".join(rows) + "\n"


def _type(node: dict[str, Any], defs: dict[str, Any], path: str) -> str:
    if "const" in node:
        return f'`"{node["const"]}"`'
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if "enum" in defs[name]:
            return f"string: [{name}](#{_anchor(name)})"
        return f"object: [`{path}`](#{_anchor(path)})"
    if "anyOf" in node:
        kinds = [_type(branch, defs, path) for branch in node["anyOf"]]
        return f"{', '.join(kinds[:-1])} or {kinds[-1]}"
    if node["type"] == "array":
        return f"array of {_type(node['items'], defs, path + '[]')}"
    return f"string ({node['format']})" if "format" in node else node["type"]


def _limits(prop: dict[str, Any], table: type[SQLModel], name: str) -> str:
    nodes = [prop, *prop.get("anyOf", [])]
    texts = [(node, "") for node in nodes] + [(node["items"], "each ") for node in nodes if "items" in node]
    text, each = next(((node, each) for node, each in texts if node.get("type") == "string"), ({}, ""))
    if not text:
        return ""
    size = f"{text['minLength']:,} to {text['maxLength']:,}" if "minLength" in text else f"≤ {text['maxLength']:,}"
    limit = f"{each}{size} characters"
    stored = next((m.max_length for m in getattr(table.model_fields.get(name), "metadata", [])
                   if getattr(m, "max_length", None) is not None), None)  # fmt: skip
    return f"{limit}; stored ≤ {stored:,}" if stored is not None and stored < text["maxLength"] else limit


def _kept(names: list[str]) -> str:
    return f"Kept by the database (refused): {', '.join(f'`{name}`' for name in names)}.\n"


def _csv_section() -> str:
    columns = ", ".join(f"`{name}`" for name in CLAIM_FIELDS)
    citation = ", ".join(f"`{name}`" for name in CSV_CITATION_FIELDS)
    lists = " and ".join(f"`{name}`" for name in CSV_LISTS)
    starts = [{"\t": "a tab", "\r": "a carriage return"}.get(c, f"`{c}`") for c in FORMULA_START]
    return f"""## Claims as CSV

One claim and one of its citations per row, UTF-8 (with or without a byte order mark). The
header names the columns, in any order; `kind` and `source` must be among them. Export writes
the claim's fields, then the citation's (`claim.citations[]`):

{columns},
{citation}.

Any other field of a claim record may be a column too, except `citations`.

- An empty cell is a field not given; a number is its text (`5000`, `7.5`).
- A row repeating a claim's `id` adds its citation to that claim; its other cells must be the
  same as on the claim's first row.
- {lists} hold a JSON list in the cell: `["A US official", "A senator"]`.
- A cell starting with {", ".join(starts[:-1])} or {starts[-1]} is a formula to a
  spreadsheet and is refused, unless it is a number (`-5`): write it with a leading `'`, which
  the import removes (export writes such text so, and text starting with `'` with one more).
- A row holding bytes that are not UTF-8 is invalid, like a row that does not parse.
"""


# Vocabularies whose meanings a page of docs/ holds: (page, section, how to word its cells).
_DOC_TABLES = {"Scope": ("VOCABULARY.md", "Scopes", "{0} (kinds: {1})"), "Stance": ("VOCABULARY.md", "Stance", "{0}"),
               "Qualifier": ("WORDING.md", "Qualifiers", "bounds stored: {1}; for example {2}")}  # fmt: skip


def _values_section(defs: dict[str, Any]) -> str:
    parts = ["## Values\n\nThe vocabularies of `equipment_db/vocab.py` that records use, with what each value "
             "means where it is documented.\n"]  # fmt: skip
    for name, schema in defs.items():
        if "enum" not in schema:
            continue
        enum = getattr(vocab, name)
        meanings = _meanings(enum)
        about = _paragraphs(schema.get("description", ""))
        page = f"docs/{_DOC_TABLES[name][0]}" if name in _DOC_TABLES else ""
        if page and page not in about:
            about += f" Meanings: {page}, {_DOC_TABLES[name][1]}."
        parts.append(f"### {name}\n" + (f"\n{about.strip()}\n" if about else ""))
        if any(meanings.values()):
            rows = [f"| `{value}` | {_cell(meanings.get(value, ''))} |" for value in schema["enum"]]
            parts.append("| value | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")
        else:
            parts.append(", ".join(f"`{value}`" for value in schema["enum"]) + "\n")
    return "\n".join(parts)


def _meanings(enum: type[Any]) -> dict[str, str]:
    """What each value means: a docs/ page's table, the attributes' units, or else the comment
    beside the member in vocab.py (with a quantity kind's scopes), else its name."""
    if enum.__name__ in _DOC_TABLES:
        page, heading, wording = _DOC_TABLES[enum.__name__]
        rows = _doc_rows(page, heading)
        return {member.value: wording.format(*rows[member.value]) for member in enum}
    if enum is vocab.Attribute:
        return {attribute.value: _dimension(attribute) for attribute in vocab.Attribute}
    comments = dict(re.findall(r'^\s+\w+ = "([^"]*)"\s+#\s*(.+)$', inspect.getsource(enum), re.MULTILINE))
    meanings = {m.value: comments.get(m.value) or (m.name.replace("_", " ") if m.name != m.value else "")
                for m in enum}  # fmt: skip
    if enum is vocab.ClaimKind:  # and the scopes of the quantity kinds
        for kind, scopes in vocab.KIND_SCOPES.items():
            default = "" if kind == "transfer" else f" (default `{scopes[0].value}`)"
            meanings[kind] += "; scope " + ", ".join(f"`{scope.value}`" for scope in scopes) + default
    return meanings


def _dimension(attribute: vocab.Attribute) -> str:
    if attribute in vocab.YEAR_ATTRIBUTES:
        return f"a calendar year, {FIRST_YEAR} to {LAST_YEAR}"
    dimension = vocab.ATTRIBUTE_DIMENSION[attribute]
    if dimension is None:
        return "a number without a unit"
    return "words, in `value_text`" if dimension == "text" else f"a number in a unit of {dimension}"


def _doc_rows(page: str, heading: str) -> dict[str, list[str]]:
    """The rows of the table under `## heading` on docs/`page`, by their first cell."""
    text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines()
             if line.startswith("|")]  # fmt: skip
    return {row[0].strip("`"): row[1:] for row in cells}


def _paragraphs(text: str) -> str:
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n"))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but - and _ dropped."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def main() -> None:
    text = import_reference_markdown()
    if "--check" in sys.argv:
        sys.exit(0 if REFERENCE.read_text(encoding="utf-8") == text else 1)
    REFERENCE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
