"""The prepared reads of claims (`claims.prepared`, the API's fast path) give exactly what
their ORM twins in `claims.queries` give, on both engines."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.api.deps import install_query_limit, query_time_limit
from equipment_db.api.fastread import Reader
from equipment_db.api.problems import is_timeout
from equipment_db.claims import prepared
from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import Claim
from equipment_db.database import session_scope
from equipment_db.errors import InvalidValue, NotFound
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import ActorKind, SourceKind
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, add_claim, populate


def _every_claim_detail(engine: sa.Engine) -> list[tuple[dict, dict]]:
    install_query_limit(engine)
    with Session(engine) as session:
        keys = session.exec(select(Claim.public_id).order_by(Claim.id)).all()
        wanted = [claim_queries.claim_detail(session, key) for key in keys]
    with query_time_limit(5000):
        reader = Reader(engine)
        try:
            found = [prepared.claim_detail(reader.rows, key.lower().replace("-", "")) for key in keys]
        finally:
            reader.close()
    return list(zip(found, wanted, strict=True))


def test_every_seeded_claim_reads_the_same_as_the_orm_gives_it(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    try:
        pairs = _every_claim_detail(engine)
    finally:
        engine.dispose()
    assert len(pairs) > 10
    for found, wanted in pairs:
        assert found == wanted, wanted["id"]
    # What the comparison covered: reporting chains, links, external ids, retraction.
    details = [wanted for _, wanted in pairs]
    assert any(c["reporting_chain"] for d in details for c in d["citations"])
    assert any(d["links"] for d in details)
    assert any(d["external_ids"] for d in details if "external_ids" in d)


def test_several_claimants_an_actor_party_and_a_retracted_citation_read_the_same(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.migrated())
    try:
        keys = populate(engine)
        with session_scope(engine, write=True) as session:
            actor_service.create_actor(session, ActorCreate(name="Second Claimant", kind=ActorKind.person),
                                       edit=EDIT)  # fmt: skip
            actor_service.create_actor(session, ActorCreate(name="Test Group", kind=ActorKind.other),
                                       edit=EDIT)  # fmt: skip
        claimed = add_claim(engine, keys["source"], claimant=None, claimants=["Second Claimant", "Test Claimant"],
                            country=None, party="actor:Test Group", value="2,100 km/h", unit=None,
                            kind="specification", attribute="speed", counted=None, qualifier=None,
                            value_text=None)  # fmt: skip
        with session_scope(engine, write=True) as session:
            second = source_service.create_source(session, SourceCreate(
                kind=SourceKind.news_article, title="Test Report 2", url="https://example.org/test-report-2"),
                edit=EDIT).public_id  # fmt: skip
        other = add_claim(engine, keys["source"], value_text="about 100", qualifier="approximately",
                          citations=[{"source": keys["source"]}, {"source": second, "quote": "Test quote two."}])
        with session_scope(engine, write=True) as session:
            claim_service.retract_citation(session, other, keys["source"], edit=EDIT)
        pairs = {wanted["id"]: (found, wanted) for found, wanted in _every_claim_detail(engine)}
    finally:
        engine.dispose()
    found, wanted = pairs[claimed]
    assert wanted["claimants"] == ["Second Claimant", "Test Claimant"]
    assert wanted["party"] == "actor:Test Group" and wanted["value_converted"]
    assert found == wanted
    found, wanted = pairs[other]
    assert [c["source"] for c in wanted["citations"]] == [second]
    assert found == wanted


@pytest.mark.parametrize("read", [prepared.claim_detail, prepared.claim_key])
def test_an_unknown_or_malformed_claim_id_is_refused_as_the_orm_refuses_it(dbs: DatabaseFactory, read: Any) -> None:
    engine = engine_for(dbs.seeded())
    reader = Reader(engine)
    try:
        with pytest.raises(NotFound) as unknown:
            read(reader.rows, "C-00000000", field="claim_id")
        with pytest.raises(InvalidValue) as malformed:
            read(reader.rows, "xyz", field="claim_id")
    finally:
        reader.close()
        engine.dispose()
    assert (unknown.value.field, unknown.value.message) == ("claim_id", "claim not found: 'C-00000000'")
    assert malformed.value.field == "claim_id" and "is not a claim id" in malformed.value.message


def test_a_claims_key_is_the_claim_the_orm_finds_however_its_id_is_typed(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.seeded())
    reader = Reader(engine)
    try:
        with Session(engine) as session:
            claims = session.exec(select(Claim).order_by(Claim.id)).all()
            for claim in claims:
                for typed in (claim.public_id, claim.public_id.lower(), claim.public_id.replace("-", "")):
                    wanted = claim_queries.get_claim(session, typed)
                    assert prepared.claim_key(reader.rows, typed) == (wanted.id, wanted.public_id) == (
                        claim.id, claim.public_id)  # fmt: skip
    finally:
        reader.close()
        engine.dispose()
    assert len(claims) > 10


LIST_FILTERS = [
    {},
    {"system": "igla-s"},
    {"system": "sa-24 grinch", "country": "Venezuela", "kind": "transfer"},  # an alias: the ORM's lookup
    {"system": "igla-s", "country": "VE", "about_from": "2009", "about_to": "2025"},
    {"country": "VE", "about_from": "2010-06"},
    {"about_to": "2012"},
    {"stated_from": "2025-10", "stated_to": "2025-10-22"},
    {"kind": "deployment", "scope": "deployed", "counted": "missiles"},
    {"status": "unverified", "rank": "normal"},
    {"claimant": "Nicolás Maduro"},
    {"party": "VE"},
    {"counterparty": "Russia"},
    {"text": "missile"},
    {"text": "50%_\\"},
    {"external_id": "sipri_deal:50622"},
    {"stance": "affirms", "include_deprecated": True, "include_retracted": True},
]


@pytest.mark.parametrize("limit", [3, 500])
def test_lists_read_the_same_as_the_orm_gives_them_whatever_the_filter(dbs: DatabaseFactory, limit: int) -> None:
    engine = engine_for(dbs.seeded())
    install_query_limit(engine)
    try:
        reader, session = Reader(engine), Session(engine)
        with query_time_limit(5000):
            found_any = 0
            for given in LIST_FILTERS:
                where = claim_queries.filter_from_input(session, **given)
                wanted = claim_queries.claim_rows(session, where, limit=limit)
                fast = claim_queries.filter_from_input(
                    lambda: reader.session, **given, system_id_of=lambda key: prepared.system_id(reader.rows, key))
                assert fast == where, given
                for after_id in (None, wanted[0]["_row_id"] if wanted else 0):
                    wanted = claim_queries.claim_rows(session, where, limit=limit, after_id=after_id)
                    found = prepared.claim_rows(reader.rows, engine.dialect, where, limit=limit, after_id=after_id)
                    assert found == wanted, (given, after_id)
                    ids = [row["_row_id"] for row in wanted]
                    assert prepared.citations_by_claim(reader.rows, ids) == claim_queries.citations_by_claim(
                        session, ids)
                    found_any += bool(wanted)
    finally:
        reader.close()
        session.close()
        engine.dispose()
    assert found_any >= 2 * len(LIST_FILTERS) - 4  # the filters above find claims, most from the second row on too


SLOW = {"postgresql": "SELECT pg_sleep(0.5)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) SELECT count(*) FROM c"}


def test_the_readers_statements_keep_the_requests_time_limit_and_are_read_only(dbs: DatabaseFactory) -> None:
    """The fast path's statements obey the request's limit (a second one gets what is left),
    run READ ONLY on PostgreSQL, and are seen by the engine's statement listeners."""
    engine = engine_for(dbs.migrated())
    install_query_limit(engine)
    seen: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    try:
        with query_time_limit(300):
            reader = Reader(engine)
            try:
                assert reader.rows("SELECT count(*) FROM claim WHERE id > ?", (0,)) == [(0,)]
                time.sleep(0.2)
                started = time.monotonic()
                with pytest.raises(sa.exc.OperationalError) as caught:
                    reader.rows(SLOW[dbs.name])
                assert is_timeout(caught.value) and time.monotonic() - started < 0.45  # pg_sleep(0.5) cut short
            finally:
                reader.close()
        if dbs.name == "postgresql":
            with query_time_limit(5000):
                reader = Reader(engine)
                try:
                    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                        reader.rows("INSERT INTO actor (name) VALUES (?)", ("Nobody",))
                finally:
                    reader.close()
    finally:
        engine.dispose()
    assert [s for s in seen if "FROM claim WHERE id >" in s]
    assert [s for s in seen if s.startswith(SLOW[dbs.name][:20])]
