"""The rules of claim links, in one place: which two claims a link may join, and which links
may stand together on one pair of claims. `claims.service` applies them to every link written
(`claim link`, `claim relink`, import and seed records); `docs/CLI.md` states them (the help
of `claim link`).

Which claims (`differing`):
- `same_as` (one statement, reported twice) and `supersedes` (a newer or corrected statement
  replaces an older one) join statements about one thing: the same system (or both without
  one), the same attribute, and claim kinds of one family. The quantity kinds (inventory,
  deployment, transfer, production, use, loss) are one family: an outlet relaying "deployed"
  as "has", or a correction, may change it, and may change the country or what is counted.
- `corroborates` and `contradicts` compare values, like with like: also the same claim kind,
  target type, related system, countries, counted and scope. A count of missiles neither
  corroborates nor contradicts a count of launchers, nor Venezuela's holdings Cuba's.

Which links on one pair (`clash`), counting only active links:
- `same_as` stands alone: a statement cannot corroborate, contradict or supersede itself;
- `corroborates` and `contradicts` exclude each other;
- `supersedes` goes one way: A supersedes B and B supersedes A cannot both hold;
- a link is not entered twice (`same_as`, `corroborates`, `contradicts` read both ways).
"""

from __future__ import annotations

from typing import Any

from equipment_db.claims.models import Claim, ClaimLink
from equipment_db.claims.rules import QUANTITY_KINDS
from equipment_db.vocab import LinkKind

SYMMETRIC = frozenset({LinkKind.same_as, LinkKind.corroborates, LinkKind.contradicts})
VALUE_LINKS = frozenset({LinkKind.corroborates, LinkKind.contradicts})

# (what an editor calls it, the column): what two linked claims must share.
_SAME_THING = (("system", "system_id"), ("claim kind", "family"), ("attribute", "attribute"))
_SAME_VALUE = (
    ("system", "system_id"), ("claim kind", "kind"), ("attribute", "attribute"),
    ("target type", "target_type_id"), ("related system", "related_system_id"), ("country", "country"),
    ("party", "party_actor_id"), ("party", "party_unknown"), ("counterparty", "counterparty_country"),
    ("counterparty", "counterparty_actor_id"), ("counterparty", "counterparty_unknown"), ("counted", "counted"),
    ("scope", "scope"),
)  # fmt: skip

RULE = {
    LinkKind.same_as: "same_as and supersedes need the same system, attribute and kind of claim "
                      "(the quantity kinds count as one)",
    LinkKind.corroborates: "corroborates and contradicts compare like with like: the same system, claim "
                           "kind, attribute, target type, related system, countries, counted and scope",
}  # fmt: skip
RULE[LinkKind.supersedes] = RULE[LinkKind.same_as]
RULE[LinkKind.contradicts] = RULE[LinkKind.corroborates]


def _column(claim: Claim, column: str) -> Any:
    if column == "family":
        return "quantity" if claim.kind in QUANTITY_KINDS else claim.kind
    return getattr(claim, column)


def differing(kind: LinkKind, first: Claim, second: Claim) -> tuple[str, str, Any, Any] | None:
    """What keeps `first` and `second` from being linked `kind`: (what, column, first's value,
    second's value) of the first thing they must share and do not; None if they may be linked."""
    for label, column in _SAME_VALUE if kind in VALUE_LINKS else _SAME_THING:
        if _column(first, column) != _column(second, column):
            column = "kind" if column == "family" else column
            return label, column, getattr(first, column), getattr(second, column)
    return None


def clash(kind: LinkKind, from_id: int, to_id: int, existing: ClaimLink) -> str | None:
    """How `existing`, an active link on the pair {from_id, to_id}, rules out the link
    FROM `kind` TO: "duplicates" or "conflicts with"; None if both may stand."""
    forward = existing.from_claim_id == from_id and existing.to_claim_id == to_id
    if existing.kind == kind and (forward or kind in SYMMETRIC):
        return "duplicates"
    kinds = {kind, existing.kind}
    if LinkKind.same_as in kinds or kinds == VALUE_LINKS or (kinds == {LinkKind.supersedes} and not forward):
        return "conflicts with"
    return None
