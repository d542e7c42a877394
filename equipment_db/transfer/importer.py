"""Import records: validate everything first, then write in one transaction.

Small record types (target types, systems, aliases, actors, sources, links) go through
the services one by one, each in a savepoint so that one bad record does not spoil the
others. New claims, the bulk of any import, are validated in memory against maps loaded
once (`BulkResolver`) and written with SQLAlchemy Core in batches: claims, citations,
external ids and their revisions. Claims that exist already are updated through the
services only where they differ, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equipment_db.base import utcnow
from equipment_db.catalog.models import ExternalId, ExternalIdCreate
from equipment_db.claims import rules
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import Citation, Claim, ClaimCreate
from equipment_db.errors import AlreadyExists, EquipmentDBError, MissingValue
from equipment_db.history.models import Revision
from equipment_db.history.service import Edit
from equipment_db.publicid import new_public_id, normalise_public_id
from equipment_db.transfer import upsert
from equipment_db.transfer.reader import RawRecord
from equipment_db.transfer.resolver import BulkResolver
from equipment_db.validation import parse_model
from equipment_db.vocab import EntityType, RevisionAction

BATCH = 2000
_SMALL_TYPES = ("target_type", "system", "alias", "actor", "source")
Progress = Callable[[str, int, int], None]  # phase, done, total


@dataclass(frozen=True)
class ImportIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    issues: list[ImportIssue] = field(default_factory=list)
    rejected: list[RawRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def claims_per_second(self) -> float:
        return self.created["claim"] / self.seconds if self.seconds else 0.0


class ImportFailed(EquipmentDBError):
    """Strict mode found invalid records: nothing was written."""

    code = "import_invalid"

    def __init__(self, issues: list[ImportIssue]) -> None:
        first = issues[0]
        super().__init__(f"{len(issues)} invalid record(s), nothing written; first: {first}",
                         field="line", value=first.line)  # fmt: skip
        self.issues = issues


@dataclass
class _NewClaim:
    raw: RawRecord
    values: dict[str, Any]
    public_id: str
    citations: list[tuple[int, Any]]  # (source id, CitationCreate)
    external_ids: list[ExternalIdCreate]


def import_records(session: Session, raws: list[RawRecord], *, edit: Edit, skip_invalid: bool = False,
                   progress: Progress | None = None) -> ImportReport:  # fmt: skip
    """Validate and write `raws`. Strict: any invalid record raises ImportFailed (the caller
    rolls back). `skip_invalid`: invalid records are reported and left out."""
    started = time.perf_counter()
    report = ImportReport()
    tick = progress or (lambda phase, done, total: None)
    valid = [raw for raw in raws if not _reject_unparsed(raw, report)]
    by_type: dict[str, list[RawRecord]] = {}
    for raw in _attach_citations(valid, report):
        by_type.setdefault(raw.data["type"], []).append(raw)  # type: ignore[index]
    for record_type in _SMALL_TYPES:
        rows = by_type.get(record_type, [])
        if record_type == "source":
            rows = _cited_first(rows)
        for done, raw in enumerate(rows, start=1):
            _upsert_one(session, record_type, raw, edit, report)
            tick(record_type, done, len(rows))
    _import_claims(session, by_type.get("claim", []), edit, report, tick)
    for record_type in ("citation", "claim_link"):
        for raw in by_type.get(record_type, []):
            _upsert_one(session, record_type, raw, edit, report)
    report.seconds = time.perf_counter() - started
    report.issues.sort(key=lambda issue: issue.line)
    report.rejected.sort(key=lambda raw: raw.line)
    if report.issues and not skip_invalid:
        raise ImportFailed(report.issues)
    return report


def _reject(report: ImportReport, raw: RawRecord, message: str) -> None:
    report.issues.append(ImportIssue(raw.line, message))
    report.rejected.append(raw)


def _reject_unparsed(raw: RawRecord, report: ImportReport) -> bool:
    if raw.error is not None:
        _reject(report, raw, raw.error)
        return True
    return False


def _attach_citations(raws: list[RawRecord], report: ImportReport) -> list[RawRecord]:
    """Citation records join their claim when it is in the file."""
    claims: dict[str, RawRecord] = {}
    kept: list[RawRecord] = []
    for raw in raws:
        data = raw.data or {}
        key = str(data.get("id") or "").strip().upper()
        if data["type"] == "claim":
            data.setdefault("citations", [])
            data["citations"] = list(data["citations"])
            if key and key not in claims:  # a repeated id is reported when the claim is checked
                claims[key] = raw
        kept.append(raw)
    result = []
    for raw in kept:
        data = raw.data or {}
        target = (
            claims.get(str(data.get("claim") or "").strip().upper()) if data["type"] == "citation" else None
        )
        if target is not None:
            target.data["citations"].append({k: v for k, v in data.items() if k not in ("type", "claim")})  # type: ignore[index]
            target.extra_lines.append(raw.line)
            continue
        result.append(raw)
    return result


def _cited_first(rows: list[RawRecord]) -> list[RawRecord]:
    ids = {str(r.data.get("id") or "").upper(): r for r in rows}  # type: ignore[union-attr]
    ordered: list[RawRecord] = []
    placed: set[int] = set()

    def place(raw: RawRecord, depth: int = 0) -> None:
        if id(raw) in placed or depth > len(rows):
            return
        cited = ids.get(str(raw.data.get("cites") or "").upper())  # type: ignore[union-attr]
        if cited is not None and cited is not raw:
            place(cited, depth + 1)
        placed.add(id(raw))
        ordered.append(raw)

    for raw in rows:
        place(raw)
    return ordered


def _upsert_one(session: Session, record_type: str, raw: RawRecord, edit: Edit, report: ImportReport) -> None:
    try:
        with session.begin_nested():
            outcome = upsert.UPSERTS[record_type](session, dict(raw.data), edit)  # type: ignore[arg-type]
    except EquipmentDBError as exc:
        _reject(report, raw, exc.message)
        return
    getattr(report, outcome)[record_type] += 1


def _import_claims(session: Session, raws: list[RawRecord], edit: Edit, report: ImportReport,
                   tick: Progress) -> None:  # fmt: skip
    resolver = BulkResolver(session)
    fresh: list[_NewClaim] = []
    taken = set(resolver.claim_ids)
    fingerprints: set[tuple] | None = None
    for done, raw in enumerate(raws, start=1):
        data = raw.data or {}
        given = data.get("id")
        try:
            public_id = normalise_public_id(given, "claim", field="id") if given else None
            if public_id is not None and public_id in resolver.claim_ids:
                _upsert_one(session, "claim", raw, edit, report)
                continue
            new = _validate_claim(raw, resolver, public_id, taken)
            if not given:
                if fingerprints is None:
                    fingerprints = _existing_fingerprints(session)
                print_ = _fingerprint(new)
                if print_ in fingerprints:
                    report.unchanged["claim"] += 1
                    continue
                fingerprints.add(print_)
        except EquipmentDBError as exc:
            _reject(report, raw, exc.message)
            continue
        taken.add(new.public_id)
        fresh.append(new)
        if done % BATCH == 0:
            tick("validate claims", done, len(raws))
    tick("validate claims", len(raws), len(raws))
    for start in range(0, len(fresh), BATCH):
        _write_claims(session, fresh[start : start + BATCH], resolver, edit)
        report.created["claim"] += len(fresh[start : start + BATCH])
        tick("write claims", min(start + BATCH, len(fresh)), len(fresh))


def _validate_claim(
    raw: RawRecord, resolver: BulkResolver, public_id: str | None, taken: set[str]
) -> _NewClaim:
    fields = {k: v for k, v in (raw.data or {}).items() if k not in ("type", "id")}
    data = parse_model(ClaimCreate, fields)
    values = rules.normalise(None, data.model_dump(), resolver)  # type: ignore[arg-type]
    values |= claim_service.value_columns(data.model_dump(), None)
    values = rules.check(values, citation_count=len(data.citations), given=fields)
    citations = []
    seen: set[tuple[int, str]] = set()
    for index, citation in enumerate(data.citations):
        name = f"citations[{index}].source"
        if not citation.source or not citation.source.strip():
            raise MissingValue(name, "(a source id or URL)")
        source_id = resolver.source(citation.source, name)
        if (source_id, citation.role.value) in seen:
            raise AlreadyExists("citation", name, citation.source)
        seen.add((source_id, citation.role.value))
        citations.append((source_id, citation))
    if public_id is not None and public_id in taken:
        raise AlreadyExists("claim", "id", public_id)
    while public_id is None or public_id in taken:
        public_id = new_public_id("claim")
    return _NewClaim(raw, values, public_id, citations, list(data.external_ids))


_FINGERPRINT = ("kind", "system_id", "subject", "attribute", "target_type_id", "related_system_id", "country",
                "counterparty_country", "location", "value_low", "value_high", "unit", "qualifier", "value_text",
                "counted", "scope", "claimant_id", "stated_on", "about_start", "about_end")  # fmt: skip


def _fingerprint(new: _NewClaim) -> tuple:
    values = tuple(getattr(new.values.get(k), "value", new.values.get(k)) for k in _FINGERPRINT)
    return values, frozenset(
        (source_id, c.role.value, (c.quote or "").strip() or None) for source_id, c in new.citations
    )


def _existing_fingerprints(session: Session) -> set[tuple]:
    """What active claims say, so that a file without claim ids re-imports to nothing."""
    cited: dict[int, set[tuple[int, str, str | None]]] = {}
    for claim_id, source_id, role, quote in session.exec(
        select(Citation.claim_id, Citation.source_id, Citation.role, Citation.quote).where(
            col(Citation.retracted_at).is_(None)
        )
    ):
        cited.setdefault(claim_id, set()).add((source_id, getattr(role, "value", role), quote))
    prints = set()
    for claim in session.exec(select(Claim).where(col(Claim.retracted_at).is_(None))):
        values = tuple(getattr(getattr(claim, k), "value", getattr(claim, k)) for k in _FINGERPRINT)
        prints.add((values, frozenset(cited.get(claim.id, set()))))  # type: ignore[arg-type]
    return prints


def _write_claims(session: Session, batch: list[_NewClaim], resolver: BulkResolver, edit: Edit) -> None:
    if not batch:
        return
    now = utcnow()
    claim_table = Claim.__table__  # type: ignore[attr-defined]
    rows = [new.values | {"public_id": new.public_id, "version": 1, "created_at": now, "updated_at": now}
            for new in batch]  # fmt: skip
    # Plain executemany, then one select for the ids: RETURNING in parameter order makes
    # SQLite fall back to one statement per row.
    session.execute(sa.insert(claim_table), rows)
    ids = dict(session.execute(
        sa.select(claim_table.c.public_id, claim_table.c.id)
        .where(claim_table.c.public_id.in_([new.public_id for new in batch]))
    ).all())  # fmt: skip
    inserted = [ids[new.public_id] for new in batch]
    citation_rows, xid_rows, revision_rows = [], [], []
    for new, claim_id, row in zip(batch, inserted, rows, strict=True):
        resolver.claim_ids[new.public_id] = claim_id
        for source_id, citation in new.citations:
            citation_rows.append({
                "claim_id": claim_id, "source_id": source_id, "created_at": now, "role": citation.role,
                "quote": (citation.quote or "").strip() or None, "locator": (citation.locator or "").strip() or None,
            })  # fmt: skip
        xids = [{"scheme": x.scheme.value, "value": x.value.strip()} for x in new.external_ids]
        xid_rows += [{"entity_type": EntityType.claim, "entity_id": claim_id, "scheme": x["scheme"],
                      "value": x["value"], "created_at": now} for x in xids]  # fmt: skip
        row = row | {"id": claim_id}
        names = {
            "system": resolver.system_info.get(row.get("system_id"), (None, None)),
            "related_system": resolver.system_info.get(row.get("related_system_id"), (None, None)),
            "target_type": resolver.target_info.get(row.get("target_type_id"), (None, None)),
            "claimant": resolver.actor_info.get(row.get("claimant_id"), (None, None)),
        }  # fmt: skip
        cited = [claim_service.citation_snapshot(resolver.source_refs[source_id], c["quote"], c["locator"],
                                                 c["role"].value)
                 for (source_id, _), c in zip(new.citations, citation_rows[-len(new.citations):], strict=True)]  # fmt: skip
        revision_rows.append({
            "entity_type": EntityType.claim, "entity_id": claim_id, "entity_key": new.public_id, "version": 1,
            "action": RevisionAction.create, "created_at": now, "editor": edit.editor, "reason": edit.reason,
            "snapshot": claim_service.snapshot_from_parts(row, names, cited, sorted(xids, key=_xid_order)),
        })  # fmt: skip
    session.execute(sa.insert(Citation.__table__), citation_rows)  # type: ignore[attr-defined]
    if xid_rows:
        session.execute(sa.insert(ExternalId.__table__), xid_rows)  # type: ignore[attr-defined]
    session.execute(sa.insert(Revision.__table__), revision_rows)  # type: ignore[attr-defined]


def _xid_order(xid: dict[str, str]) -> tuple[str, str]:
    return xid["scheme"], xid["value"]
