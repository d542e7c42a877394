"""Reads of actors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, select

from equipment_db.actors.models import Actor
from equipment_db.errors import NotFound
from equipment_db.normalize.names import name_key


def find_actor(session: Session, name: str) -> Actor | None:
    return session.exec(select(Actor).where(Actor.name_key == name_key(name))).first()


def get_actor(session: Session, name: str, *, field: str = "actor") -> Actor:
    actor = find_actor(session, name)
    if actor is None:
        raise NotFound("actor", name, field=field)
    return actor


def list_actors(session: Session) -> Sequence[Actor]:
    return session.exec(select(Actor).order_by(Actor.name)).all()


def actor_detail(session: Session, name: str) -> dict[str, Any]:
    from equipment_db.transfer import records

    actor = get_actor(session, name)
    return records.actor_record(actor) | records.meta(actor)


def actor_rows(session: Session, *, include_retracted: bool = False) -> list[dict[str, Any]]:
    return [
        {"name": a.name, "kind": a.kind.value, "country": a.country, "role": a.role, "version": a.version}
        for a in list_actors(session) if include_retracted or not a.is_retracted
    ]  # fmt: skip
