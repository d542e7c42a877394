"""an external id may name a part of the record it points to

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 10:00:00.000000

A register has one row per deal and delivery year: the deal's id alone does not say which
row a claim is. external_id.part (up to 50 characters, NULL when the id names the whole
record) holds that part, such as the delivery year. No existing row changes.

Revision 0017 has no column for a part: the downgrade writes it into the value as
VALUE#part=PART (a value cannot hold "#part=" otherwise: the upgrade refuses one that
does), and the upgrade reads it back, so a step down and up keeps every id as it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


MARK = "#part="


def upgrade() -> None:
    op.execute("ALTER TABLE external_id ADD COLUMN part VARCHAR(50)")
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, value FROM external_id WHERE value LIKE :mark"),
                        {"mark": f"%{MARK}%"}).all()  # fmt: skip
    for row_id, value in rows:
        kept, _, part = value.rpartition(MARK)
        if not kept or not part or MARK in kept or len(part) > 50:
            raise RuntimeError(f"external id {row_id}: value {value!r} holds {MARK!r} but is not VALUE{MARK}PART "
                               "as revision 0018's downgrade writes it; nothing is converted silently")  # fmt: skip
        bind.execute(sa.text("UPDATE external_id SET value = :value, part = :part WHERE id = :id"),
                     {"value": kept, "part": part, "id": row_id})  # fmt: skip


def downgrade() -> None:
    bind = op.get_bind()
    long = bind.execute(sa.text("SELECT count(*) FROM external_id WHERE part IS NOT NULL AND "
                                "length(value) + length(part) + :mark > 200"), {"mark": len(MARK)}).scalar_one()  # fmt: skip
    if long:
        raise RuntimeError(f"{long} external id(s) are too long to hold their part in their value (200 "
                           "characters), as revision 0017 would need; nothing is converted silently")  # fmt: skip
    bind.execute(sa.text(f"UPDATE external_id SET value = value || '{MARK}' || part WHERE part IS NOT NULL"))
    op.execute("ALTER TABLE external_id DROP COLUMN part")
