"""Full-text search: what it finds on the seed data, how it stays current, and that nothing a
person types can break it. Every database test runs on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import sqlalchemy as sa

from equipment_db import migrate
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorUpdate
from equipment_db.catalog import service as catalog_service
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.config import get_settings
from equipment_db.database import session_scope
from equipment_db.errors import InvalidValue, MissingValue
from equipment_db.exchange.importer import import_records
from equipment_db.exchange.reader import read_jsonl
from equipment_db.history.service import Edit
from equipment_db.search import queries as search_queries
from equipment_db.search.schema import include_name
from equipment_db.seed.loader import load
from tests.api_client import api
from tests.dbs import DatabaseFactory, db_state, engine_for

EDIT = Edit("test-editor", "test search")
PROBLEM = "application/problem+json"


def _search(url: str, q: str, **params: Any) -> dict[str, Any]:
    with api(url) as client:
        r = client.get("/v1/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def _ids(url: str, q: str, **params: Any) -> list[str]:
    return [item["id"] for item in _search(url, q, **params)["items"]]


def _ids_on(engine: sa.Engine, q: str) -> list[str]:
    with session_scope(engine) as session:
        return [hit.key for hit in search_queries.search(session, q, limit=100)]


# --- the query sanitiser (no database) ------------------------------------------------------


def test_search_words_split_on_white_space_and_drop_control_characters() -> None:
    assert search_queries.search_words("  air\tdefense\x00x \u200bigla ") == ["air", "defense", "x", "igla"]


def test_search_words_leave_out_words_without_a_letter_or_digit() -> None:
    assert search_queries.search_words('" * ^ % _ \\ NEAR(a b)') == ["NEAR(a", "b)"]


def test_a_query_of_punctuation_only_is_missing_q() -> None:
    with pytest.raises(MissingValue) as caught:
        search_queries.search_words(' " * \x00 ')
    assert caught.value.field == "q"


def test_fts5_query_makes_each_word_a_phrase_of_its_tokens_and_prefixes_the_last() -> None:
    words = search_queries.search_words('say "hi" col:term AND Su-30 Igla\u2011S')
    assert search_queries.fts5_query(words) == '"say" "hi" "col term" "AND" "Su 30" "Igla S"*'


def test_the_postgres_query_is_the_same_phrases_folded_with_operators_as_plain_words() -> None:
    words = search_queries.search_words("-not \"x or it's\\ Zürich F-16")
    assert search_queries.tsquery(words) == (
        "('not') & ('x') & ('or') & ('it' <-> 's') & ('zurich') & ('f' <-> '16':*)")


def test_parse_types_keeps_the_canonical_order_and_refuses_unknown_names() -> None:
    assert search_queries.parse_types("source, system") == ("system", "source")
    assert search_queries.parse_types("") == ("system", "claim", "source")
    with pytest.raises(InvalidValue):
        search_queries.parse_types("system,spaceship")


def test_the_autogenerate_filter_hides_only_the_search_tables() -> None:
    hidden = ["search_index", "search_index_data", "search_index_config", "search_document"]
    assert [name for name in hidden if include_name(name, "table", {})] == []
    assert include_name("claim", "table", {}) and include_name("search_index", "column", {})


# --- what it finds on the seed data --------------------------------------------------------


def test_search_finds_a_system_by_its_nato_reporting_name(dbs: DatabaseFactory) -> None:
    body = _search(dbs.seeded(), "Grinch")
    assert body["query"] == "Grinch" and body["limit"] == 20
    assert body["types"] == ["system", "claim", "source"]
    hit, *claims = body["items"]  # then the system's claims, found by its aliases (revision 0017)
    assert claims and {c["type"] for c in claims} == {"claim"}
    assert {k: v for k, v in hit.items() if k != "score"} == {
        "type": "system",
        "id": "igla-s",
        "title": "9K338 Igla-S",
        "snippet": hit["snippet"],
        "url": "https://db.example.org/v1/systems/igla-s",
    }
    assert "«Grinch»" in hit["snippet"], hit
    assert isinstance(hit["score"], float) and hit["score"] > 0


def test_search_ranks_the_system_named_stinger_first(dbs: DatabaseFactory) -> None:
    ids = _ids(dbs.seeded(), "stinger")
    assert ids[0] == "fim-92-stinger", ids
    assert {"S-2N31E2PY", "S-72EN7PHJ", "C-HMXXXQ24"} <= set(ids)


def test_search_matches_the_start_of_the_last_word(dbs: DatabaseFactory) -> None:
    assert _ids(dbs.seeded(), "FIM stin")[0] == "fim-92-stinger"


def test_search_finds_a_claim_by_its_wording(dbs: DatabaseFactory) -> None:
    body = _search(dbs.seeded(), "militia")
    assert [(i["type"], i["id"], i["title"]) for i in body["items"]] == [
        ("claim", "C-MC5MGQVX", "“millions” of militia members")
    ]
    assert body["items"][0]["url"] == "https://db.example.org/v1/claims/C-MC5MGQVX"


def test_search_finds_a_source_by_its_publisher(dbs: DatabaseFactory) -> None:
    items = _search(dbs.seeded(), "anadolu", types="source")["items"]
    assert "S-PJZ2YVHP" in [i["id"] for i in items]
    assert {i["type"] for i in items} == {"source"}
    assert (
        next(i for i in items if i["id"] == "S-PJZ2YVHP")["url"] == "https://db.example.org/v1/sources/S-PJZ2YVHP"
    )


def test_search_finds_a_claim_by_its_location_with_every_word(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    assert "C-3B9KZ769" in _ids(url, "air defense")
    assert "C-3B9KZ769" not in _ids(url, "air defense zzzz")


def test_search_finds_a_claim_by_a_quote_of_its_citations(dbs: DatabaseFactory) -> None:
    assert _ids(dbs.seeded(), "sovereignty") == ["C-YSESYR2E"]


def test_search_finds_claims_by_the_claimant_ignoring_diacritics(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    plain = set(_ids(url, "nicolas maduro", limit=100))
    assert {"C-YSESYR2E", "C-3B9KZ769", "C-MC5MGQVX"} <= plain
    assert set(_ids(url, "Nicolás Maduro", limit=100)) == plain
    assert set(_ids(url, "NICOLAS", limit=100)) == set(_ids(url, "nicolás", limit=100))


def test_search_finds_greek_wording(dbs: DatabaseFactory) -> None:
    assert _ids(dbs.seeded(), "λιγότερους") == ["C-QGQNTTSX"]


def test_search_filters_by_type_and_bounds_the_limit(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    body = _search(url, "igla", types="claim,system", limit=2)
    assert body["types"] == ["system", "claim"] and body["limit"] == 2
    assert len(body["items"]) == 2 and {i["type"] for i in body["items"]} <= {"system", "claim"}
    with api(url) as client:
        for params in ({"limit": 101}, {"limit": 0}, {"types": "system,spaceship"}, {"types": ""}):
            r = client.get("/v1/search", params={"q": "igla", **params})
            assert r.status_code == 422, (params, r.text)
            assert r.headers["content-type"] == PROBLEM
            assert r.json()["parameter"] == next(iter(params)), r.json()


def test_search_orders_by_score(dbs: DatabaseFactory) -> None:
    scores = [i["score"] for i in _search(dbs.seeded(), "maduro", limit=100)["items"]]
    assert len(scores) > 5 and scores == sorted(scores, reverse=True)


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    '"', '"unbalanced', "NEAR(a b)", "*", "^", "col:term", "title:igla", "a OR", "AND", "OR NOT",
    "'); DROP TABLE claim;--", "x" * 200, "igla " * 40, "Ίγκλα", "Маду́ро", "%", "_", "\\", "%igla%",
    "a\x00b", "\x01\x7f", "\u200b", "ﷺ" * 200, "it's", "-igla", "igla -stinger", "(igla", "igla)",
    "igla*", "*igla", "igla:*", "'igla':*", "!igla", "igla & stinger", "igla | stinger", "<->",
    "igla <-> s", "{a}", "[x]", "😀 igla", "x" * 199 + "é",
]  # fmt: skip


def test_hostile_queries_answer_200_or_a_422_problem_and_change_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    before = db_state(engine)
    with api(url) as client:
        for q in HOSTILE:
            r = client.get("/v1/search", params={"q": q})
            assert r.status_code in (200, 422), (q, r.status_code, r.text)
            if r.status_code == 422:
                assert r.headers["content-type"] == PROBLEM, (q, r.text)
                assert r.json()["parameter"] == "q", (q, r.json())
            else:
                assert isinstance(r.json()["items"], list), (q, r.text)
        for raw in ("%ED%A0%80", "%FF%FE", "%00", "%C0%AF"):  # invalid UTF-8, NUL, overlong
            r = client.get(f"/v1/search?q={raw}")
            assert r.status_code in (200, 422), (raw, r.text)
    assert db_state(engine) == before
    engine.dispose()


def test_an_empty_query_after_cleaning_is_a_422_problem_naming_q(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        r = client.get("/v1/search", params={"q": "  %  "})
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
        assert r.json() == {
            "type": "/problems/missing_value",
            "title": "Missing value",
            "status": 422,
            "detail": "q: required at least one word with a letter or digit to search for",
            "code": "missing_value",
            "parameter": "q",
            "value": None,
            "instance": "/v1/search",
        }
        for params in ({"q": ""}, {"q": "x" * 201}, {}):
            r = client.get("/v1/search", params=params)
            assert r.status_code == 422 and r.json()["parameter"] == "q", (params, r.text)


# --- the index follows every write ------------------------------------------------------------


def test_a_retracted_claim_drops_out_of_results(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    assert _ids_on(engine, "militia") == ["C-MC5MGQVX"]
    with session_scope(engine, write=True) as session:
        claim_service.retract_claim(session, "C-MC5MGQVX", edit=EDIT)
    assert _ids_on(engine, "militia") == []
    engine.dispose()


def test_edits_through_the_services_update_the_index(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, "C-MC5MGQVX", ClaimUpdate(value_text="“millions” of zorblax"),
                                   edit=EDIT)  # fmt: skip
        catalog_service.retract_alias(session, "igla-s", "SA-24 Grinch", edit=EDIT)
        actor_service.update_actor(session, "Nicolás Maduro", ActorUpdate(name="Nicolás Maduro Moros"),
                                   edit=EDIT)  # fmt: skip
    assert _ids_on(engine, "zorblax") == ["C-MC5MGQVX"]
    assert _ids_on(engine, "militia") == ["C-MC5MGQVX"]  # the subject still says militia
    assert _ids_on(engine, "grinch") == []
    assert "igla-s" in _ids_on(engine, "SA-24")
    assert {"C-YSESYR2E", "C-MC5MGQVX"} <= set(_ids_on(engine, "moros"))
    engine.dispose()


def test_a_claim_written_by_the_bulk_importer_is_found(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    records = [
        {"type": "claim", "id": "C-0000000A", "kind": "inventory", "system": "igla-s", "country": "France",
         "value_low": 100, "qualifier": "at_least", "counted": "missiles", "value_text": "quuxly many",
         "location": "Test location", "citations": [{"source": "S-PJZ2YVHP", "quote": "a frobnicated quote"}]},
    ]  # fmt: skip
    with session_scope(engine, write=True) as session:
        report = import_records(session, list(read_jsonl("".join(json.dumps(r) + "\n" for r in records))),
                                edit=EDIT)  # fmt: skip
    assert report.created["claim"] == 1, report.issues
    assert _ids_on(engine, "quuxly") == ["C-0000000A"]
    assert _ids_on(engine, "frobnicated") == ["C-0000000A"]
    assert _ids(url, "quuxly") == ["C-0000000A"]
    engine.dispose()


# --- the migration --------------------------------------------------------------------------


def test_the_migration_indexes_rows_that_exist_before_it(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)  # the seed loader writes the current schema; the rows stay on the way down
    with session_scope(engine, write=True) as session:
        load(session, get_settings().seed_dir)
    migrate.downgrade(engine, "0001")
    migrate.upgrade(engine)
    assert _ids_on(engine, "Grinch")[0] == "igla-s"
    assert _ids_on(engine, "militia") == ["C-MC5MGQVX"]
    assert "S-PJZ2YVHP" in _ids_on(engine, "anadolu")
    engine.dispose()


def _search_objects(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE name LIKE 'search%' ORDER BY name"
        else:
            sql = (
                "SELECT relname FROM pg_class WHERE relname LIKE 'search%' "
                "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'search%' "
                "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search%' ORDER BY 1"
            )
        return list(connection.execute(sa.text(sql)).scalars())


def test_downgrading_the_migration_removes_every_search_object(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    created = _search_objects(engine)
    assert len(created) > 10, created
    migrate.downgrade(engine, "0001")
    assert _search_objects(engine) == []
    migrate.upgrade(engine)
    assert _search_objects(engine) == created
    engine.dispose()


WATCHED = ("system", "alias", "claim", "citation", "source")  # and actor, for the claimant name


def test_every_watched_table_has_its_search_triggers_at_head(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%'"
            expected = {(t, f"search_{t}_{e}") for t in WATCHED for e in ("insert", "update", "delete")}
        else:
            sql = (
                "SELECT c.relname, t.tgname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'search%'"
            )
            expected = {(t, f"search_{t}_changed") for t in WATCHED}
        found = {tuple(row) for row in connection.execute(sa.text(sql))}
    if engine.dialect.name == "sqlite":  # and a claim's system's names (revision 0017)
        names = {("actor", "search_actor_update"), ("system", "search_system_claims"),
                 *(("alias", f"search_alias_claims_{e}") for e in ("insert", "update", "delete"))}  # fmt: skip
    else:
        names = {("actor", "search_actor_changed"), ("system", "search_system_claims"), ("alias", "search_alias_claims")}
    assert found == expected | names


def test_searches_beyond_their_lane_answer_503_at_once_and_others_still_answer(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded(), search_workers=1, search_queue=2, query_timeout_ms=20_000) as client:
        searches = client.app.state.lanes["searches"]
        searches.pending = 3  # one running and two waiting: the lane is full
        started = time.monotonic()
        busy = client.get("/v1/search", params={"q": "Igla"})
        waited = time.monotonic() - started
        lookup = client.get("/v1/systems/igla-s")
        searches.pending = 0
        fine = client.get("/v1/search", params={"q": "Igla"})
    assert busy.status_code == 503 and busy.json()["code"] == "busy" and busy.json()["parameter"] == "q"
    assert busy.headers["retry-after"] == "1" and "1 running, 2 waiting" in busy.json()["detail"]
    assert waited < 5.0  # refused at once, not after the 20 s time limit (a loaded machine takes ~1 s)
    assert lookup.status_code == 200
    assert fine.status_code == 200 and fine.json()["items"]
