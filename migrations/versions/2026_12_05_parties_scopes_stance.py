"""parties beyond countries, the scopes reporting uses, and a claim's stance

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 02:00:00.000000

- A claim's party (holder, recipient) and counterparty (supplier, captor) may be an actor (an
  armed group, an organisation, a company) or explicitly unknown, not only a country:
  claim.party_actor_id, claim.party_unknown, claim.counterparty_actor_id,
  claim.counterparty_unknown. Existing rows keep their countries and get neither.
- The scope vocabulary widens with pledged, approved, offered, captured and destroyed. Every
  existing scope keeps its value and its meaning (no row changes): an order stays an order.
- claim.stance: affirms or denies. Every existing claim affirms (what it stored before).

Plain ALTER TABLE on both engines (a batch rebuild on SQLite would drop the claim table's
search and aggregate triggers); the scope CHECK is widened as revision 0008 widened the
qualifier's. The downgrade refuses while any row uses what revision 0012 cannot hold.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from equipment_db.migrate import revision_module

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPES_BEFORE = ("inventory", "deployed", "mobilised", "ordered", "delivered", "produced", "used", "lost")
SCOPES_AFTER = ("pledged", "approved", "offered", "ordered", "delivered", "inventory", "deployed", "mobilised",
                "produced", "used", "lost", "captured", "destroyed")  # fmt: skip
NEW_SCOPES = tuple(s for s in SCOPES_AFTER if s not in SCOPES_BEFORE)


def _widen(name: str, old: Sequence[str], new: Sequence[str]) -> None:
    """Replace claim's CHECK constraint on `name` (revision 0008's procedure, both engines)."""
    bind = op.get_bind()

    def check(values: Sequence[str]) -> str:
        return f"{name} IN (" + ", ".join(f"'{value}'" for value in values) + ")"

    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE claim DROP CONSTRAINT ck_claim_{name}")
        op.execute(f"ALTER TABLE claim ADD CONSTRAINT ck_claim_{name} CHECK ({check(new)})")
        return
    widen = revision_module("2026_12_04_qualifier_words.py").edit_claim_sql
    widen(bind, check(old), check(new), what=f"claim's {name} constraint")


def upgrade() -> None:
    bind = op.get_bind()
    _widen("scope", SCOPES_BEFORE, SCOPES_AFTER)
    false = "false" if bind.dialect.name == "postgresql" else "0"
    for side in ("party", "counterparty"):
        op.execute(f"ALTER TABLE claim ADD COLUMN {side}_actor_id INTEGER REFERENCES actor (id)")
        op.execute(f"ALTER TABLE claim ADD COLUMN {side}_unknown BOOLEAN NOT NULL DEFAULT {false}")
        op.create_index(f"ix_claim_{side}_actor_id", "claim", [f"{side}_actor_id"])
    op.execute("ALTER TABLE claim ADD COLUMN stance VARCHAR(7) NOT NULL DEFAULT 'affirms' "
               "CONSTRAINT ck_claim_stance CHECK (stance IN ('affirms', 'denies'))")  # fmt: skip


def downgrade() -> None:
    bind = op.get_bind()
    scopes = ", ".join(f"'{s}'" for s in NEW_SCOPES)
    used = bind.execute(sa.text(
        f"SELECT count(*) FROM claim WHERE scope IN ({scopes}) OR stance = 'denies' OR party_actor_id IS NOT NULL "
        "OR counterparty_actor_id IS NOT NULL OR party_unknown OR counterparty_unknown"
    )).scalar_one()  # fmt: skip
    if used:
        raise RuntimeError(f"{used} claim(s) use a scope ({', '.join(NEW_SCOPES)}), a denial or a party that is not "
                           "a country, which revision 0012 cannot hold; restate them first: nothing is converted "
                           "silently")  # fmt: skip
    op.execute("ALTER TABLE claim DROP COLUMN stance")
    for side in ("counterparty", "party"):
        op.drop_index(f"ix_claim_{side}_actor_id", "claim")
        op.execute(f"ALTER TABLE claim DROP COLUMN {side}_unknown")
        op.execute(f"ALTER TABLE claim DROP COLUMN {side}_actor_id")
    _widen("scope", SCOPES_AFTER, SCOPES_BEFORE)
