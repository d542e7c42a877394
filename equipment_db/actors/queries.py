"""Reads of actors: one by name, filtered lists, one actor with the claims they made.

One reader per shape, for every adapter: `actor_rows` (a list's rows: the API's pages,
`actor list`) and `actor_view` (one actor: the API, `actor show`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import func
from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.actors.records import actor_record
from equipment_db.claims.models import Claim
from equipment_db.claims.text import describe_value
from equipment_db.errors import NotFound
from equipment_db.history.queries import version_fields
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.names import name_key
from equipment_db.reads import every_row
from equipment_db.vocab import ActorKind


def find_actor(session: Session, name: str) -> Actor | None:
    return session.exec(select(Actor).where(Actor.name_key == name_key(name))).first()


def actor_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Each actor's name by id, in one query (none for no ids)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {a.id: a.name for a in session.exec(select(Actor).where(col(Actor.id).in_(wanted)))}  # type: ignore[misc]


def get_actor(session: Session, name: str, *, field: str = "actor") -> Actor:
    actor = find_actor(session, name)
    if actor is None:
        raise NotFound("actor", name, field=field)
    return actor


# --- Lists: filtered keyset pages ---------------------------------------------------------

ActorOrder = Literal["entry", "name"]
_ORDER = {"entry": (col(Actor.id), "_row_id"), "name": (col(Actor.name), "name")}


def actor_rows(
    session: Session,
    *,
    kind: ActorKind | None = None,
    country: str | None = None,
    include_retracted: bool = False,
    order: ActorOrder = "entry",
    limit: int = 100,
    after: Any = None,
) -> list[dict[str, Any]]:
    """Actors as flat rows, in one query: in order of entry (the API's pages) or by name
    (`actor list`), keyset-paginated: `after` is the last row's position, its `_row_id` in
    order of entry, its `name` by name. `country` is a code or a name."""
    column, _ = _ORDER[order]
    statement = select(Actor).order_by(column).limit(limit)
    if after is not None:
        statement = statement.where(column > after)
    if kind is not None:
        statement = statement.where(Actor.kind == kind)
    if country is not None and country.strip():
        statement = statement.where(Actor.country == country_code(country))
    if not include_retracted:
        statement = statement.where(col(Actor.retracted_at).is_(None))
    return [
        {"name": a.name, "kind": a.kind.value, "country": a.country, "role": a.role,
         "retracted": a.is_retracted, "version": a.version,
         "_row_id": a.id}  # the keyset position in order of entry; not shown
        for a in session.exec(statement).all()
    ]  # fmt: skip


def every_actor_row(session: Session, *, include_retracted: bool = False,
                    order: ActorOrder = "name") -> list[dict[str, Any]]:  # fmt: skip
    """Every row `actor_rows` gives, read a page (one statement) at a time."""
    _, position = _ORDER[order]
    return list(every_row(lambda after, limit: actor_rows(session, include_retracted=include_retracted, order=order,
                                                          limit=limit, after=after), position=position))  # fmt: skip


# --- One actor with the claims they made --------------------------------------------------


def actor_view(session: Session, actor: Actor, *, claims_limit: int = 100) -> dict[str, Any]:
    """An actor's record and version fields and the claims they made (at most
    `claims_limit`), with their total."""
    detail = actor_record(actor)
    detail["claims"], detail["claims_total"] = made_claims(session, actor.id, limit=claims_limit)  # type: ignore[arg-type]
    return detail | version_fields(actor)


def made_claims(session: Session, actor_id: int, *, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """The claims an actor made (not retracted), oldest first, and how many: two queries."""
    active = (Claim.claimant_id == actor_id, col(Claim.retracted_at).is_(None))
    rows = session.exec(select(Claim).where(*active).order_by(Claim.id).limit(limit)).all()
    total = session.exec(select(func.count()).select_from(Claim).where(*active)).one()
    return [
        {"id": c.public_id, "kind": c.kind.value, "value_as_worded": describe_value(c),
         "stated": c.stated_edtf, "status": c.verification_status.value}
        for c in rows
    ], total  # fmt: skip
