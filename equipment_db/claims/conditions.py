"""Conditions on claims that readers of several domains share (a system's, a target type's).

Kept apart from `claims.queries`, which reads systems, actors and sources itself: the
catalogue's readers can use these without a circular import.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlmodel import col, select

from equipment_db.claims.models import Claim
from equipment_db.vocab import ClaimKind, Rank


def active() -> Any:
    """Claims neither retracted nor deprecated."""
    return and_(col(Claim.retracted_at).is_(None), Claim.rank != Rank.deprecated)


def capable_systems(target_type_id: int) -> Any:
    """The ids of systems that an active capability claim says can engage the target type."""
    return select(Claim.system_id).where(
        Claim.kind == ClaimKind.capability, Claim.target_type_id == target_type_id, active()
    )
