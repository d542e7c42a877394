"""Reads of sources: one by public id or URL, the chain of sources it cites, filtered lists.

One reader per shape, for every adapter: `source_rows` (a list's rows: the API's pages,
`source list`) and `source_view` (one source: the API, `source show`, the source page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from equipment_db.claims.models import Citation, Claim
from equipment_db.claims.text import describe_value
from equipment_db.errors import InvalidValue, NotFound
from equipment_db.history.queries import version_fields
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import looks_like_public_id, normalise_public_id
from equipment_db.reads import contains, every_row
from equipment_db.sources.models import Source
from equipment_db.sources.records import published, source_record
from equipment_db.vocab import SourceKind


def find_source(session: Session, key: str) -> Source | None:
    """A source by public id (`S-7K3Q9XZ2`) or by URL (compared normalised)."""
    text = key.strip()
    if looks_like_public_id(text, "source"):
        public_id = normalise_public_id(text, "source")
        return session.exec(select(Source).where(Source.public_id == public_id)).first()
    try:
        url = normalise_url(text)
    except InvalidValue:
        return None
    if url is None:
        return None
    return session.exec(select(Source).where(Source.url == url)).first()


def get_source(session: Session, key: str, *, field: str = "source") -> Source:
    source = find_source(session, key)
    if source is None:
        raise NotFound("source", key, field=field)
    return source


def get_source_by_id(session: Session, key: str, *, field: str = "source_id") -> Source:
    """A source by public id only: anything else is not a source id (invalid, not unknown)."""
    public_id = normalise_public_id(key, "source", field=field)
    source = session.exec(select(Source).where(Source.public_id == public_id)).first()
    if source is None:
        raise NotFound("source", key, field=field)
    return source


def reporting_chain(session: Session, source: Source, *, limit: int = 20) -> list[Source]:
    """The source, then the source it cites, and so on (cycles and depth are bounded)."""
    chain = [source]
    seen = {source.id}
    current = source
    while current.cites_source_id is not None and len(chain) < limit:
        cited = session.get(Source, current.cites_source_id)
        if cited is None or cited.id in seen:
            break
        chain.append(cited)
        seen.add(cited.id)
        current = cited
    return chain


# --- Lists: filtered keyset pages ---------------------------------------------------------


@dataclass(frozen=True)
class SourceFilter:
    kind: SourceKind | None = None
    publisher: str | None = None  # a substring of the publisher, any case
    language: str | None = None  # the language tag, any case
    text: str | None = None  # a substring of the title or the publisher, any case
    url: str | None = None  # the URL, normalised
    include_retracted: bool = False


def source_filter(
    *,
    kind: SourceKind | None = None,
    publisher: str | None = None,
    language: str | None = None,
    text: str | None = None,
    url: str | None = None,
    include_retracted: bool = False,
) -> SourceFilter:
    """A filter from what a person typed: blanks are ignored, the URL is normalised."""
    return SourceFilter(
        kind=kind,
        publisher=_clean(publisher),
        language=(_clean(language) or "").lower() or None,
        text=_clean(text),
        url=normalise_url(url, field="url") if _clean(url) else None,
        include_retracted=include_retracted,
    )


SourceOrder = Literal["entry", "public_id"]
_ORDER = {"entry": (col(Source.id), "_row_id"), "public_id": (col(Source.public_id), "id")}


def source_rows(
    session: Session,
    where: SourceFilter = SourceFilter(),
    *,
    order: SourceOrder = "entry",
    limit: int = 100,
    after: Any = None,
) -> list[dict[str, Any]]:
    """Sources as flat rows, in one query: in order of entry (the API's pages) or by public
    id (`source list`), keyset-paginated: `after` is the last row's position, its `_row_id`
    in order of entry, its `id` by public id."""
    column, _ = _ORDER[order]
    cited = aliased(Source)
    statement = (
        select(Source, cited.public_id)
        .outerjoin(cited, col(cited.id) == Source.cites_source_id)
        .order_by(column)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(column > after)
    if where.kind is not None:
        statement = statement.where(Source.kind == where.kind)
    if where.publisher is not None:
        statement = statement.where(contains(Source.publisher, where.publisher))
    if where.language is not None:
        statement = statement.where(func.lower(Source.language) == where.language)
    if where.text is not None:
        statement = statement.where(contains(Source.title, where.text) | contains(Source.publisher, where.text))
    if where.url is not None:
        statement = statement.where(Source.url == where.url)
    if not where.include_retracted:
        statement = statement.where(col(Source.retracted_at).is_(None))
    return [
        {"id": s.public_id, "kind": s.kind.value, "title": s.title, "publisher": s.publisher,
         "published": published(s), "url": s.url, "language": s.language, "cites": cites,
         "retracted": s.is_retracted, "version": s.version,
         "_row_id": s.id}  # the keyset position in order of entry; not shown
        for s, cites in session.exec(statement).all()
    ]  # fmt: skip


def every_source_row(session: Session, where: SourceFilter = SourceFilter(), *,
                     order: SourceOrder = "public_id") -> list[dict[str, Any]]:  # fmt: skip
    """Every row `source_rows` gives for the filter, read a page (one statement) at a time."""
    _, position = _ORDER[order]
    return list(every_row(lambda after, limit: source_rows(session, where, order=order, limit=limit, after=after),
                          position=position))  # fmt: skip


# --- One source with what it carries ------------------------------------------------------


def source_view(session: Session, source: Source, *, claims_limit: int = 100) -> dict[str, Any]:
    """A source's record and version fields, its reporting chain (itself first) and the
    claims it carries (one entry per citation, at most `claims_limit`), with their total."""
    chain = reporting_chain(session, source)
    cited = session.get(Source, source.cites_source_id) if source.cites_source_id else None  # read by the chain
    detail = source_record(source, cited.public_id if cited else None)
    detail["reporting_chain"] = [
        {"id": s.public_id, "publisher": s.publisher, "title": s.title, "url": s.url, "archive_url": s.archive_url}
        for s in chain
    ]
    detail["claims"], detail["claims_total"] = carried_claims(session, source.id, limit=claims_limit)  # type: ignore[arg-type]
    return detail | version_fields(source)


def carried_claims(session: Session, source_id: int, *, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """The claims a source carries, one entry per active citation, and how many there are:
    two queries whatever the number."""
    active = (
        Citation.source_id == source_id,
        col(Citation.retracted_at).is_(None),
        col(Claim.retracted_at).is_(None),
    )
    rows = session.exec(
        select(Claim, Citation.role, Citation.quote, Citation.locator)
        .join(Citation, col(Citation.claim_id) == Claim.id)
        .where(*active)
        .order_by(Claim.id, Citation.id)
        .limit(limit)
    ).all()
    total = session.exec(
        select(func.count())
        .select_from(Citation)
        .join(Claim, col(Claim.id) == Citation.claim_id)
        .where(*active)
    ).one()
    return [
        {"id": claim.public_id, "kind": claim.kind.value, "value_as_worded": describe_value(claim),
         "role": role.value, "quote": quote, "locator": locator}
        for claim, role, quote, locator in rows
    ], total  # fmt: skip


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None
