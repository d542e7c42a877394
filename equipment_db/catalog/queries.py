"""Reads of the catalogue: resolve a system by slug or any alias, list systems and target types.

One reader per shape, for every adapter: `system_rows` (a list's rows: the API's pages,
`system list`), `system_view` (one system's record: `system show`, and the start of the
API's summary) and `target_type_rows` (the API's pages, `target-type list`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from equipment_db.base import stored_utc
from equipment_db.catalog.models import Alias, ExternalId, System, TargetType
from equipment_db.catalog.records import external_id_record, system_record
from equipment_db.claims.conditions import active, capable_systems
from equipment_db.claims.models import Claim
from equipment_db.errors import Ambiguous, NotFound
from equipment_db.history.queries import version_fields
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.names import name_key
from equipment_db.reads import contains, cursor_rows, driver_rows, every_row
from equipment_db.vocab import ClaimKind, EntityType, SystemCategory


def system_by_slug(session: Session, slug: str) -> System | None:
    return session.exec(select(System).where(System.slug == slug)).first()


class SystemRef(NamedTuple):
    id: int
    slug: str
    name: str


_BY_SLUG = "SELECT id, slug, name FROM system WHERE slug = ?"
_BY_ALIAS = ("SELECT id, slug, name FROM system WHERE id IN "
             "(SELECT system_id FROM alias WHERE name_key = ? AND retracted_at IS NULL)")  # fmt: skip


def find_system_key(session: Session, key: str) -> SystemRef | None:
    """The id, slug and name of the system `key` names: by slug, then by name or alias, case-
    and punctuation-insensitively (as plain rows: a redirect from an alias needs no more)."""
    text = key.strip()
    connection = session.connection()
    exact = cursor_rows(connection, _BY_SLUG, (text.lower(),))
    if exact:
        return SystemRef(*exact[0])
    folded = name_key(text)
    if not folded:
        return None
    candidates = [SystemRef(*row) for row in cursor_rows(connection, _BY_ALIAS, (folded,))]
    if not candidates:
        candidates = [SystemRef(*row) for row in cursor_rows(connection, "SELECT id, slug, name FROM system")
                      if name_key(row[1]) == folded or name_key(row[2]) == folded]  # fmt: skip
    if len(candidates) > 1:
        raise Ambiguous("system", key, sorted(found.slug for found in candidates))
    return candidates[0] if candidates else None


class SystemRow(NamedTuple):
    """A system's own columns, read as the ORM reads them, for what only reads them
    (`system_view`)."""

    id: int
    slug: str
    name: str
    category: SystemCategory
    origin_country: str | None
    manufacturer: str | None
    parent_id: int | None
    wikidata_qid: str | None
    description: str | None
    version: int
    created_at: datetime | None
    updated_at: datetime | None
    retracted_at: datetime | None
    retraction_reason: str | None


_SYSTEM_ROW = f"SELECT {', '.join(SystemRow._fields)} FROM system WHERE id = ?"


def system_row(session: Session, system_id: int) -> SystemRow | None:
    """The system with this id as one row on the driver's cursor: the API's system lookup
    (Q1) read it through `session.get`, which cost a third of a millisecond of its answer."""
    found = driver_rows(session, _SYSTEM_ROW, (system_id,))
    if not found:
        return None
    (id_, slug, name, category, origin, manufacturer, parent_id, qid, description, version, created, updated,
     retracted, reason) = found[0]  # fmt: skip
    return SystemRow(id_, slug, name, SystemCategory(category), origin, manufacturer, parent_id, qid, description,
                     version, stored_utc(created), stored_utc(updated), stored_utc(retracted), reason)  # fmt: skip


def find_system(session: Session, key: str) -> System | None:
    """By slug, then by name or alias, case- and punctuation-insensitively."""
    found = find_system_key(session, key)
    return session.get(System, found.id) if found else None


def get_system_key(session: Session, key: str, *, field: str = "system") -> SystemRef:
    found = find_system_key(session, key)
    if found is None:
        raise NotFound("system", key, field=field)
    return found


def get_system(session: Session, key: str, *, field: str = "system") -> System:
    system = find_system(session, key)
    if system is None:
        raise NotFound("system", key, field=field)
    return system


def aliases(session: Session, system_id: int, *, include_retracted: bool = False) -> Sequence[Alias]:
    statement = select(Alias).where(Alias.system_id == system_id).order_by(Alias.id)
    if not include_retracted:
        statement = statement.where(col(Alias.retracted_at).is_(None))
    return session.exec(statement).all()


def find_target_type(session: Session, key: str) -> TargetType | None:
    text = key.strip().lower()
    found = session.exec(select(TargetType).where(TargetType.slug == text)).first()
    if found is not None:
        return found
    folded = name_key(key)
    for candidate in session.exec(select(TargetType)).all():
        if name_key(candidate.name) == folded or name_key(candidate.slug) == folded:
            return candidate
    return None


def get_target_type(session: Session, key: str, *, field: str = "target_type") -> TargetType:
    found = find_target_type(session, key)
    if found is None:
        raise NotFound("target type", key, field=field)
    return found


def external_ids(session: Session, entity_type: EntityType, entity_id: int) -> Sequence[ExternalId]:
    statement = (
        select(ExternalId)
        .where(
            ExternalId.entity_type == entity_type,
            ExternalId.entity_id == entity_id,
            col(ExternalId.retracted_at).is_(None),
        )
        .order_by(ExternalId.scheme, ExternalId.value, ExternalId.part)
    )
    return session.exec(statement).all()


_PARENT = "SELECT slug FROM system WHERE id = ?"
_ALIASES = "SELECT name, kind FROM alias WHERE system_id = ? AND retracted_at IS NULL ORDER BY id"
_EXTERNAL_IDS = ("SELECT scheme, value, part FROM external_id WHERE entity_type = ? AND entity_id = ? "
                 "AND retracted_at IS NULL ORDER BY scheme, value, part")  # fmt: skip


def system_view(session: Session, system: System | SystemRow) -> dict[str, Any]:
    """A system's record, its active aliases and external ids, and its version fields (the
    related rows read as plain rows: this starts the API's hottest answer)."""
    parent = driver_rows(session, _PARENT, (system.parent_id,)) if system.parent_id else []
    detail = system_record(system, parent[0][0] if parent else None)
    detail["aliases"] = [{"name": name, "kind": kind} for name, kind in driver_rows(session, _ALIASES, (system.id,))]
    detail["external_ids"] = [external_id_record(scheme, value, part) for scheme, value, part in driver_rows(
        session, _EXTERNAL_IDS, (EntityType.system.value, system.id))]  # fmt: skip
    return detail | version_fields(system)


# --- Lists: filtered keyset pages ---------------------------------------------------------


@dataclass(frozen=True)
class SystemFilter:
    category: SystemCategory | None = None
    origin: str | None = None  # an ISO 3166 code
    target_type_id: int | None = None  # an active capability claim names it
    text: str | None = None  # part of the slug, the name or an active alias, any case
    include_retracted: bool = False


def system_filter(
    session: Session,
    *,
    category: SystemCategory | None = None,
    origin: str | None = None,
    target_type: str | None = None,
    text: str | None = None,
    include_retracted: bool = False,
) -> SystemFilter:
    """A filter from what a person typed: the origin a code or a name, the target type a slug
    or a name; blanks are ignored."""
    return SystemFilter(
        category=category,
        origin=country_code(origin, field="origin") if origin is not None and origin.strip() else None,
        target_type_id=get_target_type(session, target_type).id if target_type and target_type.strip() else None,
        text=text.strip() if text is not None and text.strip() else None,
        include_retracted=include_retracted,
    )


SystemOrder = Literal["entry", "slug"]
_SYSTEM_ORDER = {"entry": (col(System.id), "_row_id"), "slug": (col(System.slug), "slug")}


def system_rows(
    session: Session,
    where: SystemFilter = SystemFilter(),
    *,
    order: SystemOrder = "entry",
    limit: int = 50,
    after: Any = None,
) -> list[dict[str, Any]]:
    """Systems as flat rows with their active aliases, in two queries: in order of entry (the
    API's pages) or by slug (`system list`), keyset-paginated: `after` is the last row's
    position, its `_row_id` in order of entry, its `slug` by slug."""
    column, _ = _SYSTEM_ORDER[order]
    statement = select(System).order_by(column).limit(limit)
    if after is not None:
        statement = statement.where(column > after)
    if where.category is not None:
        statement = statement.where(System.category == where.category)
    if where.origin is not None:
        statement = statement.where(System.origin_country == where.origin)
    if where.target_type_id is not None:
        statement = statement.where(col(System.id).in_(capable_systems(where.target_type_id)))
    if where.text is not None:
        named = select(Alias.system_id).where(contains(Alias.name, where.text), col(Alias.retracted_at).is_(None))
        statement = statement.where(or_(contains(System.slug, where.text), contains(System.name, where.text),
                                        col(System.id).in_(named)))  # fmt: skip
    if not where.include_retracted:
        statement = statement.where(col(System.retracted_at).is_(None))
    systems = session.exec(statement).all()
    names = aliases_by_system(session, [s.id for s in systems])  # type: ignore[misc]
    return [{"slug": s.slug, "name": s.name, "category": s.category.value, "origin_country": s.origin_country,
             "aliases": [a.name for a in names[s.id]], "retracted": s.is_retracted,  # type: ignore[index]
             "version": s.version, "_row_id": s.id} for s in systems]  # fmt: skip


def every_system_row(session: Session, where: SystemFilter = SystemFilter(), *,
                     order: SystemOrder = "slug") -> list[dict[str, Any]]:  # fmt: skip
    """Every row `system_rows` gives for the filter, read a page (two statements) at a time."""
    _, position = _SYSTEM_ORDER[order]
    return list(every_row(lambda after, limit: system_rows(session, where, order=order, limit=limit, after=after),
                          position=position))  # fmt: skip


TargetTypeOrder = Literal["entry", "slug"]
_TARGET_ORDER = {"entry": (col(TargetType.id), "_row_id"), "slug": (col(TargetType.slug), "slug")}


def target_type_rows(
    session: Session, *, order: TargetTypeOrder = "entry", limit: int = 50, after: Any = None
) -> list[dict[str, Any]]:
    """Active target types with the number of active capability claims naming each, in one
    query: in order of entry (the API's pages) or by slug (`target-type list`), keyset-paginated
    like `system_rows`."""
    column, _ = _TARGET_ORDER[order]
    counted = and_(col(Claim.target_type_id) == TargetType.id, Claim.kind == ClaimKind.capability, active())
    statement = (
        select(TargetType, func.count(col(Claim.id)))
        .outerjoin(Claim, counted)
        .where(col(TargetType.retracted_at).is_(None))
        .group_by(col(TargetType.id))
        .order_by(column)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(column > after)
    return [{"slug": t.slug, "name": t.name, "description": t.description, "capability_claims": n,
             "_row_id": t.id} for t, n in session.exec(statement)]  # fmt: skip


def every_target_type_row(session: Session, *, order: TargetTypeOrder = "slug") -> list[dict[str, Any]]:
    """Every row `target_type_rows` gives, read a page (one statement) at a time."""
    _, position = _TARGET_ORDER[order]
    return list(every_row(lambda after, limit: target_type_rows(session, order=order, limit=limit, after=after),
                          position=position))  # fmt: skip


def aliases_by_system(session: Session, system_ids: Sequence[int]) -> dict[int, list[Alias]]:
    """The active aliases of several systems in one query, each list in the order they were added."""
    found: dict[int, list[Alias]] = {system_id: [] for system_id in system_ids}
    statement = (
        select(Alias)
        .where(col(Alias.system_id).in_(list(system_ids)), col(Alias.retracted_at).is_(None))
        .order_by(Alias.id)
    )
    for alias in session.exec(statement):
        found[alias.system_id].append(alias)
    return found
