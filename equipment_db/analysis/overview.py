"""What the database holds at a glance: how many entries of each kind, the countries its
claims are about, and the latest new and revised claims (the home page and the feeds)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, union_all
from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.catalog.models import System
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import Claim
from equipment_db.history.models import Revision
from equipment_db.normalize.countries import country_name
from equipment_db.sources.models import Source
from equipment_db.vocab import EntityType

CHANGES_MAX = 200


def countries(session: Session) -> list[dict[str, Any]]:
    """Every country a claim that is not retracted names, as its party (`country`) or as its
    counterparty, by code, with how many claims name it each way: two grouped queries."""
    found: dict[str, dict[str, Any]] = {}
    for column, field in ((Claim.country, "claims"), (Claim.counterparty_country, "claims_as_counterparty")):
        rows = session.exec(select(column, func.count()).where(col(column).is_not(None),
                                                               col(Claim.retracted_at).is_(None))
                            .group_by(column)).all()  # fmt: skip
        for code, n in rows:
            row = found.setdefault(code, {"code": code, "name": country_name(code), "claims": 0,
                                          "claims_as_counterparty": 0})  # fmt: skip
            row[field] = n
    return [found[code] for code in sorted(found)]


def holdings(session: Session) -> dict[str, int]:
    """How many systems, claims, sources and actors are current (not retracted), in one
    query, and how many countries their claims name."""
    counts = union_all(*(select(sa.literal(name).label("what"), func.count().label("n"))
                         .select_from(model).where(col(model.retracted_at).is_(None))  # type: ignore[attr-defined]
                         for name, model in (("systems", System), ("claims", Claim), ("sources", Source),
                                             ("actors", Actor))))  # fmt: skip
    found = {what: n for what, n in session.execute(counts).all()}
    return found | {"countries": len(countries(session))}


def claim_changes(session: Session, *, system_id: int | None = None, limit: int = 20) -> list[Revision]:
    """The latest versions of claims (new, revised or retracted), newest first; only those
    of claims about `system_id` when it is given. A version never changes, so each is one
    entry of a feed."""
    statement = (select(Revision).order_by(col(Revision.created_at).desc(), col(Revision.id).desc())
                 .limit(min(limit, CHANGES_MAX)))  # fmt: skip
    if system_id is None:
        # Newest first along ix_revision_created_at, stopping at `limit`: not every claim
        # version (the (entity_type, ...) index) sorted whole.
        return list(session.exec(statement.where(claim_queries.NotIndexed(col(Revision.entity_type))
                                                 == EntityType.claim)).all())  # fmt: skip
    statement = statement.where(Revision.entity_type == EntityType.claim).join(
        Claim, col(Claim.id) == Revision.entity_id).where(Claim.system_id == system_id)  # fmt: skip
    return list(session.exec(statement).all())
