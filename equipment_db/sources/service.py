"""Validated writes to sources. Every write appends a revision."""

from __future__ import annotations

from typing import Any

import pycountry
from sqlmodel import Session, select

from equipment_db.errors import AlreadyExists, InvalidValue, MissingValue
from equipment_db.history import service as history
from equipment_db.history.service import Edit
from equipment_db.normalize.dates import parse_partial_date
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import allocate_public_id
from equipment_db.sources import queries
from equipment_db.sources.models import Source, SourceBase, SourceCreate, SourceUpdate
from equipment_db.validation import check_model, clean_text
from equipment_db.vocab import DatePrecision, EntityType, RevisionAction


def source_snapshot(session: Session, source: Source, cites: str | None = None) -> dict[str, Any]:
    """The revision snapshot; `cites` (the cited source's public id) saves a lookup."""
    data = source.model_dump(mode="json")
    if cites is None and source.cites_source_id:
        cited = session.get(Source, source.cites_source_id)
        cites = cited.public_id if cited else None
    data["cites"] = cites
    return data


def source_reference(source: Source) -> dict[str, Any]:
    """What a claim's revision records of a source it cites (the details at that time)."""
    return {
        "public_id": source.public_id,
        "version": source.version,
        "kind": source.kind.value,
        "title": source.title,
        "publisher": source.publisher,
        "authors": list(source.authors),
        "url": source.url,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "published_precision": source.published_precision.value if source.published_precision else None,
        "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
        "archive_url": source.archive_url,
    }


def _language(text: str | None) -> str | None:
    if text is None:
        return None
    primary = text.split("-")[0].lower()
    found = (
        pycountry.languages.get(alpha_2=primary)
        if len(primary) == 2
        else pycountry.languages.get(alpha_3=primary)
    )
    if found is None:
        raise InvalidValue("language", text, "is not an ISO 639 language code (like en, es, el)")
    return text


def _values(session: Session, data: dict[str, Any], *, current: Source | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, raw in data.items():
        value = clean_text(raw) if isinstance(raw, str) else raw
        if field in ("url", "archive_url"):
            values[field] = normalise_url(value, field=field)
        elif field == "published":
            date = parse_partial_date(value, field="published") if value else None
            values["published_on"] = date.start if date else None
            values["published_precision"] = date.precision if date else None
        elif field == "accessed":
            date = parse_partial_date(value, field="accessed") if value else None
            if date is not None and date.precision is not DatePrecision.day:
                raise InvalidValue("accessed", value, "must be a full date (YYYY-MM-DD)")
            values["accessed_on"] = date.start if date else None
        elif field == "language":
            values["language"] = _language(value)
        elif field == "authors":
            values["authors"] = [name.strip() for name in (value or []) if name and name.strip()]
        elif field == "content_sha256":
            if value is not None and (
                len(value) != 64 or not all(c in "0123456789abcdef" for c in value.lower())
            ):
                raise InvalidValue("content_sha256", value, "is not a SHA-256 hex digest")
            values[field] = value.lower() if value else None
        elif field == "cites":
            cited = queries.get_source(session, value, field="cites") if value else None
            if cited is not None and current is not None and _cites_back(session, cited, current):
                raise InvalidValue("cites", raw, "would make the source cite itself")
            values["cites_source_id"] = cited.id if cited else None
        elif field == "public_id":
            continue
        else:
            values[field] = value
    return values


def _cites_back(session: Session, cited: Source, current: Source) -> bool:
    return any(s.id == current.id for s in queries.reporting_chain(session, cited))


def _check_url_free(session: Session, url: str | None, *, own_id: int | None) -> None:
    if url is None:
        return
    other = session.exec(select(Source).where(Source.url == url)).first()
    if other is not None and other.id != own_id:
        raise AlreadyExists("source", "url", url)


def _record(session: Session, source: Source, action: RevisionAction, edit: Edit) -> None:
    history.record(
        session,
        entity_type=EntityType.source,
        entity=source,
        key=source.public_id,
        action=action,
        edit=edit,
        snapshot=source_snapshot(session, source),
    )


def _check_identifiable(values: dict[str, Any]) -> None:
    if not values.get("title") and not values.get("publisher"):
        raise MissingValue("title", "or a publisher: a source must say what it is")


def new_source_values(session: Session, data: SourceCreate) -> dict[str, Any]:
    """The checked column values of a new source (everything but its public id and the
    checks against other rows); shared with the bulk importer."""
    values = _values(session, data.model_dump(), current=None)
    check_model(SourceBase, values)
    _check_identifiable(values)
    return values


def create_source(session: Session, data: SourceCreate, *, edit: Edit) -> Source:
    values = new_source_values(session, data)
    _check_url_free(session, values.get("url"), own_id=None)
    source = Source(**values, public_id=allocate_public_id(session, Source, "source", data.public_id))
    session.add(source)
    session.flush()
    _record(session, source, RevisionAction.create, edit)
    return source


def update_source(session: Session, key: str, data: SourceUpdate, *, edit: Edit) -> Source:
    edit.require_reason()
    source = queries.get_source(session, key)
    history.editable(source, "source", source.public_id)
    changes = _values(session, data.model_dump(exclude_unset=True), current=source)
    check_model(SourceBase, source.model_dump() | changes)
    _check_identifiable(source.model_dump() | changes)
    _check_url_free(session, changes.get("url"), own_id=source.id)
    if history.apply_changes(source, changes):
        _record(session, source, RevisionAction.update, edit)
    return source


def retract_source(session: Session, key: str, *, edit: Edit) -> Source:
    source = queries.get_source(session, key)
    history.editable(source, "source", source.public_id)
    history.retract(source, edit)
    _record(session, source, RevisionAction.retract, edit)
    return source
