"""the source's numbers kept as given: claim.original_low, claim.original_high

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 01:00:00.000000

A value was kept only as its canonical conversion, a binary float ("2,100 km/h" as
583.333333333 m/s), and shown by converting back. The source's numbers are now kept beside it
as exact decimal text in the unit the source used. Existing rows keep every value unchanged and
get no source numbers: what the source wrote is not known for them, and inventing it from the
float would state a precision no one gave. They are shown, as before, converted back and
rounded to 12 significant digits. Downgrading moves the source numbers into a side table,
claim_given_numbers, which an upgrade reads back: nothing is lost on the way down and up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SIDE = "claim_given_numbers"  # the source numbers while the schema is below this revision


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: a batch rebuild on SQLite would drop the claim table's
    # search and aggregate triggers.
    op.add_column("claim", sa.Column("original_low", sa.String(length=40), nullable=True))
    op.add_column("claim", sa.Column("original_high", sa.String(length=40), nullable=True))
    bind = op.get_bind()
    if SIDE in sa.inspect(bind).get_table_names():
        bind.execute(sa.text(
            f"UPDATE claim SET original_low = (SELECT s.original_low FROM {SIDE} s WHERE s.claim_id = claim.id), "
            f"original_high = (SELECT s.original_high FROM {SIDE} s WHERE s.claim_id = claim.id) "
            f"WHERE id IN (SELECT claim_id FROM {SIDE})"
        ))  # fmt: skip
        op.drop_table(SIDE)


def downgrade() -> None:
    op.create_table(
        SIDE,
        sa.Column("claim_id", sa.Integer(), primary_key=True),
        sa.Column("original_low", sa.String(length=40), nullable=True),
        sa.Column("original_high", sa.String(length=40), nullable=True),
    )
    op.execute(f"INSERT INTO {SIDE} (claim_id, original_low, original_high) SELECT id, original_low, original_high "
               "FROM claim WHERE original_low IS NOT NULL OR original_high IS NOT NULL")  # fmt: skip
    op.drop_column("claim", "original_high")  # SQLite 3.35+ drops a column in place
    op.drop_column("claim", "original_low")
