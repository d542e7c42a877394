"""claim list indexes in id order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:20:00.000000

Claim lists are keyset-paginated in id order. With (system_id, country, about_start)
every page of a popular system and country read and sorted all of its claims; with
(system_id, country, id) and (system_id, id) a page reads its 50 rows in order from
the cursor on, so page 200 costs what page 1 does. The period filter is an overlap
(start and end), which about_start alone hardly narrows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_claim_system_country_about", table_name="claim")
    op.create_index("ix_claim_system_country_id", "claim", ["system_id", "country", "id"])
    op.create_index("ix_claim_system_id", "claim", ["system_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_claim_system_id", table_name="claim")
    op.drop_index("ix_claim_system_country_id", table_name="claim")
    op.create_index("ix_claim_system_country_about", "claim", ["system_id", "country", "about_start"])
