"""Export every active entry as records, in a stable order, streaming (no N+1 queries).

Order: target types, systems, aliases, actors, sources (cited ones before the sources
that cite them), claims (each followed by its citations), claim links. Retracted entries
are left out: an export is the current state, and `db backup` keeps everything.

Each record has its domain's shape (`catalog.records`, `actors.records`, ...). A download
(`export_chunks`) is the same text, a chunk at a time, read in one snapshot (`snapshot`).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.actors.records import actor_record
from equipment_db.catalog.models import Alias, ExternalId, System, TargetType
from equipment_db.catalog.records import alias_record, external_id_record, system_record, target_type_record
from equipment_db.claims.models import Citation, Claim, ClaimLink
from equipment_db.claims.records import CLAIM_FIELDS, citation_record, claim_record, link_record
from equipment_db.database import is_sqlite
from equipment_db.sources.models import Source
from equipment_db.sources.records import source_record
from equipment_db.vocab import EntityType

BATCH = 2000
CHUNK_RECORDS = 500  # records rendered per chunk of a download (`export_chunks`)
CSV_COLUMNS = [*CLAIM_FIELDS, "source", "quote", "locator", "role"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    systems = {s.id: s for s in session.exec(select(System).where(col(System.retracted_at).is_(None)))}
    slugs = {key: system.slug for key, system in systems.items()}
    for target in session.exec(select(TargetType).where(col(TargetType.retracted_at).is_(None))
                               .order_by(TargetType.slug)):  # fmt: skip
        yield target_type_record(target)
    for system in sorted(systems.values(), key=_system_order(systems)):
        yield system_record(system, slugs.get(system.parent_id))  # type: ignore[arg-type]
    alias_rows = session.exec(select(Alias).where(col(Alias.retracted_at).is_(None))).all()
    for alias in sorted(
        (a for a in alias_rows if a.system_id in slugs), key=lambda a: (slugs[a.system_id], a.id)
    ):
        yield alias_record(alias, slugs[alias.system_id])
    actors = {a.id: a for a in session.exec(select(Actor).where(col(Actor.retracted_at).is_(None)))}
    for actor in sorted(actors.values(), key=lambda a: a.name):
        yield actor_record(actor)
    sources = {s.id: s for s in session.exec(select(Source).where(col(Source.retracted_at).is_(None)))}
    public = {key: source.public_id for key, source in sources.items()}
    for source in _cited_first(sources):
        yield source_record(source, public.get(source.cites_source_id))  # type: ignore[arg-type]
    targets = dict(session.exec(select(TargetType.id, TargetType.slug)).all())
    names = {key: actor.name for key, actor in actors.items()}
    yield from _claims(session, slugs, targets, names, public)
    yield from _links(session)


def _system_order(systems: dict[int | None, System]):  # type: ignore[no-untyped-def]
    """Parents before their variants, then by slug."""

    def depth(system: System) -> int:
        seen, level = set(), 0
        while system.parent_id is not None and system.parent_id in systems and system.id not in seen:
            seen.add(system.id)
            system, level = systems[system.parent_id], level + 1
        return level

    return lambda system: (depth(system), system.slug)


def _cited_first(sources: dict[int | None, Source]) -> list[Source]:
    ordered: list[Source] = []
    placed: set[int | None] = set()
    pending = sorted(sources.values(), key=lambda s: s.public_id)
    while pending:
        ready = [s for s in pending if s.cites_source_id is None or s.cites_source_id in placed
                 or s.cites_source_id not in sources]  # fmt: skip
        if not ready:  # a cycle cannot be written by the services; export the rest as they are
            ready = pending
        ordered += ready
        placed.update(s.id for s in ready)
        pending = [s for s in pending if s.id not in placed]
    return ordered


def _claims(
    session: Session, slugs: dict, targets: dict, names: dict, public: dict
) -> Iterator[dict[str, Any]]:
    xids: dict[int, list[dict[str, str]]] = defaultdict(list)
    for entity_id, scheme, value, part in session.exec(
        select(ExternalId.entity_id, ExternalId.scheme, ExternalId.value, ExternalId.part)
        .where(ExternalId.entity_type == EntityType.claim, col(ExternalId.retracted_at).is_(None))
        .order_by(ExternalId.scheme, ExternalId.value, ExternalId.part)
    ):
        xids[entity_id].append(external_id_record(scheme, value, part))
    claims = session.exec(
        select(Claim).where(col(Claim.retracted_at).is_(None)).order_by(Claim.public_id)
        .execution_options(yield_per=BATCH)
    )  # fmt: skip
    batch: list[Claim] = []
    for claim in claims:
        batch.append(claim)
        if len(batch) >= BATCH:
            yield from _claim_batch(session, batch, slugs, targets, names, public, xids)
            batch = []
    yield from _claim_batch(session, batch, slugs, targets, names, public, xids)


def _claim_batch(session: Session, batch: list[Claim], slugs: dict, targets: dict, names: dict,
                 public: dict, xids: dict) -> Iterator[dict[str, Any]]:  # fmt: skip
    if not batch:
        return
    cited: dict[int, list[Citation]] = defaultdict(list)
    rows = session.exec(
        select(Citation).where(col(Citation.claim_id).in_([c.id for c in batch]),
                               col(Citation.retracted_at).is_(None)).order_by(Citation.id)
    )  # fmt: skip
    for citation in rows:
        cited[citation.claim_id].append(citation)
    for claim in batch:
        refs = {
            "system": slugs.get(claim.system_id), "related_system": slugs.get(claim.related_system_id),
            "target_type": targets.get(claim.target_type_id), "claimant": names.get(claim.claimant_id),
            "party_actor": names.get(claim.party_actor_id), "counterparty_actor": names.get(claim.counterparty_actor_id),
            "claimants": [names.get(i) for i in claim.claimant_ids] if claim.claimant_ids else None,
        }  # fmt: skip
        yield claim_record(claim, refs, xids.get(claim.id, []))  # type: ignore[arg-type]
        for citation in cited[claim.id]:  # type: ignore[index]
            if citation.source_id in public:
                yield citation_record(citation, claim.public_id, public[citation.source_id])


def _links(session: Session) -> Iterator[dict[str, Any]]:
    ids = dict(
        session.exec(
            select(Claim.id, Claim.public_id).where(
                col(Claim.id).in_(select(ClaimLink.from_claim_id).union(select(ClaimLink.to_claim_id)))
            )
        ).all()
    )
    rows = session.exec(select(ClaimLink).where(col(ClaimLink.retracted_at).is_(None))).all()
    for link in sorted(rows, key=lambda k: (ids[k.from_claim_id], ids[k.to_claim_id], k.kind.value)):
        yield link_record(link, ids[link.from_claim_id], ids[link.to_claim_id])


# Characters that `str.splitlines` (and so a reader of the text) takes for a line break but
# JSON leaves unescaped: written as \uXXXX so that one record stays on one line.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def write_jsonl(items: Iterator[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for item in items:
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKS)
        out.write(line + "\n")
        count += 1
    return count


def neutralise_formula(value: Any) -> Any:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe; so does one
    that begins with an apostrophe, which the import would otherwise take for that mark."""
    if isinstance(value, str) and value.startswith((*_FORMULA_START, "'")):
        return "'" + value
    return value


def write_claims_csv(items: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """Claims as CSV: one row per citation, the claim's fields repeated on each."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    # QUOTE_MINIMAL leaves a cell holding a lone carriage return unquoted, and no CSV reader
    # can read such a row back: those rows are written with every cell quoted.
    quoted = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    count = 0
    current: dict[str, Any] | None = None
    for item in items:
        if item["type"] == "claim":
            current = item
        elif item["type"] == "citation" and current is not None and item["claim"] == current["id"]:
            row = {k: current.get(k) for k in CLAIM_FIELDS}
            row |= {k: item.get(k) for k in ("source", "quote", "locator", "role")}
            cells = {k: _csv_cell(v) for k, v in row.items()}
            (quoted if any("\r" in str(v) for v in cells.values()) else writer).writerow(cells)
            count += 1
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise_formula(value)


def to_text(items: Iterator[dict[str, Any]], fmt: str) -> str:
    buffer = io.StringIO()
    (write_jsonl if fmt == "jsonl" else write_claims_csv)(items, buffer)
    return buffer.getvalue()


def export_chunks(session: Session, fmt: str, *, size: int | None = None) -> Iterator[str]:
    """The export as `fmt` ("jsonl" or "csv"), about `size` (CHUNK_RECORDS) records per chunk:
    joined, the chunks are byte for byte `to_text(export_records(session), fmt)`."""
    header: str | None = None
    for batch in _batches(export_records(session), size or CHUNK_RECORDS):
        text = to_text(iter(batch), fmt)
        if fmt == "csv":  # each chunk is written with the header; keep the first
            if header is None:
                header = text.partition("\n")[0] + "\n"
            else:
                text = text.removeprefix(header)
        if text:
            yield text


def _batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Lists of about `size` records, cut only before a record that is not a citation, so that
    a claim and its citations (one CSV row each) stay together. At least one, maybe empty."""
    batch: list[dict[str, Any]] = []
    for item in items:
        if len(batch) >= size and item["type"] != "citation":
            yield batch
            batch = []
        batch.append(item)
    yield batch


@contextmanager
def snapshot(engine: sa.Engine) -> Iterator[Session]:
    """A read-only session held for as long as an export is read: one transaction, so the
    export is one consistent state (REPEATABLE READ on PostgreSQL; SQLite's WAL gives a read
    transaction one snapshot). Never committed. No statement time limit: an export is long."""
    with engine.connect() as connection:
        session = Session(bind=connection, expire_on_commit=False)
        try:
            if not is_sqlite(engine):
                session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            yield session
        finally:
            session.rollback()
            session.close()
