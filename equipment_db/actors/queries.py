"""Reads of actors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.claims.models import Claim
from equipment_db.claims.text import describe_value
from equipment_db.errors import NotFound
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.dates import format_partial
from equipment_db.normalize.names import name_key
from equipment_db.vocab import ActorKind


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


# --- The API's reads: filtered keyset pages, one actor with the claims they made -----


def actor_list_rows(
    session: Session,
    *,
    kind: ActorKind | None = None,
    country: str | None = None,
    include_retracted: bool = False,
    limit: int = 100,
    after_id: int | None = None,
) -> list[dict[str, Any]]:
    """Actors as flat rows in id order, keyset-paginated by `after_id`; `country` is a
    code or a name."""
    statement = select(Actor).order_by(Actor.id).limit(limit)
    if after_id is not None:
        statement = statement.where(Actor.id > after_id)
    if kind is not None:
        statement = statement.where(Actor.kind == kind)
    if country is not None and country.strip():
        statement = statement.where(Actor.country == country_code(country))
    if not include_retracted:
        statement = statement.where(col(Actor.retracted_at).is_(None))
    return [
        {"name": a.name, "kind": a.kind.value, "country": a.country, "role": a.role,
         "retracted": a.is_retracted, "_row_id": a.id}  # the keyset position; not shown
        for a in session.exec(statement).all()
    ]  # fmt: skip


def actor_view(
    session: Session, name: str, *, claims_limit: int = 100, field: str = "name"
) -> dict[str, Any]:
    """An actor by name (any case): their record and version fields and the claims they made."""
    from equipment_db.transfer import records

    actor = get_actor(session, name, field=field)
    detail = records.actor_record(actor)
    detail["claims"], detail["claims_total"] = made_claims(session, actor.id, limit=claims_limit)  # type: ignore[arg-type]
    return detail | records.meta(actor)


def made_claims(session: Session, actor_id: int, *, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """The claims an actor made (not retracted), oldest first, and how many: two queries."""
    active = (Claim.claimant_id == actor_id, col(Claim.retracted_at).is_(None))
    rows = session.exec(select(Claim).where(*active).order_by(Claim.id).limit(limit)).all()
    total = session.exec(select(func.count()).select_from(Claim).where(*active)).one()
    return [
        {"id": c.public_id, "kind": c.kind.value, "value_as_worded": describe_value(c),
         "stated": format_partial(c.stated_on, c.stated_precision) if c.stated_on and c.stated_precision
         else None, "status": c.verification_status.value}
        for c in rows
    ], total  # fmt: skip
