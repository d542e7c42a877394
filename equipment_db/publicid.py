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

from equipment_db.errors import InvalidValue

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIXES = {"claim": "C", "source": "S"}
_SHAPE = re.compile(r"^([CS])-([0-9A-HJKMNP-TV-Z]{8})$")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_public_id(entity: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
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
