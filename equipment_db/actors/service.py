"""Validated writes to actors. Every write appends a revision."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from equipment_db.actors import queries
from equipment_db.actors.models import Actor, ActorBase, ActorCreate, ActorUpdate
from equipment_db.errors import AlreadyExists, InvalidValue
from equipment_db.history import service as history
from equipment_db.history.service import Edit
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.names import name_key
from equipment_db.validation import check_model, clean_text
from equipment_db.vocab import EntityType, RevisionAction


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values = {key: clean_text(v) if isinstance(v, str) else v for key, v in data.items()}
    if "country" in values:
        values["country"] = country_code(values["country"], field="country")
    if "name" in values:
        key = name_key(values["name"] or "")
        if not key:
            raise InvalidValue("name", data["name"], "has no letters or digits")
        values["name_key"] = key
    return values


def _record(session: Session, actor: Actor, action: RevisionAction, edit: Edit) -> None:
    history.record(
        session,
        entity_type=EntityType.actor,
        entity=actor,
        key=actor.name,
        action=action,
        edit=edit,
        snapshot=actor.model_dump(mode="json"),
    )


def create_actor(session: Session, data: ActorCreate, *, edit: Edit) -> Actor:
    values = _values(data.model_dump())
    check_model(ActorBase, values)
    if queries.find_actor(session, values["name"]) is not None:
        raise AlreadyExists("actor", "name", values["name"])
    actor = Actor(**values)
    session.add(actor)
    session.flush()
    _record(session, actor, RevisionAction.create, edit)
    return actor


def update_actor(session: Session, name: str, data: ActorUpdate, *, edit: Edit) -> Actor:
    edit.require_reason()
    actor = queries.get_actor(session, name)
    history.editable(actor, "actor", actor.name)
    changes = _values(data.model_dump(exclude_unset=True))
    check_model(ActorBase, actor.model_dump() | changes)
    if "name_key" in changes and changes["name_key"] != actor.name_key:
        other = queries.find_actor(session, changes["name"])
        if other is not None:
            raise AlreadyExists("actor", "name", changes["name"])
    if history.apply_changes(actor, changes):
        _record(session, actor, RevisionAction.update, edit)
    return actor


def retract_actor(session: Session, name: str, *, edit: Edit) -> Actor:
    actor = queries.get_actor(session, name)
    history.editable(actor, "actor", actor.name)
    history.retract(actor, edit)
    _record(session, actor, RevisionAction.retract, edit)
    return actor
