"""Systems, aliases, actors and sources: lookups, uniqueness, revisions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import Alias, AliasCreate, SystemCreate, SystemUpdate
from equipment_db.database import session_scope
from equipment_db.errors import (
    AlreadyExists,
    Ambiguous,
    Conflict,
    EquipmentDBError,
    InvalidValue,
    MissingValue,
)
from equipment_db.history import queries as history_queries
from equipment_db.history.service import Edit
from equipment_db.normalize.names import name_key
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.vocab import EntityType
from tests.dbs import db_state
from tests.factories import EDIT, SOURCE_URL, populate


@pytest.mark.parametrize("key", ["test-system-1", "Test System 1", "TS-1 Tester", "ts1tester", "ts-1 TESTER"])
def test_system_is_found_by_slug_name_or_alias_ignoring_case_and_punctuation(
    engine: sa.Engine, key: str
) -> None:
    populate(engine)
    with session_scope(engine) as session:
        assert catalog_queries.get_system(session, key).slug == "test-system-1"


def test_an_alias_another_system_answers_to_is_refused_and_an_old_shared_one_is_ambiguous(engine: sa.Engine) -> None:
    populate(engine)
    with (
        pytest.raises(Conflict, match="alias: TS-1 Tester already names system test-system-1"),
        session_scope(engine, write=True) as session,
    ):
        catalog_service.add_alias(session, "test-system-2", AliasCreate(name="TS-1 Tester"), edit=EDIT)
    with session_scope(engine, write=True) as session:  # a database from before the rule may hold one
        system = catalog_queries.get_system(session, "test-system-2")
        session.add(Alias(system_id=system.id, name="TS-1 Tester", name_key=name_key("TS-1 Tester"), kind="designation"))
    with (
        pytest.raises(Ambiguous, match="matches test-system-1, test-system-2"),
        session_scope(engine) as session,
    ):
        catalog_queries.get_system(session, "ts-1 tester")


def _system(slug: str, name: str) -> SystemCreate:
    return SystemCreate(slug=slug, name=name, category="manpads")


def test_names_taken_and_freed_in_the_same_transaction_are_seen_by_the_next_check(engine: sa.Engine) -> None:
    """The check reads every system's name keys once per transaction and follows the
    systems created, renamed and rolled back after that, as a fresh scan would."""
    populate(engine)
    with session_scope(engine, write=True) as session:
        catalog_service.create_system(session, _system("test-system-3", "Test System Three"), edit=EDIT)
        with pytest.raises(Conflict, match="name: test system three already names system test-system-3"):
            catalog_service.create_system(session, _system("test-system-4", "test system three"), edit=EDIT)
        catalog_service.update_system(session, "test-system-3", SystemUpdate(name="Test System Tres"),
                                      edit=Edit("e", "renamed"))  # fmt: skip
        catalog_service.create_system(session, _system("test-system-4", "Test System Three"), edit=EDIT)
        with pytest.raises(Conflict, match="slug: test-system-tres already names system test-system-3"):
            catalog_service.create_system(session, _system("test-system-tres", "Test System 5"), edit=EDIT)
        savepoint = session.begin_nested()
        catalog_service.create_system(session, _system("test-system-6", "Test System Six"), edit=EDIT)
        savepoint.rollback()
        catalog_service.create_system(session, _system("test-system-7", "Test System Six"), edit=EDIT)
    with session_scope(engine) as session:
        assert catalog_queries.get_system(session, "Test System Six").slug == "test-system-7"
        assert catalog_queries.get_system(session, "Test System Three").slug == "test-system-4"


def test_adding_an_alias_is_a_new_system_version(engine: sa.Engine) -> None:
    populate(engine)
    with session_scope(engine, write=True) as session:
        catalog_service.add_alias(
            session, "test-system-1", AliasCreate(name="Tester Two", kind="common_name"), edit=EDIT
        )
        system = catalog_queries.get_system(session, "test-system-1")
        revisions = history_queries.revisions(session, EntityType.system, system.id)
    assert [r.version for r in revisions] == [1, 2]
    assert [a["name"] for a in revisions[1].snapshot["aliases"]] == ["TS-1 Tester", "Tester Two"]
    assert [a["name"] for a in revisions[0].snapshot["aliases"]] == ["TS-1 Tester"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"slug": "test-system-1"}, AlreadyExists, "system with slug 'test-system-1' already exists"),
        ({"slug": "Bad Slug!"}, InvalidValue, "slug: 'bad slug!' is invalid"),
        ({"origin_country": "Atlantis"}, InvalidValue, "origin_country: 'Atlantis' is not an ISO 3166"),
        ({"parent": "no-such-system"}, EquipmentDBError, "system not found: 'no-such-system'"),
        ({"wikidata_qid": "12345"}, InvalidValue, "wikidata_qid: '12345' is invalid"),
    ],
)
def test_bad_system_is_rejected_and_nothing_is_written(
    engine: sa.Engine, fields: dict, error: type, message: str
) -> None:
    populate(engine)
    before = db_state(engine)
    data = {"slug": "test-system-3", "name": "Test System 3", "category": "manpads"} | fields
    with pytest.raises(error) as caught, session_scope(engine, write=True) as session:
        catalog_service.create_system(session, SystemCreate.model_validate(data), edit=EDIT)
    assert str(caught.value).startswith(message), str(caught.value)
    assert db_state(engine) == before


def test_system_update_sets_parent_and_records_why(engine: sa.Engine) -> None:
    populate(engine)
    with session_scope(engine, write=True) as session:
        system = catalog_service.update_system(
            session, "test-system-2", SystemUpdate(parent="TS-1 Tester"), edit=Edit("e", "it is a variant")
        )
        revisions = history_queries.revisions(session, EntityType.system, system.id)
    assert revisions[-1].snapshot["parent"] == "test-system-1" and revisions[-1].reason == "it is a variant"


def test_actor_names_are_unique_ignoring_case(engine: sa.Engine) -> None:
    populate(engine)
    with pytest.raises(AlreadyExists, match="actor with name 'test claimant' already exists"):
        with session_scope(engine, write=True) as session:
            actor_service.create_actor(session, ActorCreate(name="test claimant", kind="person"), edit=EDIT)


def test_the_same_page_is_one_source_however_its_url_is_written(engine: sa.Engine) -> None:
    populate(engine)
    with pytest.raises(
        AlreadyExists, match=r"source with url 'https://example\.org/report-1' already exists"
    ):
        with session_scope(engine, write=True) as session:
            source_service.create_source(
                session,
                SourceCreate(
                    kind="news_article", title="Dup", url="HTTPS://EXAMPLE.org:443/report-1?utm_source=feed"
                ),
                edit=EDIT,
            )
    with session_scope(engine) as session:
        assert source_queries.get_source(session, "https://example.org:443/report-1#top").url == SOURCE_URL


def test_a_source_may_cite_another_and_the_chain_is_kept(engine: sa.Engine) -> None:
    keys = populate(engine)
    with session_scope(engine, write=True) as session:
        relay = source_service.create_source(
            session,
            SourceCreate(kind="news_article", title="Relay", publisher="Example Relay", cites=keys["source"]),
            edit=EDIT,
        )
        chain = source_queries.reporting_chain(session, relay)
        assert [s.title for s in chain] == ["Relay", "Test Report 1"]
        with pytest.raises(InvalidValue, match="would make the source cite itself"):
            source_service.update_source(
                session, keys["source"], SourceUpdate(cites=relay.public_id), edit=Edit("e", "loop")
            )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": None, "publisher": None}, "title: required or a publisher"),
        ({"language": "xx-bogus"}, "language: 'xx-bogus' is not an ISO 639 language code"),
        ({"published": "23.10.2025"}, "published: '23.10.2025' is not a date"),
        ({"accessed": "2026-11"}, "accessed: '2026-11' must be a full date"),
        ({"url": "not a url"}, "url: 'not a url' is not an http(s) URL"),
        ({"cites": "S-00000000"}, "source not found: 'S-00000000'"),
        ({"content_sha256": "abc"}, "content_sha256: 'abc' is not a SHA-256 hex digest"),
    ],
)
def test_bad_source_is_rejected_and_nothing_is_written(engine: sa.Engine, fields: dict, message: str) -> None:
    populate(engine)
    before = db_state(engine)
    data = {"kind": "news_article", "title": "Test Report 9", "publisher": "Example Press"} | fields
    with pytest.raises((InvalidValue, MissingValue, EquipmentDBError)) as caught:
        with session_scope(engine, write=True) as session:
            source_service.create_source(session, SourceCreate.model_validate(data), edit=EDIT)
    assert str(caught.value).startswith(message), str(caught.value)
    assert db_state(engine) == before


def test_source_dates_keep_their_precision(engine: sa.Engine) -> None:
    populate(engine)
    with session_scope(engine, write=True) as session:
        source = source_service.create_source(
            session, SourceCreate(kind="video", publisher="Example TV", published="2022"), edit=EDIT
        )
        assert (source.published_on.isoformat(), source.published_precision.value) == ("2022-01-01", "year")
