"""The import/export records of claims, their citations and the links between them.

Records refer to each other by natural key: systems and target types by slug, the claimant
by name, claims and sources by public id. Values are given in the unit the source used
(`unit` is the original unit), so that a record re-imports to the same canonical value;
`stated` and `about` are EDTF as stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.catalog.models import ExternalId, System, TargetType
from equipment_db.catalog.records import external_id_record
from equipment_db.claims.models import Citation, Claim, ClaimLink
from equipment_db.claims.text import party_record
from equipment_db.normalize.units import from_canonical
from equipment_db.vocab import EntityType

CLAIM_FIELDS = (
    "id", "kind", "system", "subject", "attribute", "target_type", "related_system", "country",
    "counterparty_country", "party", "counterparty", "location", "value_low", "value_high", "unit", "qualifier",
    "value_text", "counted", "scope", "stance", "claimant", "claimants", "stated", "about", "verification_status",
    "verification_note", "rank", "reliability", "credibility", "assessment_rationale", "note", "external_ids",
)  # fmt: skip


def _value(enum_or_value: Any) -> Any:
    return getattr(enum_or_value, "value", enum_or_value)


def _number(value: float | None, given: str | None, claim: Claim) -> float | int | None:
    """A value in the unit the source used: its number as given when kept, else converted back."""
    if value is None:
        return None
    if given is not None:
        exact = Decimal(given)
        return int(exact) if exact == exact.to_integral_value() else float(exact)
    if claim.unit and claim.original_unit and claim.original_unit != claim.unit:
        value = from_canonical(value, claim.unit, claim.original_unit)
    value = round(value, 9)
    return int(value) if value == int(value) else value


def claim_record(
    claim: Claim, refs: dict[str, Any], external_ids: list[dict[str, str]]
) -> dict[str, Any]:
    """`refs`: system, related_system, target_type (slugs), claimant (name) and claimants (names,
    when several)."""
    record = {
        "type": "claim", "id": claim.public_id, "kind": claim.kind.value, "system": refs.get("system"),
        "subject": claim.subject, "attribute": _value(claim.attribute), "target_type": refs.get("target_type"),
        "related_system": refs.get("related_system"), "country": claim.country,
        "counterparty_country": claim.counterparty_country,
        "party": party_record(refs.get("party_actor"), claim.party_unknown),
        "counterparty": party_record(refs.get("counterparty_actor"), claim.counterparty_unknown),
        "location": claim.location,
        "value_low": _number(claim.value_low, claim.original_low, claim),
        "value_high": _number(claim.value_high, claim.original_high, claim),
        "unit": claim.original_unit or claim.unit, "qualifier": _value(claim.qualifier),
        "value_text": claim.value_text, "counted": _value(claim.counted), "scope": _value(claim.scope),
        "stance": _value(claim.stance),
        "claimant": refs.get("claimant"), "claimants": refs.get("claimants"), "stated": claim.stated_edtf,
        "about": claim.about_edtf,
        "verification_status": claim.verification_status.value, "verification_note": claim.verification_note,
        "rank": claim.rank.value, "reliability": _value(claim.reliability),
        "credibility": _value(claim.credibility), "assessment_rationale": claim.assessment_rationale,
        "note": claim.note,
    }  # fmt: skip
    if external_ids:
        record["external_ids"] = external_ids
    return record


def citation_record(citation: Citation, claim_public_id: str, source_public_id: str) -> dict[str, Any]:
    return {
        "type": "citation", "claim": claim_public_id, "source": source_public_id, "quote": citation.quote,
        "locator": citation.locator, "role": citation.role.value,
    }  # fmt: skip


def link_record(link: ClaimLink, from_public_id: str, to_public_id: str) -> dict[str, Any]:
    return {"type": "claim_link", "from_claim": from_public_id, "to_claim": to_public_id,
            "kind": link.kind.value, "note": link.note}  # fmt: skip


def claim_refs(session: Session, claim: Claim) -> dict[str, Any]:
    """The natural keys one claim's record refers to (for one claim; an export reads them in bulk)."""

    def slug(model: type[System] | type[TargetType], key: int | None) -> str | None:
        row = session.get(model, key) if key is not None else None
        return row.slug if row else None

    def name(key: int | None) -> str | None:
        actor = session.get(Actor, key) if key is not None else None
        return actor.name if actor else None

    return {
        "system": slug(System, claim.system_id),
        "related_system": slug(System, claim.related_system_id),
        "target_type": slug(TargetType, claim.target_type_id),
        "claimant": name(claim.claimant_id),
        "claimants": [name(i) for i in claim.claimant_ids] if claim.claimant_ids else None,
        "party_actor": name(claim.party_actor_id),
        "counterparty_actor": name(claim.counterparty_actor_id),
    }


def claim_external_ids(session: Session, claim_id: int) -> list[dict[str, str]]:
    rows = session.exec(
        select(ExternalId.scheme, ExternalId.value, ExternalId.part)
        .where(ExternalId.entity_type == EntityType.claim, ExternalId.entity_id == claim_id,
               col(ExternalId.retracted_at).is_(None))
        .order_by(ExternalId.scheme, ExternalId.value, ExternalId.part)
    ).all()  # fmt: skip
    return [external_id_record(scheme, value, part) for scheme, value, part in rows]
