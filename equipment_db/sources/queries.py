"""Reads of sources: by public id or URL, and the chain of sources a source cites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.errors import InvalidValue, NotFound
from equipment_db.normalize.dates import format_partial
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import looks_like_public_id, normalise_public_id
from equipment_db.sources.models import Source


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


def list_sources(session: Session) -> Sequence[Source]:
    return session.exec(select(Source).order_by(Source.public_id)).all()


def source_detail(session: Session, key: str) -> dict[str, Any]:
    from sqlalchemy import func

    from equipment_db.claims.models import Citation
    from equipment_db.transfer import records

    source = get_source(session, key)
    chain = reporting_chain(session, source)
    cited = session.get(Source, source.cites_source_id) if source.cites_source_id else None
    detail = records.source_record(source, cited.public_id if cited else None)
    detail["reporting_chain"] = [
        {"id": s.public_id, "publisher": s.publisher, "title": s.title, "url": s.url} for s in chain
    ]
    detail["claims"] = session.exec(
        select(func.count(func.distinct(Citation.claim_id))).where(
            Citation.source_id == source.id, col(Citation.retracted_at).is_(None))
    ).one()  # fmt: skip
    return detail | records.meta(source)


def source_rows(session: Session, *, include_retracted: bool = False) -> list[dict[str, Any]]:
    return [
        {"id": s.public_id, "kind": s.kind.value, "publisher": s.publisher, "title": s.title,
         "published": format_partial(s.published_on, s.published_precision)
         if s.published_on and s.published_precision else None,
         "url": s.url, "version": s.version}
        for s in list_sources(session) if include_retracted or not s.is_retracted
    ]  # fmt: skip
