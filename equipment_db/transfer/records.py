"""One record shape per entity, shared by `--json` output, export and import.

Records refer to each other by natural key: systems by slug, actors by name, sources by
public id, claims by public id. Values are given in the unit the source used
(`unit` is the original unit), so that a record re-imports to the same canonical value.

An imported record may hold only the fields of its shape: the ones the database keeps
(version, created_at, retracted_at, public_id, row ids, ...) are refused, not ignored.
Every text field holds at most TEXT_LIMIT characters (fewer where its column is shorter:
a claim's subject 300, location 500, value_text 1,000, unit 40; a citation's locator 200)
and no NUL character.
"""

from __future__ import annotations

import functools
import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, select

from equipment_db.actors.models import Actor, ActorCreate
from equipment_db.catalog.models import (
    Alias,
    AliasCreate,
    ExternalId,
    ExternalIdCreate,
    System,
    SystemCreate,
    TargetType,
    TargetTypeCreate,
)
from equipment_db.claims.models import (
    Citation,
    CitationCreate,
    Claim,
    ClaimCreate,
    ClaimLink,
    ClaimLinkCreate,
)
from equipment_db.errors import InvalidValue, TooLong
from equipment_db.normalize.dates import format_partial, format_period
from equipment_db.normalize.units import from_canonical
from equipment_db.sources.models import Source, SourceCreate
from equipment_db.vocab import EntityType

RECORD_TYPES = ("target_type", "system", "alias", "actor", "source", "claim", "citation", "claim_link")

CLAIM_FIELDS = (
    "id", "kind", "system", "subject", "attribute", "target_type", "related_system", "country",
    "counterparty_country", "location", "value_low", "value_high", "unit", "qualifier", "value_text",
    "counted", "scope", "claimant", "stated", "about", "verification_status", "verification_note", "rank",
    "reliability", "credibility", "assessment_rationale", "note",
)  # fmt: skip
SOURCE_FIELDS = (
    "id", "kind", "title", "publisher", "authors", "url", "published", "accessed", "archive_url",
    "language", "fetched_at", "content_sha256", "note", "cites",
)  # fmt: skip


def _value(enum_or_value: Any) -> Any:
    return getattr(enum_or_value, "value", enum_or_value)


def _number(value: float | None, claim: Claim) -> float | int | None:
    if value is None:
        return None
    if claim.unit and claim.original_unit and claim.original_unit != claim.unit:
        value = from_canonical(value, claim.unit, claim.original_unit)
    value = round(value, 9)
    return int(value) if value == int(value) else value


def target_type_record(target: TargetType) -> dict[str, Any]:
    return {
        "type": "target_type",
        "slug": target.slug,
        "name": target.name,
        "description": target.description,
    }


def system_record(system: System, parent_slug: str | None) -> dict[str, Any]:
    return {
        "type": "system", "slug": system.slug, "name": system.name, "category": system.category.value,
        "origin_country": system.origin_country, "manufacturer": system.manufacturer, "parent": parent_slug,
        "wikidata_qid": system.wikidata_qid, "description": system.description,
    }  # fmt: skip


def alias_record(alias: Alias, system_slug: str) -> dict[str, Any]:
    return {"type": "alias", "system": system_slug, "name": alias.name, "kind": alias.kind.value}


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        "type": "actor", "name": actor.name, "kind": actor.kind.value, "country": actor.country,
        "role": actor.role, "wikidata_qid": actor.wikidata_qid, "description": actor.description,
    }  # fmt: skip


def source_record(source: Source, cites_public_id: str | None) -> dict[str, Any]:
    published = (format_partial(source.published_on, source.published_precision)
                 if source.published_on and source.published_precision else None)  # fmt: skip
    return {
        "type": "source", "id": source.public_id, "kind": source.kind.value, "title": source.title,
        "publisher": source.publisher, "authors": list(source.authors), "url": source.url,
        "published": published, "accessed": source.accessed_on.isoformat() if source.accessed_on else None,
        "archive_url": source.archive_url, "language": source.language,
        "fetched_at": source.fetched_at.isoformat() if source.fetched_at else None,
        "content_sha256": source.content_sha256, "note": source.note, "cites": cites_public_id,
    }  # fmt: skip


def claim_record(
    claim: Claim, refs: dict[str, str | None], external_ids: list[dict[str, str]]
) -> dict[str, Any]:
    """`refs`: system, related_system, target_type (slugs) and claimant (name)."""
    about = (format_period(claim.about_start, claim.about_end, claim.about_precision)
             if claim.about_start and claim.about_end and claim.about_precision else None)  # fmt: skip
    stated = (format_partial(claim.stated_on, claim.stated_precision)
              if claim.stated_on and claim.stated_precision else None)  # fmt: skip
    record = {
        "type": "claim", "id": claim.public_id, "kind": claim.kind.value, "system": refs.get("system"),
        "subject": claim.subject, "attribute": _value(claim.attribute), "target_type": refs.get("target_type"),
        "related_system": refs.get("related_system"), "country": claim.country,
        "counterparty_country": claim.counterparty_country, "location": claim.location,
        "value_low": _number(claim.value_low, claim), "value_high": _number(claim.value_high, claim),
        "unit": claim.original_unit or claim.unit, "qualifier": _value(claim.qualifier),
        "value_text": claim.value_text, "counted": _value(claim.counted), "scope": _value(claim.scope),
        "claimant": refs.get("claimant"), "stated": stated, "about": about,
        "verification_status": claim.verification_status.value, "verification_note": claim.verification_note,
        "rank": claim.rank.value, "reliability": _value(claim.reliability),
        "credibility": _value(claim.credibility), "assessment_rationale": claim.assessment_rationale,
        "note": claim.note,
    }  # fmt: skip
    if external_ids:
        record["external_ids"] = external_ids
    return record


def citation_record(citation: Citation, claim_public_id: str, source_public_id: str) -> dict[str, Any]:
    return {
        "type": "citation", "claim": claim_public_id, "source": source_public_id, "quote": citation.quote,
        "locator": citation.locator, "role": citation.role.value,
    }  # fmt: skip


def link_record(link: ClaimLink, from_public_id: str, to_public_id: str) -> dict[str, Any]:
    return {"type": "claim_link", "from_claim": from_public_id, "to_claim": to_public_id,
            "kind": link.kind.value, "note": link.note}  # fmt: skip


def claim_refs(session: Session, claim: Claim) -> dict[str, str | None]:
    def slug(model: type[System] | type[TargetType], key: int | None) -> str | None:
        row = session.get(model, key) if key is not None else None
        return row.slug if row else None

    claimant = session.get(Actor, claim.claimant_id) if claim.claimant_id else None
    return {
        "system": slug(System, claim.system_id),
        "related_system": slug(System, claim.related_system_id),
        "target_type": slug(TargetType, claim.target_type_id),
        "claimant": claimant.name if claimant else None,
    }


def claim_external_ids(session: Session, claim_id: int) -> list[dict[str, str]]:
    rows = session.exec(
        select(ExternalId.scheme, ExternalId.value)
        .where(ExternalId.entity_type == EntityType.claim, ExternalId.entity_id == claim_id,
               col(ExternalId.retracted_at).is_(None))
        .order_by(ExternalId.scheme, ExternalId.value)
    ).all()  # fmt: skip
    return [{"scheme": _value(scheme), "value": value} for scheme, value in rows]


def meta(entity: Any) -> dict[str, Any]:
    """The version fields every `show` adds to a record."""
    return {
        "version": entity.version,
        "created_at": entity.created_at.isoformat() if entity.created_at else None,
        "updated_at": entity.updated_at.isoformat() if entity.updated_at else None,
        "retracted_at": entity.retracted_at.isoformat() if entity.retracted_at else None,
        "retraction_reason": entity.retraction_reason,
    }


TEXT_LIMIT = 10_000
"""Characters in any one text field of an imported record: a quote, a note, a description."""

# (input model, table model, fields beyond the input model's) per record type.
_SHAPES: dict[str, tuple[type[SQLModel], type[SQLModel], dict[str, Any]]] = {
    "target_type": (TargetTypeCreate, TargetType, {}),
    "system": (SystemCreate, System, {}),
    "alias": (AliasCreate, Alias, {"system": str}),
    "actor": (ActorCreate, Actor, {}),
    "source": (SourceCreate, Source, {"id": str}),
    "claim": (ClaimCreate, Claim, {"id": str}),
    "citation": (CitationCreate, Citation, {"claim": str}),
    "claim_link": (ClaimLinkCreate, ClaimLink, {}),
}
_TABLES: dict[type[BaseModel], type[SQLModel]] = {CitationCreate: Citation, AliasCreate: Alias,
                                                  ExternalIdCreate: ExternalId}  # fmt: skip
_KEPT = ("public_id", "version", "created_at", "updated_at", "retracted_at", "retraction_reason")
# Text stored as given in a column shorter than TEXT_LIMIT (the services check the others).
_COLUMN_LIMITS = {Claim: ("subject", "location", "value_text", "unit"), Citation: ("locator",)}


def _column_limit(table: type[SQLModel], name: str) -> int:
    return next(m.max_length for m in table.model_fields[name].metadata if hasattr(m, "max_length"))


_LIMITS = {(table, name): _column_limit(table, name)
           for table, names in _COLUMN_LIMITS.items() for name in names}  # fmt: skip
_JSON_NAMES = {str: "a string", float: "a number", list: "an array", dict: "an object"}


def check_record(data: dict[str, Any]) -> None:
    """Refuse a record (its `type` known) that has a field its shape lacks or the database
    keeps, a value of the wrong JSON type, a text longer than its limit or holding NUL."""
    model, table, _ = _SHAPES[data["type"]]
    _check_fields(data, model, table, prefix="", record_type=data["type"])


def _check_fields(data: dict[str, Any], model: type[BaseModel], table: type[SQLModel],
                  *, prefix: str, record_type: str) -> None:  # fmt: skip
    for name, value in data.items():
        if name == "type" and not prefix:
            continue
        plan = _plan(model, table, record_type, name)
        if isinstance(plan, str):
            raise InvalidValue(f"{prefix}{name}", value, plan)
        if value is not None:
            _check_value(f"{prefix}{name}", value, plan, record_type)


class _Plan(typing.NamedTuple):
    """How one field of one record shape is checked: computed once, not per record."""

    kinds: tuple[type, ...]
    wanted: str
    limit: int
    item: _Plan | None  # for a list: its elements
    nested: tuple[type[BaseModel], type[SQLModel]] | None  # for an object: its shape


@functools.cache
def _plan(model: type[BaseModel], table: type[SQLModel], record_type: str, name: str) -> _Plan | str:
    """The field's plan, or why the field may not be given at all."""
    extra = _SHAPES[record_type][2] if model is _SHAPES[record_type][0] else {}
    if name in extra:
        annotation = extra[name]
    elif name in model.model_fields and name != "public_id":
        annotation = model.model_fields[name].annotation
    elif name in _KEPT or name in table.model_fields:
        return "is kept by the database: an import cannot set it"
    else:
        return f"is not a field of a {record_type} record"
    return _annotation_plan(annotation, _LIMITS.get((table, name), TEXT_LIMIT))


def _annotation_plan(annotation: Any, limit: int) -> _Plan:
    kinds = tuple(_json_kinds(annotation))
    wanted = " or ".join(_JSON_NAMES[k] for k in kinds if k in _JSON_NAMES)
    item = _annotation_plan(_list_item(annotation), limit) if list in kinds else None
    nested = None
    if dict in kinds:
        found = _model_of(annotation)
        nested = (found, _TABLES[found])
    return _Plan(kinds, wanted, limit, item, nested)


def _check_value(field: str, value: Any, plan: _Plan, record_type: str) -> None:
    got = float if isinstance(value, int | float) and not isinstance(value, bool) else type(value)
    if got not in plan.kinds and not (got is str and float in plan.kinds):  # "5" for 5: CSV cells are text
        raise InvalidValue(field, value, f"is {_JSON_NAMES.get(got, 'true/false')} where {plan.wanted} belongs")
    if got is str:
        if len(value) > plan.limit:
            raise TooLong(field, len(value), plan.limit)
        if "\x00" in value:
            raise InvalidValue(field, value, "holds a NUL character (\\x00), which no text may hold")
    elif got is list:
        for index, element in enumerate(value):
            if element is not None:
                _check_value(f"{field}[{index}]", element, plan.item, record_type)  # type: ignore[arg-type]
    elif got is dict:
        model, table = plan.nested  # type: ignore[misc]
        _check_fields(value, model, table, prefix=f"{field}.", record_type=record_type)


def _union(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _json_kinds(annotation: Any) -> list[type]:
    kinds: list[type] = []
    for arg in _union(annotation):
        origin = typing.get_origin(arg) or arg
        if origin is list:
            kinds.append(list)
        elif isinstance(origin, type) and issubclass(origin, BaseModel):
            kinds.append(dict)
        elif origin in (float, int):
            kinds.append(float)
        elif isinstance(origin, type) and issubclass(origin, str | date):
            kinds.append(str)
    return kinds


def _list_item(annotation: Any) -> Any:
    return next(typing.get_args(arg)[0] for arg in _union(annotation) if typing.get_origin(arg) is list)


def _model_of(annotation: Any) -> type[BaseModel]:
    return next(arg for arg in _union(annotation) if isinstance(arg, type) and issubclass(arg, BaseModel))
