"""Create an entry from a record, or, if it exists, update it only where it differs.

Shared by `equipment-db seed` and `equipment-db import`: loading the same records twice
changes nothing; a changed record updates its entry with a new revision.
Each function returns an `Outcome`: "created", "updated" or "unchanged", and for an update,
the entry and its version before, so that the importer can say what changed (and, unless
told to update, refuse it as a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from equipment_db.actors import queries as actor_queries
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate, ActorUpdate
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import (
    AliasCreate,
    SystemCreate,
    SystemUpdate,
    TargetTypeCreate,
    TargetTypeUpdate,
)
from equipment_db.claims import queries as claim_queries
from equipment_db.claims import rules
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import CitationCreate, ClaimCreate, ClaimLinkCreate, ClaimUpdate
from equipment_db.errors import InvalidValue
from equipment_db.history.service import Edit
from equipment_db.normalize.names import name_key
from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.validation import parse_model
from equipment_db.vocab import EntityType

_CLAIM_DEFAULTS = {"verification_status": "unverified", "rank": "normal"}


@dataclass(frozen=True)
class Outcome:
    result: str  # created, updated or unchanged
    entity_type: EntityType | None = None  # for an update: the entry, and its version before
    entity_id: int | None = None
    key: str = ""
    before: int = 0


CREATED = Outcome("created")
UNCHANGED = Outcome("unchanged")


def _outcome(entity_type: EntityType, entity: Any, key: str, before: int) -> Outcome:
    if entity.version == before:
        return UNCHANGED
    return Outcome("updated", entity_type, entity.id, key, before)


def _fields(data: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("type", *drop)}


def target_type(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """By slug: a new one is created; a known one is updated where its name or description differ."""
    existing = catalog_queries.find_target_type(session, data.get("slug") or "")
    if existing is None or existing.slug != data.get("slug"):
        catalog_service.create_target_type(session, parse_model(TargetTypeCreate, _fields(data)), edit=edit)
        return CREATED
    before = existing.version
    update = parse_model(TargetTypeUpdate, _fields(data, "slug"))
    catalog_service.update_target_type(session, existing.slug, update, edit=edit)
    return _outcome(EntityType.target_type, existing, existing.slug, before)


def system(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """By slug: a new one is created; a known one is updated where the fields given differ (a field left
    out is left alone) and gains the aliases it lacks."""
    slug = (data.get("slug") or "").strip().lower()
    existing = catalog_queries.system_by_slug(session, slug) if slug else None
    if existing is None:
        catalog_service.create_system(session, parse_model(SystemCreate, _fields(data)), edit=edit)
        return CREATED
    before = existing.version
    aliases = [parse_model(AliasCreate, a, prefix="aliases") for a in data.get("aliases") or []]
    catalog_service.update_system(session, slug, parse_model(SystemUpdate, _fields(data, "slug", "aliases")),
                                  edit=edit)  # fmt: skip
    for one in aliases:
        _add_alias_if_missing(session, slug, one, edit)
    return _outcome(EntityType.system, existing, existing.slug, before)


def alias(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """Added to its system unless the system has that name already."""
    key = data.get("system")
    if not key:
        raise InvalidValue("system", key, "is required on an alias record (the system's slug)")
    parsed = parse_model(AliasCreate, _fields(data, "system"))
    return CREATED if _add_alias_if_missing(session, key, parsed, edit) else UNCHANGED


def _add_alias_if_missing(session: Session, system_key: str, data: AliasCreate, edit: Edit) -> bool:
    found = catalog_queries.get_system(session, system_key)
    known = {a.name_key for a in catalog_queries.aliases(session, found.id)}  # type: ignore[arg-type]
    if name_key(data.name) in known:
        return False
    catalog_service.add_alias(session, found.slug, data, edit=edit)
    return True


def actor(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """By name: a new one is created; a known one is updated where the fields given differ."""
    existing = actor_queries.find_actor(session, data.get("name") or "")
    if existing is None:
        actor_service.create_actor(session, parse_model(ActorCreate, _fields(data)), edit=edit)
        return CREATED
    before = existing.version
    actor_service.update_actor(session, existing.name, parse_model(ActorUpdate, _fields(data)), edit=edit)
    return _outcome(EntityType.actor, existing, existing.name, before)


def source(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """By id, else by URL: a new one is created; a known one is updated where the fields given differ."""
    public_id = data.get("id")
    existing = source_queries.find_source(session, public_id) if public_id else None
    if existing is None and not public_id and data.get("url"):
        existing = source_queries.find_source(session, data["url"])
    if existing is None:
        create = _fields(data, "id") | ({"public_id": public_id} if public_id else {})
        source_service.create_source(session, parse_model(SourceCreate, create), edit=edit)
        return CREATED
    before = existing.version
    update = parse_model(SourceUpdate, _fields(data, "id"))
    source_service.update_source(session, existing.public_id, update, edit=edit)
    return _outcome(EntityType.source, existing, existing.public_id, before)


def claim(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """Create, or restate the fields an existing claim's record gives: a field given as null
    is cleared, a field left out stays as it is (a register's row does not say what an editor
    added: a verification, a rank, a note). The value is one thing: a record giving any of
    its fields restates them all."""
    public_id = data.get("id")
    existing = claim_queries.find_claim(session, public_id) if public_id else None
    if existing is None:
        create = _fields(data, "id") | ({"public_id": public_id} if public_id else {})
        claim_service.create_claim(session, parse_model(ClaimCreate, create), edit=edit)
        return CREATED
    before = existing.version
    citations = [parse_model(CitationCreate, c, prefix="citations") for c in data.get("citations") or []]
    given = {name for name in ClaimUpdate.model_fields if name in data}
    if given & set(rules.VALUE_FIELDS):
        given |= set(rules.VALUE_FIELDS)
    fields = {name: data.get(name) for name in given}
    for name, default in _CLAIM_DEFAULTS.items():
        if name in fields:
            fields[name] = fields[name] or default
    claim_service.update_claim(session, existing.public_id, parse_model(ClaimUpdate, fields), edit=edit)
    for one in citations:
        _cite_if_missing(session, existing.public_id, one, edit, replace_at_locator=True)
    return _outcome(EntityType.claim, existing, existing.public_id, before)


def citation(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """Added to its claim unless the claim cites that source in that role, quote and locator already."""
    key = data.get("claim")
    if not key:
        raise InvalidValue("claim", key, "is required on a citation record (the claim's id)")
    parsed = parse_model(CitationCreate, _fields(data, "claim"))
    return CREATED if _cite_if_missing(session, key, parsed, edit) else UNCHANGED


def _blank(text: str | None) -> str | None:
    return text.strip() or None if text else None


def _cite_if_missing(session: Session, claim_key: str, data: CitationCreate, edit: Edit, *,
                     replace_at_locator: bool = False) -> bool:  # fmt: skip
    """Cite the source unless the claim cites it already in this role with this quote and
    locator: another quote or locator is another citation, not the same one."""
    found = claim_queries.get_claim(session, claim_key, field="claim")
    cited = source_queries.get_source(session, data.source, field="source")
    present = {(s.id, c.role, _blank(c.quote), _blank(c.locator))
               for c, s in claim_queries.citations(session, found.id)}  # type: ignore[arg-type]  # fmt: skip
    if (cited.id, data.role, _blank(data.quote), _blank(data.locator)) in present:
        return False
    claim_service.add_citation(session, found.public_id, data, edit=edit, replace_at_locator=replace_at_locator)
    return True


def claim_link(session: Session, data: dict[str, Any], edit: Edit) -> Outcome:
    """The link, unless it is active already (a symmetric one either way round). The rules of
    `claim link` apply, with its messages; a withdrawn link is not restored (`create_link`)."""
    link = parse_model(ClaimLinkCreate, _fields(data))
    first = claim_queries.get_claim(session, link.from_claim, field="from_claim")
    second = claim_queries.get_claim(session, link.to_claim, field="to_claim")
    existing = claim_queries.find_link(session, first, link.kind, second)
    if existing is not None and not existing.is_retracted:
        return UNCHANGED
    claim_service.create_link(session, link, edit=edit)
    return CREATED


UPSERTS = {
    "target_type": target_type,
    "system": system,
    "alias": alias,
    "actor": actor,
    "source": source,
    "claim": claim,
    "citation": citation,
    "claim_link": claim_link,
}
