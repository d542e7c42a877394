"""One reader per entity: the CLI, the API and the pages read a source, an actor, a system or a
target type through the same library function and get the same fields; `source list` filters
in SQL and reads a keyset page at a time; the three text filters share one LIKE escaping.
Synthetic data only ("Test Report 9", example.org) on top of the seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from equipment_db import reads
from equipment_db.actors import queries as actor_queries
from equipment_db.catalog import queries as catalog_queries
from equipment_db.database import session_scope
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import Source, SourceCreate
from equipment_db.vocab import SourceKind
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok, read_json  # noqa: F401  (an autouse fixture)
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT

ANADOLU = "S-PJZ2YVHP"
TIMES = ("created_at", "updated_at", "retracted_at")  # the same instants, written two ways


def spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Replace `module.name` by a wrapper recording what each call returned."""
    real, seen = getattr(module, name), []

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(module, name, recording)
    return seen


@contextmanager
def sql_statements() -> Iterator[list[tuple[str, Any]]]:
    """Every statement any engine runs inside the block, with its parameters (the CLI makes
    its own engine)."""
    found: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        found.append((statement, parameters))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def without(record: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in names}


# --- the same reader, the same fields -----------------------------------------------------------


def test_source_list_and_the_api_list_read_through_source_rows_and_agree(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    read = spy(monkeypatch, source_queries, "source_rows")
    listed = read_json(url, "source", "list")
    by_cli = len(read)
    with api(url) as client:
        items = client.get("/v1/sources", params={"limit": 500}).json()["items"]
    assert by_cli >= 1 and len(read) == by_cli + 1, "both adapters read through source_rows"
    api_rows = {item["id"]: item for item in items}
    assert [row["id"] for row in listed] == sorted(api_rows)
    for row in listed:
        assert without(row, "version") == {k: api_rows[row["id"]][k] for k in row if k != "version"}, row["id"]
    reader_fields = set(read[0][0])
    assert set(listed[0]) <= reader_fields and set(items[0]) - {"api_url"} <= reader_fields


def test_source_show_and_the_api_detail_read_through_source_view_and_agree(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    read = spy(monkeypatch, source_queries, "source_view")
    shown = read_json(url, "source", "show", ANADOLU)
    with api(url) as client:
        detail = client.get(f"/v1/sources/{ANADOLU}").json()
    assert len(read) == 2, "both adapters read through source_view"
    assert shown["claims"] == detail["claims_total"] == 10
    same = without(shown, "type", "claims", *TIMES)
    assert same == {k: detail[k] for k in same}


def test_actor_list_show_and_the_api_read_through_actor_rows_and_actor_view(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    rows, views = spy(monkeypatch, actor_queries, "actor_rows"), spy(monkeypatch, actor_queries, "actor_view")
    listed = read_json(url, "actor", "list")
    shown = read_json(url, "actor", "show", "nicolás maduro")
    with api(url) as client:
        items = client.get("/v1/actors", params={"limit": 500}).json()["items"]
        detail = client.get("/v1/actors/Nicol%C3%A1s%20Maduro").json()
    assert (len(rows), len(views)) == (2, 2), "both adapters read through actor_rows and actor_view"
    api_rows = {item["name"]: item for item in items}
    assert sorted(row["name"] for row in listed) == sorted(api_rows)
    for row in listed:
        assert without(row, "version") == {k: api_rows[row["name"]][k] for k in row if k != "version"}
    same = without(shown, "type", *TIMES)
    assert same == {k: detail[k] for k in same} and same["name"] == "Nicolás Maduro"


def test_system_list_show_and_the_api_read_through_system_rows_and_system_view(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    rows = spy(monkeypatch, catalog_queries, "system_rows")
    views = spy(monkeypatch, catalog_queries, "system_view")
    listed = read_json(url, "system", "list")
    shown = read_json(url, "system", "show", "SA-24")
    with api(url) as client:
        items = client.get("/v1/systems", params={"limit": 500}).json()["items"]
        detail = client.get("/v1/systems/igla-s").json()
    assert (len(rows), len(views)) == (2, 2), "the CLI and the API's list and summary read through them"
    api_rows = {item["slug"]: item for item in items}
    assert [row["slug"] for row in listed] == sorted(api_rows)
    for row in listed:
        assert row["aliases"] == ", ".join(api_rows[row["slug"]]["aliases"])
        assert without(row, "aliases", "version") == {k: api_rows[row["slug"]][k] for k in row
                                                      if k not in ("aliases", "version")}  # fmt: skip
    same = without(shown, "type", "external_ids", "retraction_reason", *TIMES)
    assert same == {k: detail[k] for k in same} and same["slug"] == "igla-s"


def test_target_type_list_and_the_api_read_through_target_type_rows(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    read = spy(monkeypatch, catalog_queries, "target_type_rows")
    listed = read_json(url, "target-type", "list")
    with api(url) as client:
        items = client.get("/v1/target-types", params={"limit": 500}).json()["items"]
    assert len(read) == 2, "both adapters read through target_type_rows"
    assert listed == sorted(({k: item[k] for k in ("slug", "name", "description")} for item in items),
                            key=lambda row: row["slug"])  # fmt: skip


# --- source list: filtered in SQL, a keyset page at a time ------------------------------------


def test_source_list_filters_in_sql_and_reads_a_keyset_page_at_a_time(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        for n in range(3):
            source = source_service.create_source(
                session, SourceCreate(kind=SourceKind.web_page, title=f"Test Report {n}"), edit=EDIT
            )
            if n != 1:
                source_service.retract_source(session, source.public_id, edit=EDIT)
    with engine.connect() as connection:
        active = connection.execute(sa.select(Source.public_id).where(Source.retracted_at.is_(None))
                                    .order_by(Source.public_id)).scalars().all()  # fmt: skip
        total = connection.execute(sa.select(sa.func.count()).select_from(Source)).scalar_one()
    engine.dispose()
    monkeypatch.setattr(reads, "PAGE", 4)
    with sql_statements() as statements:
        listed = read_json(url, "source", "list")
    assert [row["id"] for row in listed] == active and total == len(active) + 2
    reading = [(s, p) for s, p in statements if re.search(r"\bFROM source\b", s)]
    assert len(reading) == len(active) // 4 + 1, reading  # one statement per page, the last one short
    for number, (statement, parameters) in enumerate(reading):
        assert "source.retracted_at IS NULL" in statement, statement  # retracted rows are never read
        assert re.search(r"\bLIMIT\b", statement), statement
        if re.search(r"\bOFFSET\b", statement):  # SQLite's compiler always writes one: it must be 0
            assert statement.endswith("LIMIT ? OFFSET ?") and parameters[-1] == 0, (statement, parameters)
        assert ("source.public_id >" in statement) == (number > 0), statement  # after the last row shown


def test_source_list_include_retracted_lists_every_source_by_public_id(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        source_service.retract_source(session, ANADOLU, edit=EDIT)
    engine.dispose()
    assert ANADOLU not in [row["id"] for row in read_json(url, "source", "list")]
    every = [row["id"] for row in read_json(url, "source", "list", "--include-retracted")]
    assert ANADOLU in every and every == sorted(every)


# --- one LIKE escaping ----------------------------------------------------------------------------


def test_a_percent_or_underscore_typed_in_a_text_filter_matches_only_itself(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        for title in ("Test_Report 9", "TestXReport 9", "Test 100% Report"):
            source_service.create_source(session, SourceCreate(kind=SourceKind.web_page, title=title), edit=EDIT)
    engine.dispose()
    ok(url, "system", "add", "test-system-9", "--name", "Test_System 9", "--category", "manpads")
    with api(url) as client:

        def titles(text: str) -> list[str]:
            return [i["title"] for i in client.get("/v1/sources", params={"text": text}).json()["items"]]

        def systems(text: str) -> list[str]:
            return [i["slug"] for i in client.get("/v1/systems", params={"text": text}).json()["items"]]

        assert (titles("t_r"), titles("0%"), titles("0% r"), titles("t%r")) == (
            ["Test_Report 9"], ["Test 100% Report"], ["Test 100% Report"], [])
        assert (systems("t_s"), systems("t%s")) == (["test-system-9"], [])
