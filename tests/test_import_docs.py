"""docs/IMPORT.md and `equipment-db import --schema` are generated from the record models, name
every field, and hold for what export writes and refuse what the importer refuses.

The venv has no `jsonschema` package, and none is added for this: `_problems` checks a record
against the keywords the schema uses (and a test keeps the schema to those keywords).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cli.main import app
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate
from equipment_db.database import session_scope
from equipment_db.exchange import records, schema
from equipment_db.exchange.exporter import export_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.exchange.schema import REFERENCE, import_json_schema, import_reference_markdown
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import ActorKind, LinkKind, SourceKind
from tests.factories import EDIT, add_claim, populate

runner = CliRunner()
_ASSERTIONS = {"$ref", "const", "enum", "type", "anyOf", "oneOf", "items", "properties", "required",
               "additionalProperties", "maxLength", "minLength", "pattern"}  # fmt: skip
_ANNOTATIONS = {"$schema", "$defs", "title", "description", "default", "format", "examples"}
_JSON_TYPES = {"string": str, "number": (int, float), "integer": int, "array": list, "object": dict,
               "null": type(None), "boolean": bool}  # fmt: skip


def _problems(value: Any, node: dict[str, Any], root: dict[str, Any], at: str = "record") -> list[str]:
    """Why `value` does not meet the schema `node` (empty when it does), for the keywords in
    _ASSERTIONS."""
    if "$ref" in node:
        return _problems(value, root["$defs"][node["$ref"].rsplit("/", 1)[1]], root, at)
    for combined, wanted in (("oneOf", 1), ("anyOf", None)):
        if combined in node:
            passed = sum(not _problems(value, branch, root, at) for branch in node[combined])
            if passed == 0 or (wanted is not None and passed != wanted):
                return [f"{at}: {passed} of the {combined} branches hold"]
    found: list[str] = []
    if "const" in node and value != node["const"]:
        found.append(f"{at}: {value!r} is not {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        found.append(f"{at}: {value!r} is not one of {node['enum']}")
    if "type" in node:
        kind = _JSON_TYPES[node["type"]]
        if not isinstance(value, kind) or (isinstance(value, bool) and node["type"] != "boolean"):
            return [*found, f"{at}: {value!r} is not of type {node['type']}"]
    if isinstance(value, str):
        if len(value) > node.get("maxLength", len(value)) or len(value) < node.get("minLength", 0):
            found.append(f"{at}: {len(value)} characters is outside the limits")
        if "pattern" in node and not re.search(node["pattern"], value):
            found.append(f"{at}: {value!r} does not match {node['pattern']}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            found += _problems(item, node["items"], root, f"{at}[{index}]")
    if isinstance(value, dict) and "properties" in node:
        found += [f"{at}: {name} is required" for name in node.get("required", []) if name not in value]
        for name, item in value.items():
            if name in node["properties"]:
                found += _problems(item, node["properties"][name], root, f"{at}.{name}")
            elif node.get("additionalProperties") is False:
                found.append(f"{at}: {name} is not allowed")
    return found


def _keywords(node: dict[str, Any]) -> set[str]:
    """Every keyword the schema `node` uses, in it and in its subschemas."""
    found = set(node)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            found |= _keywords(node[key])
    for key in ("anyOf", "oneOf"):
        for branch in node.get(key, []):
            found |= _keywords(branch)
    for key in ("properties", "$defs"):
        for sub in node.get(key, {}).values():
            found |= _keywords(sub)
    return found


def _section(doc: str, heading: str) -> str:
    return doc.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def test_docs_import_md_is_generated_from_the_record_models() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == import_reference_markdown(), (
        "docs/IMPORT.md is stale: run python -m equipment_db.exchange.schema"
    )


def test_every_field_of_every_record_shape_is_in_the_import_reference() -> None:
    doc = import_reference_markdown()
    for record_type in records.RECORD_TYPES:
        model, _, extras = records.shape(record_type)
        kept = records.kept_fields(record_type)
        section = _section(doc, f"## `{record_type}`")
        fields = ["type", *extras, *(name for name in model.model_fields if name not in kept)]
        assert [name for name in fields if f"\n| `{name}` |" not in section] == [], record_type
        assert all(f"`{name}`" in section.split("Kept by the database (refused):")[1] for name in kept)
        for nested in records.nested_models():
            for field, info in model.model_fields.items():
                if nested.__name__ in str(info.annotation):
                    part = _section(doc, f"### `{record_type}.{field}[]`")
                    assert [n for n in nested.model_fields if f"\n| `{n}` |" not in part] == [], field


def test_the_reference_takes_each_field_description_from_its_model() -> None:
    doc = import_reference_markdown()
    model = records.shape("claim")[0]
    assert model.model_fields["value"].description in doc
    assert model.model_fields["citations"].description in doc
    assert "| `scheme` | string: [IdScheme](#idscheme) | yes |" in doc
    assert "| `deployed` | fielded with units, at positions (kinds: deployment) |" in doc  # docs/VOCABULARY.md


def test_extra_sections_are_appended_after_the_csv_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "EXTRA_SECTIONS", [lambda: "## Mapping columns\n\nA test section.\n"])
    doc = import_reference_markdown()
    assert doc.index("## Claims as CSV") < doc.index("## Mapping columns\n\nA test section.\n") < doc.index(
        "## Values")


def test_the_schema_is_one_of_the_record_types_and_uses_only_checked_keywords() -> None:
    built = import_json_schema()
    assert built["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    types = [built["$defs"][b["$ref"].rsplit("/", 1)[1]]["properties"]["type"]["const"] for b in built["oneOf"]]
    assert types == list(records.RECORD_TYPES)
    assert _keywords(built) - _ASSERTIONS - _ANNOTATIONS == set()
    objects = [node for node in built["$defs"].values() if "properties" in node]
    assert len(objects) == len(records.RECORD_TYPES) + len(records.nested_models())
    assert all(node["additionalProperties"] is False for node in objects)
    claim = built["$defs"]["claim"]
    assert claim["required"] == ["type", "kind"]
    assert claim["properties"]["subject"]["anyOf"][0] == {"type": "string", "maxLength": 300}
    assert built["$defs"]["alias"]["required"] == ["type", "system", "name"]


def _export(engine: sa.Engine) -> list[dict[str, Any]]:
    """Every record type, as export writes it: the factories' entries, a source citing
    another, claims with external ids, several claimants and an actor as party, a link."""
    keys = populate(engine)
    with session_scope(engine, write=True) as session:
        actor_service.create_actor(session, ActorCreate(name="Test Group", kind=ActorKind.armed_force), edit=EDIT)
        source_service.create_source(session, SourceCreate(kind=SourceKind.other, publisher="Example Wire",
                                                           cites=keys["source"]), edit=EDIT)  # fmt: skip
    first = add_claim(engine, keys["source"], external_ids=[{"scheme": "sipri_deal", "value": "TEST-1"}])
    second = add_claim(engine, keys["source"], value=120, claimant=None, claimants=["Test Claimant", "Test Group"])
    add_claim(engine, keys["source"], country=None, party="actor:Test Group", value=40)
    with session_scope(engine, write=True) as session:
        claim_service.create_link(session, ClaimLinkCreate(from_claim=second, to_claim=first,
                                                           kind=LinkKind.corroborates), edit=EDIT)  # fmt: skip
    with session_scope(engine) as session:
        return list(export_records(session))


def test_the_schema_holds_for_every_record_of_a_real_export(engine: sa.Engine) -> None:
    exported = _export(engine)
    built = import_json_schema()
    assert {record["type"] for record in exported} == set(records.RECORD_TYPES)
    assert any(record.get("external_ids") for record in exported)
    failing = [record for record in exported if _problems(record, built, built)]
    assert [(r, _problems(r, built["$defs"][r["type"]], built)) for r in failing] == []


@pytest.mark.parametrize("record_type", records.RECORD_TYPES)
def test_a_kept_or_unknown_field_fails_the_schema_as_it_fails_the_importer(record_type: str) -> None:
    built = import_json_schema()
    cases = [(name, "is kept by the database") for name in records.kept_fields(record_type)]
    cases.append(("colour", f"is not a field of a {record_type} record"))
    for name, reason in cases:
        record = {"type": record_type, name: "x"}
        (raw,) = read_jsonl(json.dumps(record))
        assert raw.error is not None and raw.error.startswith(f"{name}: 'x' {reason}"), (name, raw.error)
        assert _problems(record, built, built) == ["record: 0 of the oneOf branches hold"], name
        assert f"record: {name} is not allowed" in _problems(record, built["$defs"][record_type], built), name


def test_a_kept_field_of_a_nested_citation_fails_the_schema_as_it_fails_the_importer() -> None:
    built = import_json_schema()
    record = {"type": "claim", "kind": "inventory", "citations": [{"source": "S-7K3Q9XZ2", "claim_id": 1}]}
    (raw,) = read_jsonl(json.dumps(record))
    assert raw.error == "citations[0].claim_id: 1 is kept by the database: an import cannot set it"
    assert _problems(record, built, built) == ["record: 0 of the oneOf branches hold"]
    assert _problems(record, built["$defs"]["claim"], built) == ["record.citations[0]: claim_id is not allowed"]


def test_cli_import_schema_prints_the_json_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'never.db'}", "import", "--schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == import_json_schema()
    assert not (tmp_path / "never.db").exists()


def test_cli_import_without_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'never.db'}", "import", "--dry-run"])
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr == "error: FILE: required (a JSON Lines or CSV file to import), unless --schema\n"
    assert not (tmp_path / "never.db").exists()
