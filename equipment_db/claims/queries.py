"""Reads of claims: by public id, their citations and links, a filtered list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors import queries as actor_queries
from equipment_db.actors.models import Actor
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog.models import System
from equipment_db.claims.models import Citation, Claim, ClaimLink
from equipment_db.claims.text import describe_value
from equipment_db.errors import NotFound
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.dates import format_partial, format_period
from equipment_db.publicid import normalise_public_id
from equipment_db.sources import queries as source_queries
from equipment_db.sources.models import Source
from equipment_db.vocab import ClaimKind, Rank, VerificationStatus


def find_claim(session: Session, key: str) -> Claim | None:
    public_id = normalise_public_id(key, "claim", field="claim")
    return session.exec(select(Claim).where(Claim.public_id == public_id)).first()


def get_claim(session: Session, key: str, *, field: str = "claim") -> Claim:
    claim = find_claim(session, key)
    if claim is None:
        raise NotFound("claim", key, field=field)
    return claim


def citations(
    session: Session, claim_id: int, *, include_retracted: bool = False
) -> Sequence[tuple[Citation, Source]]:
    statement = (
        select(Citation, Source)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(Citation.claim_id == claim_id)
        .order_by(Citation.id)
    )
    if not include_retracted:
        statement = statement.where(col(Citation.retracted_at).is_(None))
    return session.exec(statement).all()


def links(session: Session, claim_id: int) -> Sequence[ClaimLink]:
    statement = (
        select(ClaimLink)
        .where((ClaimLink.from_claim_id == claim_id) | (ClaimLink.to_claim_id == claim_id))
        .where(col(ClaimLink.retracted_at).is_(None))
        .order_by(ClaimLink.id)
    )
    return session.exec(statement).all()


@dataclass(frozen=True)
class ClaimFilter:
    system_id: int | None = None
    country: str | None = None
    kind: ClaimKind | None = None
    claimant_id: int | None = None
    source_id: int | None = None
    status: VerificationStatus | None = None
    include_deprecated: bool = False
    include_retracted: bool = False


def filter_from_input(
    session: Session,
    *,
    system: str | None = None,
    country: str | None = None,
    kind: ClaimKind | None = None,
    claimant: str | None = None,
    source: str | None = None,
    status: VerificationStatus | None = None,
    include_deprecated: bool = False,
    include_retracted: bool = False,
) -> ClaimFilter:
    """A filter from what a person typed: system by alias, country by name, and so on."""
    return ClaimFilter(
        system_id=catalog_queries.get_system(session, system).id if system else None,
        country=country_code(country) if country else None,
        kind=kind,
        claimant_id=actor_queries.get_actor(session, claimant, field="claimant").id if claimant else None,
        source_id=source_queries.get_source(session, source).id if source else None,
        status=status,
        include_deprecated=include_deprecated,
        include_retracted=include_retracted,
    )


def claim_rows(
    session: Session, where: ClaimFilter, *, limit: int = 100, after_id: int | None = None
) -> list[dict[str, Any]]:
    """Claims as flat rows for listings, in one query (systems and claimants joined)."""
    statement = _filtered(
        select(Claim, System.slug, Actor.name)
        .outerjoin(System, col(System.id) == Claim.system_id)
        .outerjoin(Actor, col(Actor.id) == Claim.claimant_id),
        where,
        limit=limit,
        after_id=after_id,
    )
    rows = []
    for claim, slug, claimant in session.exec(statement).all():
        rows.append(
            {
                "id": claim.public_id,
                "kind": claim.kind.value,
                "subject": slug or claim.subject,
                "country": claim.country,
                "value": describe_value(claim),
                "claimant": claimant,
                "stated": format_partial(claim.stated_on, claim.stated_precision)
                if claim.stated_on
                else None,
                "about": (
                    format_period(claim.about_start, claim.about_end, claim.about_precision)
                    if claim.about_start and claim.about_end and claim.about_precision
                    else None
                ),
                "status": claim.verification_status.value,
                "retracted": claim.is_retracted,
            }
        )
    return rows


def list_claims(
    session: Session, where: ClaimFilter, *, limit: int = 100, after_id: int | None = None
) -> Sequence[Claim]:
    """Claims in id order, keyset-paginated by `after_id` (never OFFSET)."""
    return session.exec(_filtered(select(Claim), where, limit=limit, after_id=after_id)).all()


def _filtered(statement: Any, where: ClaimFilter, *, limit: int, after_id: int | None) -> Any:
    statement = statement.order_by(Claim.id).limit(limit)
    if after_id is not None:
        statement = statement.where(Claim.id > after_id)
    if where.system_id is not None:
        statement = statement.where(Claim.system_id == where.system_id)
    if where.country is not None:
        statement = statement.where(Claim.country == where.country)
    if where.kind is not None:
        statement = statement.where(Claim.kind == where.kind)
    if where.claimant_id is not None:
        statement = statement.where(Claim.claimant_id == where.claimant_id)
    if where.status is not None:
        statement = statement.where(Claim.verification_status == where.status)
    if where.source_id is not None:
        cited = select(Citation.claim_id).where(
            Citation.source_id == where.source_id, col(Citation.retracted_at).is_(None)
        )
        statement = statement.where(col(Claim.id).in_(cited))
    if not where.include_deprecated:
        statement = statement.where(Claim.rank != Rank.deprecated)
    if not where.include_retracted:
        statement = statement.where(col(Claim.retracted_at).is_(None))
    return statement
