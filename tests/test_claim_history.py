"""Every write appends a revision; nothing is deleted; retracted claims stay readable."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import CitationCreate, ClaimLinkCreate, ClaimUpdate
from equipment_db.claims.queries import ClaimFilter
from equipment_db.database import session_scope
from equipment_db.errors import AlreadyExists, Conflict, EquipmentDBError, MissingValue, Retracted
from equipment_db.history import queries as history_queries
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.vocab import EntityType, LinkKind, Qualifier, Rank, RevisionAction
from tests.dbs import db_state
from tests.factories import EDIT, add_claim, populate


def _history(engine: sa.Engine, public_id: str) -> list:
    with session_scope(engine) as session:
        claim = claim_queries.get_claim(session, public_id)
        return list(history_queries.revisions(session, EntityType.claim, claim.id))


def test_create_records_version_one_with_a_full_snapshot(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    (revision,) = _history(engine, public_id)
    assert (revision.version, revision.action, revision.editor) == (1, RevisionAction.create, "test-editor")
    snap = revision.snapshot
    assert snap["public_id"] == public_id
    assert (snap["system"], snap["country"], snap["value_low"], snap["qualifier"]) == (
        "test-system-1",
        "FR",
        100.0,
        "at_least",
    )
    assert snap["claimant"] == "Test Claimant"
    (citation,) = snap["citations"]
    assert citation["quote"] == "Test quote one." and citation["locator"] == "para 2"
    assert citation["source"]["title"] == "Test Report 1"
    assert citation["source"]["url"] == "https://example.org/report-1"


def test_update_appends_a_version_and_keeps_the_old_one(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        claim = claim_service.update_claim(
            session,
            public_id,
            ClaimUpdate(value=120, value_text="at least 120"),
            edit=Edit("second-editor", "source corrected its figure"),
        )
        assert claim.version == 2 and claim.value_low == 120
    first, second = _history(engine, public_id)
    assert first.snapshot["value_low"] == 100.0 and second.snapshot["value_low"] == 120.0
    assert (second.action, second.editor, second.reason) == (
        RevisionAction.update,
        "second-editor",
        "source corrected its figure",
    )


def test_update_without_reason_is_refused(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    before = db_state(engine)
    with (
        pytest.raises(MissingValue, match=r"^reason: required"),
        session_scope(engine, write=True) as session,
    ):
        claim_service.update_claim(session, public_id, ClaimUpdate(value=1), edit=Edit("e", None))
    assert db_state(engine) == before


def test_update_is_held_to_the_kind_rules(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    before = db_state(engine)
    with pytest.raises(EquipmentDBError, match=r"^counterparty: required for a transfer"):
        with session_scope(engine, write=True) as session:
            claim_service.update_claim(
                session, public_id, ClaimUpdate(kind="transfer", scope="delivered"), edit=EDIT
            )
    assert db_state(engine) == before


def test_an_unchanged_update_writes_no_revision(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        claim = claim_service.update_claim(session, public_id, ClaimUpdate(country="France"), edit=EDIT)
        assert claim.version == 1
    assert len(_history(engine, public_id)) == 1


def test_changing_only_the_qualifier_replaces_the_bounds(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        claim = claim_service.update_claim(
            session, public_id, ClaimUpdate(qualifier=Qualifier.approximately), edit=EDIT
        )
        assert (claim.value_low, claim.value_high, claim.qualifier) == (100, 100, Qualifier.approximately)


def test_retraction_keeps_the_claim_readable_and_hides_it_from_lists(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        claim_service.retract_claim(session, public_id, edit=Edit("e", "the outlet withdrew the report"))
    with session_scope(engine) as session:
        claim = claim_queries.get_claim(session, public_id)
        assert claim.is_retracted and claim.retraction_reason == "the outlet withdrew the report"
        assert claim.version == 2
        assert claim_queries.list_claims(session, ClaimFilter()) == []
        assert [
            c.public_id for c in claim_queries.list_claims(session, ClaimFilter(include_retracted=True))
        ] == [public_id]
    last = _history(engine, public_id)[-1]
    assert last.action is RevisionAction.retract and last.snapshot["retracted_at"] is not None
    with pytest.raises(Retracted), session_scope(engine, write=True) as session:
        claim_service.update_claim(session, public_id, ClaimUpdate(value=1), edit=EDIT)


def test_retraction_needs_a_reason(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with pytest.raises(MissingValue, match=r"^reason"), session_scope(engine, write=True) as session:
        claim_service.retract_claim(session, public_id, edit=Edit("e", "  "))


def test_a_version_keeps_the_source_details_it_cited(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        source_service.update_source(session, keys["source"], SourceUpdate(title="Renamed Report"), edit=EDIT)
        claim_service.update_claim(session, public_id, ClaimUpdate(value=101), edit=EDIT)
    first, second = _history(engine, public_id)
    assert first.snapshot["citations"][0]["source"]["title"] == "Test Report 1"
    assert first.snapshot["citations"][0]["source"]["version"] == 1
    assert second.snapshot["citations"][0]["source"]["title"] == "Renamed Report"


def test_citations_are_added_and_retracted_as_claim_versions(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"])
    with session_scope(engine, write=True) as session:
        second = source_service.create_source(
            session,
            SourceCreate(kind="news_article", title="Test Report 2", url="https://example.org/report-2"),
            edit=EDIT,
        )
        claim_service.add_citation(
            session,
            public_id,
            CitationCreate(source="https://example.org/report-2", role="corroborates"),
            edit=EDIT,
        )
    with pytest.raises(AlreadyExists), session_scope(engine, write=True) as session:
        claim_service.add_citation(
            session, public_id, CitationCreate(source=second.public_id, role="corroborates"), edit=EDIT
        )
    with session_scope(engine, write=True) as session:
        claim_service.retract_citation(session, public_id, second.public_id, edit=Edit("e", "misread"))
    with pytest.raises(EquipmentDBError, match="is the claim's only source"):
        with session_scope(engine, write=True) as session:
            claim_service.retract_citation(session, public_id, keys["source"], edit=Edit("e", "x"))
    versions = _history(engine, public_id)
    assert [len(v.snapshot["citations"]) for v in versions] == [1, 2, 1]


def test_links_are_versioned_and_not_duplicated_in_reverse(engine: sa.Engine) -> None:
    keys = populate(engine)
    first = add_claim(engine, keys["source"])
    second = add_claim(engine, keys["source"], stated="2025-10-23")
    with session_scope(engine, write=True) as session:
        link = claim_service.create_link(
            session, ClaimLinkCreate(from_claim=second, to_claim=first, kind=LinkKind.same_as), edit=EDIT
        )
        revisions = history_queries.revisions(session, EntityType.claim_link, link.id)
        assert [r.entity_key for r in revisions] == [f"{second} same_as {first}"]
    with pytest.raises(Conflict), session_scope(engine, write=True) as session:
        claim_service.create_link(
            session, ClaimLinkCreate(from_claim=first, to_claim=second, kind=LinkKind.same_as), edit=EDIT
        )


def test_ranking_a_value_preferred_demotes_the_previous_one(engine: sa.Engine) -> None:
    keys = populate(engine)
    spec = {
        "kind": "specification",
        "country": None,
        "counted": None,
        "attribute": "max_range",
        "qualifier": "exact",
        "unit": "km",
    }
    first = add_claim(engine, keys["source"], **spec, value=8, rank="preferred")
    second = add_claim(engine, keys["source"], **spec, value=4.8)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, second, ClaimUpdate(rank=Rank.preferred), edit=EDIT)
    with session_scope(engine) as session:
        assert claim_queries.get_claim(session, first).rank is Rank.normal
        assert claim_queries.get_claim(session, second).rank is Rank.preferred
    assert _history(engine, first)[-1].reason == f"{second} was ranked preferred for max_range"


def test_a_given_public_id_is_kept_and_never_reused(engine: sa.Engine) -> None:
    keys = populate(engine)
    public_id = add_claim(engine, keys["source"], public_id="c-7k3q9xz2")
    assert public_id == "C-7K3Q9XZ2"
    with pytest.raises(AlreadyExists, match="claim with public_id 'C-7K3Q9XZ2' already exists"):
        add_claim(engine, keys["source"], public_id="C-7K3Q9XZ2")


def test_two_claims_cannot_supersede_each_other(engine: sa.Engine) -> None:
    keys = populate(engine)
    first, second = add_claim(engine, keys["source"]), add_claim(engine, keys["source"], stated="2025-10-23")
    with session_scope(engine, write=True) as session:
        claim_service.create_link(session, ClaimLinkCreate(from_claim=second, to_claim=first,
                                                           kind=LinkKind.supersedes), edit=EDIT)  # fmt: skip
    with pytest.raises(Conflict, match=rf"^kind: {first} supersedes {second} conflicts with the active link "
                                       rf"{second} supersedes {first} \(link \d+\); unlink it first$"):
        with session_scope(engine, write=True) as session:
            claim_service.create_link(session, ClaimLinkCreate(from_claim=first, to_claim=second,
                                                               kind=LinkKind.supersedes), edit=EDIT)  # fmt: skip
