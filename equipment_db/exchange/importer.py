"""Import records: validate everything first, then write in one transaction.

Small record types (target types, systems, aliases, actors, sources, links) go through
the services one by one, each in a savepoint so that one bad record does not spoil the
others. New claims, the bulk of any import, are validated in memory against maps loaded
once (`BulkResolver`) and written with SQLAlchemy Core in batches: claims, citations,
external ids and their revisions.

Nothing changes silently. A record is an existing entry when it names it: by slug, name,
public id, URL, or for a claim by an external id (scheme, value and part: a register's
deal and delivery year). If it says the same, it is unchanged; if it says something else,
it is a *conflict*, listed field by field and not written unless `update` (then the entry
gets a new version). A claim with neither id matches only a claim that says exactly the
same, citations, note and external ids included. `missing`: the claims of the sources
and id schemes of the file that the file no longer has; `retract_missing` retracts them.
A dry run checks and counts everything but writes no new claim, which is most of the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equipment_db.base import utcnow
from equipment_db.catalog.models import ExternalId, ExternalIdCreate
from equipment_db.catalog.records import external_id_record
from equipment_db.claims import rules
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import Citation, Claim, ClaimCreate
from equipment_db.errors import AlreadyExists, Ambiguous, EquipmentDBError, InvalidValue, NotFound, each_error
from equipment_db.exchange import bulk, upsert
from equipment_db.exchange.reader import RawRecord
from equipment_db.exchange.resolver import BulkResolver
from equipment_db.history import queries as history_queries
from equipment_db.history import service as history
from equipment_db.history.models import Revision
from equipment_db.history.service import Edit
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import draw_public_ids, looks_like_public_id, normalise_public_id
from equipment_db.search import documents as search_documents
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import Source, SourceCreate
from equipment_db.validation import parse_model
from equipment_db.vocab import EntityType, IdScheme, RevisionAction

BATCH = 2000
IMPORT_CACHE_KIB = 65536
_SMALL_TYPES = ("target_type", "system", "alias", "actor", "source")
Progress = Callable[[str, int, int], None]  # phase, done, total


@dataclass(frozen=True)
class ImportIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ImportConflict:
    """One field of an existing entry that an incoming record would change."""

    line: int
    entry: str  # "system igla-s", "claim C-4TG7K2QX"
    field: str
    existing: Any
    incoming: Any

    def __str__(self) -> str:
        return (f"line {self.line}: conflict: {self.entry}: {self.field} is {_shown(self.existing)} in the "
                f"database and {_shown(self.incoming)} in the file")  # fmt: skip


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:199] + "…"


UPDATE_HINT = "to apply them as new versions, import again with --update --reason \"...\""


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    conflicting: Counter[str] = field(default_factory=Counter)
    retracted: Counter[str] = field(default_factory=Counter)
    issues: list[ImportIssue] = field(default_factory=list)
    conflicts: list[ImportConflict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # public ids of claims the file no longer has
    rejected: list[RawRecord] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def claims_per_second(self) -> float:
        return self.created["claim"] / self.seconds if self.seconds else 0.0


class ImportFailed(EquipmentDBError):
    """Strict mode found invalid or conflicting records: nothing was written."""

    code = "import_invalid"

    def __init__(self, issues: list[ImportIssue], conflicts: list[ImportConflict] | None = None) -> None:
        conflicts = conflicts or []
        lines = {issue.line for issue in issues}
        entries = {(c.line, c.entry) for c in conflicts}
        first = min([*issues, *conflicts], key=lambda one: one.line)
        parts = [f"{len(lines)} invalid record(s)"] if issues else []
        parts += [f"{len(entries)} record(s) in conflict with the database ({UPDATE_HINT})"] if conflicts else []
        super().__init__(f"{' and '.join(parts)}, nothing written; first: {first}", field="line",
                         value=first.line)  # fmt: skip
        self.issues = issues
        self.conflicts = conflicts


@dataclass
class _NewClaim:
    raw: RawRecord
    values: dict[str, Any]
    public_id: str | None  # None until allocated
    citations: list[tuple[int, Any]]  # (source id, CitationCreate)
    external_ids: list[ExternalIdCreate]


@dataclass(frozen=True)
class ImportOptions:
    skip_invalid: bool = False  # write the valid records and report the others
    update: bool = False  # apply conflicting records as new versions
    retract_missing: bool = False  # retract the claims the file no longer has (`missing`)
    dry_run: bool = False  # check and count; write no new claim (the caller rolls back the rest)


def import_records(session: Session, raws: Iterable[RawRecord], *, edit: Edit, skip_invalid: bool = False,
                   update: bool = False, retract_missing: bool = False, dry_run: bool = False,
                   progress: Progress | None = None, expected: int | None = None) -> ImportReport:  # fmt: skip
    """Validate and write `raws`, streaming: claims are taken in windows of BATCH, so memory
    does not grow with the file. Strict: any invalid or conflicting record raises
    ImportFailed and the caller rolls back, so nothing is written. With `skip_invalid` they
    are reported and left out. A dry run raises nothing: its report says what would happen.
    `expected`: the number of records, for progress. The options: `ImportOptions`."""
    options = ImportOptions(skip_invalid, update, retract_missing, dry_run)
    if (options.update or options.retract_missing) and not options.dry_run:
        edit.require_reason()
    started = time.perf_counter()
    with _page_cache(session):
        run = _Run(session, edit, progress or (lambda phase, done, total: None), expected, options)
        for raw in raws:
            run.feed(raw)
        run.finish()
    report = run.report
    report.seconds = time.perf_counter() - started
    report.issues.sort(key=lambda issue: issue.line)
    report.conflicts.sort(key=lambda conflict: conflict.line)
    report.rejected.sort(key=lambda raw: raw.line)
    if failed(report, options) and not options.dry_run:
        raise ImportFailed(report.issues, report.conflicts)
    return report


def failed(report: ImportReport, options: ImportOptions) -> bool:
    """Whether the import writes nothing: an invalid or conflicting record, in strict mode."""
    return bool(report.issues or report.conflicts) and not options.skip_invalid


@contextlib.contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of IMPORT_CACHE_KIB for the import: with the default 2 MiB,
    a large transaction spills pages and inserts run five times slower (measured)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(sa.text("PRAGMA cache_size")).scalar_one()
    session.execute(sa.text(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(sa.text(f"PRAGMA cache_size = {int(before)}"))


def _reject_all(report: ImportReport, raw: RawRecord, error: EquipmentDBError) -> None:
    for one in each_error(error):
        _reject(report, raw, one.message)


def _reject(report: ImportReport, raw: RawRecord, message: str) -> None:
    report.issues.append(ImportIssue(raw.line, message))
    report.rejected.append(raw)


def _key(value: Any) -> str:
    return str(value or "").strip().upper()


def _url_key(value: Any) -> str:
    try:
        return normalise_url(str(value)) or "" if value else ""
    except EquipmentDBError:
        return ""


class _Run:
    """One import. Small record types wait until the next window of claims is written (a
    file lists them first: systems, sources, then claims), claims wait in a window of
    BATCH, citation records join their claim while it is in the window; the others
    (citations of claims outside the window, links) are applied at the end."""

    def __init__(self, session: Session, edit: Edit, tick: Progress, expected: int | None,
                 options: ImportOptions) -> None:  # fmt: skip
        self.session, self.edit, self.tick, self.expected = session, edit, tick, expected
        self.options = options
        self.report = ImportReport()
        self.matched: set[int] = set()  # existing claims the file names (for `missing`)
        self.planned: set[str] = set()  # public ids of claims a dry run would create
        self.schemes: set[str] = set()  # external id schemes the file's claims carry
        self.cited: set[str] = set()  # sources the file's claims cite, as the file names them
        self.xid_lines: dict[XidKey, int] = {}  # each external id's line in the file
        self.small: dict[str, list[RawRecord]] = {t: [] for t in _SMALL_TYPES}
        self.window: list[RawRecord] = []
        self.window_ids: dict[str, RawRecord] = {}
        self.later: list[RawRecord] = []
        self.resolver: BulkResolver | None = None
        self.seen = 0
        # Claims created by this import have ids above this: a repeated id in the file.
        self.first_new_id = session.exec(select(sa.func.max(Claim.id))).one() or 0  # type: ignore[arg-type]
        self.fingerprints: set[bytes] | None = None
        self.analyzed = 0  # rows written when statistics were last refreshed (PostgreSQL)

    def feed(self, raw: RawRecord) -> None:
        self.seen += 1
        if raw.error is not None:
            _reject(self.report, raw, raw.error)
            return
        data = raw.data or {}
        record_type = data["type"]
        if record_type == "claim":
            data["citations"] = list(data.get("citations") or [])
            if len(self.window) >= BATCH:
                self._flush()
            self.window.append(raw)
            self.window_ids.setdefault(_key(data.get("id")), raw)
        elif record_type == "citation":
            target = self.window_ids.get(_key(data.get("claim"))) if data.get("claim") else None
            if target is None:
                self.later.append(raw)
                return
            target.data["citations"].append({k: v for k, v in data.items() if k not in ("type", "claim")})  # type: ignore[index]
            target.extra_lines.append(raw.line)
        elif record_type == "claim_link":
            self.later.append(raw)
        else:
            self.small[record_type].append(raw)
            if record_type == "source" and len(self.small["source"]) >= BATCH:
                self._apply_small(final=False)  # sources stream too (100,000 of them at M)

    def finish(self) -> None:
        self._flush()
        self._apply_small(final=True)
        for done, raw in enumerate(self.later, start=1):
            if self._planned(raw):
                self.report.created[raw.data["type"]] += 1  # type: ignore[index]
            else:
                _upsert_one(self, raw.data["type"], raw)  # type: ignore[index]
            self.tick("citations and links", done, len(self.later))
        _missing(self)

    def note_scope(self, data: dict[str, Any], keys: set[XidKey]) -> None:
        """What `missing` looks at: the id schemes and sources of the file's claims."""
        self.schemes |= {scheme for scheme, _, _ in keys}
        self.cited |= {str(c["source"]).strip() for c in data.get("citations") or []
                       if isinstance(c, dict) and c.get("source")}  # fmt: skip

    def _planned(self, raw: RawRecord) -> bool:
        """In a dry run: a citation or link naming a claim the run would create."""
        data = raw.data or {}
        named = (data.get("claim"), data.get("from_claim"), data.get("to_claim"))
        return bool(self.planned) and any(_key(name) in self.planned for name in named if name)

    def _flush(self) -> None:
        self._apply_small(final=False)
        if self.window:
            if self.resolver is None:
                self.resolver = BulkResolver(self.session)
            _import_claims(self, self.window, self.resolver)
            self.tick("claims", self.seen, max(self.expected or 0, self.seen))
            self._refresh_statistics()
        self.window, self.window_ids = [], {}

    def _refresh_statistics(self) -> None:
        """PostgreSQL plans with the statistics of the last ANALYZE: for tables that grew
        inside this transaction it takes them for tiny and scans them whole to look up a
        window's ids (a quadratic import: 1.3 s per lookup at 60,000 claims, measured).
        ANALYZE, which may run inside a transaction, each time the claims written doubled."""
        written = self.report.created["claim"] + self.report.created["source"]
        if self.session.get_bind().dialect.name != "postgresql" or written < max(10_000, 2 * self.analyzed):
            return
        for table in ("claim", "citation", "source", "revision"):
            self.session.execute(sa.text(f"ANALYZE {table}"))
        self.analyzed = written

    def _apply_small(self, *, final: bool) -> None:
        """Write the buffered small records. A source citing one not seen yet waits for the
        next call (`final`: it is reported)."""
        if not any(self.small.values()):
            return
        waiting: list[RawRecord] = []
        for record_type in _SMALL_TYPES:
            rows = self.small[record_type]
            if record_type == "source":
                waiting = _import_sources(self, _cited_first(rows), final=final)
                continue
            for done, raw in enumerate(rows, start=1):
                _upsert_one(self, record_type, raw)
                self.tick(record_type, done, len(rows))
        self.small = {t: [] for t in _SMALL_TYPES}
        self.small["source"] = waiting
        self.resolver = None  # new names to know


def _missing(run: _Run) -> None:
    """The active claims that carry an external id of a scheme the file's claims use and cite
    a source they cite, but that the file does not name: a release that no longer has them.
    Listed; retracted with `retract_missing`, and then only if every record was read, so
    that a rejected line is not taken for a removed one."""
    session, report = run.session, run.report
    sources = {found.id for key in run.cited if (found := source_queries.find_source(session, key)) is not None}
    if not run.schemes or not sources:
        return
    xid, citation, claim = ExternalId.__table__, Citation.__table__, Claim.__table__  # type: ignore[attr-defined]
    schemes = [scheme for scheme in run.schemes if scheme in IdScheme.__members__]
    rows = session.execute(
        sa.select(claim.c.id, claim.c.public_id).distinct()
        .join(xid, sa.and_(xid.c.entity_id == claim.c.id, xid.c.entity_type == EntityType.claim))
        .join(citation, citation.c.claim_id == claim.c.id)
        .where(claim.c.retracted_at.is_(None), xid.c.retracted_at.is_(None), citation.c.retracted_at.is_(None),
               xid.c.scheme.in_(schemes), citation.c.source_id.in_(sources), claim.c.id <= run.first_new_id)
    ).all()  # fmt: skip
    report.missing = sorted(public_id for claim_id, public_id in rows if claim_id not in run.matched)
    if not run.options.retract_missing or not report.missing:
        return
    if report.issues or report.conflicts:
        if run.options.skip_invalid or run.options.dry_run:
            raise InvalidValue("retract_missing", len(report.missing), (
                f"claims would be retracted, but {len(report.rejected)} record(s) of the file were rejected "
                "or in conflict: a claim missing from the file cannot be told from one the import "
                "skipped; fix those records first"))  # fmt: skip
        return  # strict: the import fails and nothing is retracted
    if run.options.dry_run:
        report.retracted["claim"] = len(report.missing)
        return
    for done, public_id in enumerate(report.missing, start=1):
        claim_service.retract_claim(session, public_id, edit=run.edit)
        report.retracted["claim"] += 1
        run.tick("retracting missing claims", done, len(report.missing))


def _cited_first(rows: list[RawRecord]) -> list[RawRecord]:
    """Sources in file order, except that a source comes after the one it cites (named by
    id or URL)."""
    ids: dict[str, RawRecord] = {}
    for raw in rows:
        for name in (_key(raw.data.get("id")), _url_key(raw.data.get("url"))):  # type: ignore[union-attr]
            if name:
                ids.setdefault(name, raw)
    ordered: list[RawRecord] = []
    placed: set[int] = set()

    def place(raw: RawRecord, depth: int = 0) -> None:
        if id(raw) in placed or depth > len(rows):
            return
        cites = raw.data.get("cites")  # type: ignore[union-attr]
        cited = ids.get(_key(cites)) or ids.get(_url_key(cites))
        if cited is not None and cited is not raw:
            place(cited, depth + 1)
        placed.add(id(raw))
        ordered.append(raw)

    for raw in rows:
        place(raw)
    return ordered


def _import_sources(run: _Run, rows: list[RawRecord], *, final: bool) -> list[RawRecord]:
    """Sources in windows of BATCH: existing ones through the services (updated where they
    differ), new ones validated by the service's own checks and written in bulk. Returns
    those citing a source not written yet, unless `final`."""
    session, report = run.session, run.report
    waiting: list[RawRecord] = []
    for start in range(0, len(rows), BATCH):
        window = rows[start : start + BATCH]
        ids, urls = _stored_sources(session, window)
        fresh: list[tuple[RawRecord, dict[str, Any]]] = []
        new_ids: set[str] = set()
        new_urls: set[str] = set()
        for raw in window:
            data = raw.data or {}
            try:
                public_id = normalise_public_id(str(data["id"]), "source", field="id") if data.get("id") else None
                url = normalise_url(data.get("url"), field="url") if data.get("url") else None
                exists = public_id in ids if public_id else url in urls
                if exists or _cites_one_of(data.get("cites"), new_ids, new_urls):
                    _write_sources(session, fresh, run.edit)  # what it may cite, first
                    report.created["source"] += len(fresh)
                    ids, urls = ids | new_ids, urls | new_urls
                    fresh, new_ids, new_urls = [], set(), set()
                    exists = public_id in ids if public_id else url in urls
                if exists:
                    _upsert_one(run, "source", raw)
                    continue
                if public_id in new_ids:
                    raise AlreadyExists("source", "id", public_id)
                create = {k: v for k, v in data.items() if k not in ("type", "id")}
                try:
                    values = source_service.new_source_values(session, parse_model(SourceCreate, create))
                except NotFound as missing:
                    if final or missing.field != "cites":
                        raise
                    waiting.append(raw)
                    continue
                if values.get("url") and (values["url"] in urls or values["url"] in new_urls):
                    raise AlreadyExists("source", "url", values["url"])
            except EquipmentDBError as exc:
                _reject_all(report, raw, exc)
                continue
            values["public_id"] = public_id
            if public_id:
                new_ids.add(public_id)
            if values.get("url"):
                new_urls.add(values["url"])
            fresh.append((raw, values))
        _write_sources(session, fresh, run.edit)
        report.created["source"] += len(fresh)
        run.tick("source", min(start + BATCH, len(rows)), len(rows))
    return waiting


def _cites_one_of(cites: Any, ids: set[str], urls: set[str]) -> bool:
    text = str(cites or "").strip()
    if not text:
        return False
    try:
        if looks_like_public_id(text, "source"):
            return normalise_public_id(text, "source") in ids
        return normalise_url(text) in urls
    except EquipmentDBError:
        return False  # the service reports it


def _stored_sources(session: Session, raws: list[RawRecord]) -> tuple[set[str], set[str]]:
    """The public ids and URLs of `raws` that the database has already."""
    wanted_ids, wanted_urls = set(), set()
    for raw in raws:
        data = raw.data or {}
        with contextlib.suppress(EquipmentDBError):
            if data.get("id"):
                wanted_ids.add(normalise_public_id(str(data["id"]), "source"))
            if data.get("url"):
                wanted_urls.add(normalise_url(data["url"]))
    table = Source.__table__  # type: ignore[attr-defined]
    ids = set(session.execute(sa.select(table.c.public_id).where(table.c.public_id.in_(wanted_ids))).scalars())
    urls = set(session.execute(sa.select(table.c.url).where(table.c.url.in_(wanted_urls))).scalars())
    return ids, urls


def _write_sources(session: Session, fresh: list[tuple[RawRecord, dict[str, Any]]], edit: Edit) -> None:
    if not fresh:
        return
    now = utcnow()
    table = Source.__table__  # type: ignore[attr-defined]
    drawing = [values for _, values in fresh if values["public_id"] is None]
    given = {values["public_id"] for _, values in fresh if values["public_id"] is not None}
    for values, public_id in zip(drawing, draw_public_ids(session, Source, "source", len(drawing), given), strict=True):
        values["public_id"] = public_id
    rows = [values | {"version": 1, "created_at": now, "updated_at": now} for _, values in fresh]
    with search_documents.deferred(session):
        bulk.insert_rows(session, table, rows)
        ids = dict(session.execute(sa.select(table.c.public_id, table.c.id)
                                   .where(table.c.public_id.in_([row["public_id"] for row in rows]))).all())  # fmt: skip
        cited_ids = {row["cites_source_id"] for row in rows if row.get("cites_source_id")}
        cited = dict(session.execute(sa.select(table.c.id, table.c.public_id)
                                     .where(table.c.id.in_(cited_ids))).all()) if cited_ids else {}  # fmt: skip
        revisions = []
        for row in rows:
            source = Source(**row, id=ids[row["public_id"]])
            revisions.append(history.revision_row(
                entity_type=EntityType.source, entity_id=source.id, key=source.public_id, version=1,  # type: ignore[arg-type]
                action=RevisionAction.create, created_at=now, edit=edit,
                snapshot=source_service.source_snapshot(session, source, cited.get(row.get("cites_source_id"))),
            ))  # fmt: skip
        bulk.insert_rows(session, Revision.__table__, revisions)  # type: ignore[attr-defined]
    search_documents.build(session, "source", list(ids.values()))


class _Conflicting(Exception):
    def __init__(self, conflicts: list[ImportConflict]) -> None:
        self.conflicts = conflicts


def _upsert_one(run: _Run, record_type: str, raw: RawRecord) -> upsert.Outcome | None:
    """Create or update one entry in a savepoint. An update that changes the entry is a
    conflict, undone and listed field by field, unless the run updates."""
    session, report = run.session, run.report
    try:
        with session.begin_nested():
            outcome = upsert.UPSERTS[record_type](session, dict(raw.data), run.edit)  # type: ignore[arg-type]
            if outcome.result == "updated" and not run.options.update:
                raise _Conflicting(_conflicts(session, raw, record_type, outcome))
    except EquipmentDBError as exc:
        for error in each_error(exc):
            _reject(report, raw, error.message)
        return None
    except _Conflicting as conflicting:
        report.conflicts += conflicting.conflicts
        report.conflicting[record_type] += 1
        report.rejected.append(raw)
        return None
    getattr(report, outcome.result)[record_type] += 1
    return outcome


def _conflicts(session: Session, raw: RawRecord, record_type: str, outcome: upsert.Outcome) -> list[ImportConflict]:
    """What the update changed, from the entry's snapshots before and after."""
    revisions = history_queries.revisions(session, outcome.entity_type, outcome.entity_id)  # type: ignore[arg-type]
    before = next(r.snapshot for r in revisions if r.version == outcome.before)
    entry = f"{record_type.replace('_', ' ')} {outcome.key}"
    changed = history_queries.changed_fields(before, revisions[-1].snapshot)
    return [ImportConflict(raw.line, entry, name, old, new) for name, old, new in changed]


def _import_claims(run: _Run, raws: list[RawRecord], resolver: BulkResolver) -> None:
    """Validate one window of claims. A claim naming an existing one (by its public id or an
    external id) goes through the services; the new ones are written in one batch (none in
    a dry run)."""
    session, report = run.session, run.report
    resolver.prefetch_sources(
        str(c.get("source") or "") for raw in raws for c in raw.data["citations"] if isinstance(c, dict)  # type: ignore[index]
    )
    given: dict[int, str] = {}
    for index, raw in enumerate(raws):
        if raw.data.get("id"):  # type: ignore[union-attr]
            try:
                given[index] = normalise_public_id(str(raw.data["id"]), "claim", field="id")  # type: ignore[index]
            except EquipmentDBError as exc:
                _reject_all(report, raw, exc)
    stored = _claim_ids(session, set(given.values()))
    named = _claims_by_external_id(session, {key for raw in raws for key in _xid_keys(raw.data)})
    fresh: list[_NewClaim] = []
    in_window: set[str] = set()
    for index, raw in enumerate(raws):
        public_id = given.get(index)
        if raw.data.get("id") and public_id is None:  # type: ignore[union-attr]
            continue  # a malformed id, reported above
        keys = _xid_keys(raw.data)
        run.note_scope(raw.data, keys)  # type: ignore[arg-type]
        try:
            if public_id is None and keys:  # the external ids say which claim this is
                _check_xids_once(run, raw, keys)
                public_id = _identified(named, keys)
                if public_id is not None:
                    raw.data["id"] = public_id  # type: ignore[index]
            if public_id is not None and (public_id in in_window or public_id in run.planned
                                          or stored.get(public_id, 0) > run.first_new_id):  # fmt: skip
                raise AlreadyExists("claim", "id", public_id)
            if public_id is not None:
                in_window.add(public_id)
            existing = stored.get(public_id) if public_id is not None else None
            if existing is None and public_id in named:
                existing = named[public_id][0]
            if existing is not None:
                run.matched.add(existing)
                _upsert_one(run, "claim", raw)
                continue
            new = _validate_claim(raw, resolver, public_id)
            if public_id is None and not keys:
                if run.fingerprints is None:
                    run.fingerprints = _existing_fingerprints(session)
                print_ = _fingerprint(new)
                if print_ in run.fingerprints:
                    report.unchanged["claim"] += 1
                    continue
                run.fingerprints.add(print_)
        except EquipmentDBError as exc:
            _reject_all(report, raw, exc)
            continue
        fresh.append(new)
    report.created["claim"] += len(fresh)
    report.created["citation"] += sum(len(new.citations) for new in fresh)  # nested or given apart
    if run.options.dry_run:
        run.planned |= {new.public_id for new in fresh if new.public_id is not None}
        return
    _allocate_ids(session, [new for new in fresh if new.public_id is None], in_window)
    _write_claims(session, fresh, resolver, run.edit)


XidKey = tuple[str, str, str | None]  # scheme, value, part


def _xid_keys(data: dict[str, Any] | None) -> set[XidKey]:
    """The external ids a claim record gives, as keys (a malformed one is left to validation)."""
    keys: set[XidKey] = set()
    for xid in (data or {}).get("external_ids") or []:
        if isinstance(xid, dict) and isinstance(xid.get("scheme"), str) and isinstance(xid.get("value"), str):
            part = xid.get("part")
            part = part.strip() or None if isinstance(part, str) else None
            keys.add((xid["scheme"].strip().lower(), xid["value"].strip(), part))
    return keys


def _xid_text(key: XidKey) -> str:
    scheme, value, part = key
    return f"{scheme}:{value}" + (f" part {part}" if part else "")


def _check_xids_once(run: _Run, raw: RawRecord, keys: set[XidKey]) -> None:
    """One external id names one claim: a file giving it twice is refused on its second line."""
    for key in sorted(keys, key=repr):
        first = run.xid_lines.setdefault(key, raw.line)
        if first != raw.line:
            raise AlreadyExists("claim", "external id", f"{_xid_text(key)} (line {first})")


def _claims_by_external_id(session: Session, keys: set[XidKey]) -> dict[str, tuple[int, set[XidKey]]]:
    """{public id: (claim id, its keys among `keys`)} of the active claims carrying any of `keys`."""
    found: dict[str, tuple[int, set[XidKey]]] = {}
    table, claims = ExternalId.__table__, Claim.__table__  # type: ignore[attr-defined]
    values = sorted({value for _, value, _ in keys})
    for start in range(0, len(values), 1000):
        rows = session.execute(
            sa.select(table.c.scheme, table.c.value, table.c.part, claims.c.id, claims.c.public_id)
            .join(claims, claims.c.id == table.c.entity_id)
            .where(table.c.entity_type == EntityType.claim, table.c.retracted_at.is_(None),
                   claims.c.retracted_at.is_(None), table.c.value.in_(values[start : start + 1000]))
        ).all()  # fmt: skip
        for scheme, value, part, claim_id, public_id in rows:
            key = (str(getattr(scheme, "value", scheme)), value, part)
            if key in keys:
                found.setdefault(public_id, (claim_id, set()))[1].add(key)
    return found


def _identified(named: dict[str, tuple[int, set[XidKey]]], keys: set[XidKey]) -> str | None:
    """The public id of the one active claim that carries one of `keys`, or None."""
    claims = sorted(public_id for public_id, (_, theirs) in named.items() if theirs & keys)
    if len(claims) > 1:
        raise Ambiguous("claim", ", ".join(_xid_text(k) for k in sorted(keys, key=repr)), claims)
    return claims[0] if claims else None


def _claim_ids(session: Session, public_ids: set[str]) -> dict[str, int]:
    table = Claim.__table__  # type: ignore[attr-defined]
    found: dict[str, int] = {}
    ordered = sorted(public_ids)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start : start + 1000]
        found.update(session.execute(sa.select(table.c.public_id, table.c.id)
                                     .where(table.c.public_id.in_(chunk))).all())  # fmt: skip
    return found


def _allocate_ids(session: Session, batch: list[_NewClaim], given: set[str]) -> None:
    """New random ids for the claims of `batch`, none in the database or in `given`."""
    for new, public_id in zip(batch, draw_public_ids(session, Claim, "claim", len(batch), given), strict=True):
        new.public_id = public_id


def _validate_claim(raw: RawRecord, resolver: BulkResolver, public_id: str | None) -> _NewClaim:
    fields = {k: v for k, v in (raw.data or {}).items() if k not in ("type", "id")}
    data = parse_model(ClaimCreate, fields)
    values, citations = rules.new_claim(data, resolver, given=fields)
    return _NewClaim(raw, values, public_id, citations, list(data.external_ids))


# Everything a claim says, for "a claim without ids matches only a claim that says exactly
# the same" (with its citations and external ids: `_digest`).
_FINGERPRINT = ("kind", "system_id", "subject", "attribute", "target_type_id", "related_system_id", "country",
                "counterparty_country", "location", "value_low", "value_high", "unit", "qualifier", "value_text",
                "counted", "scope", "claimant_id", "claimant_ids", "stated_edtf", "about_edtf", "party_actor_id",
                "party_unknown", "counterparty_actor_id", "counterparty_unknown", "stance", "verification_status",
                "verification_note", "rank", "reliability", "credibility", "assessment_rationale",
                "note")  # fmt: skip
_SCAN = 10_000


def _digest(values: tuple, cited: frozenset, xids: frozenset) -> bytes:  # type: ignore[type-arg]
    """A 128-bit digest of what a claim says: a million of them fit in a set."""
    return hashlib.blake2b(repr((values, sorted(cited, key=repr), sorted(xids, key=repr))).encode(),
                           digest_size=16).digest()  # fmt: skip


def _fingerprint(new: _NewClaim) -> bytes:
    values = tuple(getattr(new.values.get(k), "value", new.values.get(k)) for k in _FINGERPRINT)
    cited = frozenset(rules.citation_key(source_id, c.role.value, c.quote, c.locator) for source_id, c in new.citations)
    xids = frozenset((x.scheme.value, x.value.strip(), (x.part or "").strip() or None) for x in new.external_ids)
    return _digest(values, cited, xids)


def _existing_fingerprints(session: Session) -> set[bytes]:
    """What active claims say, so that a file without claim ids re-imports to nothing; read
    in ranges of ids so that memory holds digests, not rows."""
    table = Claim.__table__  # type: ignore[attr-defined]
    columns = [table.c[k] for k in _FINGERPRINT]
    prints: set[bytes] = set()
    after = 0
    while True:
        rows = session.execute(
            sa.select(table.c.id, *columns).where(table.c.id > after, table.c.retracted_at.is_(None))
            .order_by(table.c.id).limit(_SCAN)
        ).all()  # fmt: skip
        if not rows:
            return prints
        cited: dict[int, set[tuple[Any, ...]]] = {}
        for claim_id, source_id, role, quote, locator in session.exec(
            select(Citation.claim_id, Citation.source_id, Citation.role, Citation.quote, Citation.locator).where(
                col(Citation.retracted_at).is_(None), col(Citation.claim_id) > after,
                col(Citation.claim_id) <= rows[-1][0],
            )
        ):  # fmt: skip
            cited.setdefault(claim_id, set()).add(rules.citation_key(source_id, getattr(role, "value", role),
                                                                     quote, locator))  # fmt: skip
        xids: dict[int, set[tuple[Any, ...]]] = {}
        for claim_id, scheme, value, part in session.exec(
            select(ExternalId.entity_id, ExternalId.scheme, ExternalId.value, ExternalId.part).where(
                ExternalId.entity_type == EntityType.claim, col(ExternalId.retracted_at).is_(None),
                col(ExternalId.entity_id) > after, col(ExternalId.entity_id) <= rows[-1][0],
            )
        ):  # fmt: skip
            xids.setdefault(claim_id, set()).add((getattr(scheme, "value", scheme), value, part))
        for row in rows:
            values = tuple(getattr(v, "value", v) for v in row[1:])
            prints.add(_digest(values, frozenset(cited.get(row[0], set())), frozenset(xids.get(row[0], set()))))
        after = rows[-1][0]


def _write_claims(session: Session, batch: list[_NewClaim], resolver: BulkResolver, edit: Edit) -> None:
    if not batch:
        return
    now = utcnow()
    claim_table = Claim.__table__  # type: ignore[attr-defined]
    rows = [new.values | {"public_id": new.public_id, "version": 1, "created_at": now, "updated_at": now}
            for new in batch]  # fmt: skip
    with search_documents.deferred(session):
        # Plain executemany, then one select for the ids: RETURNING in parameter order
        # makes SQLite fall back to one statement per row.
        bulk.insert_rows(session, claim_table, rows)
        ids = _claim_ids(session, {new.public_id for new in batch})  # type: ignore[misc]
        inserted = [ids[new.public_id] for new in batch]  # type: ignore[index]
        _write_claim_children(session, batch, inserted, rows, resolver, edit, now)
    search_documents.build(session, "claim", inserted)


def _write_claim_children(session: Session, batch: list[_NewClaim], inserted: list[int],
                          rows: list[dict[str, Any]], resolver: BulkResolver, edit: Edit,
                          now: datetime) -> None:  # fmt: skip
    citation_rows, xid_rows, revision_rows = [], [], []
    for new, claim_id, row in zip(batch, inserted, rows, strict=True):
        for source_id, citation in new.citations:
            citation_rows.append(rules.citation_row(claim_id, source_id, citation) | {"created_at": now})
        xids = [external_id_record(x.scheme, x.value.strip(), (x.part or "").strip() or None)
                for x in new.external_ids]  # fmt: skip
        xid_rows += [{"entity_type": EntityType.claim, "entity_id": claim_id, "scheme": x["scheme"],
                      "value": x["value"], "part": x.get("part"), "created_at": now} for x in xids]  # fmt: skip
        row = row | {"id": claim_id}
        names = {
            "system": resolver.system_info.get(row.get("system_id"), (None, None)),
            "related_system": resolver.system_info.get(row.get("related_system_id"), (None, None)),
            "target_type": resolver.target_info.get(row.get("target_type_id"), (None, None)),
            "claimant": resolver.actor_info.get(row.get("claimant_id"), (None, None)),
            "party_actor": resolver.actor_info.get(row.get("party_actor_id"), (None, None)),
            "counterparty_actor": resolver.actor_info.get(row.get("counterparty_actor_id"), (None, None)),
            "claimants": [resolver.actor_info.get(i, (None, None)) for i in row.get("claimant_ids") or []],
        }  # fmt: skip
        cited = [claim_service.citation_snapshot(resolver.source_refs[source_id], c["quote"], c["locator"],
                                                 c["role"].value)
                 for (source_id, _), c in zip(new.citations, citation_rows[-len(new.citations):], strict=True)]  # fmt: skip
        revision_rows.append(history.revision_row(
            entity_type=EntityType.claim, entity_id=claim_id, key=new.public_id, version=1,  # type: ignore[arg-type]
            action=RevisionAction.create, created_at=now, edit=edit,
            snapshot=claim_service.snapshot_from_parts(row, names, cited, sorted(xids, key=_xid_order)),
        ))  # fmt: skip
    bulk.insert_rows(session, Citation.__table__, citation_rows)  # type: ignore[attr-defined]
    if xid_rows:
        bulk.insert_rows(session, ExternalId.__table__, xid_rows)  # type: ignore[attr-defined]
    bulk.insert_rows(session, Revision.__table__, revision_rows)  # type: ignore[attr-defined]


def _xid_order(xid: dict[str, str]) -> tuple[str, str, str]:
    return xid["scheme"], xid["value"], xid.get("part") or ""
