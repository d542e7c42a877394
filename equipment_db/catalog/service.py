"""Validated writes to the catalogue. Every write appends a revision."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from equipment_db.base import utcnow
from equipment_db.catalog import queries
from equipment_db.catalog.models import (
    Alias,
    AliasCreate,
    ExternalId,
    ExternalIdCreate,
    System,
    SystemBase,
    SystemCreate,
    SystemUpdate,
    TargetType,
    TargetTypeBase,
    TargetTypeCreate,
    TargetTypeUpdate,
)
from equipment_db.catalog.records import external_id_record
from equipment_db.errors import AlreadyExists, Conflict, InvalidValue
from equipment_db.history import service as history
from equipment_db.history.service import Edit
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.names import name_key
from equipment_db.validation import check_model, clean_text
from equipment_db.vocab import EntityType, RevisionAction


def system_snapshot(session: Session, system: System) -> dict[str, Any]:
    data = system.model_dump(mode="json")
    parent = session.get(System, system.parent_id) if system.parent_id else None
    data["parent"] = parent.slug if parent else None
    data["aliases"] = [
        {"name": alias.name, "kind": alias.kind.value}
        for alias in queries.aliases(session, system.id)  # type: ignore[arg-type]
    ]
    data["external_ids"] = external_id_snapshot(session, EntityType.system, system.id)  # type: ignore[arg-type]
    return data


def external_id_snapshot(session: Session, entity_type: EntityType, entity_id: int) -> list[dict[str, str]]:
    return [external_id_record(xid.scheme, xid.value, xid.part)
            for xid in queries.external_ids(session, entity_type, entity_id)]  # fmt: skip


def _record_system(session: Session, system: System, action: RevisionAction, edit: Edit) -> None:
    history.record(
        session,
        entity_type=EntityType.system,
        entity=system,
        key=system.slug,
        action=action,
        edit=edit,
        snapshot=system_snapshot(session, system),
    )


def _system_values(session: Session, data: dict[str, Any], *, current: System | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, raw in data.items():
        value = clean_text(raw) if isinstance(raw, str) else raw
        if field == "origin_country":
            value = country_code(value, field="origin_country")
        elif field == "parent":
            parent = queries.get_system(session, value, field="parent") if value else None
            if parent is not None and current is not None and parent.id == current.id:
                raise InvalidValue("parent", raw, "is the system itself")
            field, value = "parent_id", parent.id if parent else None
        values[field] = value
    return values


# The name keys of every system's slug and name, built once per transaction and kept up to
# date as systems are flushed: checking each new name against every system was quadratic
# (an import of 10,000 systems spent its hours in name_key).
_NAME_KEYS = "equipment_db.system_name_keys"


def _name_keys(session: Session) -> tuple[dict[str, set[int]], dict[int, tuple[str, ...]]]:
    """key -> the ids of the systems whose slug or name has it; id -> its keys."""
    found = session.info.get(_NAME_KEYS)
    if found is None:
        by_key: dict[str, set[int]] = {}
        by_id: dict[int, tuple[str, ...]] = {}
        for system_id, slug, name in session.exec(select(System.id, System.slug, System.name)):
            _index(by_key, by_id, system_id, slug, name)  # type: ignore[arg-type]
        found = session.info[_NAME_KEYS] = (by_key, by_id)
    return found


def _index(by_key: dict[str, set[int]], by_id: dict[int, tuple[str, ...]], system_id: int, slug: str,
           name: str) -> None:  # fmt: skip
    for key in by_id.pop(system_id, ()):
        by_key[key].discard(system_id)
    keys = tuple({name_key(slug), name_key(name)} - {""})
    by_id[system_id] = keys
    for key in keys:
        by_key.setdefault(key, set()).add(system_id)


@sa.event.listens_for(OrmSession, "after_flush")
def _reindex_flushed_systems(session: OrmSession, _context: Any) -> None:
    cache = session.info.get(_NAME_KEYS)
    if cache is not None:
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, System) and obj.id is not None:
                _index(*cache, obj.id, obj.slug, obj.name)


@sa.event.listens_for(OrmSession, "after_transaction_end")
def _forget_name_keys(session: OrmSession, transaction: Any) -> None:
    if transaction.parent is None:  # what other connections change is read again next time
        session.info.pop(_NAME_KEYS, None)


@sa.event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back_name_keys(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_NAME_KEYS, None)  # any rollback, a savepoint's too: its systems are gone


def _name_holder(session: Session, name: str, system_id: int | None) -> System | None:
    """The other system (not `system_id`) that `name` already names, by slug, name or active
    alias, compared as `find_system` compares them: giving it to a second system would
    make the name ambiguous."""
    key = name_key(name)
    if not key:
        return None
    by_alias = select(Alias.system_id).where(Alias.name_key == key, col(Alias.retracted_at).is_(None))
    found = session.exec(select(System).where(col(System.id).in_(by_alias), System.id != system_id)).first()
    if found is not None:
        return found
    holders = sorted(i for i in _name_keys(session)[0].get(key, ()) if i != system_id)
    return session.get(System, holders[0]) if holders else None


def check_name_free(session: Session, field: str, name: str, system_id: int | None) -> None:
    """Refuse a slug, name or alias that another system already answers to."""
    holder = _name_holder(session, name, system_id)
    if holder is not None:
        raise Conflict(field, name, f"already names system {holder.slug} ({holder.name}): a second system "
                       f"with it would make the name ambiguous; to add to that system, name it by its slug "
                       f"{holder.slug}")  # fmt: skip


def create_system(session: Session, data: SystemCreate, *, edit: Edit) -> System:
    fields = data.model_dump(exclude={"aliases"})
    fields["slug"] = (fields.get("slug") or "").strip().lower()
    values = _system_values(session, fields, current=None)
    check_model(SystemBase, values)
    if session.exec(select(System).where(System.slug == values["slug"])).first():
        raise AlreadyExists("system", "slug", values["slug"])
    check_name_free(session, "slug", values["slug"], None)
    check_name_free(session, "name", values["name"], None)
    for alias in data.aliases:
        check_name_free(session, "alias", alias.name, None)
    system = System(**values)
    session.add(system)
    session.flush()
    for alias in data.aliases:
        _insert_alias(session, system, alias)
    _record_system(session, system, RevisionAction.create, edit)
    return system


def _insert_alias(session: Session, system: System, data: AliasCreate) -> Alias:
    key = name_key(data.name)
    if not key:
        raise InvalidValue("alias", data.name, "has no letters or digits")
    existing = session.exec(select(Alias).where(Alias.system_id == system.id, Alias.name_key == key)).first()
    if existing is not None:
        raise AlreadyExists("alias", "name", data.name)
    check_name_free(session, "alias", data.name, system.id)
    alias = Alias(system_id=system.id, name=data.name, name_key=key, kind=data.kind)  # type: ignore[arg-type]
    session.add(alias)
    session.flush()
    return alias


def _editable_system(session: Session, key: str) -> System:
    system = queries.get_system(session, key)
    return history.editable(system, "system", system.slug)


def add_alias(session: Session, system_key: str, data: AliasCreate, *, edit: Edit) -> Alias:
    system = _editable_system(session, system_key)
    alias = _insert_alias(session, system, data)
    history.touch(system)
    _record_system(session, system, RevisionAction.update, edit)
    return alias


def retract_alias(session: Session, system_key: str, alias_name: str, *, edit: Edit) -> System:
    edit.require_reason()
    system = _editable_system(session, system_key)
    key = name_key(alias_name)
    alias = next((a for a in queries.aliases(session, system.id) if a.name_key == key), None)  # type: ignore[arg-type]
    if alias is None:
        raise InvalidValue("alias", alias_name, f"is not an alias of {system.slug}")
    alias.retracted_at = utcnow()
    history.touch(system)
    _record_system(session, system, RevisionAction.update, edit)
    return system


def add_external_id(session: Session, system_key: str, data: ExternalIdCreate, *, edit: Edit) -> System:
    system = _editable_system(session, system_key)
    insert_external_id(session, EntityType.system, system.id, data)  # type: ignore[arg-type]
    history.touch(system)
    _record_system(session, system, RevisionAction.update, edit)
    return system


def insert_external_id(
    session: Session, entity_type: EntityType, entity_id: int, data: ExternalIdCreate
) -> ExternalId:
    value = data.value.strip()
    part = data.part.strip() if data.part and data.part.strip() else None
    existing = session.exec(
        select(ExternalId).where(
            ExternalId.entity_type == entity_type,
            ExternalId.entity_id == entity_id,
            ExternalId.scheme == data.scheme,
            ExternalId.value == value,
        )
    ).first()
    if existing is not None:
        raise AlreadyExists("external id", data.scheme.value, value)
    xid = ExternalId(entity_type=entity_type, entity_id=entity_id, scheme=data.scheme, value=value, part=part)
    session.add(xid)
    return xid


def update_system(session: Session, key: str, data: SystemUpdate, *, edit: Edit) -> System:
    edit.require_reason()
    system = _editable_system(session, key)
    changes = _system_values(session, data.model_dump(exclude_unset=True), current=system)
    if changes.get("name") and changes["name"] != system.name:
        check_name_free(session, "name", changes["name"], system.id)
    merged = system.model_dump() | changes
    check_model(SystemBase, merged)
    if history.apply_changes(system, changes):
        _record_system(session, system, RevisionAction.update, edit)
    return system


def retract_system(session: Session, key: str, *, edit: Edit) -> System:
    system = _editable_system(session, key)
    history.retract(system, edit)
    _record_system(session, system, RevisionAction.retract, edit)
    return system


def _record_target_type(session: Session, target: TargetType, action: RevisionAction, edit: Edit) -> None:
    history.record(
        session,
        entity_type=EntityType.target_type,
        entity=target,
        key=target.slug,
        action=action,
        edit=edit,
        snapshot=target.model_dump(mode="json"),
    )


def create_target_type(session: Session, data: TargetTypeCreate, *, edit: Edit) -> TargetType:
    values = {key: clean_text(value) for key, value in data.model_dump().items()}
    values["slug"] = (values["slug"] or "").lower()
    check_model(TargetTypeBase, values)
    if session.exec(select(TargetType).where(TargetType.slug == values["slug"])).first():
        raise AlreadyExists("target type", "slug", values["slug"])
    target = TargetType(**values)
    session.add(target)
    session.flush()
    _record_target_type(session, target, RevisionAction.create, edit)
    return target


def update_target_type(session: Session, key: str, data: TargetTypeUpdate, *, edit: Edit) -> TargetType:
    edit.require_reason()
    target = queries.get_target_type(session, key)
    history.editable(target, "target type", target.slug)
    changes = {k: clean_text(v) for k, v in data.model_dump(exclude_unset=True).items()}
    check_model(TargetTypeBase, target.model_dump() | changes)
    if history.apply_changes(target, changes):
        _record_target_type(session, target, RevisionAction.update, edit)
    return target


def retract_target_type(session: Session, key: str, *, edit: Edit) -> TargetType:
    target = queries.get_target_type(session, key)
    history.editable(target, "target type", target.slug)
    history.retract(target, edit)
    _record_target_type(session, target, RevisionAction.retract, edit)
    return target
