"""The revision history under random edit sequences (T9): a hypothesis state machine.

Rules add, edit, rank, verify and retract claims and edit sources through the services the
CLI calls, each in its own transaction. After every step:

- each claim's versions are 1..n with no gap, n being the claim's `version`;
- the latest revision's snapshot is the claim as it is now, rendered by `claim_snapshot`
  (the sources it cites as they were at that revision: a source edit makes no claim version);
- the claim holds what the model of the rules applied says it holds;
- no revision repeats the previous one;
- every version seen so far still reads byte for byte as it did (GET .../versions/{n}).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from equipment_db.claims import queries as claim_queries
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.errors import Retracted
from equipment_db.history import queries as history_queries
from equipment_db.history.service import Edit
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.vocab import EntityType, Rank, VerificationStatus
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, claim_input, populate
from tests.reliability import report, size

# Slow (the fast lane, `-m "not slow"`, leaves it out): a hypothesis state machine over the revision history (T9).
pytestmark = pytest.mark.slow

SOURCES = ("https://example.org/report-1", "https://example.org/report-2")
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).map(
    lambda text: f"Test {text}".strip()
)
REASONS = st.sampled_from(["source corrected its figure", "second reading", "editor's review"])
VOLATILE = {"version", "updated_at"}
COUNTS = {"examples": 0, "steps": 0, "versions_compared": 0}


class ClaimHistory(RuleBasedStateMachine):
    factory: DatabaseFactory

    def __init__(self) -> None:
        super().__init__()
        self.url = self.factory.migrated()
        self.engine = engine_for(self.url)
        self.client_context = api(self.url)
        self.client = self.client_context.__enter__()
        self.model: dict[str, dict[str, Any]] = {}  # public id -> fields the rules set
        self.rendered: dict[tuple[str, int], bytes] = {}  # (public id, version) -> response body
        COUNTS["examples"] += 1

    claims = Bundle("claims")

    @initialize()
    def catalog(self) -> None:
        populate(self.engine)
        with session_scope(self.engine, write=True) as session:
            source_service.create_source(
                session, SourceCreate(kind="news_article", title="Test Report 2", url=SOURCES[1]), edit=EDIT
            )

    def _write(self, action) -> Any:  # type: ignore[no-untyped-def]
        COUNTS["steps"] += 1
        with session_scope(self.engine, write=True) as session:
            return action(session)

    @rule(target=claims, value=st.integers(0, 10_000), spec=st.booleans(), source=st.sampled_from(SOURCES),
          quote=WORDS)  # fmt: skip
    def add(self, value: int, spec: bool, source: str, quote: str) -> str:
        fields: dict[str, Any] = {"citations": [{"source": source, "quote": quote}]}
        if spec:  # specifications take part in "one preferred value per attribute"
            fields |= {"kind": "specification", "country": None, "counted": None, "attribute": "max_range",
                       "unit": "km", "qualifier": "exact", "value_text": None}  # fmt: skip
        public_id = self._write(lambda s: claim_service.create_claim(
            s, claim_input(source, value=value, **fields), edit=EDIT).public_id)  # fmt: skip
        self.model[public_id] = {"value": float(value * 1000 if spec else value), "rank": Rank.normal,
                                 "status": VerificationStatus.unverified, "retracted": False, "spec": spec,
                                 "note": None}  # fmt: skip
        return public_id

    def _update(self, public_id: str, update: ClaimUpdate, reason: str) -> bool:
        """Apply `update`; False when the claim is retracted (refused, nothing written)."""
        try:
            self._write(lambda s: claim_service.update_claim(s, public_id, update, edit=Edit("editor", reason)))
        except Retracted:
            assert self.model[public_id]["retracted"]
            return False
        assert not self.model[public_id]["retracted"], "a retracted claim was edited"
        return True

    @rule(public_id=claims, value=st.integers(0, 10_000), note=st.none() | WORDS, reason=REASONS)
    def edit(self, public_id: str, value: int, note: str | None, reason: str) -> None:
        if self._update(public_id, ClaimUpdate(value=value, note=note), reason):
            spec = self.model[public_id]["spec"]
            self.model[public_id] |= {"value": float(value * 1000 if spec else value), "note": note}

    @rule(public_id=claims, rank=st.sampled_from(Rank), reason=REASONS)
    def rank(self, public_id: str, rank: Rank, reason: str) -> None:
        if self._update(public_id, ClaimUpdate(rank=rank), reason):
            self.model[public_id]["rank"] = rank
            if rank is Rank.preferred and self.model[public_id]["spec"]:
                for other, state in self.model.items():
                    if other != public_id and state["spec"] and not state["retracted"] and (
                            state["rank"] is Rank.preferred):  # fmt: skip
                        state["rank"] = Rank.normal

    @rule(public_id=claims, status=st.sampled_from(VerificationStatus), note=st.none() | WORDS)
    def verify(self, public_id: str, status: VerificationStatus, note: str | None) -> None:
        update = ClaimUpdate(verification_status=status, verification_note=note)
        if self._update(public_id, update, "verification"):
            self.model[public_id]["status"] = status

    @rule(public_id=claims, reason=REASONS)
    def retract(self, public_id: str, reason: str) -> None:
        try:
            self._write(lambda s: claim_service.retract_claim(s, public_id, edit=Edit("editor", reason)))
        except Retracted:
            assert self.model[public_id]["retracted"]
            return
        self.model[public_id]["retracted"] = True

    @rule(source=st.sampled_from(SOURCES), title=WORDS)
    def edit_source(self, source: str, title: str) -> None:
        self._write(lambda s: source_service.update_source(s, source, SourceUpdate(title=title),
                                                           edit=Edit("editor", "title corrected")))  # fmt: skip

    @invariant()
    def history_replays_to_the_current_claims(self) -> None:
        with session_scope(self.engine) as session:
            for public_id, expected in self.model.items():
                claim = claim_queries.get_claim(session, public_id)
                revisions = history_queries.revisions(session, EntityType.claim, claim.id)  # type: ignore[arg-type]
                assert [r.version for r in revisions] == list(range(1, claim.version + 1))
                for earlier, later in itertools.pairwise(revisions):
                    assert _without(earlier.snapshot, VOLATILE) != _without(later.snapshot, VOLATILE)
                latest = revisions[-1].snapshot
                current = claim_service.claim_snapshot(session, claim)
                assert _without(latest, {"citations"}) == _without(current, {"citations"})
                assert [_without(c, {"source"}) for c in latest["citations"]] == [
                    _without(c, {"source"}) for c in current["citations"]]  # fmt: skip
                for cited in latest["citations"]:  # the source as it was at that revision
                    assert cited["source"] == _source_at(session, cited["source"])
                shown = (latest["value_low"], Rank(latest["rank"]), VerificationStatus(latest["verification_status"]),
                         latest["retracted_at"] is not None, latest["note"])  # fmt: skip
                assert shown == (expected["value"], expected["rank"], expected["status"], expected["retracted"],
                                 expected["note"])  # fmt: skip

    @invariant()
    def every_version_seen_reads_as_it_did(self) -> None:
        for public_id in self.model:
            versions = self.client.get(f"/v1/claims/{public_id}/versions")
            assert versions.status_code == 200, versions.text
            for entry in versions.json():
                key = (public_id, entry["version"])
                if key not in self.rendered:
                    response = self.client.get(f"/v1/claims/{public_id}/versions/{entry['version']}")
                    assert response.status_code == 200, response.text
                    self.rendered[key] = response.content

    def teardown(self) -> None:
        try:
            for (public_id, version), body in self.rendered.items():
                assert self.client.get(f"/v1/claims/{public_id}/versions/{version}").content == body
                COUNTS["versions_compared"] += 1
            if self.rendered:
                with pytest.raises(sa.exc.DatabaseError, match="revisions are immutable"):
                    with self.engine.begin() as connection:
                        connection.execute(sa.text("UPDATE revision SET reason = 'rewritten'"))
        finally:
            self.client_context.__exit__(None, None, None)
            self.engine.dispose()


def _without(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def _source_at(session: Any, reference: dict[str, Any]) -> dict[str, Any]:
    """What the source's own revision at `reference`'s version says of the same fields."""
    source = source_queries.get_source(session, reference["public_id"])
    revision = history_queries.revision(session, EntityType.source, source.id, reference["version"],  # type: ignore[arg-type]
                                        key=source.public_id)  # fmt: skip
    return {key: revision.snapshot.get(key) for key in reference}


def test_claim_history_stays_a_faithful_immutable_record(dbs: DatabaseFactory) -> None:
    ClaimHistory.factory = dbs
    COUNTS.update(examples=0, steps=0, versions_compared=0)
    run_state_machine_as_test(ClaimHistory, settings=settings(
        max_examples=size(ci=10, full=100), stateful_step_count=size(ci=15, full=50), deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ))  # fmt: skip
    report("T9 history, stateful", dbs.name, **COUNTS)
    assert COUNTS["versions_compared"] > 0
