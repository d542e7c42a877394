"""Stable public ids for claims and sources: short, human-citable, never reused.

`C-` or `S-` and eight Crockford base32 characters (40 random bits). Crockford's
alphabet has no I, L, O or U, so an id read aloud or retyped survives: input is
upper-cased and I/L read as 1, O as 0. Ids are random, not sequential, so they do
not depend on insertion order and survive export and import unchanged; uniqueness
is enforced by the database and nothing is deleted, so an id is never reused.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from equipment_db.errors import AlreadyExists, InvalidValue

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIXES = {"claim": "C", "source": "S"}
_SHAPE = re.compile(r"^([CS])-([0-9A-HJKMNP-TV-Z]{8})$")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_public_id(entity: str) -> str:
    bits = int.from_bytes(secrets.token_bytes(5), "big")  # 40 bits: 8 base32 characters
    body = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{PREFIXES[entity]}-{body}"


def normalise_public_id(text: str, entity: str, *, field: str = "id") -> str:
    candidate = text.strip().upper().translate(_READ_AS)
    if len(candidate) == 9 and "-" not in candidate:
        candidate = f"{candidate[0]}-{candidate[1:]}"
    match = _SHAPE.match(candidate)
    if not match or match.group(1) != PREFIXES[entity]:
        raise InvalidValue(field, text, f"is not a {entity} id (like {PREFIXES[entity]}-7K3Q9XZ2)")
    return candidate


def looks_like_public_id(text: str, entity: str) -> bool:
    try:
        normalise_public_id(text, entity)
    except InvalidValue:
        return False
    return True


def allocate_public_id(session: Session, model: Any, entity: str, given: str | None) -> str:
    """The given id (normalised, refused if taken) or a new random one not yet in use."""
    if given:
        public_id = normalise_public_id(given, entity, field="public_id")
        if session.exec(select(model).where(model.public_id == public_id)).first():
            raise AlreadyExists(entity, "public_id", public_id)
        return public_id
    return draw_public_ids(session, model, entity, 1, set())[0]


def draw_public_ids(session: Session, model: Any, entity: str, count: int, exclude: set[str]) -> list[str]:
    """`count` distinct new random ids, none in the database or in `exclude`; checked against
    the database in one query per round. A draw that is taken (rare: 40 random bits) is
    drawn again. One home for single writes and bulk import."""
    chosen: list[str] = []
    column = model.__table__.c.public_id
    while len(chosen) < count:
        drawn = [new_public_id(entity) for _ in range(count - len(chosen))]
        taken = set(session.execute(sa.select(column).where(column.in_(drawn))).scalars()) | exclude
        for public_id in drawn:
            if public_id not in taken:
                chosen.append(public_id)
                taken.add(public_id)
        exclude = exclude | set(chosen)
    return chosen
