"""Reads of the catalogue: resolve a system by slug or any alias, list, target types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.catalog.models import Alias, ExternalId, System, TargetType
from equipment_db.errors import Ambiguous, NotFound
from equipment_db.normalize.names import name_key
from equipment_db.vocab import EntityType


def system_by_slug(session: Session, slug: str) -> System | None:
    return session.exec(select(System).where(System.slug == slug)).first()


def find_system(session: Session, key: str) -> System | None:
    """By slug, then by name or alias, case- and punctuation-insensitively."""
    text = key.strip()
    exact = session.exec(select(System).where(System.slug == text.lower())).first()
    if exact is not None:
        return exact
    folded = name_key(text)
    if not folded:
        return None
    by_alias = select(Alias.system_id).where(Alias.name_key == folded, col(Alias.retracted_at).is_(None))
    candidates = session.exec(select(System).where(col(System.id).in_(by_alias))).all()
    if not candidates:
        candidates = [
            s
            for s in session.exec(select(System)).all()
            if name_key(s.slug) == folded or name_key(s.name) == folded
        ]
    if len(candidates) > 1:
        raise Ambiguous("system", key, sorted(system.slug for system in candidates))
    return candidates[0] if candidates else None


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


def list_systems(session: Session) -> Sequence[System]:
    return session.exec(select(System).order_by(System.slug)).all()


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
        .order_by(ExternalId.scheme, ExternalId.value)
    )
    return session.exec(statement).all()


def system_detail(session: Session, key: str) -> dict[str, Any]:
    from equipment_db.transfer import records

    system = get_system(session, key)
    parent = session.get(System, system.parent_id) if system.parent_id else None
    detail = records.system_record(system, parent.slug if parent else None)
    detail["aliases"] = [{"name": a.name, "kind": a.kind.value} for a in aliases(session, system.id)]  # type: ignore[arg-type]
    detail["external_ids"] = [{"scheme": x.scheme.value, "value": x.value}
                              for x in external_ids(session, EntityType.system, system.id)]  # type: ignore[arg-type]  # fmt: skip
    return detail | records.meta(system)


def system_rows(session: Session, *, category: str | None = None, include_retracted: bool = False
                ) -> list[dict[str, Any]]:  # fmt: skip
    statement = select(System).order_by(System.slug)
    if category:
        statement = statement.where(System.category == category)
    if not include_retracted:
        statement = statement.where(col(System.retracted_at).is_(None))
    found = session.exec(statement).all()
    names: dict[int, list[str]] = {}
    for system_id, name in session.exec(select(Alias.system_id, Alias.name).where(
            col(Alias.retracted_at).is_(None)).order_by(Alias.id)):  # fmt: skip
        names.setdefault(system_id, []).append(name)
    return [{"slug": s.slug, "name": s.name, "category": s.category.value, "origin_country": s.origin_country,
             "aliases": ", ".join(names.get(s.id, [])), "version": s.version,  # type: ignore[arg-type]
             "retracted": s.is_retracted} for s in found]  # fmt: skip


def target_type_rows(session: Session) -> list[dict[str, Any]]:
    found = session.exec(
        select(TargetType).where(col(TargetType.retracted_at).is_(None)).order_by(TargetType.slug)
    )
    return [{"slug": t.slug, "name": t.name, "description": t.description} for t in found]


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
